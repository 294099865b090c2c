/**
 * Errors where no usable answer exists: no (complete) answer ({@link TransportError}), a 2xx of the
 * wrong shape or size, or client options invalid before any request ({@link ConfigError}).
 * Transport errors are kept apart from 5xx on purpose: "the appliance said 500" and "we never reached
 * it" need different fixes.
 */

import { PamError, errorBrand } from "./pam-error";

/** Fields shared by the transport errors. */
export interface TransportErrorInit {
  /** Stable code (see each class). */
  code: string;
  vendor: string;
  method: string;
  /** Redacted path. */
  path: string;
  /** Human detail after `<vendor> <METHOD> <path>: `. */
  detail: string;
  /** A wrapped, redacted cause (see `wrapCause` in client.ts), never the raw undici error. */
  cause?: unknown;
}

/** Base of {@link ConnectionError} and {@link TimeoutError}: no complete answer arrived. */
export abstract class TransportError extends PamError {
  static override readonly brand: symbol = errorBrand("TransportError");
  readonly code: string;
  readonly vendor: string;
  readonly method: string;
  readonly path: string;
  constructor(init: TransportErrorInit) {
    super(`${init.vendor} ${init.method} ${init.path}: ${init.detail}`, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.vendor = init.vendor;
    this.method = init.method;
    this.path = init.path;
  }
}

/**
 * No answer: connection refused or reset, DNS failure, TLS failure. Codes: `CONNECTION_REFUSED`,
 * `CONNECTION_RESET`, `DNS_LOOKUP_FAILED`, `TLS_VERIFY_FAILED`, `TLS_FAILED`, `CONNECTION_FAILED`.
 */
export class ConnectionError extends TransportError {
  static override readonly brand: symbol = errorBrand("ConnectionError");
}

/**
 * The answer did not arrive in time, or the caller aborted. Codes: `CONNECT_TIMEOUT`,
 * `HEADERS_TIMEOUT`, `BODY_TIMEOUT`, `REQUEST_TIMEOUT` (the request's `timeoutMs`), `ABORTED`.
 */
export class TimeoutError extends TransportError {
  static override readonly brand: symbol = errorBrand("TimeoutError");
}

/**
 * A 2xx whose body is not JSON, is empty where the caller did not allow it, or fails the caller's
 * schema. Codes: `RESPONSE_NOT_JSON`, `RESPONSE_EMPTY`, `RESPONSE_SHAPE_INVALID`. Lists issue paths
 * and kinds only, never values (values may be secrets).
 */
export class ResponseShapeError extends PamError {
  static override readonly brand: symbol = errorBrand("ResponseShapeError");
  readonly code: string;
  readonly vendor: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** `"<path>: <issue kind>"` lines, without values. */
  readonly issues: string[];
  constructor(init: { code: string; vendor: string; method: string; path: string; status: number; detail: string; issues?: string[] }) {
    super(`${init.vendor} ${init.method} ${init.path}: ${init.status} ${init.detail}`);
    this.code = init.code;
    this.vendor = init.vendor;
    this.method = init.method;
    this.path = init.path;
    this.status = init.status;
    this.issues = init.issues ?? [];
  }
}

/**
 * The answer's body is larger than the client's `maxResponseBytes`; reading stopped at the cap (the
 * connection was closed). Code `RESPONSE_TOO_LARGE`.
 */
export class ResponseTooLargeError extends PamError {
  static override readonly brand: symbol = errorBrand("ResponseTooLargeError");
  readonly code = "RESPONSE_TOO_LARGE";
  readonly vendor: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** The cap in bytes. */
  readonly limit: number;
  constructor(init: { vendor: string; method: string; path: string; status: number; limit: number }) {
    super(
      `${init.vendor} ${init.method} ${init.path}: ${init.status} answer larger than ${init.limit} bytes, not read further ` +
        "(maxResponseBytes; check baseUrl points at the appliance's API, or raise the limit)",
    );
    this.vendor = init.vendor;
    this.method = init.method;
    this.path = init.path;
    this.status = init.status;
    this.limit = init.limit;
  }
}

/** Invalid client options; the message names the field and the fix. Code `CONFIG_INVALID`. */
export class ConfigError extends PamError {
  static override readonly brand: symbol = errorBrand("ConfigError");
  readonly code = "CONFIG_INVALID";
  /** The option at fault, e.g. `baseUrl`, `caCertificates`. */
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}
