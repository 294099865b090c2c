/**
 * The one send pipeline every vendor client uses: build URL and body → cookies from
 * the jar → undici send (TLS, timeouts) → cookies into the jar → classify → zod parse, with retries
 * around the send for requests that may be repeated.
 *
 * Serializable-provider rule (our choice): nothing here creates agents, jars, timers or sockets at
 * module load; all of it happens in the constructor.
 */
import { CookieJar } from "tough-cookie";
import { Agent, request as undiciRequest } from "undici";
import type { z } from "zod";
import { VERSION } from "../version";
import { ConfigError, ResponseShapeError, ResponseTooLargeError, bodyExcerpt, errorFromResponse, type VendorErrorParser } from "./errors";
import { AuthRunner, type HttpAuth } from "./auth";
import type { DebugLog } from "./log";
import { Redactor, SENSITIVE_HEADERS, isSecretName, redactHeaders, redactUrl } from "./redact";
import { backoffDelay, mayRetryMethod, parseRetryAfter, resolveRetry, type RetryOptions, type RetryPolicy } from "./retry";
import { loadCaCertificates, type TlsOptions } from "./tls";
import { classifyTransportError } from "./transport-error";
import { abortableSleep, send, type RawResponse } from "./send";
import type { TimeoutOptions } from "./timeouts";

export type { TimeoutOptions };

export type { TlsOptions } from "./tls";
export type { RetryOptions } from "./retry";
export type { AuthAttempt, HttpAuth } from "./auth";

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

const DEFAULT_TIMEOUTS: Required<TimeoutOptions> = { connectMs: 10_000, headersMs: 30_000, bodyMs: 60_000 };
/** Cookie values shorter than this are not auto-registered as secrets (they would redact digits everywhere). */
const MIN_AUTO_SECRET = 8;

/** undici + tough-cookie HTTP client with the project's TLS, retry, error and redaction rules. */
export class HttpClient {
  /** Redacts every error text and log line; vendor clients add their secrets to it. */
  readonly redactor: Redactor;
  private readonly vendor: string;
  private readonly origin: string;
  private readonly basePath: string;
  private readonly agent: Agent;
  private readonly jar?: CookieJar;
  private readonly timeouts: Required<TimeoutOptions>;
  private readonly requestTimeoutMs: number;
  private readonly timeoutSetting?: string;
  private readonly maxResponseBytes: number;
  private readonly retry: RetryPolicy;
  private readonly defaultHeaders: Record<string, string>;
  private readonly log: DebugLog;
  private readonly parseVendorError?: VendorErrorParser;
  private readonly caConfigured: boolean;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly auth?: AuthRunner;

  /** Validates `opts` synchronously (ConfigError naming the field) and builds the undici Agent. */
  constructor(opts: HttpClientOptions) {
    if (!opts || typeof opts.vendor !== "string" || opts.vendor === "") throw new ConfigError("vendor", "is required (e.g. \"sps\")");
    this.vendor = opts.vendor;
    this.redactor = opts.redactor ?? new Redactor();
    const log = opts.log ?? (() => undefined);
    this.log = (m) => log(this.redactor.text(m));
    const url = parseBaseUrl(opts.baseUrl, opts.vendor, opts.allowHttp === true);
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, "");
    this.timeouts = { ...DEFAULT_TIMEOUTS };
    for (const k of ["connectMs", "headersMs", "bodyMs"] as const) {
      const v = opts.timeouts?.[k];
      if (v === undefined) continue;
      if (!Number.isFinite(v) || v <= 0) throw new ConfigError(`timeouts.${k}`, "must be a positive number of milliseconds");
      this.timeouts[k] = v;
    }
    this.requestTimeoutMs = positive(opts.requestTimeoutMs, "requestTimeoutMs", DEFAULT_REQUEST_TIMEOUT_MS);
    this.maxResponseBytes = positive(opts.maxResponseBytes, "maxResponseBytes", DEFAULT_MAX_RESPONSE_BYTES);
    this.timeoutSetting = opts.timeoutSetting;
    const retry = resolveRetry(opts.retry);
    if ("bad" in retry) throw new ConfigError(retry.bad, "must be a non-negative number (maxAttempts: an integer >= 1)");
    this.retry = retry;
    if (opts.caCertificates !== undefined && opts.insecureSkipVerify) {
      throw new ConfigError("insecureSkipVerify", "cannot be combined with caCertificates; trust the CA (preferred) or skip verification, not both");
    }
    const ca = opts.caCertificates === undefined ? undefined : loadCaCertificates(opts.caCertificates);
    this.caConfigured = ca !== undefined;
    this.defaultHeaders = lowerKeys(opts.headers ?? {});
    delete this.defaultHeaders["user-agent"];
    this.parseVendorError = opts.parseVendorError;
    this.sleep = opts.sleep ?? abortableSleep;
    this.random = opts.random ?? Math.random;
    this.now = opts.now ?? Date.now;
    this.auth = opts.auth ? new AuthRunner(opts.auth) : undefined;
    this.jar = opts.cookies ? new CookieJar() : undefined;
    this.agent = new Agent({
      connect: { timeout: this.timeouts.connectMs, ...(ca ? { ca } : {}), rejectUnauthorized: opts.insecureSkipVerify !== true },
    });
    if (opts.insecureSkipVerify && url.protocol === "https:") {
      const warning = `${this.vendor}: TLS certificate verification is DISABLED for ${this.origin} (insecureSkipVerify: true); use caCertificates instead outside tests`;
      this.log(`WARNING ${warning}`);
      // Also outside the debug log, once per client: a disabled check must not go unnoticed.
      process.emitWarning(warning, { code: "PULUMI_PAM_INSECURE_TLS" });
    }
    if (url.protocol === "http:") {
      const warning = `${this.vendor}: plain http:// is used for ${this.origin} (allowHttp: true): credentials and tokens cross the network unencrypted; use https:// outside tests`;
      this.log(`WARNING ${warning}`);
      process.emitWarning(warning, { code: "PULUMI_PAM_INSECURE_HTTP" });
    }
  }

  /**
   * Sends one request (with retries where allowed) and returns the parsed 2xx answer, or throws a PamError.
   * With an auth hook, a rejected request is sent once more after the hook refreshed the credentials.
   */
  async request<T = unknown>(opts: RequestOptions<T>): Promise<HttpResponse<T>> {
    const auth = opts.auth === false ? undefined : this.auth;
    if (!auth) return this.send(opts, undefined);
    const reauth = opts.reauth !== false;
    return auth.run(reauth, () => this.send(opts, (method, url) => auth.auth.headers({ method, url, reauth })));
  }

  /** One request: retries and waits under one deadline; `authHeaders` is asked before every attempt. */
  private async send<T>(
    opts: RequestOptions<T>,
    authHeaders: ((method: string, url: string) => Record<string, string> | Promise<Record<string, string>>) | undefined,
  ): Promise<HttpResponse<T>> {
    const method = opts.method;
    const { url, shownPath } = this.buildUrl(opts);
    const { headers, body } = this.buildBody(opts);
    const deadline = new AbortController();
    const signals = [deadline.signal, ...(opts.signal ? [opts.signal] : [])];
    const signal = signals.length === 1 ? signals[0] : AbortSignal.any(signals);
    const timeoutMs = opts.timeoutMs ?? this.requestTimeoutMs;
    const timer = setTimeout(() => deadline.abort(), timeoutMs);
    const mayRetry = mayRetryMethod(method, opts.retrySafe);
    const started = this.now();
    const ctx = () => ({
      vendor: this.vendor, method, path: shownPath, origin: this.origin, caConfigured: this.caConfigured,
      deadlineFired: deadline.signal.aborted, timeoutMs, redactor: this.redactor,
      timeoutSetting: opts.timeoutMs === undefined ? this.timeoutSetting : undefined,
    });
    const tooLarge = (status: number) =>
      new ResponseTooLargeError({ vendor: this.vendor, method, path: shownPath, status, limit: this.maxResponseBytes });
    try {
      for (let attempt = 1; ; attempt++) {
        const tag = `${this.vendor} ${method} ${shownPath} (attempt ${attempt}/${this.retry.maxAttempts})`;
        // Outside the transport try: a failed login is the request's failure as it is, not a transport error to retry.
        const fresh = authHeaders ? lowerKeys(await authHeaders(method, url)) : {};
        let res: RawResponse;
        try {
          if (signal.aborted) throw Object.assign(new Error("aborted"), { name: "AbortError" });
          const cookie = await this.cookieHeader(url, headers.cookie);
          const sent = { ...headers, ...fresh, ...(cookie === undefined ? {} : { cookie }) };
          this.registerSecretHeaders(sent);
          this.log(`-> ${tag} headers=${JSON.stringify(redactHeaders(sent))}`);
          res = await send(this.agent, url, method, sent, body, { ...this.timeouts, maxBytes: this.maxResponseBytes, tooLarge }, signal, undiciRequest);
          await this.storeCookies(url, res.setCookie);
        } catch (e) {
          if (e instanceof ResponseTooLargeError) {
            this.log(`<- ${tag} ${e.code}`);
            throw e;
          }
          const { error, transient } = classifyTransportError(e, ctx());
          this.log(`<- ${tag} ${error.code}`);
          const wait = transient && mayRetry ? this.nextWait(attempt, started, undefined) : undefined;
          if (wait === undefined) throw error;
          this.log(`   retrying in ${wait} ms`);
          await this.pause(wait, signal, ctx);
          continue;
        }
        this.log(`<- ${tag} ${res.status}`);
        if (res.status >= 200 && res.status < 300) return this.success<T>(opts, res, shownPath);
        const error = errorFromResponse({
          vendor: this.vendor, method, path: shownPath, status: res.status, headers: res.headers, bodyText: res.text,
          parseVendorError: this.parseVendorError, redactor: this.redactor, quoteBody: opts.sensitiveResponse !== true,
        });
        this.log(`   ${error.message}`);
        const retryAfter = parseRetryAfter(res.headers["retry-after"], this.now());
        const wait = error.retryable && mayRetry ? this.nextWait(attempt, started, retryAfter) : undefined;
        if (wait === undefined) throw error;
        this.log(`   retrying in ${wait} ms${retryAfter !== undefined ? " (Retry-After)" : ""}`);
        await this.pause(wait, signal, ctx);
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /** Current value of cookie `name` for the base URL (e.g. SPS `session_id`), or undefined. */
  async cookie(name: string): Promise<string | undefined> {
    if (!this.jar) return undefined;
    const cookies = await this.jar.getCookies(this.origin + (this.basePath || "/"));
    return cookies.find((c) => c.key === name)?.value;
  }

  /** Forgets every cookie (logout, or re-login after the session expired). */
  async clearCookies(): Promise<void> {
    await this.jar?.removeAllCookies();
  }

  /** Closes the connection pool; later requests fail with ConnectionError CLIENT_CLOSED. */
  async close(): Promise<void> {
    if (!this.agent.closed) await this.agent.close();
  }

  /**
   * The wait before the next attempt, or undefined to give up: attempts exhausted, or the wait would
   * overrun `maxTotalMs`. Choice: a `Retry-After` beyond the budget ends the retries at once rather
   * than waiting a shorter time the server told us would not help.
   */
  private nextWait(attempt: number, started: number, retryAfter: number | undefined): number | undefined {
    if (attempt >= this.retry.maxAttempts) return undefined;
    const wait = retryAfter ?? backoffDelay(attempt, this.retry, this.random);
    if (this.now() - started + wait > this.retry.maxTotalMs) return undefined;
    return wait;
  }

  private async pause(ms: number, signal: AbortSignal, ctx: () => Parameters<typeof classifyTransportError>[1]): Promise<void> {
    try {
      await this.sleep(ms, signal);
    } catch (e) {
      throw classifyTransportError(signal.aborted ? Object.assign(new Error("aborted"), { name: "AbortError" }) : e, ctx()).error;
    }
  }

  private success<T>(opts: RequestOptions<T>, res: RawResponse, shownPath: string): HttpResponse<T> {
    const base = { status: res.status, headers: res.headers, rawText: res.text };
    const shape = (code: string, detail: string, issues?: string[]) =>
      new ResponseShapeError({ code, vendor: this.vendor, method: opts.method, path: shownPath, status: res.status, detail: this.redactor.text(detail), issues });
    if (opts.responseType === "text") return { ...base, data: res.text as T };
    const type = res.headers["content-type"] ?? "no content-type";
    if (res.text.trim() === "") {
      if (opts.allowEmpty || opts.method === "HEAD") return { ...base, data: undefined as T };
      throw shape("RESPONSE_EMPTY", "empty body where JSON was expected");
    }
    let json: unknown;
    try {
      json = JSON.parse(res.text);
    } catch {
      // An authentication answer may be the token itself in another format: never quote it.
      if (opts.sensitiveResponse) throw shape("RESPONSE_NOT_JSON", `expected JSON, got ${type} (body not shown: it is an authentication answer)`);
      throw shape("RESPONSE_NOT_JSON", `expected JSON, got ${type}: ${bodyExcerpt(res.text, 120, this.redactor)}`);
    }
    if (!opts.schema) return { ...base, data: json as T };
    const parsed = opts.schema.safeParse(json);
    if (parsed.success) return { ...base, data: parsed.data };
    const issues = parsed.error.issues.map((i) => {
      const where = i.path.length ? i.path.map(String).join(".") : "(root)";
      const expected = (i as { expected?: unknown }).expected;
      return `${where}: ${i.code}${typeof expected === "string" ? ` (expected ${expected})` : ""}`;
    });
    throw shape("RESPONSE_SHAPE_INVALID", `response does not match the expected shape: ${issues.slice(0, 10).join("; ")}`, issues);
  }

  private buildUrl(opts: RequestOptions<unknown>): { url: string; shownPath: string } {
    if (typeof opts.path !== "string" || /^[a-z][a-z0-9+.-]*:/i.test(opts.path)) {
      throw new ConfigError("path", "must be a path relative to baseUrl, not an absolute URL");
    }
    let path = this.basePath + (opts.path.startsWith("/") ? opts.path : `/${opts.path}`);
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.query ?? {})) {
      if (v === undefined) continue;
      // A secret sent in the query may come back in an error body: mask the value itself too.
      if (isSecretName(k)) this.redactor.add(String(v));
      q.append(k, String(v));
    }
    const qs = q.toString();
    if (qs) path += (path.includes("?") ? "&" : "?") + qs;
    return { url: this.origin + path, shownPath: this.redactor.text(redactUrl(path)) };
  }

  private buildBody(opts: RequestOptions<unknown>): { headers: Record<string, string>; body: string | undefined } {
    if (opts.json !== undefined && opts.form !== undefined) throw new ConfigError("request", "give either json or form, not both");
    const headers: Record<string, string> = { accept: "application/json", ...this.defaultHeaders, ...lowerKeys(opts.headers ?? {}) };
    headers["user-agent"] = USER_AGENT;
    let body: string | undefined;
    if (opts.json !== undefined) {
      this.registerSecretFields(opts.json, 0);
      body = JSON.stringify(opts.json);
      headers["content-type"] ??= "application/json";
    } else if (opts.form !== undefined) {
      this.registerSecretFields(opts.form, 0);
      body = new URLSearchParams(opts.form).toString();
      headers["content-type"] ??= "application/x-www-form-urlencoded";
    }
    // A bodiless POST/PUT still says "Content-Length: 0": SPS answers 411 otherwise (SPS REST API documentation, errors).
    if (body !== undefined || opts.method === "POST" || opts.method === "PUT" || opts.method === "PATCH") {
      headers["content-length"] = String(Buffer.byteLength(body ?? ""));
    }
    return { headers, body };
  }

  private async cookieHeader(url: string, explicit: string | undefined): Promise<string | undefined> {
    if (!this.jar) return explicit;
    const fromJar = await this.jar.getCookieString(url);
    if (!fromJar) return explicit;
    return explicit ? `${explicit}; ${fromJar}` : fromJar;
  }

  private async storeCookies(url: string, setCookie: string[]): Promise<void> {
    for (const line of setCookie) {
      const value = /^[^=;]*=([^;]*)/.exec(line)?.[1];
      if (value && value.length >= MIN_AUTO_SECRET) this.redactor.add(value);
      // ignoreError: a cookie the jar rejects (wrong domain, Secure over http) is dropped, as a browser would.
      if (this.jar) await this.jar.setCookie(line, url, { ignoreError: true });
    }
  }

  /**
   * Values of secret-named body fields (password, client_secret, token, SPS `plain`…) are secrets for
   * every later error and log line, even if the vendor client forgot to register them.
   */
  private registerSecretFields(v: unknown, depth: number): void {
    if (depth > 8 || !v || typeof v !== "object") return;
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (typeof x === "string" && isSecretName(k)) this.redactor.add(x);
      else this.registerSecretFields(x, depth + 1);
    }
  }

  /** Credentials sent in headers are secrets for every later error and log line. */
  private registerSecretHeaders(h: Record<string, string>): void {
    for (const name of SENSITIVE_HEADERS) {
      const v = h[name];
      if (!v) continue;
      this.redactor.add(v);
      const scheme = /^\s*\S+\s+(\S.*)$/.exec(v);
      if (name.endsWith("authorization") && scheme) this.redactor.add(scheme[1]);
      if (name === "cookie") {
        for (const pair of v.split(/;\s*/)) {
          const val = pair.slice(pair.indexOf("=") + 1);
          if (val.length >= MIN_AUTO_SECRET) this.redactor.add(val);
        }
      }
    }
  }
}

function positive(v: number | undefined, field: string, dflt: number): number {
  if (v === undefined) return dflt;
  if (!Number.isFinite(v) || v <= 0) throw new ConfigError(field, "must be a positive number");
  return v;
}

function parseBaseUrl(baseUrl: unknown, vendor: string, allowHttp: boolean): URL {
  const fix = 'give an absolute http(s) URL such as "https://sps.example.com" or "https://pvwa.example.com/PasswordVault"';
  if (typeof baseUrl !== "string" || baseUrl.trim() === "") throw new ConfigError("baseUrl", `is required; ${fix}`);
  let url: URL;
  try {
    url = new URL(baseUrl.trim());
  } catch {
    throw new ConfigError("baseUrl", `"${redactUrl(baseUrl)}" is not a valid URL; ${fix}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new ConfigError("baseUrl", `scheme ${url.protocol} is not supported; ${fix}`);
  if (url.protocol === "http:" && !allowHttp) {
    throw new ConfigError(
      "baseUrl",
      `plain http:// is refused: credentials and tokens would cross the network unencrypted; use https://, ` +
        `or opt in explicitly for a test or lab appliance (${vendor}:allowHttp / ${vendor.toUpperCase()}_ALLOW_HTTP, or allowHttp: true in the connection)`,
    );
  }
  if (url.username || url.password) throw new ConfigError("baseUrl", "must not contain credentials; pass them through the provider's credential options");
  if (url.search || url.hash) throw new ConfigError("baseUrl", `must not contain a query or fragment; ${fix}`);
  return url;
}

function lowerKeys(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}
