import { ManualClock, realWait, type Wait } from "../common/clock";

/** Authentication backend of the appliance ("Login settings"). [DOC] D-AAA */
export type SpsAuthBackend = "local" | "ldap" | "radius";

/**
 * Version behaviour. `7.0-lts`: a config write without an open transaction is 409 `NoTransaction`
 * ([DOC] seed page, SPS 7.0.3 LTS). `7.x-auto`: the first config write opens the transaction
 * ([DOC] D-TXN 6.9.x/7.x).
 */
export type SpsProfile = "7.0-lts" | "7.x-auto";

/** Status + vendor error type + message written when the configuration lock is held by someone else. */
export interface SpsLockConflict {
  status: number;
  type: string;
  message: string;
}

/** A local user created at start-up (the `admin` entry sets the admin password). */
export interface SpsSeedUserOption {
  name: string;
  password: string;
  /** Names of (built-in or seeded) groups the user joins. */
  groups?: string[];
}

/** Options of {@link createSpsEmulator}; every field is optional. */
export interface SpsEmulatorOptions {
  /** Serve HTTPS with the test certificate (test/fixtures/tls). Default false. */
  tls?: boolean;
  /** Fixed port; default 0 (random). */
  port?: number;
  /** Version profile; default `"7.0-lts"`. */
  profile?: SpsProfile;
  /**
   * Shape of `GET /api/transaction` ([DOC] D-TXN `legacy` `{key, meta, transaction:{status}}`;
   * [CODE] safeguard-ps 4eb61fa `body` `{key, body:{status, commit_message}, meta:{remaining_seconds}}`).
   * Default: `legacy` under 7.0-lts, `body` under 7.x-auto.
   */
  transactionShape?: "legacy" | "body";
  /** Local users; default admin/`adminpass` only. An entry named `admin` replaces the admin password. */
  users?: SpsSeedUserOption[];
  /** Clock for session idle expiry and timestamps; default a ManualClock frozen at start-up (move it with `advance`). */
  clock?: ManualClock;
  /** How `latencyMs`, `commitMs` and `delay` faults wait; default a real timer. */
  wait?: Wait;
  /** Extra latency per request in ms (benchmarks); default 0. */
  latencyMs?: number;
  /** Real time a successful-path commit takes, in ms (benchmarks); default 0. */
  commitMs?: number;
  /** Emulator choice ([UNK]: the real lock-conflict status and type are not public): default 409 `ConfigurationLocked`. */
  lockConflict?: Partial<SpsLockConflict>;
  /**
   * [INF] from the seed's "details section contains the path": whether commit validation errors name
   * the offending object in `error.details.path`. Default `"path"`.
   */
  commitErrorDetails?: "path" | "none";
  /**
   * How a user's `password` reference is rendered on read ([UNK]: D-USR does not show it): `reference` is the seed
   * shape `{key, meta:{href}}` (default), `key` the plain key string.
   */
  passwordRender?: "reference" | "key";
  /**
   * Deleting a user that a group still lists ([UNK], emulator choice): `reject` (default) fails the commit
   * with `SemanticError` naming the group; `cascade` removes the key from every group when staged.
   */
  onDeleteReferencedUser?: "reject" | "cascade";
  /**
   * SPS 7.5+ ([CODE] safeguard-ps 5e9be64): POST/PUT/DELETE from a browser-like `User-Agent`
   * (`Mozilla/...`) without `X-Token` are refused with 403. Default false (7.0 has no such rule).
   */
  requireXTokenForBrowserUA?: boolean;
  /** Re-issue the `session_id` cookie with a fresh `expires` on every authenticated answer ([UNK]: whether the cookie expiry slides is not public). Default false. */
  reissueCookie?: boolean;
  /** Initial authentication backend; default `local`. */
  authBackend?: SpsAuthBackend;
}

/** Options with every default applied. */
export interface ResolvedSpsOptions {
  tls: boolean;
  port: number;
  profile: SpsProfile;
  transactionShape: "legacy" | "body";
  users: SpsSeedUserOption[];
  clock: ManualClock;
  wait: Wait;
  latencyMs: number;
  commitMs: number;
  lockConflict: SpsLockConflict;
  commitErrorDetails: "path" | "none";
  passwordRender: "reference" | "key";
  onDeleteReferencedUser: "reject" | "cascade";
  requireXTokenForBrowserUA: boolean;
  reissueCookie: boolean;
  authBackend: SpsAuthBackend;
}

/** Default admin credentials. */
export const DEFAULT_ADMIN = { name: "admin", password: "adminpass" } as const;

/** Emulator choice ([UNK]): the lock-conflict answer when not configured. */
export const DEFAULT_LOCK_CONFLICT: SpsLockConflict = {
  status: 409,
  type: "ConfigurationLocked",
  message: "The configuration is locked by another administrator. Try again later.",
};

/** Applies the documented defaults. */
export function resolveOptions(opts: SpsEmulatorOptions = {}): ResolvedSpsOptions {
  const profile = opts.profile ?? "7.0-lts";
  const users = [...(opts.users ?? [])];
  if (!users.some((u) => u.name === DEFAULT_ADMIN.name)) users.unshift({ ...DEFAULT_ADMIN });
  // admin first, so it gets the first key, as on a fresh appliance.
  users.sort((a, b) => (a.name === "admin" ? -1 : b.name === "admin" ? 1 : 0));
  return {
    tls: opts.tls ?? false,
    port: opts.port ?? 0,
    profile,
    transactionShape: opts.transactionShape ?? (profile === "7.0-lts" ? "legacy" : "body"),
    users,
    clock: opts.clock ?? new ManualClock(),
    wait: opts.wait ?? realWait,
    latencyMs: opts.latencyMs ?? 0,
    commitMs: opts.commitMs ?? 0,
    lockConflict: { ...DEFAULT_LOCK_CONFLICT, ...(opts.lockConflict ?? {}) },
    commitErrorDetails: opts.commitErrorDetails ?? "path",
    passwordRender: opts.passwordRender ?? "reference",
    onDeleteReferencedUser: opts.onDeleteReferencedUser ?? "reject",
    requireXTokenForBrowserUA: opts.requireXTokenForBrowserUA ?? false,
    reissueCookie: opts.reissueCookie ?? false,
    authBackend: opts.authBackend ?? "local",
  };
}
