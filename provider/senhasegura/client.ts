/**
 * senhasegura PAM Core A2A client: authentication (OAuth 2.0 bearer or OAuth 1.0a signature) as the
 * shared HTTP pipeline's auth hook, the configurable path prefix, and the envelope check (a 2xx with
 * `response.error` true is still a failure, as the External Secrets Operator's senhasegura provider and
 * senhasegura's DSM CLI treat it).
 */
import type { z } from "zod";
import { HttpClient, type HttpAuth, type HttpMethod } from "../http/client";
import { apiErrorClassFor } from "../http/errors";
import type { DebugLog } from "../http/log";
import type { RetryOptions } from "../http/retry";
import { DEFAULT_PATH_PREFIX, DEFAULT_SENHASEGURA_REQUEST_TIMEOUT_MS, DEFAULT_TOKEN_PATH, validateSenhaseguraConnection, type SenhaseguraAuthKind, type SenhaseguraConnection } from "./connection";
import { OAuth2TokenSource } from "./oauth2";
import { signOAuth1, type OAuth1Credentials } from "./oauth1";
import { parseSenhaseguraError, type Envelope } from "./schemas";

/** Vendor key in errors and logs. */
export const SENHASEGURA_VENDOR = "senhasegura";

/** Options beyond the connection (tests and hosts). */
export interface SenhaseguraClientOptions {
  log?: DebugLog;
  retry?: RetryOptions;
  /** Clock in ms for the token cache (tests). */
  now?: () => number;
  /** Deadline of each session request, retries included, ms (`pam-session --timeout`). */
  requestTimeoutMs?: number;
}

/** A 2xx answer with its parsed body. */
export interface SenhaseguraResponse<T> {
  status: number;
  data: T;
}

/** Reads the success flag in either language; absent flags count as success (older samples). */
function envelopeFailed(env: Envelope | undefined): boolean {
  const r = env?.response;
  return r !== undefined && (r.error === true || r.erro === true);
}

/** OAuth 1.0a: every attempt signed afresh (a retry must not replay the nonce, RFC 5849 §3.3); no refresh, the credentials are static. */
function oauth1Auth(creds: OAuth1Credentials): HttpAuth {
  return { headers: ({ method, url }) => ({ authorization: signOAuth1({ method, url }, creds).header }) };
}

/** Client for one appliance. Construct once per connection; `close()` when done. */
export class SenhaseguraClient {
  /** Which credentials are used (OAuth 2.0 wins when both are configured). */
  readonly authKind: SenhaseguraAuthKind;
  /** Session-route prefix, without trailing "/". */
  readonly pathPrefix: string;
  private readonly http: HttpClient;
  private readonly tokens?: OAuth2TokenSource;
  private readonly requestTimeoutMs?: number;

  constructor(connection: SenhaseguraConnection, opts: SenhaseguraClientOptions = {}) {
    this.requestTimeoutMs = opts.requestTimeoutMs;
    const { connection: c, auth } = validateSenhaseguraConnection(connection);
    this.authKind = auth;
    this.pathPrefix = (c.pathPrefix ?? DEFAULT_PATH_PREFIX).replace(/\/+$/, "");
    this.http = new HttpClient({
      vendor: SENHASEGURA_VENDOR,
      baseUrl: c.url,
      caCertificates: c.caCertificates,
      insecureSkipVerify: c.insecureSkipVerify,
      allowHttp: c.allowHttp,
      // The list has no paging and the vendor says it "may take minutes": long header/body waits.
      timeouts: { connectMs: 10_000, headersMs: 300_000, bodyMs: 120_000, ...c.timeouts },
      requestTimeoutMs: c.requestTimeoutMs ?? DEFAULT_SENHASEGURA_REQUEST_TIMEOUT_MS,
      timeoutSetting: "SENHASEGURA_REQUEST_TIMEOUT_MS / requestTimeoutMs",
      retry: opts.retry,
      log: opts.log,
      parseVendorError: (body) => parseSenhaseguraError(body),
      auth:
        auth === "oauth2"
          ? {
              headers: async () => ({ authorization: `Bearer ${await this.tokens!.get()}` }),
              // Expired or revoked token (lifetimes are documented as 1 h and as 24 h): one new token, one resend.
              refresh: async () => this.tokens!.invalidate(),
            }
          : oauth1Auth({ consumerKey: c.consumerKey!, consumerSecret: c.consumerSecret!, token: c.token!, tokenSecret: c.tokenSecret! }),
    });
    for (const s of [c.clientSecret, c.consumerSecret, c.token, c.tokenSecret]) this.http.redactor.add(s);
    if (auth === "oauth2") {
      this.tokens = new OAuth2TokenSource(this.http, { clientId: c.clientId!, clientSecret: c.clientSecret! }, { tokenPath: c.tokenPath ?? DEFAULT_TOKEN_PATH, now: opts.now });
    }
  }

  /** The redactor every error and log line passes (for tests and for callers adding secrets). */
  get redactor() {
    return this.http.redactor;
  }

  /** How OAuth 2.0 credentials were last presented ("body" or "basic"); undefined for OAuth 1.0a. */
  get credentialMode(): "body" | "basic" | undefined {
    return this.tokens?.credentialMode;
  }

  /**
   * Sends `method <prefix><path>` (path segments already percent-encoded), authenticates it, and
   * parses the body with `schema`. On a 401 with OAuth 2.0, the auth hook fetches a fresh token and the
   * request is resent once. A 2xx whose envelope says `error: true` throws an ApiError with code
   * `SENHASEGURA_ENVELOPE_ERROR`.
   */
  async request<T extends object>(method: HttpMethod, path: string, schema: z.ZodType<T>): Promise<SenhaseguraResponse<T>> {
    const full = `${this.pathPrefix}${path}`;
    const res = await this.http.request<T>({ method, path: full, schema, timeoutMs: this.requestTimeoutMs });
    const env = (res.data as { envelope?: Envelope }).envelope ?? (res.data as Envelope);
    if (envelopeFailed(env)) {
      const parsed = parseSenhaseguraError(env);
      const Cls = apiErrorClassFor(res.status);
      throw new Cls({
        vendor: SENHASEGURA_VENDOR,
        method,
        path: this.http.redactor.text(full),
        status: res.status,
        vendorCode: parsed?.code,
        vendorMessage: parsed?.message === undefined ? "response.error is true" : this.http.redactor.text(parsed.message),
        details: parsed?.details,
        code: "SENHASEGURA_ENVELOPE_ERROR",
        retryable: false,
      });
    }
    return { status: res.status, data: res.data };
  }

  /** Closes the connection pool. */
  close(): Promise<void> {
    return this.http.close();
  }
}
