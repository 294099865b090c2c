import type { Clock } from "../common/clock";
import { noTransaction, spsError } from "./errors";
import {
  cloneConfig,
  emptyConfig,
  newKey,
  PATHS,
  sha256Hex,
  type ChangeEntry,
  type ConfigData,
  type GroupRecord,
  type UserRecord,
} from "./model";
import type { ResolvedSpsOptions, SpsAuthBackend } from "./options";
import { BUILTIN_ACLS, BUILTIN_GROUPS, type AclEntry } from "./privileges";
import { groupBody, userBody } from "./render";
import type { RestSession } from "./sessions";
import { validateCommit } from "./validate";

/** The open REST transaction: one at a time, it holds the global configuration lock. */
export interface Transaction {
  sessionId: string;
  userName: string;
  staged: ConfigData;
  changes: ChangeEntry[];
}

/** Fields of a user write, already shape-checked by the handler. */
export interface UserInput {
  name: string;
  passwordKey: string;
  extra: Record<string, unknown>;
}

/** Fields of a group write, already shape-checked by the handler. */
export interface GroupInput {
  name: string;
  members: string[];
  extra: Record<string, unknown>;
}

/**
 * Configuration state: committed tree, one copy-on-write transaction, the global lock (REST
 * transaction or simulated web-UI admin), ACLs and the auth backend.
 * [DOC] D-LOCK: one administrator modifies the configuration at a time; a REST transaction locks it.
 */
export class ConfigStore {
  committed: ConfigData = emptyConfig();
  txn: Transaction | undefined;
  webLock: { admin: string } | undefined;
  backend: SpsAuthBackend;
  acls: AclEntry[] = BUILTIN_ACLS.map((a) => ({ ...a, objects: [...a.objects] }));
  lastCommitMessage = "";
  commitMs: number;

  constructor(
    private readonly opts: ResolvedSpsOptions,
    private readonly clock: Clock,
  ) {
    this.backend = opts.authBackend;
    this.commitMs = opts.commitMs;
    for (const name of BUILTIN_GROUPS) {
      const key = newKey();
      this.committed.groups.set(key, { key, name, members: [], builtin: true, extra: {} });
    }
  }

  /** UNIX seconds on the emulator clock. */
  nowSeconds(): number {
    return Math.floor(this.clock.now() / 1000);
  }

  /** The tree `session` reads: its own staged copy, else the committed one ([INF] from D-TXN). */
  view(session?: RestSession): ConfigData {
    return this.txn && session && this.txn.sessionId === session.id ? this.txn.staged : this.committed;
  }

  /** Opens (or keeps) `session`'s transaction; refused while someone else holds the lock. */
  open(session: RestSession, path: string): Transaction {
    if (this.txn?.sessionId === session.id) return this.txn; // Choice: re-opening is harmless.
    if (this.txn || this.webLock) {
      const c = this.opts.lockConflict;
      throw spsError(c.status, c.type, c.message, path);
    }
    this.txn = { sessionId: session.id, userName: session.userName, staged: cloneConfig(this.committed), changes: [] };
    return this.txn;
  }

  /** The transaction a config write goes into, per profile (7.0-lts: 409 NoTransaction; 7.x-auto: auto-open). */
  writable(session: RestSession, path: string): Transaction {
    if (this.txn?.sessionId === session.id) return this.txn;
    if (this.opts.profile === "7.0-lts") throw noTransaction(path);
    return this.open(session, path);
  }

  /** Discards `session`'s staged changes and frees the lock; false when it held none. */
  rollback(session: { id: string }): boolean {
    if (this.txn?.sessionId !== session.id) return false;
    this.txn = undefined;
    return true;
  }

  /**
   * Validates and atomically applies `session`'s transaction. On a violation the transaction stays
   * open ([INF] from PS: safeguard-ps always sends DELETE /api/transaction after a failure).
   */
  commit(session: RestSession, path: string, message?: string): void {
    const txn = this.txn;
    if (!txn || txn.sessionId !== session.id) throw noTransaction(path);
    const v = validateCommit(txn.staged, this.committed, this.backend);
    if (v) {
      const details = this.opts.commitErrorDetails === "path" ? { path: v.path } : {};
      throw spsError(400, "SemanticError", v.message, path, details);
    }
    // Single-use passwords: bind each referenced object to its first user for good.
    for (const u of txn.staged.users.values()) {
      const p = txn.staged.passwords.get(u.passwordKey);
      if (p && p.boundTo === undefined) p.boundTo = u.key;
    }
    this.committed = txn.staged;
    this.txn = undefined;
    this.lastCommitMessage = message ?? "";
  }

  /** Drops the transaction of an ended session (idle expiry also frees the lock, [DOC] D-LOCK). */
  endSession(sessionId: string): void {
    if (this.txn?.sessionId === sessionId) this.txn = undefined;
  }

  // --- staging (each records a changelog entry, [DOC] D-CHG) ---

  createUser(txn: Transaction, input: UserInput, key = newKey()): string {
    const u: UserRecord = { key, name: input.name, passwordKey: input.passwordKey, passwordCreated: this.nowSeconds(), extra: input.extra };
    txn.staged.users.set(key, u);
    txn.changes.push({ type: "create", path: `${PATHS.users}/${key}`, new_value: userBody(u, "key") });
    return key;
  }

  replaceUser(txn: Transaction, key: string, input: UserInput): void {
    const old = txn.staged.users.get(key)!;
    const passwordCreated = old.passwordKey === input.passwordKey ? old.passwordCreated : this.nowSeconds();
    const u: UserRecord = { key, name: input.name, passwordKey: input.passwordKey, passwordCreated, extra: input.extra };
    txn.staged.users.set(key, u);
    txn.changes.push({ type: "replace", path: `${PATHS.users}/${key}`, old_value: userBody(old, "key"), new_value: userBody(u, "key") });
  }

  deleteUser(txn: Transaction, key: string): void {
    const old = txn.staged.users.get(key)!;
    txn.staged.users.delete(key);
    txn.changes.push({ type: "delete", path: `${PATHS.users}/${key}`, old_value: userBody(old, "key") });
    if (this.opts.onDeleteReferencedUser === "cascade") {
      for (const g of txn.staged.groups.values()) {
        if (!g.members.includes(key)) continue;
        const before = groupBody(g);
        g.members = g.members.filter((m) => m !== key);
        txn.changes.push({ type: "replace", path: `${PATHS.groups}/${g.key}`, old_value: before, new_value: groupBody(g) });
      }
    }
  }

  createGroup(txn: Transaction, input: GroupInput, key = newKey()): string {
    const g: GroupRecord = { key, name: input.name, members: [...input.members], builtin: false, extra: input.extra };
    txn.staged.groups.set(key, g);
    txn.changes.push({ type: "create", path: `${PATHS.groups}/${key}`, new_value: groupBody(g) });
    return key;
  }

  replaceGroup(txn: Transaction, key: string, input: GroupInput): void {
    const old = txn.staged.groups.get(key)!;
    const g: GroupRecord = { ...old, name: input.name, members: [...input.members], extra: input.extra };
    txn.staged.groups.set(key, g);
    txn.changes.push({ type: "replace", path: `${PATHS.groups}/${key}`, old_value: groupBody(old), new_value: groupBody(g) });
  }

  deleteGroup(txn: Transaction, key: string): void {
    const old = txn.staged.groups.get(key)!;
    txn.staged.groups.delete(key);
    txn.changes.push({ type: "delete", path: `${PATHS.groups}/${key}`, old_value: groupBody(old) });
  }

  /**
   * Stages a password object. Emulator choice ([UNK]): its creation is not listed in the changelog
   * (nothing secret is ever echoed), and it is discarded with a rolled-back transaction.
   */
  createPassword(txn: Transaction, sha256: string): string {
    const key = newKey();
    txn.staged.passwords.set(key, { key, sha256 });
    return key;
  }

  // --- direct seeding of committed state (controls) ---

  /** Adds a committed user with a fresh, bound password object. */
  seedUser(name: string, password: string): string {
    const key = newKey();
    const pkey = newKey();
    this.committed.passwords.set(pkey, { key: pkey, sha256: sha256Hex(password), boundTo: key });
    this.committed.users.set(key, { key, name, passwordKey: pkey, passwordCreated: this.nowSeconds(), extra: {} });
    return key;
  }

  /** Adds a committed group (or, for a built-in name, sets its members). */
  seedGroup(name: string, memberKeys: string[]): string {
    const existing = [...this.committed.groups.values()].find((g) => g.name === name);
    if (existing) {
      existing.members = [...memberKeys];
      return existing.key;
    }
    const key = newKey();
    this.committed.groups.set(key, { key, name, members: [...memberKeys], builtin: false, extra: {} });
    return key;
  }

  /** Committed user by name (login). */
  userByName(name: string): UserRecord | undefined {
    return [...this.committed.users.values()].find((u) => u.name === name);
  }

  /** Names of the committed groups listing `userKey`. */
  groupsOf(userKey: string): string[] {
    return [...this.committed.groups.values()].filter((g) => g.members.includes(userKey)).map((g) => g.name);
  }
}
