import type { EmulatorRequest, EmulatorResponse } from "../../common/server";
import { answerError, pvwaError, webApiNotFound, type PvwaContext } from "../context";
import { flagsFor } from "../permissions";
import type { LiveSessionRecord, VaultUser } from "../store";
import { requireCaller } from "./auth";

/** Sort keys of GET /LiveSessions and the wire field each one orders by ([DOC] D-LIST). */
const SORT_FIELDS: Record<string, string> = {
  riskscore: "RiskScore",
  filename: "FileName",
  safename: "SafeName",
  foldername: "FolderName",
  psmvaultusername: "User",
  fromip: "FromIP",
  remotemachine: "RemoteMachine",
  client: "Client",
  protocol: "Protocol",
  accountusername: "AccountUsername",
  accountaddress: "AccountAddress",
  accountplatformid: "AccountPlatformID",
  psmstarttime: "Start",
  ticketid: "TicketID",
};

/** Query parameters are matched case-insensitively (IIS/ASP.NET model binding). */
function param(req: EmulatorRequest, name: string): string | undefined {
  const k = Object.keys(req.query).find((q) => q.toLowerCase() === name.toLowerCase());
  return k === undefined ? undefined : req.query[k];
}

function intParam(req: EmulatorRequest, name: string, dflt: number, min: number): number {
  const v = param(req, name);
  if (v === undefined || v === "") return dflt;
  if (!/^-?\d+$/.test(v) || Number(v) < min) {
    // [UNK] Code for a malformed query value. Choice: PVWA's generic PASWS167E text.
    throw pvwaError(400, "PASWS167E", "There are some invalid parameters.");
  }
  return Number(v);
}

/** The session as `caller` sees it: wire fields plus per-caller flags; the suspended flag is never sent. */
export function sessionView(ctx: PvwaContext, caller: VaultUser, s: LiveSessionRecord): Record<string, unknown> {
  return { ...s.wire, ...flagsFor(ctx.store, caller, s) };
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a ?? "").localeCompare(String(b ?? ""), "en", { sensitivity: "base" });
}

/**
 * `GET /API/LiveSessions` ([DOC] D-LIST): filters Safe, Search ("contains" over string
 * properties), FromTime/ToTime (Unix seconds on Start), then Sort (`-` = descending; default
 * descending by start), then Offset/Limit. `Total` counts before paging ([CODE] psPAS paging).
 */
export function listLiveSessions(ctx: PvwaContext, req: EmulatorRequest): EmulatorResponse {
  const caller = requireCaller(ctx, req);
  const limit = Math.min(intParam(req, "Limit", 25, 1), ctx.behaviour.maxRecords);
  const offset = intParam(req, "Offset", 0, 0);
  const from = intParam(req, "FromTime", Number.NEGATIVE_INFINITY, 0);
  const to = intParam(req, "ToTime", Number.POSITIVE_INFINITY, 0);
  const safe = param(req, "Safe");
  const search = (param(req, "Search") ?? "").toLowerCase();
  const sortRaw = param(req, "Sort") ?? "-PSMStartTime";
  const desc = sortRaw.startsWith("-");
  const sortField = SORT_FIELDS[sortRaw.replace(/^[-+]/, "").toLowerCase()];
  if (!sortField) throw pvwaError(400, "PASWS167E", "There are some invalid parameters.");

  const rows = ctx.store.sessions.filter((s) => {
    const w = s.wire;
    if (safe !== undefined && safe !== "" && w.SafeName.toLowerCase() !== safe.toLowerCase()) return false;
    if (w.Start < from || w.Start > to) return false;
    if (search) {
      const hay = Object.values(w).filter((v) => typeof v === "string").join("\n").toLowerCase();
      if (!hay.includes(search)) return false;
    }
    return true;
  });
  rows.sort((a, b) => (desc ? -1 : 1) * compare(a.wire[sortField], b.wire[sortField]));
  const page = rows.slice(offset, offset + limit).map((s) => sessionView(ctx, caller, s));
  return { status: 200, body: { LiveSessions: page, Total: rows.length } };
}

function findOr404(ctx: PvwaContext, id: string, field: "SessionID" | "SessionGuid" | "either" = "either"): LiveSessionRecord {
  const s = ctx.store.session(id, field);
  if (!s) throw answerError(ctx.behaviour.sessionNotFound);
  return s;
}

/** `GET /API/LiveSessions/{id}`: wrapped as `{"LiveSessions":[…]}` ([DOC] D-GET1), `Total` per behaviour ([UNK]). */
export function getLiveSession(ctx: PvwaContext, req: EmulatorRequest): EmulatorResponse {
  const caller = requireCaller(ctx, req);
  const view = sessionView(ctx, caller, findOr404(ctx, req.params.id));
  return { status: 200, body: ctx.behaviour.getByIdIncludesTotal ? { LiveSessions: [view], Total: 1 } : { LiveSessions: [view] } };
}

/** `GET /API/LiveSessions/{id}/properties`: the bare session object ([DOC] D-PROP). */
export function getLiveSessionProperties(ctx: PvwaContext, req: EmulatorRequest): EmulatorResponse {
  const caller = requireCaller(ctx, req);
  return { status: 200, body: sessionView(ctx, caller, findOr404(ctx, req.params.id)) };
}

const ACTIONS: Record<string, "Suspend" | "Resume" | "Terminate"> = { suspend: "Suspend", resume: "Resume", terminate: "Terminate" };

/**
 * `POST /API/LiveSessions/{id}/{Suspend|Resume|Terminate}` ([DOC] D-SUS, D-TERM).
 * The body is ignored ([DOC] "Body parameters: None"). Checked in this order: session exists,
 * action supported for the session kind, caller permitted, state. Every decided call is audited.
 */
export function liveSessionAction(ctx: PvwaContext, req: EmulatorRequest): EmulatorResponse {
  const caller = requireCaller(ctx, req);
  const action = ACTIONS[req.params.action.toLowerCase()];
  if (!action) {
    throw webApiNotFound(req.path);
  }
  const id = req.params.id;
  const audit = (status: number) => ctx.store.audit.push({ at: ctx.clock.now(), user: caller.username, action, sessionId: id, status });
  try {
    const s = findOr404(ctx, id, ctx.behaviour.actionIdField);
    const flags = flagsFor(ctx.store, caller, s);
    if (action !== "Terminate" && s.kind !== "psm") throw answerError(ctx.behaviour.actionUnsupported);
    if (action === "Terminate" && s.kind === "opm") throw answerError(ctx.behaviour.actionUnsupported);
    // [INF]: the Suspending list governs Resume too (one docs page covers both).
    if (action === "Terminate" ? !flags.CanTerminate : !flags.CanSuspend) throw answerError(ctx.behaviour.actionDenied);
    if (action === "Terminate") {
      ctx.store.sessions.splice(ctx.store.sessions.indexOf(s), 1);
    } else {
      const target = action === "Suspend";
      if (s.suspended === target && ctx.behaviour.sameStateAction === "conflict") throw answerError(ctx.behaviour.sameStateConflict);
      s.suspended = target;
    }
  } catch (e) {
    audit((e as { status?: number }).status ?? 500);
    throw e;
  }
  audit(200);
  return ctx.behaviour.actionSuccessBody === "object" ? { status: 200, body: {} } : { status: 200 };
}
