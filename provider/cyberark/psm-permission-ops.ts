/**
 * The REST side of `PsmSuspendPermission`: resolve or create the Vault
 * group, reconcile its membership exactly, read it back, and the optional read-only verification
 * that logs on as a member and reads CanSuspend / CanTerminate on a live session.
 */
import { membersToRelease } from "../dynamic/adoption";
import { PamError } from "../http";
import type { CyberArkClient } from "./client";
import type { CyberArkConnection } from "./connection";
import { addGroupMember, createGroup, findGroupByName, getGroup, removeGroupMember, type VaultGroupInfo } from "./groups";
import { listLiveSessions } from "./live-sessions";
import { withPvwa } from "./context";
import { LIVE_SESSIONS_OPTIONS_PATH, RIGHT_LIST, type PsmMember, type PsmRight, type PsmVerification } from "./psm-permission-schema";

/** The group cannot be managed as asked (exists without adoption, is a Directory group, …). Code `CYBERARK_PERMISSION_REFUSED`. */
export class CyberArkPermissionRefusedError extends PamError {
  readonly code = "CYBERARK_PERMISSION_REFUSED";
}

/** Default description of a group this resource creates. */
const DESCRIPTION: Record<PsmRight, string> = {
  suspend: "Members may suspend and resume PSM live sessions (managed by pulumi-pam)",
  terminate: "Members may terminate PSM live sessions (managed by pulumi-pam)",
};

/** The group and whether it was adopted; `before` is its membership when found. */
export interface EnsuredGroup {
  group: VaultGroupInfo;
  adopted: boolean;
  before: string[];
}

/**
 * Finds the group by exact name ([DOC]: search is fuzzy, exact match client-side). An existing
 * group is adopted only when `adoptExisting` is true; otherwise it is created (`POST /UserGroups`).
 */
export async function ensureGroup(client: CyberArkClient, groupName: string, right: PsmRight, adoptExisting: boolean): Promise<EnsuredGroup> {
  const found = await findGroupByName(client, groupName, { includeMembers: true });
  if (found) {
    if (found.groupType && found.groupType.toLowerCase() !== "vault") {
      throw new CyberArkPermissionRefusedError(`cyberark: group "${found.groupName}" is a ${found.groupType} group; its members are managed in the directory. Use a Vault group`);
    }
    if (!adoptExisting) {
      throw new CyberArkPermissionRefusedError(
        `cyberark: Vault group "${found.groupName}" (id ${found.id}) already exists. Set adoptExisting: true to manage it ` +
          "(adoption refuses if it has members you do not declare, unless removeUnlistedMembers: true; delete keeps the group), or choose another groupName",
      );
    }
    return { group: found, adopted: true, before: (found.members ?? []).map((m) => m.name) };
  }
  const group = await createGroup(client, { groupName, description: DESCRIPTION[right] });
  return { group: { ...group, members: [] }, adopted: false, before: [] };
}

/**
 * Reads the group with its members by id (`GET /UserGroups/{id}`, 12.6+), or on older PVWA by name,
 * accepting only the same id. Undefined when it is gone.
 */
export async function readGroup(client: CyberArkClient, id: number, name: string): Promise<VaultGroupInfo | undefined> {
  try {
    return await getGroup(client, id, { includeMembers: true });
  } catch (e) {
    if ((e as PamError).code !== "CYBERARK_VERSION_TOO_OLD") throw e;
  }
  const g = await findGroupByName(client, name, { includeMembers: true });
  return g && g.id === id ? g : undefined;
}

/** Member names as PVWA lists them, sorted case-insensitively (stable outputs). */
export const memberNames = (g: VaultGroupInfo | undefined): string[] =>
  (g?.members ?? []).map((m) => m.name).sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));

/** True when PVWA's member names equal the declared names (case-insensitive: PVWA matches names that way, [INF]). */
export function sameMembers(actual: string[], declared: PsmMember[]): boolean {
  const a = actual.map((n) => n.toLowerCase()).sort();
  const d = declared.map((m) => m.name.toLowerCase()).sort();
  return JSON.stringify(a) === JSON.stringify(d);
}

/**
 * Makes the membership exactly `declared`: adds the missing ones (409 PASWS213E = already there,
 * [DOC] ANS) and removes the others (404 = already gone, [INF]). Members are keyed by name,
 * because PVWA lists them by name only (https://docs.cyberark.com/PAS/12.6/en/Content/WebServices/GetGroupDetails.htm). Returns what changed.
 */
export async function reconcileMembers(client: CyberArkClient, groupId: number, current: string[], declared: PsmMember[]): Promise<{ added: string[]; removed: string[] }> {
  const want = new Set(declared.map((m) => m.name.toLowerCase()));
  const have = new Set(current.map((n) => n.toLowerCase()));
  const added: string[] = [];
  const removed: string[] = [];
  for (const m of declared) {
    if (have.has(m.name.toLowerCase())) continue;
    await addGroupMember(client, groupId, { name: m.name, type: m.type ?? "vault", domainName: m.domain });
    added.push(m.name);
  }
  for (const n of current) {
    if (want.has(n.toLowerCase())) continue;
    await removeGroupMember(client, groupId, n);
    removed.push(n);
  }
  return { added, removed };
}

/** PVWA matches member names case-insensitively. */
export const memberKey = (n: string) => n.toLowerCase();

/**
 * Release of an adopted group: removes only the members Pulumi added; members there before adoption
 * stay, and nobody is added back (provider/dynamic/adoption.ts).
 */
export async function releaseMembers(client: CyberArkClient, groupId: number, current: string[], declared: PsmMember[], before: string[] | null | undefined): Promise<void> {
  for (const n of membersToRelease(current, declared.map((m) => m.name), before, memberKey)) await removeGroupMember(client, groupId, n);
}

/**
 * Logs on as `verify.username` (same PVWA and TLS settings as the resource's connection) and reads the
 * per-caller flag on the live sessions it can see ([INF]: CanSuspend/CanTerminate are computed for
 * the caller). Only sessions the right applies to count: PSM (Windows) sessions for suspend, PSM and PSM
 * for SSH for terminate. Read-only: no session is suspended or terminated.
 */
export async function verifyRight(
  conn: CyberArkConnection,
  verify: { username: string; password: string; authMethod?: CyberArkConnection["authMethod"] },
  right: PsmRight,
  groupName: string,
): Promise<PsmVerification> {
  if (conn.identityUrl !== undefined) {
    // A member's own PVWA logon does not exist on Privilege Cloud (users sign in through CyberArk Identity).
    throw new Error(`verify is not supported on CyberArk Privilege Cloud: ${verify.username} would need its own Identity OAuth client; remove verify, or check the right from the Privilege Cloud portal`);
  }
  const memberConn: CyberArkConnection = { ...conn, username: verify.username, password: verify.password, authMethod: verify.authMethod ?? "CyberArk" };
  const sessions = await withPvwa(memberConn, (c) => listLiveSessions(c));
  const relevant = sessions.filter((s) => s.kind === "psm" || (right === "terminate" && s.kind === "psm-ssh"));
  const flag = (s: (typeof relevant)[number]) => (right === "suspend" ? s.canSuspend : s.canTerminate);
  const field = right === "suspend" ? "CanSuspend" : "CanTerminate";
  const kinds = right === "suspend" ? "PSM (Windows/RDP)" : "PSM or PSM for SSH";
  const yes = relevant.find((s) => flag(s) === true);
  if (yes) return { status: "verified", detail: `${verify.username} has ${field} = true on live session ${yes.id}`, sessionId: yes.id };
  const no = relevant.find((s) => flag(s) === false);
  if (no) {
    const notif = right === "suspend" ? "AllowPSMNotifications is Yes and " : "";
    return {
      status: "denied",
      detail:
        `${verify.username} has ${field} = false on live session ${no.id}. Check that ${notif}Vault group "${groupName}" is listed under ` +
        `${LIVE_SESSIONS_OPTIONS_PATH} > ${RIGHT_LIST[right]}, and that ${verify.username} is a member of it; these Options cannot be set through the REST API`,
      sessionId: no.id,
    };
  }
  const why = sessions.length === 0
    ? `${verify.username} sees no live session (none is running, or the user lacks the Auditors membership or Safe audit rights needed to list them)`
    : `none of the ${sessions.length} live session(s) ${verify.username} sees is a ${kinds} session carrying ${field}`;
  return { status: "unverifiable", detail: `${why}; the right was not checked`, sessionId: null };
}
