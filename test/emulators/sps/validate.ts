import type { ConfigData } from "./model";
import { PATHS } from "./model";
import { MESSAGES } from "./errors";
import type { SpsAuthBackend } from "./options";

/** Why a commit is refused; `path` names the offending object (reported when commitErrorDetails = "path"). */
export interface CommitViolation {
  message: string;
  path: string;
}

/**
 * Commit-time validation of a staged configuration against the committed one ([INF] from D-TXN and the
 * seed page: SPS validates the whole configuration on commit). The first violation wins; the order below is a
 * Choice (vendor order unknown): backend, protected objects, password references, names, members.
 */
export function validateCommit(staged: ConfigData, committed: ConfigData, backend: SpsAuthBackend): CommitViolation | undefined {
  if (backend === "ldap") {
    // [DOC] seed page: "Local users cannot be managed when LDAP authentication is used."
    // Choice: refused at commit time (writes stage normally), naming the first changed user.
    const changed = changedUserKey(staged, committed);
    if (changed) return { message: MESSAGES.ldapBackend, path: `${PATHS.users}/${changed}` };
  }
  for (const [key, u] of committed.users) {
    // [DOC] seed page: the admin user cannot be deleted.
    if (u.name === "admin" && !staged.users.has(key)) return { message: MESSAGES.deleteAdmin, path: `${PATHS.users}/${key}` };
  }
  for (const [key, g] of committed.groups) {
    // Emulator choice ([UNK]): built-in groups are bound to ACLs, so deleting one is refused.
    if (g.builtin && !staged.groups.has(key)) return { message: MESSAGES.deleteBuiltinGroup, path: `${PATHS.groups}/${key}` };
  }
  const seen = new Map<string, string>();
  for (const [key, u] of staged.users) {
    const path = `${PATHS.users}/${key}`;
    const pwd = staged.passwords.get(u.passwordKey);
    if (!pwd) return { message: MESSAGES.passwordUnknown, path };
    // [DOC] seed page 400 SemanticError: a password object may be referenced only once, ever.
    if (seen.has(u.passwordKey) || (pwd.boundTo !== undefined && pwd.boundTo !== key)) return { message: MESSAGES.passwordReuse, path };
    seen.set(u.passwordKey, key);
  }
  const dupUser = firstDuplicate([...staged.users.values()].map((u) => [u.key, u.name]));
  if (dupUser) return { message: MESSAGES.duplicateUser, path: `${PATHS.users}/${dupUser}` };
  const dupGroup = firstDuplicate([...staged.groups.values()].map((g) => [g.key, g.name]));
  if (dupGroup) return { message: MESSAGES.duplicateGroup, path: `${PATHS.groups}/${dupGroup}` };
  for (const [key, g] of staged.groups) {
    // Choice (README): members are user keys, per the seed's POST instructions.
    if (g.members.some((m) => !staged.users.has(m))) return { message: MESSAGES.memberNotUser, path: `${PATHS.groups}/${key}` };
  }
  return undefined;
}

/** Key of the later of two same-named objects (names compared exactly; case rules are [UNK]). */
function firstDuplicate(pairs: [string, string][]): string | undefined {
  const names = new Set<string>();
  for (const [key, name] of pairs) {
    if (names.has(name)) return key;
    names.add(name);
  }
  return undefined;
}

/** First user key created, deleted or replaced between committed and staged. */
function changedUserKey(staged: ConfigData, committed: ConfigData): string | undefined {
  for (const [key, u] of staged.users) {
    const c = committed.users.get(key);
    if (!c || c.name !== u.name || c.passwordKey !== u.passwordKey || JSON.stringify(c.extra) !== JSON.stringify(u.extra)) return key;
  }
  for (const key of committed.users.keys()) if (!staged.users.has(key)) return key;
  return undefined;
}
