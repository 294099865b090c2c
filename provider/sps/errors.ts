import { PamError } from "../http/errors";

/** Another administrator (web UI, console, another pipeline) holds the SPS configuration lock. Code `SPS_LOCK_HELD`. */
export class SpsLockHeldError extends PamError {
  static override readonly brand: symbol = Symbol.for("pulumi-pam.error:SpsLockHeldError");
  readonly code = "SPS_LOCK_HELD";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The REST session (and with it any open transaction) is gone: expired or logged out. Code `SPS_SESSION_LOST`. */
export class SpsSessionLostError extends PamError {
  static override readonly brand: symbol = Symbol.for("pulumi-pam.error:SpsSessionLostError");
  readonly code = "SPS_SESSION_LOST";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The appliance refuses what was asked for reasons the user must fix (LDAP backend, admin user...). Code `SPS_REFUSED`. */
export class SpsRefusedError extends PamError {
  static override readonly brand: symbol = Symbol.for("pulumi-pam.error:SpsRefusedError");
  readonly code = "SPS_REFUSED";
  constructor(message: string) {
    super(message);
  }
}

/**
 * A commit whose outcome could not be established: the connection broke during the commit and SPS could not
 * be read back. `staged` is what the operation staged (for a create: the key SPS gave the new object), so
 * the resource can be recorded as a partial create and completed by the next `up`. Code `SPS_COMMIT_UNKNOWN`.
 */
export class SpsCommitUnknownError extends PamError {
  static override readonly brand: symbol = Symbol.for("pulumi-pam.error:SpsCommitUnknownError");
  readonly code = "SPS_COMMIT_UNKNOWN";
  constructor(message: string, readonly staged: unknown, options?: { cause?: unknown }) {
    super(message, options);
  }
}
