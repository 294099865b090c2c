/** Options and request/response types of {@link HttpClient}, and the defaults they fall back to. */
import type { z } from "zod";
import { VERSION } from "../version";
import type { HttpAuth } from "./auth";
import type { VendorErrorParser } from "./errors";
import type { DebugLog } from "./log";
import type { Redactor } from "./redact";
import type { RetryOptions } from "./retry";
import type { TimeoutOptions } from "./timeouts";
import type { TlsOptions } from "./tls";

/** The User-Agent of every request. Never browser-like: SPS 7.5+ demands an X-Token header from browser-like clients (seen in public SPS clients). */
export const USER_AGENT = `pulumi-pam/${VERSION}`;

/** Default overall deadline of one request, retries and waits included (our choice: 2 minutes). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 120_000;
/** Default cap of a response body, counted while it streams in (our choice: 16 MiB, far above any answer we read). */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/** Options of {@link HttpClient}. */
export interface HttpClientOptions extends TlsOptions {
  /** Vendor key shown in errors and logs: "sps" | "cyberark" | "senhasegura". */
  vendor: string;
  /** `http(s)://host[:port][/prefix]`; a trailing "/" is fine and a path prefix (`/PasswordVault`) is kept. */
  baseUrl: string;
  timeouts?: TimeoutOptions;
  /**
   * Overall deadline of every request, retries and waits included, unless the request gives its own
   * `timeoutMs` (default {@link DEFAULT_REQUEST_TIMEOUT_MS}). The per-phase timeouts alone do not bound
   * a body drip-fed one byte at a time.
   */
  requestTimeoutMs?: number;
  /** Where users set `requestTimeoutMs`, named in the timeout error (e.g. "sps:requestTimeoutMs / SPS_REQUEST_TIMEOUT_MS"). */
  timeoutSetting?: string;
  /** Largest response body accepted, in bytes (default {@link DEFAULT_MAX_RESPONSE_BYTES}); a larger one fails while streaming. */
  maxResponseBytes?: number;
  /**
   * Accept a plain `http://` baseUrl. Refused by default: Basic credentials, tokens and new passwords
   * would cross the network in clear text. When set, the client warns once (code PULUMI_PAM_INSECURE_HTTP).
   */
  allowHttp?: boolean;
  retry?: RetryOptions;
  /** Keep a cookie jar, updated from every `Set-Cookie` and sent on every request. */
  cookies?: boolean;
  /** Default headers. A `user-agent` here is ignored: the agent is always {@link USER_AGENT}. */
  headers?: Record<string, string>;
  /** Debug log hook; every line passes the redactor first. */
  log?: DebugLog;
  /**
   * How requests authenticate, and how to recover once when the appliance rejects the credentials
   * (see {@link HttpAuth}). Requests with `auth: false` skip it (the login or token request itself).
   */
  auth?: HttpAuth;
  /** Shared with the vendor client, which registers passwords and tokens in it. */
  redactor?: Redactor;
  /** The vendor's error-body model. */
  parseVendorError?: VendorErrorParser;
  /** Test seam: waits between retries (default: an abortable timer). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Test seam: jitter source in [0, 1) (default Math.random). */
  random?: () => number;
  /** Test seam: clock in ms (default Date.now); used for the retry budget and HTTP-date Retry-After. */
  now?: () => number;
}

/** HTTP methods the pipeline sends. */
export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE" | "PATCH" | "HEAD";

/** One request. */
export interface RequestOptions<T> {
  method: HttpMethod;
  /** Appended to the base URL's path; callers percent-encode segments (see `encodePath`). */
  path: string;
  /** Query parameters; `undefined` values are left out. */
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  /** JSON body (JSON.stringify; sets content-type and content-length; `{}` allowed). */
  json?: unknown;
  /** application/x-www-form-urlencoded body. */
  form?: Record<string, string>;
  /** Parses a 2xx JSON body; failure → ResponseShapeError. */
  schema?: z.ZodType<T>;
  /** A 2xx with an empty body is fine and yields `data: undefined`. */
  allowEmpty?: boolean;
  /** "text": do not parse; `data` is the raw text. Default "json". */
  responseType?: "json" | "text";
  /** False: send without the client's {@link HttpAuth} (the login or token request itself). Default true. */
  auth?: boolean;
  /**
   * False: this request belongs to the current session (an SPS write inside a transaction: a new session
   * has no transaction). The auth hook must not log in for it, and a rejection is thrown, not refreshed
   * and resent. Default true.
   */
  reauth?: boolean;
  /** Allow retries of a non-idempotent method the caller knows to be safe. */
  retrySafe?: boolean;
  signal?: AbortSignal;
  /** Deadline for the whole request, retries and waits included (default: the client's `requestTimeoutMs`). */
  timeoutMs?: number;
  /**
   * The answer carries credentials (a login or token endpoint): no error built from it quotes its body,
   * only the status and content type (and, for a non-2xx JSON error, the vendor's parsed code and message).
   */
  sensitiveResponse?: boolean;
}

/** A successful (2xx) answer. */
export interface HttpResponse<T> {
  status: number;
  /** Lower-cased names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  data: T;
  rawText: string;
}

/** Per-phase timeouts used where the options give none. */
export const DEFAULT_TIMEOUTS: Required<TimeoutOptions> = { connectMs: 10_000, headersMs: 30_000, bodyMs: 60_000 };
