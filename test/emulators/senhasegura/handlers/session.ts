import type { Clock } from "../../common/clock";
import { EmulatorError } from "../../common/errors";
import type { EmulatorRequest, EmulatorResponse } from "../../common/server";
import type { Principal, Scope } from "../auth";
import { envelope, TEXT, type ProfileTraits } from "../profile";
import type { SessionStore, StoredSession } from "../store";

/** How a running session's `end` is written [UNK]: the docs only show ended sessions (emulator choice, option `activeEnd`). */
export type ActiveEndStyle = "null" | "empty" | "absent";

/** Session-handler behaviours; [UNK] ones carry their Choice. */
export interface SessionHandlerOptions {
  traits: ProfileTraits;
  /** Choice: `null` by default. */
  activeEnd: ActiveEndStyle;
  /** Status of "You are not authorized…": 500 per v3.33 docs (default), 403 alt [DOC]/[UNK]. */
  deniedStatus: number;
  /** Dropping an already-ended session: 500 "droping" (default, per "id fornecido é inválido") or 200 [UNK]. */
  dropEndedSucceeds: boolean;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** `YYYY-MM-DD HH:MM:SS` without a zone [DOC]. Choice: the emulator's "local time" is UTC. */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** `HH:MM:SS` duration [DOC] (hours may exceed 24). */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
}

/** Session list, get-by-id and drop handlers [DOC] https://docs.senhasegura.io/v4/docs/api-get-list-all-remote-sessions and …/api-del-terminate-remote-session. */
export class SessionHandlers {
  constructor(
    private readonly store: SessionStore,
    private readonly clock: Clock,
    private readonly opts: SessionHandlerOptions,
  ) {}

  /** Renders one session with the profile's keys (PT `credencial`/`dispositivo` in v3.32). */
  render(s: StoredSession): Record<string, unknown> {
    const t = this.opts.traits;
    const out: Record<string, unknown> = {
      id: s.id,
      user: s.user,
      origin_ip: s.originIp,
      [t.credentialKey]: s.credential,
      [t.deviceKey]: s.device,
      protocol: s.protocol,
      proxy: s.proxy,
      session_id: s.sessionId,
      start: formatTime(s.startMs),
    };
    if (s.endMs !== undefined) out.end = formatTime(s.endMs);
    else if (this.opts.activeEnd === "null") out.end = null;
    else if (this.opts.activeEnd === "empty") out.end = "";
    // Choice: a running session's `time` is the elapsed time so far.
    out.time = formatDuration((s.endMs ?? this.clock.now()) - s.startMs);
    out.prevent_purge = t.no;
    out.request = s.request;
    out.ITSM = s.itsm;
    return out;
  }

  private require(p: Principal, needed: Scope[]): void {
    if (needed.every((s) => p.scopes.includes(s))) return;
    const status = this.opts.deniedStatus;
    throw new EmulatorError(status, envelope(this.opts.traits, status, { message: TEXT.notAuthorized }));
  }

  /** `GET …/session/remotesessions`: no filters or paging documented [DOC]. */
  list(_req: EmulatorRequest, p: Principal): EmulatorResponse {
    this.require(p, ["read"]);
    const body = envelope(this.opts.traits, 200, TEXT.listOk);
    body.remote_sessions = this.store.all().map((s) => this.render(s));
    return { status: 200, body };
  }

  /** `GET …/session/remotesessions/{id}`: numeric id; 1003 before 1002 [DOC]. */
  get(req: EmulatorRequest, p: Principal): EmulatorResponse {
    this.require(p, ["read"]);
    const id = req.params.id;
    const fail = (code: number, message: string): never => {
      throw new EmulatorError(400, envelope(this.opts.traits, 400, { message }, { exception: { code, message, detail: null } }));
    };
    if (!/^\d+$/.test(id)) fail(1003, TEXT.unexpectedIdType);
    const s = this.store.getById(String(Number(id)));
    if (!s) return fail(1002, TEXT.sessionNotFound);
    const body = envelope(this.opts.traits, 200, TEXT.listOk);
    body[this.opts.traits.getKey] = [this.render(s)];
    return { status: 200, body };
  }

  /** `DELETE …/session/drop/{session_id}` [DOC] and the seed text. */
  drop(req: EmulatorRequest, p: Principal): EmulatorResponse {
    this.require(p, ["read", "write"]);
    const sid = req.params.sessionId;
    const s = this.store.getBySessionId(sid);
    const ended = s !== undefined && s.endMs !== undefined;
    if (s && (this.store.end(sid) || (ended && this.opts.dropEndedSucceeds))) {
      return { status: 200, body: envelope(this.opts.traits, 200, this.opts.traits.dropOk) };
    }
    // Unknown, malformed or already-ended session_id: the vendor's 500 (typo included).
    throw new EmulatorError(500, envelope(this.opts.traits, 500, { message: TEXT.dropFailed }));
  }
}
