import type { LiveSessionRecord, PvwaStore, VaultUser } from "./store";

const eq = (a: string | undefined, b: string | undefined) => (a ?? "").toLowerCase() === (b ?? "").toLowerCase();

/** True when `member` of a Vault group stands for `user` (directly, or through the user's LDAP group). */
function memberMatches(member: { name: string; type: "vault" | "domain"; domainName?: string }, user: VaultUser): boolean {
  if (member.type === "vault") return eq(member.name, user.username);
  if (!user.domain || !eq(member.domainName, user.domain)) return false;
  return eq(member.name, user.username) || user.directoryGroups.some((g) => eq(g, member.name));
}

/**
 * Lower-cased names that identify `user` in an Options users-and-groups list: the user name, the
 * Vault groups holding the user, and the user's directory groups ([DOC] D-SUS "the user … or the
 * group to which the user belongs is listed").
 */
export function principalsOf(store: PvwaStore, user: VaultUser): Set<string> {
  const out = new Set<string>([user.username.toLowerCase(), ...user.directoryGroups.map((g) => g.toLowerCase())]);
  for (const g of store.groups.values()) {
    if (g.members.some((m) => memberMatches(m, user))) out.add(g.groupName.toLowerCase());
  }
  return out;
}

/** Names of the Vault groups that hold `user` (for the Users endpoint's `groupsMembership`). */
export function groupsOf(store: PvwaStore, user: VaultUser): Array<{ groupID: number; groupName: string; groupType: string }> {
  return [...store.groups.values()]
    .filter((g) => g.members.some((m) => memberMatches(m, user)))
    .map((g) => ({ groupID: g.id, groupName: g.groupName, groupType: g.groupType }));
}

/** The per-caller action flags of a session ([INF] from "Get active sessions", GetLiveSessions.htm). */
export interface SessionFlags {
  CanSuspend: boolean;
  CanTerminate: boolean;
  CanMonitor: boolean;
}

/**
 * CanSuspend = AllowPSMNotifications ∧ caller listed (directly or by group) in the Suspending list ∧
 * a PSM (not PSM for SSH / OPM) session; CanTerminate = caller in the Terminating list ∧ not OPM
 * ([DOC] Suspend/Terminate pages and "Active Session Monitoring"; the conjunction is [INF]). Choice: CanMonitor is true except for OPM (monitoring rules are out of scope).
 */
export function flagsFor(store: PvwaStore, user: VaultUser, s: LiveSessionRecord): SessionFlags {
  const who = principalsOf(store, user);
  const listed = (list: string[]) => list.some((n) => who.has(n.toLowerCase()));
  return {
    CanSuspend: store.options.allowPsmNotifications && listed(store.options.suspendingUsersAndGroups) && s.kind === "psm",
    CanTerminate: listed(store.options.terminatingUsersAndGroups) && s.kind !== "opm",
    CanMonitor: s.kind !== "opm",
  };
}
