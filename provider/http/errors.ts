/**
 * One error hierarchy for every vendor client.
 *
 * - {@link PamError}: the base. Every class carries its own `Symbol.for` brand, so that
 *   `X.isInstance(e)` works across copies of this module where `instanceof` fails; no check needs
 *   `e.name`.
 * - {@link ApiError} and its status subclasses: the vendor answered with a non-2xx status.
 * - {@link ConnectionError} / {@link TimeoutError}: no (complete) answer. Kept apart from 5xx on
 *   purpose: "the appliance said 500" and "we never reached it" need different fixes.
 * - {@link ResponseShapeError}: a 2xx whose body is not what the caller's schema expects.
 * - {@link ConfigError}: invalid client options, before any request.
 *
 * Every field that reaches a message is redacted when the error is built (never later), and no error
 * carries request bodies, request headers or raw undici objects.
 */

import { Redactor, decodeEntities, redactUrl } from "./redact";

const BRAND = Symbol.for("pulumi-pam.error");

/**
 * The brand of one error class: its own `static brand`, or (for a subclass that declares none) one made
 * from the class name. `Symbol.for` makes the same brand in every copy of this module.
 */
function brandOf(ctor: object): symbol {
  if (Object.prototype.hasOwnProperty.call(ctor, "brand")) return (ctor as { brand: symbol }).brand;
  return Symbol.for(`pulumi-pam.error:${(ctor as { name: string }).name}`);
}

/** Base of every error thrown by pulumi-pam. */
export abstract class PamError extends Error {
  /** Marks every pulumi-pam error; each subclass declares its own (`pulumi-pam.error:<Class>`). */
  static readonly brand: symbol = BRAND;
  /** Stable, machine-readable code, e.g. `HTTP_NOT_FOUND`, `TLS_VERIFY_FAILED`, `SPS_LOCK_HELD`. */
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    // One brand per class from the thrown one up to PamError, so `X.isInstance` holds for X and its subclasses.
    for (let c: object | null = new.target; c !== null && c !== Error; c = Object.getPrototypeOf(c) as object | null) {
      Object.defineProperty(this, brandOf(c), { value: true, enumerable: false });
      if (c === PamError) break;
    }
  }

  /**
   * True when `e` is an instance of this class (or a subclass), also one created by another copy of this
   * module (a serialized Pulumi stub and the installed package each load their own copy, and `instanceof`
   * fails between them). `PamError.isInstance(e)`: any pulumi-pam error; `ConnectionError.isInstance(e)`: that kind.
   */
  static isInstance<T extends PamError>(this: abstract new (...args: never[]) => T, e: unknown): e is T {
    return typeof e === "object" && e !== null && (e as Record<symbol, unknown>)[brandOf(this)] === true;
  }
}

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
  static override readonly brand: symbol = Symbol.for("pulumi-pam.error:ApiError");
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
  static override readonly brand: symbol = Symbol.for("pulumi-pam.error:AuthError");
}
/** 403: authenticated but not allowed. */
export class PermissionError extends ApiError {
  static override readonly brand: symbol = Symbol.for("pulumi-pam.error:PermissionError");
}
/** 404: the object (or the endpoint) does not exist. */
export class NotFoundError extends ApiError {
  static override readonly brand: symbol = Symbol.for("pulumi-pam.error:NotFoundError");
}
/** 409: conflicts with the current state (duplicate, lock held, no transaction). */
export class ConflictError extends ApiError {
  static override readonly brand: symbol = Symbol.for("pulumi-pam.error:ConflictError");
}
/** 429: too many requests. */
export class RateLimitError extends ApiError {
  static override readonly brand: symbol = Symbol.for("pulumi-pam.error:RateLimitError");
}
/** 5xx: the appliance (or a gateway in front of it) failed. */
export class ServerError extends ApiError {
  static override readonly brand: symbol = Symbol.for("pulumi-pam.error:ServerError");
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
  static override readonly brand: symbol = Symbol.for("pulumi-pam.error:TransportError");
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
  static override readonly brand: symbol = Symbol.for("pulumi-pam.error:ConnectionError");
}

/**
 * The answer did not arrive in time, or the caller aborted. Codes: `CONNECT_TIMEOUT`,
 * `HEADERS_TIMEOUT`, `BODY_TIMEOUT`, `REQUEST_TIMEOUT` (the request's `timeoutMs`), `ABORTED`.
 */
export class TimeoutError extends TransportError {
  static override readonly brand: symbol = Symbol.for("pulumi-pam.error:TimeoutError");
}

/**
 * A 2xx whose body is not JSON, is empty where the caller did not allow it, or fails the caller's
 * schema. Codes: `RESPONSE_NOT_JSON`, `RESPONSE_EMPTY`, `RESPONSE_SHAPE_INVALID`. Lists issue paths
 * and kinds only, never values (values may be secrets).
 */
export class ResponseShapeError extends PamError {
  static override readonly brand: symbol = Symbol.for("pulumi-pam.error:ResponseShapeError");
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
  static override readonly brand: symbol = Symbol.for("pulumi-pam.error:ResponseTooLargeError");
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
  static override readonly brand: symbol = Symbol.for("pulumi-pam.error:ConfigError");
  readonly code = "CONFIG_INVALID";
  /** The option at fault, e.g. `baseUrl`, `caCertificates`. */
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}

/** A vendor's error-body model: picks code/message/details out of a parsed JSON error body. */
export type VendorErrorParser = (body: unknown, status: number) => { code?: string; message?: string; details?: unknown } | undefined;

/** What {@link errorFromResponse} needs to know about a non-2xx answer. */
export interface ErrorFromResponseInput {
  vendor: string;
  method: string;
  /** Request path; passed through `redactUrl` again here, so raw paths are safe too. */
  path: string;
  status: number;
  /** Lower-cased response headers (for content-type and the request id). */
  headers?: Record<string, string>;
  /** The raw response body. */
  bodyText?: string;
  /** The vendor's error body model; when absent or when it returns undefined, an excerpt is used. */
  parseVendorError?: VendorErrorParser;
  /** Secrets to mask in every text taken from the body. */
  redactor?: Redactor;
  /** Overrides the status table (vendor clients mapping their own codes). */
  code?: string;
  /**
   * False for an authentication answer (login, token): no excerpt of the raw body, only the status,
   * the content type and a vendor code/message parsed from a JSON error body. Default true.
   */
  quoteBody?: boolean;
}

/** Maximum length of a body excerpt in an error message. */
export const EXCERPT_MAX = 200;
/**
 * Characters of a body that the excerpt looks at (our choice: 64 KiB). Redaction runs over the whole
 * body first, so the cap never cuts a secret in half before it is masked.
 */
export const EXCERPT_INPUT_MAX = 64 * 1024;

const REQUEST_ID_HEADERS = ["x-request-id", "x-correlation-id", "request-id", "x-ms-request-id", "x-amzn-requestid"];

/**
 * A short, whitespace-collapsed, tag-stripped excerpt of an error body. For HTML pages (IIS, API
 * gateways) the `<title>` is the most telling part, so it leads; scripts, styles and comments are dropped.
 *
 * With a `redactor`, every known secret is masked BEFORE each transformation that could change how it
 * looks: in the raw body, after decoding `\uXXXX` escapes, after stripping tags, after decoding HTML
 * entities, after collapsing whitespace, and before the cut-off. Every step is a single forward scan
 * (no backtracking regular expressions), so the cost is linear in the body size.
 */
export function bodyExcerpt(text: string, max = EXCERPT_MAX, redactor?: Redactor): string {
  const red = (s: string) => (redactor ? redactor.text(s) : s);
  let s = red(text);
  if (redactor && s.includes("\\u")) s = red(decodeUnicodeEscapes(s));
  if (s.length > EXCERPT_INPUT_MAX) s = s.slice(0, EXCERPT_INPUT_MAX);
  const { title, body } = stripMarkup(s);
  const tidy = (x: string) => red(red(decodeEntities(red(x))).replace(/\s+/g, " ").trim());
  const b = tidy(body);
  const t = title === undefined ? "" : tidy(title);
  let out = t && !b.startsWith(t) ? `${t}: ${b}` : b || t;
  if (out.length > max) out = `${out.slice(0, max - 1)}…`;
  return out;
}

/** `\uXXXX` escapes (JSON, JavaScript) decoded; a secret sent escaped that way is then visible to the redactor. */
function decodeUnicodeEscapes(s: string): string {
  return s.replace(/\\u([0-9a-fA-F]{4})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** ASCII-only lower case: keeps every index of `s` valid (String#toLowerCase may change the length). */
function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/** Elements whose content is not text for a reader. */
const SKIPPED_ELEMENTS = ["script", "style", "head"];

/** Whether `lower` has the start tag `<name` at `at` (followed by a non-name character). */
function startTagAt(lower: string, at: number, name: string): boolean {
  return lower.startsWith(name, at + 1) && !/[a-z0-9-]/.test(lower.charAt(at + 1 + name.length));
}

/**
 * Tags stripped in one forward scan: each search starts where the previous one ended, and a construct
 * that is never closed (`<!--`, `<script`) ends the scan, so the work is linear in `s`.
 */
function stripMarkup(s: string): { title?: string; body: string } {
  const lower = asciiLower(s);
  let title: string | undefined;
  const t = lower.indexOf("<title");
  if (t >= 0) {
    const open = s.indexOf(">", t);
    const close = open < 0 ? -1 : lower.indexOf("</title", open);
    if (close > open) title = s.slice(open + 1, close);
  }
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    const lt = s.indexOf("<", i);
    if (lt < 0) {
      out.push(s.slice(i));
      break;
    }
    out.push(s.slice(i, lt), " ");
    if (s.startsWith("<!--", lt)) {
      const end = s.indexOf("-->", lt + 4);
      if (end < 0) break;
      i = end + 3;
      continue;
    }
    const skipped = SKIPPED_ELEMENTS.find((n) => startTagAt(lower, lt, n));
    if (skipped) {
      const close = lower.indexOf(`</${skipped}`, lt);
      if (close < 0) break;
      const gt = s.indexOf(">", close);
      if (gt < 0) break;
      i = gt + 1;
      continue;
    }
    const gt = s.indexOf(">", lt);
    if (gt < 0) {
      // A lone "<" in plain text ("a < b") is text, not a tag.
      out.push(s.slice(lt));
      break;
    }
    i = gt + 1;
  }
  return { title, body: out.join("") };
}

/**
 * Builds the {@link ApiError} subclass for a non-2xx answer: a JSON body goes through the vendor's
 * parser, anything else (HTML error pages, plain text, off-model JSON) becomes a short excerpt.
 * Every text taken from the body passes the redactor (error bodies may echo request fields).
 */
export function errorFromResponse(input: ErrorFromResponseInput): ApiError {
  const red = (s: string | undefined) => (s === undefined ? undefined : input.redactor ? input.redactor.text(s) : s);
  const quote = input.quoteBody !== false;
  const headers = input.headers ?? {};
  const text = input.bodyText ?? "";
  let parsed: ReturnType<VendorErrorParser>;
  let json: unknown;
  let isJson = false;
  if (text.trim() !== "" && !/^\s*</.test(text)) {
    try {
      json = JSON.parse(text);
      isJson = true;
    } catch {
      isJson = false;
    }
  }
  if (isJson && input.parseVendorError) {
    try {
      parsed = input.parseVendorError(json, input.status);
    } catch {
      // A vendor parser must never turn an API error into a TypeError; fall back to the excerpt.
      parsed = undefined;
    }
  }
  const vendorMessage = parsed?.message !== undefined && parsed.message !== "" ? red(bodyExcerpt(parsed.message, 500, input.redactor)) : undefined;
  // Redirects are not followed (a POST must not silently become a GET elsewhere); say where it pointed.
  const location = input.status >= 300 && input.status < 400 ? headers.location : undefined;
  const excerpt =
    vendorMessage !== undefined
      ? undefined
      : location !== undefined
        ? red(`redirected to ${redactUrl(location)}; redirects are not followed, check baseUrl (scheme, host, path prefix)`)
        : text.trim() === ""
          ? undefined
          : quote
            ? red(bodyExcerpt(text, EXCERPT_MAX, input.redactor))
            : `(${headers["content-type"] ?? "no content-type"} body not shown: it is an authentication answer)`;
  const requestIdHeader = REQUEST_ID_HEADERS.find((h) => headers[h]);
  const Cls = apiErrorClassFor(input.status);
  return new Cls({
    vendor: input.vendor,
    method: input.method,
    path: red(redactUrl(input.path)) as string,
    status: input.status,
    vendorCode: red(parsed?.code),
    vendorMessage,
    details: parsed?.details === undefined ? undefined : input.redactor ? input.redactor.value(parsed.details) : parsed.details,
    excerpt: excerpt ?? (text.trim() === "" ? "(empty body)" : undefined),
    requestId: requestIdHeader ? headers[requestIdHeader] : undefined,
    code: input.code,
  });
}
