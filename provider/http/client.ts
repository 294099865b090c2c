/**
 * The one send pipeline every vendor client uses: build URL and body → cookies from
 * the jar → undici send (TLS, timeouts) → cookies into the jar → classify → zod parse, with retries
 * around the send for requests that may be repeated. The parts live beside it: options and types
 * (client-options), base URL and TLS (endpoint), request building (request-build), secrets learnt
 * on the way (secret-capture), reading a 2xx (response-read), one undici round trip (send).
 *
 * Serializable-provider rule (our choice): nothing here creates agents, jars, timers or sockets at
 * module load; all of it happens in the constructor.
 */
import { CookieJar } from "tough-cookie";
import { Agent, request as undiciRequest } from "undici";
import { AuthRunner } from "./auth";
import { DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_REQUEST_TIMEOUT_MS, DEFAULT_TIMEOUTS, type HttpClientOptions, type HttpResponse, type RequestOptions } from "./client-options";
import { insecureTransportWarnings, parseBaseUrl, resolveCa } from "./endpoint";
import { ConfigError, ResponseTooLargeError, errorFromResponse, type VendorErrorParser } from "./errors";
import type { DebugLog } from "./log";
import { Redactor, redactHeaders } from "./redact";
import { buildBody, buildUrl, lowerKeys, type RequestTarget } from "./request-build";
import { readSuccess } from "./response-read";
import { backoffDelay, mayRetryMethod, parseRetryAfter, resolveRetry, type RetryPolicy } from "./retry";
import { registerSecretHeaders, registerSetCookieSecret } from "./secret-capture";
import { abortableSleep, send, type RawResponse } from "./send";
import type { TimeoutOptions } from "./timeouts";
import { classifyTransportError } from "./transport-error";

// The types and defaults stay importable from this module, where callers have always found them.
export { DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_REQUEST_TIMEOUT_MS, USER_AGENT } from "./client-options";
export type { HttpClientOptions, HttpMethod, HttpResponse, RequestOptions } from "./client-options";
export type { TimeoutOptions };
export type { TlsOptions } from "./tls";
export type { RetryOptions } from "./retry";
export type { AuthAttempt, HttpAuth } from "./auth";

/** undici + tough-cookie HTTP client with the project's TLS, retry, error and redaction rules. */
export class HttpClient {
  /** Redacts every error text and log line; vendor clients add their secrets to it. */
  readonly redactor: Redactor;
  private readonly vendor: string;
  private readonly origin: string;
  private readonly basePath: string;
  /** What the request builder needs: origin, base path, default headers, redactor. */
  private readonly target: RequestTarget;
  private readonly agent: Agent;
  private readonly jar?: CookieJar;
  private readonly timeouts: Required<TimeoutOptions>;
  private readonly requestTimeoutMs: number;
  private readonly timeoutSetting?: string;
  private readonly maxResponseBytes: number;
  private readonly retry: RetryPolicy;
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
    const ca = resolveCa(opts);
    this.caConfigured = ca !== undefined;
    const defaultHeaders = lowerKeys(opts.headers ?? {});
    delete defaultHeaders["user-agent"];
    this.target = { origin: this.origin, basePath: this.basePath, defaultHeaders, redactor: this.redactor };
    this.parseVendorError = opts.parseVendorError;
    this.sleep = opts.sleep ?? abortableSleep;
    this.random = opts.random ?? Math.random;
    this.now = opts.now ?? Date.now;
    this.auth = opts.auth ? new AuthRunner(opts.auth) : undefined;
    this.jar = opts.cookies ? new CookieJar() : undefined;
    this.agent = new Agent({
      connect: { timeout: this.timeouts.connectMs, ...(ca ? { ca } : {}), rejectUnauthorized: opts.insecureSkipVerify !== true },
    });
    for (const { warning, code } of insecureTransportWarnings(this.vendor, url, opts.insecureSkipVerify)) {
      this.log(`WARNING ${warning}`);
      // Also outside the debug log, once per client: a weakened connection must not go unnoticed.
      process.emitWarning(warning, { code });
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
    const { url, shownPath } = buildUrl(this.target, opts);
    const { headers, body } = buildBody(this.target, opts);
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
          registerSecretHeaders(this.redactor, sent);
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
        if (res.status >= 200 && res.status < 300) return readSuccess(opts, res, { vendor: this.vendor, shownPath, redactor: this.redactor });
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

  private async cookieHeader(url: string, explicit: string | undefined): Promise<string | undefined> {
    if (!this.jar) return explicit;
    const fromJar = await this.jar.getCookieString(url);
    if (!fromJar) return explicit;
    return explicit ? `${explicit}; ${fromJar}` : fromJar;
  }

  private async storeCookies(url: string, setCookie: string[]): Promise<void> {
    for (const line of setCookie) {
      registerSetCookieSecret(this.redactor, line);
      // ignoreError: a cookie the jar rejects (wrong domain, Secure over http) is dropped, as a browser would.
      if (this.jar) await this.jar.setCookie(line, url, { ignoreError: true });
    }
  }
}

function positive(v: number | undefined, field: string, dflt: number): number {
  if (v === undefined) return dflt;
  if (!Number.isFinite(v) || v <= 0) throw new ConfigError(field, "must be a positive number");
  return v;
}
