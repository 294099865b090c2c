/**
 * Active (recorded) sessions on SPS: list them through the audit search and close them through
 * `DELETE /api/active-sessions?id=` (SPS REST API guide, "Active sessions"). Closing is not a
 * configuration change, so no transaction is opened.
 */
import { z } from "zod";
import { AuthError, PamError, pathSegment, type ApiError, type DebugLog } from "../http";
import { SpsClient } from "./client";
import { sessionIdProblem } from "../validation/names";
import type { SpsConnection } from "./connection";
import type { ActionOutcome, SessionOutcome } from "../session-outcome";

const ACTIVE_SESSIONS = "/api/active-sessions";
const AUDIT_SESSIONS = "/api/audit/sessions";

/** What closing one session came to: the outcomes SPS can produce (never `unsupported`). */
export type SpsCloseOutcome = Exclude<SessionOutcome, "unsupported">;

/** Result of {@link closeSpsActiveSession}: the shared {@link ActionOutcome} plus what SPS answered. */
export interface SpsCloseResult extends ActionOutcome {
  outcome: SpsCloseOutcome;
  /** The id the caller passed. */
  sessionId: string;
  /** HTTP status of the DELETE when it was not 2xx. */
  status?: number;
  /** SPS `error.type` of the DELETE when it was not 2xx (`SessionCouldNotBeFound`, `MinionUnavailable`, ...). */
  vendorType?: string;
}

/** A recorded session that the audit search reports as active. */
export interface SpsActiveSession {
  /**
   * The full closable id (`svc/<key>/<policy>:<n>`), when the audit record carries it as
   * `body.session_id`. Where SPS exposes it is not documented; undefined when absent.
   */
  id?: string;
  /** Audit key of the record. */
  key: string;
  active: boolean;
  protocol?: string;
  /** Server-side user name of the connection. */
  user?: string;
  /** `ip:port` of the client. */
  client?: string;
  /** `ip:port` of the server. */
  server?: string;
  startTime?: Date;
}

/** Options of {@link listSpsActiveSessions}. */
export interface ListSpsActiveSessionsOptions {
  /** Page size (`limit`; default 500, the documented default of the audit search). */
  pageSize?: number;
  /** Safety cap on pages (default 1000). */
  maxPages?: number;
}

/** Options when a helper builds its own client from a connection. */
export interface SpsHelperOptions {
  log?: DebugLog;
}

const endpoint = z.object({ ip: z.string().optional(), port: z.number().optional() }).passthrough();
const auditBody = z
  .object({
    active: z.boolean().optional(),
    session_id: z.string().optional(),
    protocol: z.string().optional(),
    client: endpoint.optional(),
    server: endpoint.optional(),
    start_time: z.number().optional(),
    user: z.object({ server_username: z.string().optional() }).passthrough().optional(),
  })
  .passthrough();
const auditPageSchema = z
  .object({
    items: z.array(z.object({ key: z.string(), body: auditBody.optional() }).passthrough()),
    meta: z.object({ match_count: z.number().optional() }).passthrough().optional(),
  })
  .passthrough();
const auditItemSchema = z.object({ key: z.string().optional(), body: auditBody }).passthrough();

const hostPort = (e: z.infer<typeof endpoint> | undefined) => (e?.ip ? (e.port !== undefined ? `${e.ip}:${e.port}` : e.ip) : undefined);

/** Runs `fn` with the given client, or with a fresh logged-in client that is closed afterwards. */
async function withClient<T>(target: SpsClient | SpsConnection, opts: SpsHelperOptions, fn: (c: SpsClient) => Promise<T>): Promise<T> {
  if (target instanceof SpsClient) return fn(target);
  const client = new SpsClient(target, { log: opts.log });
  try {
    await client.ensureLogin();
    return await fn(client);
  } finally {
    // SPS has no documented logout endpoint: the cookie simply idles out.
    await client.close();
  }
}

/**
 * Lists active recorded sessions: `GET /api/audit/sessions?q=active:true` paged with `limit`/`offset`
 * (the audit search's documented paging; the `active:true` query is our inference). Records are deduplicated by key
 * (sessions that end between pages shift later pages) and inactive ones are dropped client-side in
 * case the appliance ignores the query. Throws the HTTP core's errors (403 without the search privilege).
 */
export async function listSpsActiveSessions(target: SpsClient | SpsConnection, opts: ListSpsActiveSessionsOptions & SpsHelperOptions = {}): Promise<SpsActiveSession[]> {
  const limit = opts.pageSize ?? 500;
  return withClient(target, opts, async (client) => {
    const seen = new Map<string, SpsActiveSession>();
    let offset = 0;
    for (let page = 0; page < (opts.maxPages ?? 1000); page++) {
      const data = await client.read({ method: "GET", path: AUDIT_SESSIONS, query: { q: "active:true", limit, offset }, schema: auditPageSchema });
      for (const item of data.items) {
        const b = item.body ?? {};
        if (b.active === false || seen.has(item.key)) continue;
        seen.set(item.key, {
          id: b.session_id,
          key: item.key,
          active: true,
          protocol: b.protocol,
          user: b.user?.server_username,
          client: hostPort(b.client),
          server: hostPort(b.server),
          startTime: b.start_time === undefined ? undefined : new Date(b.start_time * 1000),
        });
      }
      offset += data.items.length;
      const total = data.meta?.match_count;
      if (data.items.length === 0 || (total !== undefined ? offset >= total : data.items.length < limit)) break;
    }
    return [...seen.values()];
  });
}

/** Help for the documented failure types of the DELETE (SPS REST API guide, "Active sessions"). */
const FAILURE_HELP: Record<string, string> = {
  SessionTerminationFailed: "SPS could not terminate the session because of an internal error; try again, then check the SPS system log",
  RemoteNodeInfoMissing:
    "the cluster node that records this session is missing from this node's cluster configuration, so the request cannot be routed to it; contact One Identity support",
  SessionTerminationServiceUnavailable:
    "the session termination service is not running on the host that records the session; on that host's CLI run 'systemctl restart sessionterminationservice.service'",
  MinionUnavailable:
    "the Search Minion node that records the session is unavailable (see GET /api/cluster/status). Minion-recorded sessions can be closed through the Search Master or on the Minion itself once it is back",
};

/**
 * After a 404, tells "ended" from "never existed" by reading the audit record whose key is the middle
 * part of `svc/<key>/<policy>:<n>`. Undefined when that cannot be decided.
 */
async function auditState(client: SpsClient, id: string): Promise<"ended" | "unknown" | "active" | undefined> {
  const key = /^svc\/([^/]+)\//.exec(id)?.[1];
  if (!key) return undefined;
  try {
    const r = await client.read({ method: "GET", path: `${AUDIT_SESSIONS}/${pathSegment(key, "SPS audit session key")}`, schema: auditItemSchema });
    if (r.body.session_id !== undefined && r.body.session_id !== id) return "unknown";
    return r.body.active === false ? "ended" : r.body.active === true ? "active" : undefined;
  } catch (e) {
    if (PamError.isInstance(e) && (e as Partial<ApiError>).status === 404) return "unknown";
    if (AuthError.isInstance(e)) throw e;
    return undefined;
  }
}

/**
 * Closes one active session: `DELETE /api/active-sessions?id=<percent-encoded id>` (SPS REST API guide, "Active sessions").
 * Outcomes:
 * - 2xx → `done`.
 * - 404 `SessionCouldNotBeFound` ("no ongoing session for this id") → `already` only when the audit
 *   record of the id shows the session ended; otherwise `not-found` (a mistyped or made-up id is
 *   never reported as success). Choice: SPS answers the same 404 for "closed" and "unknown", so only
 *   the audit trail can confirm "ended"; when it cannot be read (no `svc/` form, no search
 *   privilege) the result is `not-found`, saying the state could not be confirmed.
 * - 403 → `denied` (needs read and write/perform on `/special/active_sessions`, per the guide).
 * - 400 `SessionIdMissing`, 500/503/504 with the documented types, anything else → `failed` with the
 *   guide's explanation (cluster routing included).
 * Throws only {@link AuthError} (login rejected even after one re-login): that is not per session.
 */
export async function closeSpsActiveSession(target: SpsClient | SpsConnection, id: string, opts: SpsHelperOptions = {}): Promise<SpsCloseResult> {
  const result = (outcome: SpsCloseOutcome, detail: string, extra: Partial<SpsCloseResult> = {}): SpsCloseResult => ({ outcome, sessionId: id, detail, ...extra });
  if (id.trim() === "") return result("failed", "the session id is empty; give the full id shown on the Active Connections page (e.g. svc/<key>/<policy>:<n>)");
  const bad = sessionIdProblem(id);
  if (bad) return result("failed", `the session id ${bad}; give the full id shown on the Active Connections page (e.g. svc/<key>/<policy>:<n>)`);
  return withClient(target, opts, async (client) => {
    try {
      // The query is built with URLSearchParams, so `/` and `:` in the id are percent-encoded.
      await client.read({ method: "DELETE", path: ACTIVE_SESSIONS, query: { id }, allowEmpty: true, responseType: "text" });
      return result("done", `session ${id} closed`);
    } catch (e) {
      if (AuthError.isInstance(e) || !PamError.isInstance(e)) throw e;
      const a = e as Partial<ApiError>;
      const extra = { status: a.status, vendorType: a.vendorCode };
      // Error messages are redacted when the HTTP core builds them.
      const said = e.message;
      if (a.status === 404) {
        const state = await auditState(client, id);
        if (state === "unknown") return result("not-found", `no session has the id ${id} (SPS: SessionCouldNotBeFound; the audit trail has no such session)`, extra);
        if (state === "active") {
          return result("failed", `SPS could not find session ${id} although the audit trail shows it active: it may be recorded on a Search Local node, which only that node can close. ${said}`, extra);
        }
        if (state === "ended") return result("already", `session ${id} is not active (SessionCouldNotBeFound; the audit trail shows it ended)`, extra);
        return result("not-found", `SPS has no ongoing session ${id} (SessionCouldNotBeFound) and the audit trail could not confirm that it ever existed; check the id (the full svc/<key>/<policy>:<n> form from the Active Connections page or \`pam-session list\`)`, extra);
      }
      if (a.status === 403) {
        return result("denied", `the SPS user may not close sessions: it needs read and write/perform on Active Sessions (/special/active_sessions) through a usergroup. ${said}`, extra);
      }
      const help = a.vendorCode ? FAILURE_HELP[a.vendorCode] : undefined;
      if (a.vendorCode === "SessionIdMissing") return result("failed", `SPS received no session id (SessionIdMissing). ${said}`, extra);
      return result("failed", help ? `${a.vendorCode}: ${help}. ${said}` : said, extra);
    }
  });
}
