/**
 * CyberArk Privilege Cloud platform tokens: OAuth 2.0 client credentials against the Identity tenant
 * (`POST <identityUrl>/oauth2/platformtoken`, form `grant_type=client_credentials`, `client_id`,
 * `client_secret`; answer `{access_token, token_type: "Bearer", expires_in}`), as CyberArk documents
 * for service users of the Identity Security Platform (docs.cyberark.com, "ISP APIs authentication")
 * and as CyberArk's Terraform provider (github.com/cyberark/terraform-provider-cyberark) does. The token is cached until shortly before it expires;
 * one fetch is shared by concurrent callers. There is no logoff: the token simply expires.
 */
import { HttpClient, PamError, type DebugLog, type Redactor, type RetryOptions, type TimeoutOptions } from "../http";

/** The Identity tenant refused the client credentials (400/401 `invalid_client`). Code `CYBERARK_PLATFORM_AUTH_FAILED`. */
export class PlatformTokenError extends PamError {
  readonly code: string;
  constructor(
    message: string,
    readonly status?: number,
    code = "CYBERARK_PLATFORM_AUTH_FAILED",
  ) {
    super(message);
    this.code = code;
  }
}

/** Options of {@link PlatformTokenSource}. */
export interface PlatformTokenOptions {
  identityUrl: string;
  clientId: string;
  clientSecret: string;
  /** Shared with the PVWA client, so the token and the secret are masked everywhere. */
  redactor: Redactor;
  caCertificates?: string;
  insecureSkipVerify?: boolean;
  timeouts?: TimeoutOptions;
  retry?: RetryOptions;
  log?: DebugLog;
  requestTimeoutMs?: number;
  /** Clock in ms (tests). */
  now?: () => number;
}

/** Lifetime assumed when `expires_in` is missing. Choice: 15 minutes, short enough to never outlive a real token by much. */
const DEFAULT_TTL_SEC = 900;

/** Refresh margin: 10% of the lifetime, at most 60 s (our choice, as for senhasegura). */
const marginMs = (ttlSec: number) => Math.min(60_000, ttlSec * 100);

/** Fetches and caches Privilege Cloud platform tokens. */
export class PlatformTokenSource {
  private readonly http: HttpClient;
  private token?: { value: string; refreshAtMs: number };
  private inflight?: Promise<string>;
  private readonly now: () => number;
  /** Token requests sent (tests and benchmarks). */
  fetches = 0;

  constructor(private readonly o: PlatformTokenOptions) {
    this.now = o.now ?? Date.now;
    o.redactor.add(o.clientSecret);
    this.http = new HttpClient({
      vendor: "cyberark-identity",
      baseUrl: o.identityUrl,
      caCertificates: o.caCertificates,
      insecureSkipVerify: o.insecureSkipVerify,
      timeouts: o.timeouts,
      retry: o.retry,
      log: o.log,
      redactor: o.redactor,
      headers: { accept: "application/json" },
    });
  }

  /** A valid token, fetched when missing or inside the refresh margin. */
  get(): Promise<string> {
    if (this.token && this.now() < this.token.refreshAtMs) return Promise.resolve(this.token.value);
    this.inflight ??= this.fetch().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  /** Forgets the cached token (after PVWA rejected it). */
  invalidate(): void {
    this.token = undefined;
  }

  /** Forgets the token; nothing is sent (Privilege Cloud has no logoff for platform tokens). */
  forget(): void {
    this.token = undefined;
  }

  close(): Promise<void> {
    return this.http.close();
  }

  private async fetch(): Promise<string> {
    this.fetches++;
    let r;
    try {
      // Read as text and parsed here, so that no error can ever quote the answer (it holds the token).
      r = await this.http.request({
        method: "POST",
        path: "/oauth2/platformtoken",
        form: { grant_type: "client_credentials", client_id: this.o.clientId, client_secret: this.o.clientSecret },
        responseType: "text",
        retrySafe: true,
        timeoutMs: this.o.requestTimeoutMs,
      });
    } catch (e) {
      const status = PamError.isInstance(e) ? (e as { status?: number }).status : undefined;
      if (status === 400 || status === 401 || status === 403) {
        throw new PlatformTokenError(
          `cyberark: the Identity tenant ${this.o.identityUrl} refused the client credentials (HTTP ${status}); check clientId / clientSecret (CYBERARK_CLIENT_ID / CYBERARK_CLIENT_SECRET) and that the service user is an OAuth2 confidential client`,
          status === 403 ? 403 : 401,
        );
      }
      throw e;
    }
    let body: unknown;
    try {
      body = JSON.parse(r.rawText);
    } catch {
      body = undefined;
    }
    const b = (body ?? {}) as { access_token?: unknown; token_type?: unknown; expires_in?: unknown };
    if (typeof b.access_token !== "string" || b.access_token === "" || (b.token_type !== undefined && String(b.token_type).toLowerCase() !== "bearer")) {
      throw new PlatformTokenError(
        `cyberark: the answer of ${this.o.identityUrl}/oauth2/platformtoken is not a bearer token answer ({access_token, token_type: "Bearer", expires_in}); check identityUrl`,
        undefined,
        "CYBERARK_PLATFORM_TOKEN_SHAPE",
      );
    }
    this.o.redactor.add(b.access_token);
    const ttl = typeof b.expires_in === "number" && b.expires_in > 0 ? b.expires_in : Number(b.expires_in) > 0 ? Number(b.expires_in) : DEFAULT_TTL_SEC;
    this.token = { value: b.access_token, refreshAtMs: this.now() + ttl * 1000 - marginMs(ttl) };
    return b.access_token;
  }
}
