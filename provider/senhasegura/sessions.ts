/**
 * Proxy (remote) session helpers for senhasegura PAM Core (A2A "Sessions" API,
 * https://docs.senhasegura.io/docs/a2a-apis-pam-core-sessions): list, get by numeric id, drop by
 * session_id. Each returns a {@link SenhaseguraResult} (the shared outcome vocabulary) instead of
 * throwing, with the error behind a non-done outcome, so that the sessions module can tell a
 * run-level failure (login refused, appliance unreachable) from one session's.
 */
import { encodePath } from "../http/path";
import { sessionIdProblem } from "../validation/names";
import { ConnectionError, PamError, TimeoutError, type ApiError } from "../http/errors";
import type { ActionOutcome, SessionOutcome } from "../session-outcome";
import type { SenhaseguraClient } from "./client";
import { envelopeSchema, sessionsBodySchema, type RawSession } from "./schemas";

/** Result of one helper call: `done` carries the value; every other outcome the error behind it, when there is one. */
export type SenhaseguraResult<T> =
  | (ActionOutcome & { outcome: "done"; value: T })
  | (ActionOutcome & { outcome: Exclude<SessionOutcome, "done">; error?: PamError; session?: RemoteSession });

/** A proxy session, normalized from English or Portuguese keys (the API answers in either language). */
export interface RemoteSession {
  /** Numeric id as a string; used by {@link getRemoteSession}. */
  id: string;
  /** Opaque hash; used by {@link dropSession}. */
  sessionId: string;
  /**
   * Inferred (our choice): no status field exists, so a session is active when `end` is null, empty,
   * absent or MySQL's zero date.
   */
  active: boolean;
  user?: string;
  originIp?: string;
  credential?: string;
  /** `host:port`. */
  device?: string;
  protocol?: string;
  proxy?: string;
  /** `YYYY-MM-DD HH:MM:SS`, appliance local time, no zone (kept as sent). */
  start?: string;
  /** As {@link start}; undefined while active. */
  end?: string;
  /** `HH:MM:SS`. */
  time?: string;
  preventPurge?: string;
  request?: unknown;
  itsm?: unknown;
}

const undef = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);

/** Maps one raw record to {@link RemoteSession}. */
export function normalizeSession(r: RawSession): RemoteSession {
  const end = undef(r.end)?.trim();
  const active = end === undefined || end === "" || /^0000-00-00/.test(end);
  return {
    id: r.id,
    sessionId: r.session_id,
    active,
    user: undef(r.user),
    originIp: undef(r.origin_ip),
    credential: undef(r.credential) ?? undef(r.credencial),
    device: undef(r.device) ?? undef(r.dispositivo),
    protocol: undef(r.protocol),
    proxy: undef(r.proxy),
    start: undef(r.start),
    end: active ? undefined : end,
    time: undef(r.time),
    preventPurge: undef(r.prevent_purge),
    request: undef(r.request as unknown),
    itsm: undef(r.ITSM as unknown),
  };
}

function statusOf(e: unknown): number | undefined {
  return PamError.isInstance(e) ? (e as Partial<ApiError>).status : undefined;
}

/**
 * "You are not authorized to access this resource" comes as 500 (v3.33 docs) with the same
 * error_code as a failed drop, so status alone cannot tell it apart.
 * Choice: this one documented text (either spelling) is matched; everything else goes by status and codes.
 */
function isDenial(e: unknown): boolean {
  const s = statusOf(e);
  if (s === 401 || s === 403) return true;
  const msg = PamError.isInstance(e) ? ((e as Partial<ApiError>).vendorMessage ?? "") : "";
  return /not authori[sz]ed/i.test(msg);
}

/** Common mapping of a thrown error to a non-done outcome. */
function failure(e: unknown, what: string): SenhaseguraResult<never> {
  if (!PamError.isInstance(e)) throw e;
  const s = statusOf(e);
  if (isDenial(e)) {
    const why = s === 401 ? "authentication failed (check the A2A credentials and source-IP restrictions)" : "the A2A authorization lacks the permission";
    return { outcome: "denied", detail: `${what}: ${why}: ${e.message}`, error: e };
  }
  if (s === 404) {
    return { outcome: "unsupported", detail: `${what}: the appliance does not serve this route (check pathPrefix: /iso, /api or /api/pam): ${e.message}`, error: e };
  }
  return { outcome: "failed", detail: `${what}: ${e.message}`, error: e };
}

/**
 * Lists every proxy session visible to the authorization (`GET <prefix>/session/remotesessions`).
 * The API documents no server-side filter or paging; filter the result locally.
 */
export async function listRemoteSessions(client: SenhaseguraClient): Promise<SenhaseguraResult<RemoteSession[]>> {
  try {
    const res = await client.request("GET", "/session/remotesessions", sessionsBodySchema());
    const sessions = res.data.sessions.map(normalizeSession);
    const active = sessions.filter((s) => s.active).length;
    return { outcome: "done", value: sessions, detail: `${sessions.length} session(s), ${active} active` };
  } catch (e) {
    return failure(e, "list remote sessions");
  }
}

/**
 * Gets one session by its numeric `id` (not `session_id`): error 1002 → `not-found`,
 * 1003 (non-numeric id) → `failed`.
 */
export async function getRemoteSession(client: SenhaseguraClient, id: string | number): Promise<SenhaseguraResult<RemoteSession>> {
  const what = `get remote session ${id}`;
  try {
    const res = await client.request("GET", encodePath`/session/remotesessions/${String(id)}`, sessionsBodySchema());
    const [first] = res.data.sessions;
    if (!first) return { outcome: "not-found", detail: `${what}: the answer holds no session` };
    return { outcome: "done", value: normalizeSession(first), detail: `session ${first.id} (${first.session_id})` };
  } catch (e) {
    const code = PamError.isInstance(e) ? (e as Partial<ApiError>).vendorCode : undefined;
    if (code === "1002") return { outcome: "not-found", detail: `${what}: session not found (1002)`, error: e as PamError };
    if (code === "1003") return { outcome: "failed", detail: `${what}: unexpected identifier type (1003); pass the numeric id, not the session_id`, error: e as PamError };
    return failure(e, what);
  }
}

/**
 * Terminates a proxy session by `session_id` (`DELETE <prefix>/session/drop/{session_id}`, path-escaped).
 *
 * The appliance answers the same 500 "An error occurred while droping session" for an unknown, an
 * already-ended and a failed drop, and whether a repeated drop is harmless is not documented. So on
 * any 5xx that is not a denial, and on a lost answer (connection reset or timeout after sending), the
 * list is read back (never a resend: a DELETE with an unknown outcome is not repeated blindly):
 * - session absent → `not-found` ("not active or unknown");
 * - session present and ended → `already`;
 * - session still active → `failed` with the vendor's message.
 */
export async function dropSession(client: SenhaseguraClient, sessionId: string): Promise<SenhaseguraResult<undefined>> {
  const what = `drop session ${sessionId}`;
  let path: string;
  const bad = sessionIdProblem(sessionId);
  if (bad) return { outcome: "failed", detail: `${what}: invalid session_id: it ${bad}` };
  try {
    path = encodePath`/session/drop/${sessionId}`;
  } catch (e) {
    return { outcome: "failed", detail: `${what}: invalid session_id: ${(e as Error).message}`, error: PamError.isInstance(e) ? e : undefined };
  }
  try {
    await client.request("DELETE", path, envelopeSchema());
    return { outcome: "done", value: undefined, detail: `session ${sessionId} dropped` };
  } catch (e) {
    const s = statusOf(e);
    // A lost answer (reset, timeout) is as ambiguous as the 500: the drop may have happened.
    const lostAnswer = s === undefined && (ConnectionError.isInstance(e) || TimeoutError.isInstance(e));
    if (isDenial(e) || (!lostAnswer && (s === undefined || s < 500))) return failure(e, what);
    const listed = await listRemoteSessions(client);
    if (listed.outcome !== "done") {
      return { outcome: "failed", detail: `${what}: session not active or unknown, or the drop failed; re-listing to tell them apart failed: ${listed.detail}`, error: e as PamError };
    }
    const session = listed.value.find((x) => x.sessionId === sessionId);
    if (!session) return { outcome: "not-found", detail: `${what}: session not active or unknown (not in the session list)`, error: e as PamError };
    if (!session.active) return { outcome: "already", detail: `${what}: session not active (ended ${session.end ?? "earlier"})`, error: e as PamError, session };
    return { outcome: "failed", detail: `${what}: the session is still active after the error: ${(e as Error).message}`, error: e as PamError, session };
  }
}
