/**
 * One adapter per vendor over the existing, tested helpers: SPS `active-sessions.ts`, CyberArk
 * `live-sessions.ts`, senhasegura `sessions.ts`. Adapters turn vendor results into
 * {@link SessionResult}s and vendor errors that concern the whole run into {@link SessionRunError}.
 */
import { CyberArkClient } from "../cyberark/client";
import { listLiveSessions, resumeLiveSession, suspendLiveSession, terminateLiveSession } from "../cyberark/live-sessions";
import { PamError, type ApiError, type DebugLog } from "../http";
import { SenhaseguraClient } from "../senhasegura/client";
import { dropSession, listRemoteSessions } from "../senhasegura/sessions";
import { closeSpsActiveSession, listSpsActiveSessions } from "../sps/active-sessions";
import { SpsClient } from "../sps/client";
import type { TargetConnections } from "./config";
import { SessionRunError, type SessionAction, type SessionOutcome, type SessionResult, type SessionSummary, type SessionTargetName } from "./types";

/** What the module needs from a vendor. */
export interface VendorAdapter {
  /** Logs in once (SPS cookie, CyberArk token); senhasegura authenticates on the first request. */
  open(): Promise<void>;
  list(): Promise<SessionSummary[]>;
  act(action: SessionAction, id: string): Promise<SessionResult>;
  /** Logs off where the vendor has a logoff, and closes the connection pool. Never throws. */
  close(): Promise<void>;
  /** Masks this connection's secrets in a text. */
  redact(text: string): string;
}

/** Options every adapter takes. */
export interface AdapterOptions {
  log?: DebugLog;
}

/** Transport codes meaning nothing reached the appliance: the run cannot go on, whatever the session. */
const UNREACHABLE = new Set(["CONNECTION_REFUSED", "DNS_LOOKUP_FAILED", "TLS_VERIFY_FAILED", "TLS_FAILED", "CONNECTION_FAILED", "CONNECT_TIMEOUT"]);

/**
 * Maps an error to a run-level failure when it is one: 401 after the client's own re-login (or 403
 * at login) → `auth`,
 * an unreachable appliance → `connection`, invalid settings → `config`. Undefined otherwise.
 */
export function runErrorOf(e: unknown, target: SessionTargetName, phase: string): SessionRunError | undefined {
  if (!PamError.isInstance(e)) return undefined;
  if (e instanceof SessionRunError) return e;
  const status = (e as Partial<ApiError>).status;
  // At login, PVWA answers bad credentials with 403 PASWS013E ([DOC] cyberark-pvwa.md §2.1), not 401.
  if (status === 401 || (phase === "login" && status === 403)) return new SessionRunError("auth", `${target}: authentication failed during ${phase}; check the user and password (or client credentials): ${e.message}`, { cause: e });
  if ((e.name === "ConnectionError" || e.name === "TimeoutError") && UNREACHABLE.has(e.code)) {
    return new SessionRunError("connection", `${target}: cannot reach the appliance during ${phase}: ${e.message}`, { cause: e });
  }
  if (e.code === "CONFIG_INVALID") return new SessionRunError("config", `${target}: ${e.message}`, { cause: e });
  return undefined;
}

const iso = (d: Date | undefined) => (d ? d.toISOString() : undefined);

class SpsAdapter implements VendorAdapter {
  private readonly client: SpsClient;
  constructor(conn: TargetConnections["sps"], opts: AdapterOptions) {
    this.client = new SpsClient(conn, { log: opts.log });
  }
  async open() {
    await this.client.ensureLogin();
  }
  async list(): Promise<SessionSummary[]> {
    return (await listSpsActiveSessions(this.client)).map((s) => ({
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
    // Only terminate reaches here (capabilities are checked first); SPS calls it "close" [DOC] sps.md §9.
    const r = await closeSpsActiveSession(this.client, id);
    return { target: "sps", sessionId: id, action, outcome: r.outcome, detail: r.detail };
  }
  async close() {
    // No logout endpoint is documented ([UNK] sps.md §2.3); the REST session idles out after 20 minutes.
    await this.client.close().catch(() => undefined);
  }
  redact(text: string) {
    return this.client.http.redactor.text(text);
  }
}

class CyberArkAdapter implements VendorAdapter {
  private readonly client: CyberArkClient;
  constructor(conn: TargetConnections["cyberark"], private readonly opts: AdapterOptions) {
    this.client = new CyberArkClient(conn, { log: opts.log });
  }
  async open() {
    await this.client.logon();
  }
  async list(): Promise<SessionSummary[]> {
    return (await listLiveSessions(this.client)).map((s) => ({
      target: "cyberark" as const,
      sessionId: s.id,
      user: s.user,
      protocol: s.protocol,
      server: [s.accountUsername, s.accountAddress ?? s.remoteMachine].filter(Boolean).join("@") || undefined,
      client: s.fromIp,
      start: iso(s.start),
      note: s.kind,
    }));
  }
  async act(action: SessionAction, id: string): Promise<SessionResult> {
    const fn = action === "suspend" ? suspendLiveSession : action === "resume" ? resumeLiveSession : terminateLiveSession;
    const r = await fn(this.client, id);
    return { target: "cyberark", sessionId: id, action, outcome: r.outcome, detail: r.detail };
  }
  async close() {
    // [DOC] cyberark-pvwa.md §11.4: always log off; a failed logoff is logged, never thrown.
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
}

class SenhaseguraAdapter implements VendorAdapter {
  private readonly client: SenhaseguraClient;
  constructor(conn: TargetConnections["senhasegura"], opts: AdapterOptions) {
    this.client = new SenhaseguraClient(conn, { log: opts.log });
  }
  async open() {
    // OAuth 2.0 fetches one token at the first request and shares it (in-flight requests wait for
    // the same fetch); OAuth 1.0a signs each request. There is no logon to do, nor a logoff ([DOC] senhasegura.md §2).
  }
  private rethrowRunLevel(error: PamError | undefined, phase: string) {
    const run = error ? runErrorOf(error, "senhasegura", phase) : undefined;
    if (run) throw run;
  }
  async list(): Promise<SessionSummary[]> {
    const r = await listRemoteSessions(this.client);
    if (r.status !== "done") {
      this.rethrowRunLevel(r.error, "list");
      throw r.error ?? new Error(this.redact(r.detail));
    }
    return r.value
      .filter((s) => s.active)
      .map((s) => ({ target: "senhasegura" as const, sessionId: s.sessionId, user: s.user, protocol: s.protocol, server: [s.credential, s.device].filter(Boolean).join("@") || undefined, client: s.originIp, start: s.start, note: `id ${s.id}` }));
  }
  async act(action: SessionAction, id: string): Promise<SessionResult> {
    const r = await dropSession(this.client, id);
    if (r.status !== "done") this.rethrowRunLevel(r.error, `terminate of ${id}`);
    const outcome: SessionOutcome = r.status;
    return { target: "senhasegura", sessionId: id, action, outcome, detail: this.redact(r.detail) };
  }
  async close() {
    await this.client.close().catch(() => undefined);
  }
  redact(text: string) {
    return this.client.redactor.text(text);
  }
}

/** Builds the adapter of `target`. Throws ConfigError (from the vendor client) on an invalid connection. */
export function createAdapter<T extends SessionTargetName>(target: T, conn: TargetConnections[T], opts: AdapterOptions = {}): VendorAdapter {
  if (target === "sps") return new SpsAdapter(conn as TargetConnections["sps"], opts);
  if (target === "cyberark") return new CyberArkAdapter(conn as TargetConnections["cyberark"], opts);
  return new SenhaseguraAdapter(conn as TargetConnections["senhasegura"], opts);
}
