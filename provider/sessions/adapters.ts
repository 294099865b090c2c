/**
 * One adapter per vendor over the vendor helpers: SPS `active-sessions.ts`, CyberArk
 * `live-sessions.ts`, senhasegura `sessions.ts`. The helpers already speak the one outcome
 * vocabulary (`provider/session-outcome.ts`), so an adapter only picks the helper ({@link ADAPTERS})
 * and stamps target, id and action on its {@link ActionOutcome}; vendor errors that concern the whole
 * run become {@link SessionRunError}s ({@link runErrorOf}). Details are redacted once, by the sessions
 * module where results leave it, not here.
 */
import { CyberArkClient } from "../cyberark/client";
import { listLiveSessions, resumeLiveSession, suspendLiveSession, terminateLiveSession, type LiveSession } from "../cyberark/live-sessions";
import { ConfigError, ConnectionError, PamError, TimeoutError, type ApiError, type DebugLog } from "../http";
import type { ActionOutcome } from "../session-outcome";
import { SenhaseguraClient } from "../senhasegura/client";
import { dropSession, listRemoteSessions } from "../senhasegura/sessions";
import { closeSpsActiveSession, listSpsActiveSessions } from "../sps/active-sessions";
import { SpsClient } from "../sps/client";
import { CONNECTION_ENV, type TargetConnections } from "./config";
import { senhaseguraStartToIso } from "./time";
import { ListDeniedError, SessionRunError, type SessionAction, type SessionResult, type SessionSummary, type SessionTargetName } from "./types";

/** What the module needs from a vendor. */
export interface VendorAdapter {
  /** Logs in once (SPS cookie, CyberArk token); senhasegura authenticates on the first request. */
  open(): Promise<void>;
  list(): Promise<SessionSummary[]>;
  act(action: SessionAction, id: string): Promise<SessionResult>;
  /** Called before each bulk run: drops per-run caches (the CyberArk session list). */
  beginRun(): void;
  /** Logs off where the vendor has a logoff, and closes the connection pool. Never throws. */
  close(): Promise<void>;
  /** Masks this connection's secrets in a text. */
  redact(text: string): string;
}

/** Options every adapter takes. */
export interface AdapterOptions {
  log?: DebugLog;
  /** Deadline of each request, retries included, ms (`pam-session --timeout`). */
  requestTimeoutMs?: number;
  /** Time zone of senhasegura's zone-less timestamps (see `SessionTargetOptions`). */
  senhaseguraTimeZone?: string;
}

/** Transport codes meaning nothing reached the appliance: the run cannot go on, whatever the session. */
const UNREACHABLE = new Set(["CONNECTION_REFUSED", "DNS_LOOKUP_FAILED", "TLS_VERIFY_FAILED", "TLS_FAILED", "CONNECTION_FAILED", "CONNECT_TIMEOUT"]);

const isTransport = (e: unknown) => ConnectionError.isInstance(e) || TimeoutError.isInstance(e);

/** A vendor helper's outcome as the module's result for `id`. */
function resultOf(target: SessionTargetName, action: SessionAction, id: string, r: ActionOutcome): SessionResult {
  return { target, sessionId: id, action, outcome: r.outcome, detail: r.detail };
}

/** Where the run happens, for {@link runErrorOf}. */
export interface RunContext {
  /** `login`, `list`, `terminate of <id>`, ... */
  phase: string;
  /** The configured appliance URL, for hints (never holds a secret: URLs with credentials are refused by the clients). */
  url?: string;
  /** True when no answer of this appliance was seen yet in this run (the first request). */
  firstContact?: boolean;
}

/**
 * Maps an error to a run-level failure when it is one: 401 after the client's own re-login (or 403
 * at login) → `auth`; an unreachable appliance, or any broken connection before the first answer
 * (http:// against an HTTPS port) → `connection`; a login answered 404 or with something that is
 * not the API's answer (a URL that points at another product) and invalid settings → `config`.
 * Undefined otherwise.
 */
export function runErrorOf(e: unknown, target: SessionTargetName, ctx: RunContext | string): SessionRunError | undefined {
  const c: RunContext = typeof ctx === "string" ? { phase: ctx, firstContact: ctx === "login" } : ctx;
  if (!PamError.isInstance(e)) return undefined;
  if (SessionRunError.isInstance(e)) return e;
  const status = (e as Partial<ApiError>).status;
  const urlVar = CONNECTION_ENV[target].url;
  // At login, PVWA answers bad credentials with 403 PASWS013E (not 401).
  if (status === 401 || (c.phase === "login" && status === 403)) {
    return new SessionRunError("auth", `${target}: authentication failed during ${c.phase}; check the user and password (or client credentials): ${e.message}`, { cause: e });
  }
  if (isTransport(e) && (UNREACHABLE.has(e.code) || (c.firstContact && (ConnectionError.isInstance(e) || c.phase === "login")))) {
    const plain = c.url !== undefined && /^http:\/\//i.test(c.url) && !UNREACHABLE.has(e.code);
    const hint = plain ? `; ${urlVar} uses http:// and the server closed the connection: if this port serves HTTPS, use https://` : "";
    return new SessionRunError("connection", `${target}: cannot reach the appliance during ${c.phase}: ${e.message}${hint}`, { cause: e });
  }
  if (c.firstContact && (status === 404 || status === 405 || e.code.startsWith("RESPONSE_"))) {
    return new SessionRunError(
      "config",
      `${target}: ${urlVar} (${c.url ?? "the URL"}) does not answer like the ${target} API during ${c.phase} (${e.message}); check that it points at the ${target} appliance`,
      { cause: e },
    );
  }
  if (ConfigError.isInstance(e)) return new SessionRunError("config", `${target}: ${e.message}`, { cause: e });
  return undefined;
}

const iso = (d: Date | undefined) => (d ? d.toISOString() : undefined);

/** Adds the missing privilege to a 403 on a list (the actions say it per session already). */
function listDenied(e: unknown, need: string): unknown {
  if (!PamError.isInstance(e) || (e as Partial<ApiError>).status !== 403) return e;
  return new ListDeniedError(`${e.message}. ${need}`, e);
}

class SpsAdapter implements VendorAdapter {
  private readonly client: SpsClient;
  constructor(private readonly conn: TargetConnections["sps"], opts: AdapterOptions) {
    this.client = new SpsClient(conn, { log: opts.log, requestTimeoutMs: opts.requestTimeoutMs });
  }
  async open() {
    await this.client.ensureLogin();
  }
  beginRun() {}
  async list(): Promise<SessionSummary[]> {
    let rows;
    try {
      rows = await listSpsActiveSessions(this.client);
    } catch (e) {
      throw listDenied(e, "The SPS user needs a usergroup with the Search privilege (ACL object /special/searchmenu) to read the audit trail of sessions");
    }
    return rows.map((s) => ({
      target: "sps" as const,
      sessionId: s.id ?? s.key,
      user: s.user,
      protocol: s.protocol,
      server: s.server,
      client: s.client,
      start: iso(s.startTime),
      note: s.id ? undefined : "audit key: SPS did not expose the closable id",
    }));
  }
  async act(action: SessionAction, id: string): Promise<SessionResult> {
    // Only terminate reaches here (capabilities are checked first); SPS calls it "close".
    return resultOf("sps", action, id, await closeSpsActiveSession(this.client, id));
  }
  async close() {
    // SPS documents no logout endpoint; the REST session idles out.
    await this.client.close().catch(() => undefined);
  }
  redact(text: string) {
    return this.client.http.redactor.text(text);
  }
  get url() {
    return this.conn.url;
  }
}

const CYBERARK_ACTIONS = { suspend: suspendLiveSession, resume: resumeLiveSession, terminate: terminateLiveSession } as const;

class CyberArkAdapter implements VendorAdapter {
  private readonly client: CyberArkClient;
  /** The LiveSessions list, read at most once per run (only when an id is not found directly). */
  private listed?: Promise<LiveSession[]>;
  constructor(private readonly conn: TargetConnections["cyberark"], private readonly opts: AdapterOptions) {
    this.client = new CyberArkClient(conn, { log: opts.log, requestTimeoutMs: opts.requestTimeoutMs });
  }
  async open() {
    await this.client.logon();
  }
  beginRun() {
    this.listed = undefined;
  }
  private sessionsOnce = (): Promise<LiveSession[]> => {
    this.listed ??= listLiveSessions(this.client).catch((e) => {
      this.listed = undefined;
      throw e;
    });
    return this.listed;
  };
  async list(): Promise<SessionSummary[]> {
    let rows;
    try {
      rows = await listLiveSessions(this.client);
    } catch (e) {
      throw listDenied(
        e,
        `User ${this.client.username} needs to be in the Auditors group, or have List accounts + View audit on the account Safes and Retrieve + List + View audit on the recording Safes`,
      );
    }
    return rows.map((s) => ({
      target: "cyberark" as const,
      sessionId: s.id,
      user: s.user,
      protocol: s.protocol,
      server: [s.accountUsername, s.accountAddress ?? s.remoteMachine].filter(Boolean).join("@") || undefined,
      client: s.fromIp,
      start: iso(s.start),
      suspended: s.suspended,
      note: s.kind,
    }));
  }
  async act(action: SessionAction, id: string): Promise<SessionResult> {
    const r = await CYBERARK_ACTIONS[action](this.client, id, { listSessions: this.sessionsOnce });
    // A terminated session leaves the list: a later lookup in this run must not find it there.
    if (action === "terminate" && r.outcome === "done") this.listed = undefined;
    return resultOf("cyberark", action, id, r);
  }
  async close() {
    // Always log off (self-hosted PVWA); a failed logoff is logged, never thrown. Privilege Cloud has no logoff.
    try {
      await this.client.logoff();
    } catch (e) {
      this.opts.log?.(this.redact(`cyberark: logoff failed: ${(e as Error).message}`));
    }
    await this.client.close().catch(() => undefined);
  }
  redact(text: string) {
    return this.client.http.redactor.text(text);
  }
  get url() {
    return this.conn.url;
  }
}

class SenhaseguraAdapter implements VendorAdapter {
  private readonly client: SenhaseguraClient;
  /** Set once the appliance answered anything: before that, a broken connection is run-level. */
  private reached = false;
  constructor(private readonly conn: TargetConnections["senhasegura"], private readonly opts: AdapterOptions) {
    this.client = new SenhaseguraClient(conn, { log: opts.log, requestTimeoutMs: opts.requestTimeoutMs });
  }
  async open() {
    // OAuth 2.0 fetches one token at the first request and shares it (in-flight requests wait for
    // the same fetch); OAuth 1.0a signs each request. There is no logon to do, nor a logoff.
  }
  beginRun() {}
  private rethrowRunLevel(error: PamError | undefined, phase: string) {
    if (!error) return;
    const run = runErrorOf(error, "senhasegura", { phase, url: this.conn.url, firstContact: !this.reached });
    // A malformed id is that session's failure, never the run's: the other ids still run.
    if (run && !ConfigError.isInstance(error)) throw run;
  }
  async list(): Promise<SessionSummary[]> {
    const r = await listRemoteSessions(this.client);
    if (r.outcome !== "done") {
      this.rethrowRunLevel(r.error, "list");
      if (r.outcome === "denied") throw new ListDeniedError(`${r.detail}. The A2A authorization needs PAM Core access (with access to Credentials and Devices)`, r.error);
      throw r.error ?? new Error(r.detail);
    }
    this.reached = true;
    return r.value
      .filter((s) => s.active)
      .map((s) => ({
        target: "senhasegura" as const,
        sessionId: s.sessionId,
        user: s.user,
        protocol: s.protocol,
        server: [s.credential, s.device].filter(Boolean).join("@") || undefined,
        client: s.originIp,
        start: senhaseguraStartToIso(s.start, this.opts.senhaseguraTimeZone),
        note: `id ${s.id}`,
      }));
  }
  async act(action: SessionAction, id: string): Promise<SessionResult> {
    const r = await dropSession(this.client, id);
    if (r.outcome !== "done") this.rethrowRunLevel(r.error, `terminate of ${id}`);
    if (r.outcome === "done" || (r.error && (r.error as Partial<ApiError>).status !== undefined)) this.reached = true;
    return resultOf("senhasegura", action, id, r);
  }
  async close() {
    await this.client.close().catch(() => undefined);
  }
  redact(text: string) {
    return this.client.redactor.text(text);
  }
  get url() {
    return this.conn.url;
  }
}

/** The adapter class of each target. */
const ADAPTERS: { readonly [T in SessionTargetName]: new (conn: TargetConnections[T], opts: AdapterOptions) => VendorAdapter & { readonly url: string } } = {
  sps: SpsAdapter,
  cyberark: CyberArkAdapter,
  senhasegura: SenhaseguraAdapter,
};

/** Builds the adapter of `target`. Throws ConfigError (from the vendor client) on an invalid connection. */
export function createAdapter<T extends SessionTargetName>(target: T, conn: TargetConnections[T], opts: AdapterOptions = {}): VendorAdapter & { readonly url: string } {
  const Adapter = ADAPTERS[target] as new (conn: TargetConnections[T], opts: AdapterOptions) => VendorAdapter & { readonly url: string };
  return new Adapter(conn, opts);
}
