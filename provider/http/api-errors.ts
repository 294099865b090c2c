/**
 * The vendor answered with a non-2xx status: {@link ApiError} and one subclass per status family, so
 * callers can tell "not found" from "not allowed" without reading status numbers.
 */

import { PamError, errorBrand } from "./pam-error";

/** What an {@link ApiError} is built from. All strings must already be redacted. */
export interface ApiErrorInit {
  /** Vendor key shown first in the message: "sps", "cyberark", "senhasegura". */
  vendor: string;
  /** HTTP method, upper case. */
  method: string;
  /** Request path (with base path prefix), query secrets masked by `redactUrl`. */
  path: string;
  /** HTTP status of the answer. */
  status: number;
  /** The vendor's own error code or type (`PASWS013E`, SPS `error.type`). */
  vendorCode?: string;
  /** The vendor's error message. */
  vendorMessage?: string;
  /** Structured vendor details (already redacted). */
  details?: unknown;
  /** Short, tag-stripped excerpt of a non-JSON (or unparsed) error body; used when there is no vendor message. */
  excerpt?: string;
  /** Request id from the answer's headers, for support tickets. */
  requestId?: string;
  /** Whether the condition is transient (429/502/503/504); defaults from the status. */
  retryable?: boolean;
  /** Overrides the default stable code (vendor clients: `SPS_LOCK_HELD`). */
  code?: string;
  /** Wrapped cause (never a raw request object). */
  cause?: unknown;
}

/** Statuses that signal a transient condition worth retrying (for a method that may be retried). */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/** A vendor answered with a non-2xx status. Message: `<vendor> <METHOD> <path>: <status> <vendorCode?> <detail>`. */
export class ApiError extends PamError {
  static override readonly brand: symbol = errorBrand("ApiError");
  readonly code: string;
  /** Vendor key ("sps", "cyberark", "senhasegura"). */
  readonly vendor: string;
  /** HTTP method. */
  readonly method: string;
  /** Redacted request path (no query secrets). */
  readonly path: string;
  /** HTTP status. */
  readonly status: number;
  /** Vendor error code/type, when the body had one. */
  readonly vendorCode?: string;
  /** Vendor error message, when the body had one. */
  readonly vendorMessage?: string;
  /** Vendor error details (redacted). */
  readonly details?: unknown;
  /** Request id header of the answer, if any. */
  readonly requestId?: string;
  /** True when the status signals a transient condition (429/502/503/504). */
  readonly retryable: boolean;

  constructor(init: ApiErrorInit) {
    const detail = init.vendorMessage ?? init.excerpt ?? "";
    const parts = [String(init.status), init.vendorCode, detail].filter((p) => p !== undefined && p !== "");
    super(`${init.vendor} ${init.method} ${init.path}: ${parts.join(" ")}`, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code ?? defaultCode(init.status);
    this.vendor = init.vendor;
    this.method = init.method;
    this.path = init.path;
    this.status = init.status;
    this.vendorCode = init.vendorCode;
    this.vendorMessage = init.vendorMessage;
    this.details = init.details;
    this.requestId = init.requestId;
    this.retryable = init.retryable ?? RETRYABLE_STATUSES.has(init.status);
  }
}

/** 401: not authenticated, or the session/token expired. */
export class AuthError extends ApiError {
  static override readonly brand: symbol = errorBrand("AuthError");
}
/** 403: authenticated but not allowed. */
export class PermissionError extends ApiError {
  static override readonly brand: symbol = errorBrand("PermissionError");
}
/** 404: the object (or the endpoint) does not exist. */
export class NotFoundError extends ApiError {
  static override readonly brand: symbol = errorBrand("NotFoundError");
}
/** 409: conflicts with the current state (duplicate, lock held, no transaction). */
export class ConflictError extends ApiError {
  static override readonly brand: symbol = errorBrand("ConflictError");
}
/** 429: too many requests. */
export class RateLimitError extends ApiError {
  static override readonly brand: symbol = errorBrand("RateLimitError");
}
/** 5xx: the appliance (or a gateway in front of it) failed. */
export class ServerError extends ApiError {
  static override readonly brand: symbol = errorBrand("ServerError");
}

function defaultCode(status: number): string {
  switch (status) {
    case 400:
      return "HTTP_BAD_REQUEST";
    case 401:
      return "HTTP_UNAUTHORIZED";
    case 403:
      return "HTTP_FORBIDDEN";
    case 404:
      return "HTTP_NOT_FOUND";
    case 409:
      return "HTTP_CONFLICT";
    case 429:
      return "HTTP_RATE_LIMITED";
    default:
      return status >= 500 ? "HTTP_SERVER_ERROR" : `HTTP_${status}`;
  }
}

/** The {@link ApiError} subclass for a status. */
export function apiErrorClassFor(status: number): typeof ApiError {
  if (status === 401) return AuthError;
  if (status === 403) return PermissionError;
  if (status === 404) return NotFoundError;
  if (status === 409) return ConflictError;
  if (status === 429) return RateLimitError;
  if (status >= 500) return ServerError;
  return ApiError;
}
