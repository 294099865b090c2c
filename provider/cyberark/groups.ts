import { PamError } from "../http";
import type { CyberArkClient } from "./client";
import { asApiError, isAlreadyMember } from "./errors";
import { groupListSchema, groupSchema } from "./schemas";
import { apiPath, checkQueryValue, urlValueProblem, CyberArkUrlValueError } from "./url";

/** A Vault (or Directory) group as read from PVWA. */
export interface VaultGroupInfo {
  id: number;
  groupName: string;
  /** "Vault" or "Directory". */
  groupType?: string;
  description?: string;
  location?: string;
  /** Present when read with members: member names as PVWA lists them (domain members by name only). */
  members?: Array<{ name: string; id?: number }>;
}

/** A member to add: a Vault user, or a domain user or group with its DNS domain (https://docs.cyberark.com/PAS/Latest/en/Content/WebServices/AddMemberToGroup%20v10.htm). */
export interface GroupMemberSpec {
  name: string;
  /** Default "vault". */
  type?: "vault" | "domain";
  /** Required for `type: "domain"`. */
  domainName?: string;
}

/** More than one group has exactly this name (search is fuzzy, so PVWA may hold near-duplicates). Code `CYBERARK_GROUP_AMBIGUOUS`. */
export class CyberArkAmbiguousGroupError extends PamError {
  readonly code = "CYBERARK_GROUP_AMBIGUOUS";
  constructor(name: string, ids: number[]) {
    super(`cyberark: ${ids.length} groups are named "${name}" (ids ${ids.join(", ")}); rename all but one, or refer to the group by id`);
  }
}

function toInfo(g: { id: number; groupName: string; groupType?: string; description?: string; location?: string; members?: Array<{ UserName: string; id?: number }> }): VaultGroupInfo {
  return {
    id: g.id,
    groupName: g.groupName,
    groupType: g.groupType,
    description: g.description,
    location: g.location,
    ...(g.members ? { members: g.members.map((m) => ({ name: m.UserName, ...(m.id !== undefined ? { id: m.id } : {}) })) } : {}),
  };
}

/**
 * Finds a group by exact name (case-insensitive): `GET /UserGroups?search=<name>` is a fuzzy
 * "contains" match, so the exact match is made here and more than one is an error, as CyberArk's Ansible
 * collection does (https://docs.cyberark.com/PAS/Latest/en/Content/WebServices/GetGroupsFromVault.htm). Avoids `filter=groupName eq`
 * (12.2+, and psPAS shows its value quoting changed in 14.6).
 * `includeMembers` needs PVWA 12.0+ and is gated on the server version.
 */
export async function findGroupByName(client: CyberArkClient, name: string, opts: { includeMembers?: boolean } = {}): Promise<VaultGroupInfo | undefined> {
  checkQueryValue("group name", name);
  if (opts.includeMembers) await client.requireVersion("12.0", "listing group members (includeMembers)");
  const r = await client.request({
    method: "GET",
    path: "/API/UserGroups",
    query: { search: name, ...(opts.includeMembers ? { includeMembers: true } : {}) },
    schema: groupListSchema(),
  });
  const exact = r.data.value.filter((g) => g.groupName.toLowerCase() === name.toLowerCase());
  if (exact.length > 1) throw new CyberArkAmbiguousGroupError(name, exact.map((g) => g.id));
  return exact.length ? toInfo(exact[0]) : undefined;
}

/** `GET /UserGroups/{id}` (12.6+, https://docs.cyberark.com/PAS/12.6/en/Content/WebServices/GetGroupDetails.htm); undefined on 404. */
export async function getGroup(client: CyberArkClient, id: number, opts: { includeMembers?: boolean } = {}): Promise<VaultGroupInfo | undefined> {
  await client.requireVersion("12.6", "reading a group by id");
  try {
    const r = await client.request({ method: "GET", path: apiPath`UserGroups/${id}/`, query: opts.includeMembers ? { includeMembers: true } : undefined, schema: groupSchema() });
    return toInfo(r.data);
  } catch (e) {
    if (asApiError(e)?.status === 404) return undefined;
    throw e;
  }
}

/** `POST /UserGroups` (11.1+; 201 documented, 200 seen in CyberArk's mock, both accepted). A duplicate name throws the ConflictError PVWA answers. */
export async function createGroup(client: CyberArkClient, spec: { groupName: string; description?: string; location?: string }): Promise<VaultGroupInfo> {
  await client.requireVersion("11.1", "creating groups");
  const r = await client.request({
    method: "POST",
    path: "/API/UserGroups",
    json: { groupName: spec.groupName, description: spec.description ?? "", location: spec.location ?? "\\" },
    schema: groupSchema(),
  });
  return toInfo(r.data);
}

/** `DELETE /UserGroups/{id}` (11.5+, https://docs.cyberark.com/PAS/Latest/en/Content/SDK/Users%20Web%20Services%20-%20Delete%20User%20Group.htm). "absent" on 404. */
export async function deleteGroup(client: CyberArkClient, id: number): Promise<"deleted" | "absent"> {
  await client.requireVersion("11.5", "deleting groups");
  try {
    await client.request({ method: "DELETE", path: apiPath`UserGroups/${id}`, allowEmpty: true });
    return "deleted";
  } catch (e) {
    if (asApiError(e)?.status === 404) return "absent";
    throw e;
  }
}

/**
 * `POST /UserGroups/{id}/Members/` with `{memberId: <name>, memberType, domainName}` (`memberId` is a NAME,
 * https://docs.cyberark.com/PAS/Latest/en/Content/WebServices/AddMemberToGroup%20v10.htm). 409 PASWS213E / ITATS262E means "already a member".
 */
export async function addGroupMember(client: CyberArkClient, groupId: number, member: GroupMemberSpec): Promise<"added" | "already-member"> {
  const type = member.type ?? "vault";
  if (type === "domain" && !member.domainName) {
    throw new CyberArkUrlValueError("domainName", "", `member ${member.name} has type "domain" and needs its DNS domain name`);
  }
  try {
    await client.request({
      method: "POST",
      path: apiPath`UserGroups/${groupId}/Members/`,
      json: { memberId: member.name, memberType: type, ...(type === "domain" ? { domainName: member.domainName } : {}) },
      allowEmpty: true,
    });
    return "added";
  } catch (e) {
    if (isAlreadyMember(e)) return "already-member";
    throw e;
  }
}

/**
 * `DELETE /UserGroups/{id}/Members/{name}/` (https://docs.cyberark.com/PAS/Latest/en/Content/WebServices/RemoveUserFromGroup.htm; the trailing `/` keeps
 * IIS from answering 404 for names with a dot). A 404 is read as "already absent" (inferred: the real answer
 * for an absent member is undocumented).
 * Choice: the 404 could also mean an unknown group; callers that must tell them apart read the group first.
 */
export async function removeGroupMember(client: CyberArkClient, groupId: number, memberName: string): Promise<"removed" | "absent"> {
  const problem = urlValueProblem(memberName);
  if (problem) throw new CyberArkUrlValueError("member name", memberName, problem);
  try {
    await client.request({ method: "DELETE", path: apiPath`UserGroups/${groupId}/Members/${memberName}`, allowEmpty: true });
    return "removed";
  } catch (e) {
    if (asApiError(e)?.status === 404) return "absent";
    throw e;
  }
}
