import * as pulumi from "@pulumi/pulumi";
import { PsmSuspendPermission } from "pulumi-pam";

// Connection: stack config cyberark:url, cyberark:username, cyberark:password (secret), cyberark:caCertificates.
const config = new pulumi.Config("cyberark-suspend-permission");

/** A member as written in config: "jdoe" (Vault user) or "soc-analysts@corp.example.com" (domain group or user). */
const member = (m: string) => {
  const at = m.lastIndexOf("@");
  return at > 0 ? { name: m.slice(0, at), type: "domain" as const, domain: m.slice(at + 1) } : { name: m };
};

// The SOC may suspend and resume live sessions. PVWA has no REST API for the Options list or for
// AllowPSMNotifications: an administrator sets both once, and this program states that they did.
const suspenders = new PsmSuspendPermission("soc-suspenders", {
  groupName: config.get("suspendGroup") ?? "SOCSessionSuspenders",
  members: config.requireObject<string[]>("suspenders").map(member),
  right: "suspend",
  acknowledgeManualOptions: { allowPsmNotifications: true, groupListedInSuspendingUsersAndGroups: true },
});

// Incident responders may terminate: the built-in PSMLiveSessionTerminators group, adopted (delete keeps it,
// and removes only the members this program added). Declared only when `terminators` is set, so that
// omitting it leaves the terminate right exactly as it is. Adoption fails, naming them, if the group has
// members not listed here (`pam-export cyberark --group PSMLiveSessionTerminators` writes the current list).
const terminatorList = config.getObject<string[]>("terminators");
const terminators =
  terminatorList === undefined
    ? undefined
    : new PsmSuspendPermission("incident-terminators", {
        groupName: "PSMLiveSessionTerminators",
        adoptExisting: true,
        members: terminatorList.map(member),
        right: "terminate",
        acknowledgeManualOptions: { groupListedInTerminatingUsersAndGroups: true },
      });

/** Vault group ids and the members PVWA lists. */
export const suspendGroup = { id: suspenders.groupId, members: suspenders.actualMembers, inSync: suspenders.membersInSync };
export const terminateGroup = terminators && { id: terminators.groupId, members: terminators.actualMembers, membersBeforeAdoption: terminators.membersBeforeAdoption };
