/**
 * The pure part of `SpsLocalAccess`: from what the program declares, what the last operation recorded and
 * the few SPS facts that state cannot hold, the ordered writes of one transaction. No I/O here, so the
 * ordering and "write only what changed" rules are property-tested (test/sps/local-access-plan.test.ts).
 */

import { nameKey } from "../validation/names";

export interface AccessUser {
  name: string;
  adopt?: boolean;
}

export interface AccessGroup {
  name: string;
  /** Ids of users of the same resource. */
  members?: string[];
  /** Usernames of SPS users outside the resource. */
  memberNames?: string[];
  adoptExisting?: boolean;
  removeUnlistedMembers?: boolean;
}

/** SPS objects `prune` deletes, name → key, as `check` found them (shown by preview as an input). */
export interface PruneList {
  users: Record<string, string>;
  groups: Record<string, string>;
}

export interface AccessDesired {
  users: Record<string, AccessUser>;
  /** Plain passwords by user id (a secret input); a user without one keeps (or gets a random) password. */
  passwords: Record<string, string>;
  groups: Record<string, AccessGroup>;
  pruned?: PruneList;
}

/** What the previous operation recorded (its outputs, possibly refreshed); all empty for a create. */
export interface AccessRecord {
  users: Record<string, AccessUser>;
  passwords: Record<string, string>;
  groups: Record<string, AccessGroup>;
  userKeys: Record<string, string>;
  groupKeys: Record<string, string>;
  passwordKeys: Record<string, string | null>;
  passwordInSync: Record<string, boolean>;
  groupMemberKeys: Record<string, string[]>;
  membersInSync: Record<string, boolean>;
  /** Adopted groups: id → the members they had before adoption (kept when the group is released). */
  adoptedGroups: Record<string, string[]>;
}

export const emptyRecord = (): AccessRecord => ({
  users: {}, passwords: {}, groups: {}, userKeys: {}, groupKeys: {}, passwordKeys: {}, passwordInSync: {},
  groupMemberKeys: {}, membersInSync: {}, adoptedGroups: {},
});

export interface SpsGroupFact {
  key: string;
  name: string;
  members: string[];
}

/** SPS facts read in the transaction's staged view, only when the plan needs them ({@link factsNeeded}). */
export interface SpsFacts {
  /** Every local user, name → key (adoption, memberNames). */
  userKeyByName?: Map<string, string>;
  /** Every local usergroup (adoptExisting, and taking deleted users out of groups). */
  groups?: SpsGroupFact[];
}

export type MemberRef = { key: string } | { userId: string };

export type Write =
  | { kind: "delete-group"; key: string; name: string; id?: string }
  /** An adopted group leaves the resource: keep only members it had before adoption (never deleted). */
  | { kind: "release-group"; key: string; name: string; id: string; keep: string[] }
  /** A group that would still list a user deleted in this transaction. */
  | { kind: "strip-group"; key: string; name: string; remove: string[] }
  | { kind: "delete-user"; key: string; name: string; id?: string }
  | { kind: "update-user"; id: string; key: string; name: string; setPassword: boolean }
  | { kind: "create-user"; id: string; name: string }
  | { kind: "update-group"; id: string; key: string; name: string; members: MemberRef[] }
  | { kind: "create-group"; id: string; name: string; members: MemberRef[] };

/**
 * Staging order: deletes free names before renames and creates reuse them; a group stops listing a user
 * before that user is deleted; users are created before the groups that list them.
 */
export const WRITE_ORDER: Write["kind"][] = [
  "delete-group", "release-group", "strip-group", "delete-user", "update-user", "create-user", "update-group", "create-group",
];

export interface AccessPlan {
  writes: Write[];
  /** Problems that make the plan unsafe (nothing is staged); each names the item and the fix. */
  errors: string[];
  /** Keys known before staging (existing and adopted objects); created ones are added while staging. */
  userKeys: Record<string, string>;
  groupKeys: Record<string, string>;
  adoptedGroups: Record<string, string[]>;
}

const sameSet = (a: readonly string[] = [], b: readonly string[] = []) => {
  if (a.length !== b.length) return false;
  const s = new Set(a);
  return b.every((x) => s.has(x));
};

const passwordChanged = (d: AccessDesired, old: AccessRecord, id: string) =>
  d.passwords[id] !== undefined && (old.passwords[id] !== d.passwords[id] || old.passwordInSync[id] === false);

/** True when a user that already has a key needs a write. */
export function userChanged(d: AccessDesired, old: AccessRecord, id: string): boolean {
  return old.users[id]?.name !== d.users[id].name || passwordChanged(d, old, id);
}

/** True when a group that already has a key needs a write (judged on inputs, before any read). */
export function groupChanged(d: AccessDesired, old: AccessRecord, id: string): boolean {
  const g = d.groups[id];
  const o = old.groups[id];
  if (!o || o.name !== g.name || old.membersInSync[id] === false) return true;
  if (!sameSet(o.members, g.members) || !sameSet(o.memberNames, g.memberNames)) return true;
  // A member created in this transaction gets a new key.
  return (g.members ?? []).some((m) => old.userKeys[m] === undefined);
}

const removedUserIds = (d: AccessDesired, old: AccessRecord) => Object.keys(old.userKeys).filter((id) => !(id in d.users));

/** Which SPS listings the plan needs; both cost one GET per object, so they are read only when needed. */
export function factsNeeded(d: AccessDesired, old: AccessRecord): { users: boolean; groups: boolean } {
  const adoptsUser = Object.entries(d.users).some(([id, u]) => u.adopt && old.userKeys[id] === undefined);
  const writesNames = Object.entries(d.groups).some(
    ([id, g]) => (g.memberNames?.length ?? 0) > 0 && (old.groupKeys[id] === undefined || groupChanged(d, old, id)),
  );
  const adoptsGroup = Object.entries(d.groups).some(([id, g]) => g.adoptExisting && old.groupKeys[id] === undefined);
  const deletesUsers = removedUserIds(d, old).length > 0 || Object.keys(d.pruned?.users ?? {}).length > 0;
  return { users: adoptsUser || writesNames, groups: adoptsGroup || deletesUsers };
}

/** Names never pruned or deleted by name: SPS forbids deleting `admin`. */
export const PROTECTED_USERS = new Set(["admin"]);

/** The writes of one operation (create, update, or delete with `d` empty). Pure. */
export function planAccess(d: AccessDesired, old: AccessRecord, facts: SpsFacts = {}): AccessPlan {
  const writes: Write[] = [];
  const errors: string[] = [];
  const userKeys: Record<string, string> = {};
  const groupKeys: Record<string, string> = {};
  const adoptedGroups: Record<string, string[]> = {};
  const deleted = new Set<string>();
  const nameOfKey = new Map([...(facts.userKeyByName ?? new Map<string, string>())].map(([n, k]) => [k, n]));
  for (const [id, k] of Object.entries(old.userKeys)) if (old.users[id]) nameOfKey.set(k, old.users[id].name);

  // Users.
  for (const id of removedUserIds(d, old)) {
    writes.push({ kind: "delete-user", key: old.userKeys[id], name: old.users[id]?.name ?? id, id });
    deleted.add(old.userKeys[id]);
  }
  for (const [id, u] of Object.entries(d.users)) {
    const key = old.userKeys[id];
    if (key !== undefined) {
      userKeys[id] = key;
      if (userChanged(d, old, id)) writes.push({ kind: "update-user", id, key, name: u.name, setPassword: passwordChanged(d, old, id) });
      continue;
    }
    const existing = u.adopt ? facts.userKeyByName?.get(nameKey(u.name)) : undefined;
    if (existing !== undefined) {
      userKeys[id] = existing;
      // Adopted: the password is left alone unless the program gives one.
      if (d.passwords[id] !== undefined) writes.push({ kind: "update-user", id, key: existing, name: u.name, setPassword: true });
    } else {
      writes.push({ kind: "create-user", id, name: u.name });
    }
  }
  const declaredUserKeys = new Set(Object.values(userKeys));
  for (const [name, key] of Object.entries(d.pruned?.users ?? {})) {
    if (PROTECTED_USERS.has(name) || declaredUserKeys.has(key) || deleted.has(key)) continue;
    writes.push({ kind: "delete-user", key, name });
    deleted.add(key);
  }

  // Groups.
  const refsOf = (id: string, g: AccessGroup): MemberRef[] => {
    const refs: MemberRef[] = (g.members ?? []).map((m) => (userKeys[m] !== undefined ? { key: userKeys[m] } : { userId: m }));
    for (const n of g.memberNames ?? []) {
      const k = facts.userKeyByName?.get(nameKey(n));
      if (k === undefined) errors.push(`groups.${id}.memberNames: no SPS local user is named "${n}"; create it first, or declare it in users and list its id in members`);
      else if (deleted.has(k)) errors.push(`groups.${id}.memberNames: "${n}" is deleted by this operation; remove it from memberNames`);
      else if (!refs.some((r) => "key" in r && r.key === k)) refs.push({ key: k });
    }
    return refs;
  };
  const rewritten = new Set<string>();
  for (const id of Object.keys(old.groupKeys).filter((id) => !(id in d.groups))) {
    const key = old.groupKeys[id];
    const name = old.groups[id]?.name ?? id;
    const before = old.adoptedGroups[id];
    if (before) writes.push({ kind: "release-group", key, name, id, keep: before.filter((k) => !deleted.has(k)) });
    else writes.push({ kind: "delete-group", key, name, id });
    rewritten.add(key);
  }
  for (const [id, g] of Object.entries(d.groups)) {
    const key = old.groupKeys[id];
    if (key !== undefined) {
      groupKeys[id] = key;
      if (old.adoptedGroups[id]) adoptedGroups[id] = old.adoptedGroups[id];
      if (groupChanged(d, old, id)) {
        writes.push({ kind: "update-group", id, key, name: g.name, members: refsOf(id, g) });
        rewritten.add(key);
      }
      continue;
    }
    const existing = g.adoptExisting ? facts.groups?.find((x) => nameKey(x.name) === nameKey(g.name)) : undefined;
    const members = refsOf(id, g);
    if (!existing) {
      writes.push({ kind: "create-group", id, name: g.name, members });
      continue;
    }
    groupKeys[id] = existing.key;
    adoptedGroups[id] = [...existing.members];
    rewritten.add(existing.key);
    const wanted = new Set(members.flatMap((r) => ("key" in r ? [r.key] : [])));
    const losing = existing.members.filter((k) => !wanted.has(k) && !deleted.has(k));
    if (losing.length && !g.removeUnlistedMembers) {
      const who = losing.map((k) => (nameOfKey.has(k) ? `"${nameOfKey.get(k)}"` : `key ${k}`)).join(", ");
      errors.push(
        `groups.${id}: adopting SPS group "${g.name}" would remove ${who}, who ${losing.length === 1 ? "is a member" : "are members"} today; ` +
          `add them to members/memberNames, or set removeUnlistedMembers: true to remove them`,
      );
    }
    const same = members.every((r) => "key" in r) && sameSet(existing.members, [...wanted]);
    if (!same) writes.push({ kind: "update-group", id, key: existing.key, name: g.name, members });
  }
  const declaredGroupKeys = new Set(Object.values(groupKeys));
  for (const [name, key] of Object.entries(d.pruned?.groups ?? {})) {
    if (declaredGroupKeys.has(key) || rewritten.has(key)) continue;
    writes.push({ kind: "delete-group", key, name });
    rewritten.add(key);
  }

  // No group may keep listing a user deleted here (SPS would refuse the commit).
  if (deleted.size) {
    for (const g of facts.groups ?? []) {
      if (rewritten.has(g.key)) continue;
      const remove = g.members.filter((k) => deleted.has(k));
      if (remove.length) writes.push({ kind: "strip-group", key: g.key, name: g.name, remove });
    }
  }

  const rank = (w: Write) => WRITE_ORDER.indexOf(w.kind);
  writes.sort((a, b) => rank(a) - rank(b)); // stable: declaration order within a kind
  return { writes, errors, userKeys, groupKeys, adoptedGroups };
}

/** Ids whose items differ between two records' inputs (for diff); pure. */
export function changedItems(d: AccessDesired, old: AccessRecord): { users: string[]; groups: string[] } {
  const users = new Set<string>([...Object.keys(old.userKeys).filter((id) => !(id in d.users))]);
  for (const id of Object.keys(d.users)) if (old.userKeys[id] === undefined || userChanged(d, old, id)) users.add(id);
  const groups = new Set<string>([...Object.keys(old.groupKeys).filter((id) => !(id in d.groups))]);
  for (const id of Object.keys(d.groups)) if (old.groupKeys[id] === undefined || groupChanged(d, old, id)) groups.add(id);
  return { users: [...users].sort(), groups: [...groups].sort() };
}
