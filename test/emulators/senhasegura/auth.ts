import { randomBytes } from "crypto";
import type { Clock } from "../common/clock";
import { EmulatorError } from "../common/errors";
import type { EmulatorRequest, EmulatorResponse } from "../common/server";
import {
  hmacSha1Signature,
  normalizeBaseUri,
  parseOAuthHeader,
  signatureBaseString,
  signaturesEqual,
} from "./oauth1-verify";
import { envelope, TEXT, type ProfileTraits } from "./profile";

/** A2A authorization permissions [DOC] "List all remote sessions" / "Terminate remote session" pages (list: read; drop: read+write). */
export type Scope = "read" | "write";

/** An OAuth 2.0 client-credentials application [DOC] "Default request usage", https://docs.senhasegura.io/docs/api-default-request. */
export interface OAuth2ClientSpec {
  clientId: string;
  clientSecret: string;
  /** Default ["read", "write"]. */
  scopes?: Scope[];
}

/** An OAuth 1.0a application: the four values of its authorization [DOC] "Default request usage" (OAuth 1.0a section). */
export interface OAuth1ClientSpec {
  consumerKey: string;
  consumerSecret: string;
  token: string;
  tokenSecret: string;
  /** Default ["read", "write"]. */
  scopes?: Scope[];
}

/** Authentication behaviours; the [UNK] ones carry their Choice. */
export interface AuthOptions {
  /** `expires_in` of issued tokens, seconds (default 3600, the documented samples). */
  tokenTtlSec: number;
  /** Accept client credentials in the form body (default true). False = v3.25 "Basic only" [DOC]. */
  bodyCredentials: boolean;
  /**
   * Answer for a missing/unknown/expired bearer or a bad OAuth 1.0a request on resource routes [UNK].
   * Choice: default 401 with the envelope and "Client authentication failed".
   */
  unauthenticatedStatus: number;
  /** Gateway mode: a missing Authorization header on `/api/…` gives Kong's 404 [DOC]. */
  gateway: boolean;
  /** Reject OAuth 1.0a timestamps further than this from the clock, seconds. [UNK]; Choice: off by default. */
  oauth1MaxSkewSec?: number;
  /** Reject a reused OAuth 1.0a nonce. [UNK]; Choice: off by default. */
  oauth1RejectReplay: boolean;
}

/** Who a resource request authenticated as. */
export interface Principal {
  kind: "oauth2" | "oauth1";
  /** client_id or consumer_key (not secret). */
  id: string;
  scopes: Scope[];
}

/** One authentication decision, for assertions (no secrets). */
export interface AuthCall {
  method: string;
  path: string;
  auth: "bearer" | "oauth1" | "none" | "other" | "token-basic" | "token-body";
  ok: boolean;
  /** OAuth 1.0a only: whether the HMAC-SHA1 signature matched. */
  signatureValid?: boolean;
  principal?: string;
  reason?: string;
}

interface IssuedToken {
  clientId: string;
  expiresAtMs: number;
}

/** OAuth 2.0 token issuing, bearer checks and OAuth 1.0a verification for one emulator instance. */
export class AuthState {
  private readonly oauth2 = new Map<string, OAuth2ClientSpec>();
  private readonly oauth1 = new Map<string, OAuth1ClientSpec>();
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly nonces = new Set<string>();
  /** Authentication decisions in order. */
  readonly calls: AuthCall[] = [];

  constructor(
    readonly options: AuthOptions,
    private readonly clock: Clock,
    private readonly traits: ProfileTraits,
    private readonly scheme: "http" | "https",
  ) {}

  addOAuth2Client(c: OAuth2ClientSpec): void {
    this.oauth2.set(c.clientId, c);
  }

  addOAuth1Client(c: OAuth1ClientSpec): void {
    this.oauth1.set(c.consumerKey, c);
  }

  /** Changes the permissions of an application (either kind) at run time. */
  setScopes(id: string, scopes: Scope[]): void {
    const c = this.oauth2.get(id) ?? this.oauth1.get(id);
    if (!c) throw new Error(`unknown application ${id}`);
    c.scopes = scopes;
  }

  /** Invalidates every issued access token (as a server restart or key rotation would). */
  revokeTokens(): void {
    this.tokens.clear();
  }

  /** Access tokens issued and still stored (tests check that none leaks into client logs). */
  issuedTokens(): string[] {
    return [...this.tokens.keys()];
  }

  /** Number of access tokens issued and still stored. */
  get tokenCount(): number {
    return this.tokens.size;
  }

  /**
   * `POST …/oauth2/token`: league-style (`thephpleague/oauth2-server`) errors [INF] from the documented samples;
   * league checks the grant type before the client.
   */
  tokenEndpoint(req: EmulatorRequest): EmulatorResponse {
    const form = new URLSearchParams(req.rawBody.toString("utf8"));
    const basic = /^\s*Basic\s+(\S+)/i.exec(req.headers.authorization ?? "");
    const log = (ok: boolean, reason?: string, principal?: string) =>
      this.calls.push({ method: req.method, path: req.path, auth: basic ? "token-basic" : "token-body", ok, reason, principal });
    if (form.get("grant_type") !== "client_credentials") {
      log(false, "unsupported_grant_type");
      throw new EmulatorError(400, {
        error: "unsupported_grant_type",
        message: "The authorization grant type is not supported by the authorization server.",
      });
    }
    let id: string | undefined;
    let secret: string | undefined;
    if (basic) {
      const decoded = Buffer.from(basic[1], "base64").toString("utf8");
      const i = decoded.indexOf(":");
      if (i >= 0) [id, secret] = [decoded.slice(0, i), decoded.slice(i + 1)];
    } else if (this.options.bodyCredentials) {
      id = form.get("client_id") ?? undefined;
      secret = form.get("client_secret") ?? undefined;
    }
    const client = id === undefined ? undefined : this.oauth2.get(id);
    if (!client || client.clientSecret !== secret) {
      log(false, basic || this.options.bodyCredentials ? "invalid_client" : "body credentials not accepted");
      throw new EmulatorError(
        401,
        { error: "invalid_client", message: TEXT.clientAuthFailed },
        { "www-authenticate": 'Basic realm="OAuth"' },
      );
    }
    const token = this.issue(client.clientId);
    log(true, undefined, client.clientId);
    return { status: 200, body: { token_type: "Bearer", expires_in: this.options.tokenTtlSec, access_token: token } };
  }

  /** JWT-shaped opaque token (clients must not parse it [DOC]). */
  private issue(clientId: string): string {
    const now = Math.floor(this.clock.now() / 1000);
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const jti = randomBytes(20).toString("hex");
    const token = [
      b64({ typ: "JWT", alg: "RS256", jti }),
      b64({ aud: clientId, jti, iat: now, nbf: now, exp: now + this.options.tokenTtlSec, sub: "", scopes: [] }),
      randomBytes(32).toString("base64url"),
    ].join(".");
    this.tokens.set(token, { clientId, expiresAtMs: this.clock.now() + this.options.tokenTtlSec * 1000 });
    return token;
  }

  /** Authenticates a resource request or throws the configured vendor answer. */
  authenticate(req: EmulatorRequest): Principal {
    const header = req.headers.authorization;
    const fail = (auth: AuthCall["auth"], reason: string, extra: Partial<AuthCall> = {}): never => {
      this.calls.push({ method: req.method, path: req.path, auth, ok: false, reason, ...extra });
      if (auth === "none" && this.options.gateway && req.path.startsWith("/api/")) {
        throw new EmulatorError(404, { message: TEXT.noRoute });
      }
      throw new EmulatorError(
        this.options.unauthenticatedStatus,
        envelope(this.traits, this.options.unauthenticatedStatus, { message: TEXT.clientAuthFailed }),
      );
    };
    const bearer = /^\s*Bearer\s+(\S+)\s*$/i.exec(header ?? "");
    if (bearer) {
      const t = this.tokens.get(bearer[1]);
      if (!t) return fail("bearer", "unknown token");
      if (this.clock.now() >= t.expiresAtMs) return fail("bearer", "expired token", { principal: t.clientId });
      const c = this.oauth2.get(t.clientId);
      if (!c) return fail("bearer", "application removed");
      this.calls.push({ method: req.method, path: req.path, auth: "bearer", ok: true, principal: c.clientId });
      return { kind: "oauth2", id: c.clientId, scopes: c.scopes ?? ["read", "write"] };
    }
    const fromHeader = parseOAuthHeader(header);
    const queryOAuth = Object.keys(req.query).some((k) => k.startsWith("oauth_"));
    if (fromHeader || queryOAuth) return this.verifyOAuth1(req, fromHeader ?? {}, fail);
    return fail(header ? "other" : "none", header ? "unsupported authorization scheme" : "missing authorization");
  }

  private verifyOAuth1(
    req: EmulatorRequest,
    headerParams: Record<string, string>,
    fail: (auth: AuthCall["auth"], reason: string, extra?: Partial<AuthCall>) => never,
  ): Principal {
    // Protocol parameters may come from the header or the query string [DOC].
    const oauth: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.query)) if (k.startsWith("oauth_")) oauth[k] = v;
    Object.assign(oauth, headerParams);
    for (const k of ["oauth_consumer_key", "oauth_token", "oauth_signature_method", "oauth_timestamp", "oauth_nonce", "oauth_signature"]) {
      if (!oauth[k]) return fail("oauth1", `missing ${k}`);
    }
    if (oauth.oauth_signature_method !== "HMAC-SHA1") return fail("oauth1", "unsupported signature method");
    if (oauth.oauth_version !== undefined && oauth.oauth_version !== "1.0") return fail("oauth1", "unsupported version");
    const c = this.oauth1.get(oauth.oauth_consumer_key);
    if (!c || c.token !== oauth.oauth_token) return fail("oauth1", "unknown consumer or token");

    const params: Array<[string, string]> = Object.entries(req.query);
    for (const [k, v] of Object.entries(headerParams)) if (k.startsWith("oauth_")) params.push([k, v]);
    if (/^application\/x-www-form-urlencoded/i.test(req.headers["content-type"] ?? "")) {
      for (const [k, v] of new URLSearchParams(req.rawBody.toString("utf8"))) params.push([k, v]);
    }
    const base = signatureBaseString({
      method: req.method,
      baseUri: normalizeBaseUri(this.scheme, req.headers.host ?? "", req.path),
      params,
    });
    const expected = hmacSha1Signature(base, c.consumerSecret, c.tokenSecret);
    if (!signaturesEqual(expected, oauth.oauth_signature)) {
      return fail("oauth1", "signature mismatch", { signatureValid: false, principal: c.consumerKey });
    }
    const skew = this.options.oauth1MaxSkewSec;
    if (skew !== undefined && Math.abs(Number(oauth.oauth_timestamp) - this.clock.now() / 1000) > skew) {
      return fail("oauth1", "timestamp outside window", { signatureValid: true, principal: c.consumerKey });
    }
    const nonceKey = `${c.consumerKey}:${oauth.oauth_timestamp}:${oauth.oauth_nonce}`;
    if (this.options.oauth1RejectReplay && this.nonces.has(nonceKey)) {
      return fail("oauth1", "nonce replayed", { signatureValid: true, principal: c.consumerKey });
    }
    this.nonces.add(nonceKey);
    this.calls.push({ method: req.method, path: req.path, auth: "oauth1", ok: true, signatureValid: true, principal: c.consumerKey });
    return { kind: "oauth1", id: c.consumerKey, scopes: c.scopes ?? ["read", "write"] };
  }
}
