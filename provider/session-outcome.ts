/**
 * The one vocabulary of what a session action came to. Every vendor's session helper (SPS close,
 * CyberArk suspend/resume/terminate, senhasegura drop), the sessions module and the CLI use it; it
 * imports nothing, so vendor folders can use it without depending on `provider/sessions`.
 */

/**
 * What an action did to one session:
 * - `done`: the appliance accepted the action;
 * - `already`: the session was already in the wanted state (SPS/senhasegura: confirmed ended; CyberArk: 409 already suspended/running);
 * - `not-found`: no such session (CyberArk also reports an ended session this way);
 * - `unsupported`: the target or this kind of session cannot do the action (PSM for SSH, OPM, old PVWA, wrong route prefix);
 * - `denied`: the user lacks the permission;
 * - `failed`: anything else; `detail` says what.
 */
export type SessionOutcome = "done" | "already" | "not-found" | "unsupported" | "denied" | "failed";

/** Every outcome, in documentation order (the CLI's summary line uses it). */
export const SESSION_OUTCOMES: readonly SessionOutcome[] = ["done", "already", "not-found", "unsupported", "denied", "failed"];

/** Outcomes that count as success for a run (exit code 0 of the CLI). */
export const SUCCESS_OUTCOMES: ReadonlySet<SessionOutcome> = new Set(["done", "already"]);

/**
 * What one vendor helper call came to. `detail` is human-readable; the texts it is built from (error
 * messages) are redacted when the error is built, and the sessions module redacts it once more where
 * results leave it.
 */
export interface ActionOutcome {
  outcome: SessionOutcome;
  detail: string;
}
