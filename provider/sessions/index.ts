/**
 * Cross-vendor session actions: one typed API over SPS, CyberArk PVWA/PSM and senhasegura.
 *
 * ```ts
 * const target = createSessionTarget("cyberark", loadTargetConnection("cyberark"));
 * try {
 *   const results = await target.suspend(["31_24", "31_25"], { concurrency: 4 });
 * } finally {
 *   await target.close(); // logs off
 * }
 * ```
 */
import { ConfigError } from "../http/errors";
import type { DebugLog } from "../http/log";
import { createAdapter, runErrorOf, type VendorAdapter } from "./adapters";
import type { TargetConnections } from "./config";
import { normalizeIds } from "./ids";
import { runPool } from "./pool";
import { CAPABILITIES, SessionRunError, supports, type SessionAction, type SessionListFilter, type SessionResult, type SessionSummary, type SessionTargetName, type TargetCapabilities } from "./types";

// This file is the public entry `pulumi-pam/sessions` (also re-exported by the root). It must not load
// the Pulumi SDK, and its declarations must not reach zod (test/packaging checks both).
export { CAPABILITIES, ListDeniedError, SESSION_ACTIONS, SESSION_TARGETS, SUCCESS_OUTCOMES, SessionRunError, supports } from "./types";
export type { SessionAction, SessionListFilter, SessionOutcome, SessionResult, SessionSummary, SessionTargetName, TargetCapabilities } from "./types";

export { loadTargetConnection } from "./config";
export type { TargetConnections } from "./config";
export type { DebugLog } from "../http/log";

/** Default number of sessions acted on at once. */
export const DEFAULT_CONCURRENCY = 4;

/** Options of {@link createSessionTarget}. */
export interface SessionTargetOptions {
  /** Debug log hook (lines are redacted by the vendor clients). */
  log?: DebugLog;
  /** Deadline of each request, retries included, ms (`pam-session --timeout`). Default: the clients' per-phase timeouts only. */
  requestTimeoutMs?: number;
  /**
   * Zone of senhasegura's zone-less timestamps: IANA name, `UTC` or `±HH:MM` (`SENHASEGURA_TIME_ZONE`).
   * Default: the zone of the machine running the module.
   */
  senhaseguraTimeZone?: string;
}

/** Options of a bulk action. */
export interface BulkActionOptions {
  /** Sessions acted on at once (default {@link DEFAULT_CONCURRENCY}). */
  concurrency?: number;
  /** Called as each session's result arrives (progress, streaming output). */
  onResult?: (result: SessionResult, index: number) => void;
}

/** One appliance's sessions. Log in happens once, at the first call; {@link SessionTarget.close} logs off. */
export interface SessionTarget {
  readonly name: SessionTargetName;
  readonly capabilities: TargetCapabilities;
  /**
   * Active sessions, optionally filtered client-side. Throws {@link SessionRunError} for
   * auth/connection/config failures, {@link ListDeniedError} (naming the privilege) on 403, vendor errors otherwise.
   */
  list(filter?: SessionListFilter): Promise<SessionSummary[]>;
  suspend(ids: readonly string[], opts?: BulkActionOptions): Promise<SessionResult[]>;
  resume(ids: readonly string[], opts?: BulkActionOptions): Promise<SessionResult[]>;
  terminate(ids: readonly string[], opts?: BulkActionOptions): Promise<SessionResult[]>;
  /** `action` by name. Results keep the order of `ids` (deduplicated). */
  run(action: SessionAction, ids: readonly string[], opts?: BulkActionOptions): Promise<SessionResult[]>;
  /** Masks this connection's secrets in a text. */
  redact(text: string): string;
  /** Logs off (CyberArk) and closes connections. Idempotent; never throws. */
  close(): Promise<void>;
}

/** Keeps the sessions matching every given field of `filter`. */
export function filterSessions(sessions: SessionSummary[], filter: SessionListFilter = {}): SessionSummary[] {
  const has = (v: string | undefined, want: string | undefined) => want === undefined || (v ?? "").toLowerCase().includes(want.toLowerCase());
  return sessions.filter(
    (s) =>
      has(s.user, filter.user) &&
      has(s.server, filter.host) &&
      (filter.protocol === undefined || (s.protocol ?? "").toLowerCase() === filter.protocol.toLowerCase()) &&
      (filter.since === undefined || (s.start !== undefined && Date.parse(s.start) >= filter.since.getTime())),
  );
}

/**
 * A session target for one appliance. Validates the connection now (throws
 * {@link SessionRunError} `config`), sends nothing until the first call.
 */
export function createSessionTarget<T extends SessionTargetName>(name: T, connection: TargetConnections[T], opts: SessionTargetOptions = {}): SessionTarget {
  let adapter: VendorAdapter & { readonly url: string };
  try {
    adapter = createAdapter(name, connection, { log: opts.log, requestTimeoutMs: opts.requestTimeoutMs, senhaseguraTimeZone: opts.senhaseguraTimeZone });
  } catch (e) {
    throw runErrorOf(e, name, "setup") ?? e;
  }
  let opened: Promise<void> | undefined;
  let closed = false;
  const open = () => {
    if (closed) throw new SessionRunError("config", `${name}: this session target is closed`);
    opened ??= adapter.open().catch((e) => {
      opened = undefined;
      throw runErrorOf(e, name, { phase: "login", url: adapter.url, firstContact: true }) ?? e;
    });
    return opened;
  };
  const guard = async <R>(phase: string, fn: () => Promise<R>): Promise<R> => {
    try {
      return await fn();
    } catch (e) {
      throw runErrorOf(e, name, { phase, url: adapter.url }) ?? e;
    }
  };

  const run = async (action: SessionAction, ids: readonly string[], o: BulkActionOptions = {}): Promise<SessionResult[]> => {
    const list = normalizeIds(ids);
    if (!supports(name, action)) {
      // Nothing is sent for an action the vendor does not have (CAPABILITIES in types.ts).
      const detail = `${name} has no ${action}: only CyberArk PSM sessions can be suspended or resumed; ${name} sessions can only be terminated`;
      return list.map((sessionId, i) => {
        const r: SessionResult = { target: name, sessionId, action, outcome: "unsupported", detail };
        o.onResult?.(r, i);
        return r;
      });
    }
    if (list.length === 0) return [];
    await open();
    adapter.beginRun();
    return runPool(list, o.concurrency ?? DEFAULT_CONCURRENCY, async (id, i) => {
      let r: SessionResult;
      try {
        r = await guard(`${action} of ${id}`, () => adapter.act(action, id));
      } catch (e) {
        // A malformed id (refused by the path encoder before anything is sent) fails alone, named;
        // auth and connection failures still end the run.
        const invalidId = SessionRunError.isInstance(e) && e.kind === "config" && ConfigError.isInstance(e.cause);
        if (!invalidId) throw e;
        r = { target: name, sessionId: id, action, outcome: "failed", detail: `invalid session id, nothing sent: ${e.message}` };
      }
      // The one redaction of a result's detail, where it leaves the module (callback and return value).
      const safe = { ...r, detail: adapter.redact(r.detail) };
      o.onResult?.(safe, i);
      return safe;
    });
  };

  return {
    name,
    capabilities: CAPABILITIES[name],
    list: async (filter) => {
      await open();
      return filterSessions(await guard("list", () => adapter.list()), filter);
    },
    suspend: (ids, o) => run("suspend", ids, o),
    resume: (ids, o) => run("resume", ids, o),
    terminate: (ids, o) => run("terminate", ids, o),
    run,
    redact: (t) => adapter.redact(t),
    close: async () => {
      if (closed) return;
      closed = true;
      await adapter.close();
    },
  };
}

/** Runs `fn` with a target and always closes it (logoff included). */
export async function withSessionTarget<T extends SessionTargetName, R>(
  name: T,
  connection: TargetConnections[T],
  fn: (target: SessionTarget) => Promise<R>,
  opts: SessionTargetOptions = {},
): Promise<R> {
  const target = createSessionTarget(name, connection, opts);
  try {
    return await fn(target);
  } finally {
    await target.close();
  }
}
