import type { z } from "zod";
import { PamError } from "../http";
import type { ActionOutcome, SessionOutcome } from "../session-outcome";
import type { CyberArkClient } from "./client";
import { asApiError } from "./errors";
import { liveSessionSchema, liveSessionsPageSchema } from "./schemas";
import { apiPath, checkQueryValue } from "./url";
import { sessionIdProblem } from "../validation/names";

/** What kind of connection a live session is, which decides what can be done to it. */
export type LiveSessionKind = "psm" | "psm-ssh" | "opm" | "unknown";

/** A PSM live session, normalised from the PVWA answer. */
export interface LiveSession {
  /** `SessionID`, the id the actions are sent with first. */
  id: string;
  /** `SessionGuid`, the fallback id of the actions ([CODE] psPAS pipes it into the action cmdlets). */
  guid?: string;
  kind: LiveSessionKind;
  /** Per-caller flags as PVWA computed them for the logged-on user; undefined when not sent. */
  canSuspend?: boolean;
  canTerminate?: boolean;
  canMonitor?: boolean;
  protocol?: string;
  client?: string;
  connectionComponentId?: string;
  /** The PSM user who opened the session. */
  user?: string;
  safeName?: string;
  accountUsername?: string;
  accountAddress?: string;
  remoteMachine?: string;
  fromIp?: string;
  /** Start time; PVWA sends Unix seconds or milliseconds. */
  start?: Date;
  /** Duration in seconds; PVWA sends seconds or `HH:MM:SS`. */
  durationSeconds?: number;
  /** `RawProperties.ProviderID`: the PSM server ([DOC] EPV PSM-SessionsManagement.ps1). */
  providerId?: string;
  /** `Suspended`, when this PVWA sends it: the public docs name no field for the suspended state. */
  suspended?: boolean;
}

type RawSession = z.output<ReturnType<typeof liveSessionSchema>>;

/**
 * The kind from the connection component and client: PSMP-* / Client PSMP → PSM for SSH, OPM → OPM,
 * PSM-* / Client PSM → PSM (including SSH through a Windows PSM, which can be suspended). [INF]
 */
export function sessionKind(s: { Client?: string; ConnectionComponentID?: string; RawProperties?: Record<string, unknown> }): LiveSessionKind {
  const cc = (s.ConnectionComponentID ?? "").toUpperCase();
  const client = (s.Client ?? "").toUpperCase();
  const provider = String(s.RawProperties?.ProviderID ?? "").toUpperCase();
  if (client.includes("OPM") || cc.startsWith("OPM")) return "opm";
  if (client === "PSMP" || cc.startsWith("PSMP") || provider.startsWith("PSMP")) return "psm-ssh";
  if (client.startsWith("PSM") || cc.startsWith("PSM")) return "psm";
  return "unknown";
}

function durationSeconds(d: number | string | undefined): number | undefined {
  if (typeof d === "number") return d;
  const m = /^(\d+):(\d{2}):(\d{2})$/.exec(d ?? "");
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : undefined;
}

/** Normalises one PVWA session. */
export function toLiveSession(s: RawSession): LiveSession {
  const startMs = s.Start === undefined || s.Start <= 0 ? undefined : s.Start > 1e11 ? s.Start : s.Start * 1000;
  const providerId = s.RawProperties?.ProviderID;
  return {
    id: s.SessionID,
    guid: s.SessionGuid,
    kind: sessionKind(s),
    canSuspend: s.CanSuspend,
    canTerminate: s.CanTerminate,
    canMonitor: s.CanMonitor,
    protocol: s.Protocol,
    client: s.Client,
    connectionComponentId: s.ConnectionComponentID,
    user: s.User,
    safeName: s.SafeName,
    accountUsername: s.AccountUsername,
    accountAddress: s.AccountAddress,
    remoteMachine: s.RemoteMachine,
    fromIp: s.FromIP,
    start: startMs === undefined ? undefined : new Date(startMs),
    durationSeconds: durationSeconds(s.Duration),
    providerId: typeof providerId === "string" ? providerId : undefined,
    suspended: s.Suspended,
  };
}

/** Filters of {@link listLiveSessions} (PVWA-side unless noted). */
export interface ListLiveSessionsOptions {
  /** Sessions on accounts of this Safe. */
  safe?: string;
  /** PVWA "contains" search over the session's properties. */
  search?: string;
  /** Sessions that started at or after / at or before (sent as Unix seconds, [CODE] psPAS). */
  from?: Date;
  to?: Date;
  /** A documented sort key (e.g. "PSMStartTime"), `-` prefix for descending. */
  sort?: string;
  /** Page size (default 100, clamped by PVWA's MaxRecords; the loop follows `Total` either way). */
  pageSize?: number;
  /** Client-side: keep only sessions whose `RawProperties.ProviderID` ends with this PSM server name ([DOC] EPV script). */
  psmServer?: string;
  /** Client-side safety cap on pages (default 1000). */
  maxPages?: number;
}

/**
 * `GET /API/LiveSessions`, paging with Offset until `Total` is reached ([CODE] psPAS paging).
 * Sessions may end between pages, which shifts later pages: results are deduplicated by SessionID and
 * the loop also stops on an empty page. Without `Total`, it stops at the first short page.
 */
export async function listLiveSessions(client: CyberArkClient, opts: ListLiveSessionsOptions = {}): Promise<LiveSession[]> {
  const limit = opts.pageSize ?? 100;
  const base = {
    Limit: limit,
    Safe: opts.safe === undefined ? undefined : checkQueryValue("safe", opts.safe),
    Search: opts.search === undefined ? undefined : checkQueryValue("search", opts.search),
    FromTime: opts.from ? Math.floor(opts.from.getTime() / 1000) : undefined,
    ToTime: opts.to ? Math.floor(opts.to.getTime() / 1000) : undefined,
    Sort: opts.sort,
  };
  const seen = new Map<string, LiveSession>();
  let offset = 0;
  for (let page = 0; page < (opts.maxPages ?? 1000); page++) {
    const r = await client.request({ method: "GET", path: "/API/LiveSessions", query: { ...base, Offset: offset }, schema: liveSessionsPageSchema() });
    const rows = r.data.LiveSessions;
    for (const s of rows) if (!seen.has(s.SessionID)) seen.set(s.SessionID, toLiveSession(s));
    offset += rows.length;
    const total = r.data.Total;
    if (rows.length === 0 || (total !== undefined ? offset >= total : rows.length < limit)) break;
  }
  const all = [...seen.values()];
  if (!opts.psmServer) return all;
  const want = opts.psmServer.toLowerCase();
  return all.filter((s) => (s.providerId ?? "").toLowerCase().endsWith(want));
}

/**
 * `GET /API/LiveSessions/{id}` (10.6+, answer wrapped as `{LiveSessions:[…]}`, https://docs.cyberark.com/PAS/Latest/en/Content/WebServices/GetActiveSession.htm).
 * Undefined on 404; callers fall back to the list (older versions, or a SessionGuid).
 */
export async function getLiveSession(client: CyberArkClient, id: string): Promise<LiveSession | undefined> {
  try {
    const r = await client.request({ method: "GET", path: apiPath`LiveSessions/${id}/`, schema: liveSessionsPageSchema() });
    const s = r.data.LiveSessions.find((x) => x.SessionID === id || x.SessionGuid === id) ?? r.data.LiveSessions[0];
    return s ? toLiveSession(s) : undefined;
  } catch (e) {
    if (asApiError(e)?.status === 404) return undefined;
    throw e;
  }
}

/**
 * Finds a session by SessionID or SessionGuid: GET by id first, then the full list. `listSessions`
 * replaces the list read (a bulk run passes one that reads the list once for all its ids).
 */
export async function findLiveSession(client: CyberArkClient, id: string, listSessions?: () => Promise<LiveSession[]>): Promise<LiveSession | undefined> {
  const direct = await getLiveSession(client, id);
  if (direct) return direct;
  const want = id.toLowerCase();
  return (await (listSessions ?? (() => listLiveSessions(client)))()).find((s) => s.id.toLowerCase() === want || (s.guid ?? "").toLowerCase() === want);
}

/** What a session action did: the shared {@link ActionOutcome} plus what PVWA was sent and answered. */
export interface SessionActionResult extends ActionOutcome {
  action: "suspend" | "resume" | "terminate";
  /** The id the caller asked for. */
  sessionId: string;
  /** The id the action was finally sent with (SessionID, or SessionGuid after the hedge). */
  sentId?: string;
  /** The session as read by the pre-check, when it ran. */
  session?: LiveSession;
}

/** Options of the session actions. */
export interface SessionActionOptions {
  /**
   * Read the session first (default true): report `not-found`, `unsupported` (PSM for SSH / OPM) and
   * `denied` (CanSuspend/CanTerminate false) before acting, and enable the SessionGuid hedge.
   */
  precheck?: boolean;
  /** Source of the full list for ids that GET by id does not find (default: read the list each time). */
  listSessions?: () => Promise<LiveSession[]>;
}

const OPTIONS_PATH = "Administration > Options > Privileged Session Management > General Settings > Server Settings > Live Sessions Monitoring Settings";

/** Why CanSuspend is false, as far as REST can tell (https://docs.cyberark.com/PAS/Latest/en/Content/WebServices/Suspend-ResumeSession.htm). */
function suspendHelp(user: string): string {
  return (
    `user ${user} may not suspend or resume this session (CanSuspend is false). PVWA grants it when ` +
    `AllowPSMNotifications is Yes and the user, or a Vault group it belongs to, is listed under ${OPTIONS_PATH} > ` +
    "Suspending Live Sessions Users and Groups. Neither setting can be read or changed through the REST API; an administrator sets them in the PVWA UI"
  );
}

function terminateHelp(user: string): string {
  return (
    `user ${user} may not terminate this session (CanTerminate is false). PVWA grants it when the user, or a Vault group it ` +
    `belongs to (by default PSMLiveSessionTerminators), is listed under ${OPTIONS_PATH} > Terminating Live Sessions Users and Groups`
  );
}

const ACTION_PATH = { suspend: "Suspend", resume: "Resume", terminate: "Terminate" } as const;
const MIN_VERSION = { suspend: "10.2", resume: "10.2", terminate: "10.1" } as const; // [CODE] psPAS Assert-VersionRequirement

function describeKind(s: LiveSession): string {
  return `session ${s.id} (${[s.client, s.connectionComponentId, s.protocol].filter(Boolean).join(", ") || "unknown type"})`;
}

/** Why a 2xx action answer is not PVWA's (empty or JSON), or undefined when it is. */
function notTheApiAnswer(contentType: string | undefined, body: string): string | undefined {
  const type = (contentType ?? "").toLowerCase();
  const text = body.trim();
  if (/html|xml/.test(type) || /^</.test(text)) return "an HTML page";
  if (text === "") return undefined;
  try {
    JSON.parse(text);
    return undefined;
  } catch {
    return `not JSON (${type || "no content type"})`;
  }
}

async function runAction(client: CyberArkClient, action: SessionActionResult["action"], id: string, opts: SessionActionOptions): Promise<SessionActionResult> {
  // Details quote error messages, which the HTTP core redacts when it builds them.
  const result = (outcome: SessionOutcome, detail: string, extra: Partial<SessionActionResult> = {}): SessionActionResult => ({ outcome, action, sessionId: id, detail, ...extra });
  // The shared name rule: a NUL, CR/LF or invisible character in an id never reaches a URL.
  const bad = sessionIdProblem(id);
  if (bad) return result("failed", `the session id ${bad}; give the SessionID or SessionGuid shown by PVWA`);
  let session: LiveSession | undefined;
  const ids: string[] = [id];
  try {
    if (opts.precheck ?? true) {
      try {
        await client.requireVersion(MIN_VERSION[action], `${action} of live sessions`);
      } catch (e) {
        if (PamError.isInstance(e) && e.code === "CYBERARK_VERSION_TOO_OLD") return result("unsupported", e.message);
        throw e;
      }
      session = await findLiveSession(client, id, opts.listSessions);
      if (!session) return result("not-found", `no live session has SessionID or SessionGuid "${id}" (it may have ended)`);
      // CyberArk's docs: suspend/resume are PSM (Windows) only; terminate also covers PSM for SSH, not OPM.
      if (session.kind === "opm" || (action !== "terminate" && session.kind === "psm-ssh")) {
        const what = session.kind === "opm" ? "OPM" : "PSM for SSH";
        return result("unsupported", `${action} is not supported on ${what} sessions: ${describeKind(session)}`, { session });
      }
      if (action === "terminate" ? session.canTerminate === false : session.canSuspend === false) {
        return result("denied", action === "terminate" ? terminateHelp(client.username) : suspendHelp(client.username), { session });
      }
      ids.splice(0, 1, session.id);
      if (session.guid && session.guid !== session.id) ids.push(session.guid);
    }
    for (const [i, sid] of ids.entries()) {
      try {
        // The answer may be empty, `{}` or JSON (undocumented): read it as text, parse only to check it.
        const r = await client.request({ method: "POST", path: apiPath`LiveSessions/${sid}/${ACTION_PATH[action]}`, responseType: "text", allowEmpty: true });
        const notApi = notTheApiAnswer(r.headers["content-type"], r.rawText);
        // A 2xx that is not the API's answer (a proxy's or login portal's HTML page) confirms nothing.
        if (notApi) return result("failed", `PVWA's ${action} of session ${sid} is not confirmed: the ${r.status} answer is ${notApi}, not the API's answer (a proxy or login page in between?); check the session's state`, { sentId: sid, session });
        return result("done", `${action} of session ${sid} accepted by PVWA`, { sentId: sid, session });
      } catch (e) {
        const a = asApiError(e);
        // The SessionID/SessionGuid hedge: a 404 on SessionID is retried with SessionGuid.
        if (a?.status === 404 && i < ids.length - 1) continue;
        if (a?.status === 404) return result("not-found", `PVWA answered 404 for ${ids.join(" and ")} (the session may have ended): ${a.message}`, { sentId: sid, session });
        if (a?.status === 403) return result("denied", `${action === "terminate" ? terminateHelp(client.username) : suspendHelp(client.username)}. PVWA said: ${a.message}`, { sentId: sid, session });
        if (a?.status === 409 && action !== "terminate") return result("already", `PVWA reports the session is already ${action === "suspend" ? "suspended" : "running"}: ${a.message}`, { sentId: sid, session });
        throw e;
      }
    }
    return result("failed", "no id to act on");
  } catch (e) {
    if (!PamError.isInstance(e)) throw e;
    return result("failed", e.message, { session });
  }
}

/**
 * Suspends a PSM live session (`POST /API/LiveSessions/{id}/Suspend`,
 * https://docs.cyberark.com/PAS/Latest/en/Content/WebServices/Suspend-ResumeSession.htm).
 * Idempotency: PVWA exposes no "suspended" field, so the state cannot be read first;
 * a repeat returns `done` when PVWA accepts it (a no-op) and `already` when PVWA answers 409.
 */
export function suspendLiveSession(client: CyberArkClient, id: string, opts: SessionActionOptions = {}): Promise<SessionActionResult> {
  return runAction(client, "suspend", id, opts);
}

/** Resumes a suspended PSM live session (`POST /API/LiveSessions/{id}/Resume`, same page). Same idempotency rule as {@link suspendLiveSession}. */
export function resumeLiveSession(client: CyberArkClient, id: string, opts: SessionActionOptions = {}): Promise<SessionActionResult> {
  return runAction(client, "resume", id, opts);
}

/**
 * Terminates a PSM or PSM for SSH live session (https://docs.cyberark.com/PAS/Latest/en/Content/WebServices/PTA-PSM-TerminateSession.htm; not OPM). Idempotency: an ended session
 * leaves the list, so a repeat returns `not-found`; callers that mean "make sure it has ended" treat
 * `not-found` as success.
 */
export function terminateLiveSession(client: CyberArkClient, id: string, opts: SessionActionOptions = {}): Promise<SessionActionResult> {
  return runAction(client, "terminate", id, opts);
}
