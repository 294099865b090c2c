/**
 * Behaviour switches of the PVWA emulator. Every field documents its default; fields marked
 * [UNK] reproduce behaviour the public record does not settle (see README.md),
 * so tests can pin each plausible answer. All fields are mutable at run time via `controls.behaviour`.
 */

/** A vendor error answer: HTTP status plus the `{ErrorCode, ErrorMessage}` body. */
export interface PvwaErrorAnswer {
  status: number;
  ErrorCode: string;
  ErrorMessage: string;
}

export interface PvwaBehaviour {
  /** Reported by the server-version endpoints. Default "14.2.0". */
  version: string;
  /** `ServerName` in the server-version answer. Default "DemoVault" [DOC] EPV mock. */
  serverName: string;
  /**
   * Idle lifetime of a logon token in ms, measured on the emulator clock. [UNK]: public material (CyberArk's
   * epv-api-scripts mock server) says only that a configured timeout exists, not its value.
   * Choice: 20 minutes (the PVWA UI's usual idle timeout).
   */
  tokenIdleTimeoutMs: number;
  /** Absolute token lifetime in ms; undefined = none. [UNK] Choice: none by default. */
  tokenAbsoluteTimeoutMs?: number;
  /**
   * Answer for a missing, unknown, expired or `Bearer`-prefixed token. [DOC] EPV treats PASWS006E as
   * "no session token"; [CODE] aiobastion saw 401 CAWS00001E. Choice: 401 PASWS006E.
   */
  invalidToken: PvwaErrorAnswer;
  /**
   * When a user logs on without `concurrentSession: true`, end that user's older tokens.
   * [UNK]. Choice: true (the strict reading, which catches clients that forget it).
   */
  nonConcurrentLogonEndsOthers: boolean;
  /** Body of a successful Suspend/Resume/Terminate: none, or `{}`. [UNK]. Choice: "empty" ([DOC] EPV mock). */
  actionSuccessBody: "empty" | "object";
  /**
   * Suspending a suspended session, or resuming a running one. [UNK].
   * Choice: "noop" (200, as the EPV mock answers every action); "conflict" answers `sameStateConflict`.
   */
  sameStateAction: "noop" | "conflict";
  /** Answer for a same-state action in "conflict" mode. [UNK] Choice: 409 with an emulator-chosen code. */
  sameStateConflict: PvwaErrorAnswer;
  /** Answer when the caller lacks CanSuspend/CanTerminate for the session. [UNK]. Choice: 403. */
  actionDenied: PvwaErrorAnswer;
  /** Answer for Suspend/Resume on a PSM for SSH or OPM session. [UNK]. Choice: 400. */
  actionUnsupported: PvwaErrorAnswer;
  /** Answer for an unknown live-session id. [UNK] ("404 by analogy"). Choice: 404. */
  sessionNotFound: PvwaErrorAnswer;
  /**
   * Which id the action endpoints accept. [UNK]: psPAS pipes SessionGuid, the docs say
   * "the unique ID". Choice: "either".
   */
  actionIdField: "SessionID" | "SessionGuid" | "either";
  /** Whether GET /LiveSessions/{id} carries `Total`. [UNK]. Choice: true. */
  getByIdIncludesTotal: boolean;
  /** Upper bound for `Limit` (PVWA Options › Search Properties › MaxRecords). [UNK] default value. Choice: 100. */
  maxRecords: number;
  /** DELETE of a member that is not in the group: 404 or a silent 204. [UNK]. Choice: 404. */
  absentMemberDelete: 404 | 204;
  /** Answer for POST /UserGroups with a name in use. [UNK] (code unknown). Choice: 409. */
  duplicateGroup: PvwaErrorAnswer;
  /** Answer when the caller lacks the Vault authorization an operation needs. [UNK] Choice: 403. */
  missingAuthorization: PvwaErrorAnswer;
  /**
   * Members in group answers use this key for the name: the docs' example says `UserName`, their
   * table says `username` [DOC]. Choice: "UserName".
   */
  memberNameKey: "UserName" | "username";
  /** Reproduce the IIS HTML 404 for a dot in the last segment without a trailing "/" [CODE] psPAS #356. Default off. */
  dotQuirk: boolean;
  /** Render every error as an IIS HTML page with the same status (client robustness). Default off. */
  htmlErrors: boolean;
  /**
   * Privilege Cloud mode (set by `createPvwaEmulator({ privilegeCloud })`): only `Bearer <platform token>`
   * from the Identity endpoint is accepted, the PVWA logon is not served. Default off (self-hosted).
   */
  privilegeCloud: boolean;
}

/** Defaults for every behaviour switch (see the field docs for the reasons). */
export function defaultBehaviour(): PvwaBehaviour {
  return {
    version: "14.2.0",
    serverName: "DemoVault",
    tokenIdleTimeoutMs: 20 * 60_000,
    tokenAbsoluteTimeoutMs: undefined,
    // Choice: message text; only the code is attested ([DOC] EPV Safe-Management.ps1).
    invalidToken: { status: 401, ErrorCode: "PASWS006E", ErrorMessage: "Session token is missing or invalid." },
    nonConcurrentLogonEndsOthers: true,
    actionSuccessBody: "empty",
    sameStateAction: "noop",
    sameStateConflict: { status: 409, ErrorCode: "EMUSAME01E", ErrorMessage: "The session is already in the requested state." },
    // Codes starting "EMU" are invented (the real ones are [UNK]): clients must key on the status, not on them.
    actionDenied: { status: 403, ErrorCode: "EMUDENY01E", ErrorMessage: "You are not authorized to perform this action." },
    actionUnsupported: { status: 400, ErrorCode: "EMUUNSUP1E", ErrorMessage: "This action is not supported on PSM for SSH and OPM sessions." },
    sessionNotFound: { status: 404, ErrorCode: "EMUNOSES1E", ErrorMessage: "Live session was not found." },
    actionIdField: "either",
    getByIdIncludesTotal: true,
    maxRecords: 100,
    absentMemberDelete: 404,
    duplicateGroup: { status: 409, ErrorCode: "EMUDUPGR1E", ErrorMessage: "Group already exists." },
    missingAuthorization: { status: 403, ErrorCode: "EMUDENY02E", ErrorMessage: "You are not authorized to perform this action." },
    memberNameKey: "UserName",
    dotQuirk: false,
    htmlErrors: false,
    privilegeCloud: false,
  };
}
