import type { Faults } from "../common/faults";
import type { SpsContext } from "./context";
import { parentOf } from "./errors";
import { cloneConfig, type ConfigData } from "./model";
import type { SpsAuthBackend } from "./options";
import type { AclEntry } from "./privileges";
import type { SeedActiveSession, TerminationFailure } from "./recorded-sessions";

/** Committed state as plain data (what the lead's tests assert on). */
export interface SpsSnapshot {
  users: { key: string; name: string; passwordKey: string; passwordCreated: number }[];
  groups: { key: string; name: string; members: string[] }[];
  /** `referencedBy`: key of the committed user currently pointing at the object. */
  passwords: { key: string; referencedBy?: string }[];
  /** `holder`: REST user name or web-UI admin name holding the configuration lock. */
  transaction: { open: boolean; holder?: string; via?: "rest" | "web-ui" };
}

/** Typed in-process controls for tests and the sandbox. */
export interface SpsControls {
  /** Adds a committed local user (fresh password object) and returns its key; it can log in at once. */
  seedUser(name: string, password: string): string;
  /** Adds a committed group (or sets a built-in group's members) and returns its key. */
  seedGroup(name: string, memberKeys: string[]): string;
  /** Adds a recorded session, visible in /api/audit/sessions and closable via /api/active-sessions. */
  seedActiveSession(s: SeedActiveSession): void;
  /** The next `times` closes of an existing active session fail with a seed error type (500/503/504). */
  failActiveSessionClose(type: TerminationFailure, times?: number): void;
  /**
   * A web-UI administrator takes the configuration lock ([DOC] D-LOCK). Throws while a REST
   * transaction holds it, unless `force` (which discards that transaction: the "lost lock" case).
   */
  lockAsWebAdmin(adminName?: string, opts?: { force?: boolean }): void;
  releaseWebAdminLock(): void;
  /** Switches the authentication backend (reflected by GET /api/configuration/aaa/settings). */
  setAuthBackend(backend: SpsAuthBackend): void;
  /** Real-time duration of each commit in ms (benchmarks). */
  setCommitMs(ms: number): void;
  /** Ends every REST session now (their transactions and lock go too). */
  expireAllSessions(): void;
  /** Advances the emulator clock (session idle expiry). */
  advanceClock(ms: number): void;
  /** Adds an ACL row (ACLs are not REST-editable; tests grant privileges through this). */
  addAcl(entry: AclEntry): void;
  /**
   * The next `times` commits fail before being applied with an SPS error body (default 500
   * `CommitFailed`, Choice): the transaction stays open.
   */
  failNextCommit(opts?: { status?: number; type?: string; message?: string; times?: number }): void;
  /** The next commit is applied, then the connection is dropped before the answer (ambiguous outcome). */
  dropAfterNextCommit(): void;
  /** A deep copy of the committed configuration (users, groups, passwords with their keys). */
  exportCommitted(): ConfigData;
  /**
   * Replaces the committed configuration with a copy of `c` (from `exportCommitted`, possibly of
   * another emulator): starts a test from a known appliance state without replaying the writes.
   * Refused while a transaction or the web lock is open.
   */
  importCommitted(c: ConfigData): void;
}

/** Builds the controls over one emulator's context and fault plan. */
export function buildControls(ctx: SpsContext, faults: Faults): SpsControls {
  const { store } = ctx;
  return {
    seedUser: (name, password) => store.seedUser(name, password),
    seedGroup: (name, memberKeys) => store.seedGroup(name, memberKeys),
    seedActiveSession: (s) => void ctx.recorded.seed(s),
    failActiveSessionClose: (type, times = 1) => ctx.recorded.failNext(type, times),
    lockAsWebAdmin(adminName = "webadmin", opts = {}) {
      if (store.txn) {
        if (!opts.force) throw new Error(`configuration lock is held by REST user ${store.txn.userName}`);
        store.txn = undefined;
      }
      store.webLock = { admin: adminName };
    },
    releaseWebAdminLock() {
      store.webLock = undefined;
    },
    setAuthBackend(backend) {
      store.backend = backend;
    },
    setCommitMs(ms) {
      store.commitMs = ms;
    },
    expireAllSessions: () => ctx.sessions.dropAll(),
    advanceClock: (ms) => ctx.clock.advance(ms),
    addAcl: (entry) => void store.acls.push({ ...entry, objects: [...entry.objects] }),
    failNextCommit(opts = {}) {
      const path = "/api/transaction";
      const body = {
        error: { type: opts.type ?? "CommitFailed", message: opts.message ?? "Committing the configuration failed.", details: {} },
        meta: { href: path, parent: parentOf(path) },
      };
      faults.plan(`PUT ${path}`, { kind: "status", status: opts.status ?? 500, body }, { times: opts.times ?? 1 });
    },
    dropAfterNextCommit: () => faults.plan("PUT /api/transaction", { kind: "drop-after" }),
    exportCommitted: () => cloneConfig(store.committed),
    importCommitted(c) {
      if (store.txn || store.webLock) throw new Error("importCommitted: the configuration lock is held");
      store.committed = cloneConfig(c);
    },
  };
}

/** Plain-data copy of the committed state. */
export function takeSnapshot(ctx: SpsContext): SpsSnapshot {
  // Idle sessions past 20 minutes no longer hold the lock, even if no request has swept them yet.
  ctx.sessions.sweep();
  const { committed, txn, webLock } = ctx.store;
  const referencedBy = new Map([...committed.users.values()].map((u) => [u.passwordKey, u.key]));
  return {
    users: [...committed.users.values()].map((u) => ({ key: u.key, name: u.name, passwordKey: u.passwordKey, passwordCreated: u.passwordCreated })),
    groups: [...committed.groups.values()].map((g) => ({ key: g.key, name: g.name, members: [...g.members] })),
    passwords: [...committed.passwords.values()].map((p) => {
      const ref = referencedBy.get(p.key);
      return ref === undefined ? { key: p.key } : { key: p.key, referencedBy: ref };
    }),
    transaction: txn
      ? { open: true, holder: txn.userName, via: "rest" }
      : webLock
        ? { open: true, holder: webLock.admin, via: "web-ui" }
        : { open: false },
  };
}
