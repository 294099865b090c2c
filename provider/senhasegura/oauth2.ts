/**
 * OAuth 2.0 client-credentials tokens for senhasegura A2A (vendor A2A API documentation):
 * form-body credentials first, HTTP Basic when the appliance rejects them (v3.25 docs require
 * Basic); cached by `expires_in` with an early refresh; one in-flight fetch shared by callers.
 */
import type { HttpClient } from "../http/client";
import { PamError, type ApiError } from "../http/errors";
import { tokenSchema } from "./schemas";

/** OAuth 2.0 client credentials. */
export interface OAuth2Credentials {
  clientId: string;
  clientSecret: string;
}

/** Options of {@link OAuth2TokenSource}. */
export interface OAuth2TokenSourceOptions {
  tokenPath: string;
  /** Clock in ms (tests). */
  now?: () => number;
}

/** Default lifetime when `expires_in` is missing: 3600 s, as in the vendor's A2A documentation samples. */
const DEFAULT_TTL_SEC = 3600;

/**
 * Refresh margin: 10% of the lifetime, at most 60 s. Choice: a refresh just before expiry keeps a
 * request from racing the expiry, while a short test lifetime is not refreshed on every call.
 */
export function refreshMarginMs(ttlSec: number): number {
  return Math.min(60_000, ttlSec * 100);
}

/** Fetches and caches access tokens. Secrets and tokens go into the HTTP client's redactor. */
export class OAuth2TokenSource {
  private token?: { value: string; refreshAtMs: number };
  private inflight?: Promise<string>;
  /** Becomes "basic" once body credentials were rejected and Basic worked. */
  private mode: "body" | "basic" = "body";
  private readonly now: () => number;

  constructor(
    private readonly http: HttpClient,
    private readonly creds: OAuth2Credentials,
    private readonly opts: OAuth2TokenSourceOptions,
  ) {
    this.now = opts.now ?? Date.now;
    http.redactor.add(creds.clientSecret);
    http.redactor.add(`${creds.clientId}:${creds.clientSecret}`);
  }

  /** How the client credentials are presented (for tests and diagnostics). */
  get credentialMode(): "body" | "basic" {
    return this.mode;
  }

  /** A valid access token, fetched when missing or inside the refresh margin. */
  async get(): Promise<string> {
    if (this.token && this.now() < this.token.refreshAtMs) return this.token.value;
    this.inflight ??= this.fetch().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  /** Forgets the cached token (after the appliance rejected it). */
  invalidate(): void {
    this.token = undefined;
  }

  private async fetch(): Promise<string> {
    let res;
    if (this.mode === "body") {
      try {
        res = await this.request("body");
      } catch (e) {
        // A rejected body credential (401 invalid_client, or a 400 from a Basic-only version) may
        // still be accepted over Basic (the v3.25 documentation requires Basic).
        const status = PamError.isInstance(e) ? (e as Partial<ApiError>).status : undefined;
        if (status !== 401 && status !== 400) throw e;
        res = await this.request("basic");
        this.mode = "basic";
      }
    } else {
      res = await this.request("basic");
    }
    const ttl = res.expires_in !== undefined && Number.isFinite(res.expires_in) && res.expires_in > 0 ? res.expires_in : DEFAULT_TTL_SEC;
    this.http.redactor.add(res.access_token);
    this.token = { value: res.access_token, refreshAtMs: this.now() + ttl * 1000 - refreshMarginMs(ttl) };
    return res.access_token;
  }

  private async request(mode: "body" | "basic") {
    const { clientId, clientSecret } = this.creds;
    const form: Record<string, string> =
      mode === "body" ? { grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret } : { grant_type: "client_credentials" };
    const headers: Record<string, string> =
      mode === "basic" ? { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}` } : {};
    // retrySafe: asking for a token twice has no side effect worth avoiding.
    const r = await this.http.request({ method: "POST", path: this.opts.tokenPath, form, headers, schema: tokenSchema(), retrySafe: true, sensitiveResponse: true, auth: false });
    return r.data;
  }
}
