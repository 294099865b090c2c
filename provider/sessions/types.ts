/** Types shared by the cross-vendor session-actions module and the `pam-session` CLI. */
import { PamError } from "../http/errors";
import type { ActionOutcome } from "../session-outcome";

export { SUCCESS_OUTCOMES, type SessionOutcome } from "../session-outcome";

/** The appliances the module can act on. */
export type SessionTargetName = "sps" | "cyberark" | "senhasegura";

/** Every target name, in documentation order. */
export const SESSION_TARGETS: readonly SessionTargetName[] = ["sps", "cyberark", "senhasegura"];

/** Actions on live sessions. `terminate` is SPS "close" and senhasegura "drop". */
export type SessionAction = "suspend" | "resume" | "terminate";

/** Every action name. */
export const SESSION_ACTIONS: readonly SessionAction[] = ["suspend", "resume", "terminate"];

/** One result per session and action. `detail` is human-readable and never holds a secret. */
export interface SessionResult extends ActionOutcome {
  target: SessionTargetName;
  sessionId: string;
  action: SessionAction;
}

/** A live session as listed, normalised across vendors. */
export interface SessionSummary {
  target: SessionTargetName;
  /** The id the actions take (SPS: the full `svc/...` id, or the audit key when SPS does not expose it). */
  sessionId: string;
  user?: string;
  protocol?: string;
  /** Target host/account, as far as the vendor says. */
  server?: string;
  /** Client address. */
  client?: string;
  /**
   * Start time, ISO 8601 with an offset (`2026-01-05T09:12:00.000Z`, or `+03:00` for senhasegura,
   * whose API sends appliance-local time without a zone: see `SessionTargetOptions.senhaseguraTimeZone`).
   */
  start?: string;
  /**
   * True/false only where the API tells. None of the three documented APIs exposes it; CyberArk's
   * `Suspended` field is read when a PVWA version sends one. Undefined means "not known".
   */
  suspended?: boolean;
  /** Vendor-specific note (CyberArk session kind, SPS audit key without closable id). */
  note?: string;
}

/** Client-side filters of a list (every vendor; combined with AND, strings match case-insensitively). */
export interface SessionListFilter {
  /** The session's user contains this text. */
  user?: string;
  /** The target host or account (`server`) contains this text. */
  host?: string;
  /** The protocol equals this text (`ssh`, `rdp`, ...). */
  protocol?: string;
  /** The session started at or after this instant (sessions without a start time are left out). */
  since?: Date;
}

/** Which actions a target supports: only CyberArk PSM documents suspend/resume; SPS closes and senhasegura drops sessions. */
export interface TargetCapabilities {
  list: true;
  suspend: boolean;
  resume: boolean;
  terminate: boolean;
}

/** Suspend and resume exist only on CyberArk PSM; SPS closes and senhasegura drops. */
export const CAPABILITIES: Readonly<Record<SessionTargetName, TargetCapabilities>> = {
  sps: { list: true, suspend: false, resume: false, terminate: true },
  cyberark: { list: true, suspend: true, resume: true, terminate: true },
  senhasegura: { list: true, suspend: false, resume: false, terminate: true },
};

/** True when `target` can do `action` at all. */
export function supports(target: SessionTargetName, action: SessionAction): boolean {
  return CAPABILITIES[target][action];
}

/**
 * A failure of the whole run rather than of one session: the login was refused (`auth`), the
 * appliance could not be reached (`connection`), or the settings are invalid (`config`).
 * Code `SESSION_RUN_AUTH` / `SESSION_RUN_CONNECTION` / `SESSION_RUN_CONFIG`.
 */
export class SessionRunError extends PamError {
  static override readonly brand: symbol = Symbol.for("pulumi-pam.error:SessionRunError");
  readonly code: string;
  constructor(readonly kind: "auth" | "connection" | "config", message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = `SESSION_RUN_${kind.toUpperCase()}`;
  }
}

/** A list refused with 403; the message names the privilege. Code `SESSION_LIST_DENIED`. */
export class ListDeniedError extends PamError {
  static override readonly brand: symbol = Symbol.for("pulumi-pam.error:ListDeniedError");
  readonly code = "SESSION_LIST_DENIED";
  constructor(message: string, cause: unknown) {
    super(message, { cause });
  }
}
