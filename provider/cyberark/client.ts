import { HttpClient, PamError, pathSegment, type DebugLog, type HttpResponse, type RequestOptions, type RetryOptions, type TimeoutOptions } from "../http";
import { isPrivilegeCloud, validateCyberArkConnection, type CyberArkConnection } from "./connection";
import { PlatformTokenSource } from "./identity-token";
import { isTokenRejected, parseCyberArkError } from "./errors";
import { logonTokenSchema, serverInfoSchema } from "./schemas";

/** Extra options of {@link CyberArkClient}. */
export interface CyberArkClientOptions {
  /** Debug log hook (every line is redacted first). */
  log?: DebugLog;
  timeouts?: TimeoutOptions;
  retry?: RetryOptions;
  /** Deadline of each request, retries included, ms (unless the request sets its own). */
  requestTimeoutMs?: number;
  /** Clock in ms for the Privilege Cloud token cache (tests). */
  now?: () => number;
}

/** A PVWA version as `[major, minor, patch]`, parsed from `ExternalVersion`. */
export type PvwaVersion = [number, number, number];

/** A feature the connected PVWA is too old for. Code `CYBERARK_VERSION_TOO_OLD`. */
export class CyberArkVersionError extends PamError {
  readonly code = "CYBERARK_VERSION_TOO_OLD";
  constructor(feature: string, needed: string, actual: string) {
    super(`cyberark: ${feature} needs PVWA ${needed} or later; this PVWA reports ${actual}`);
  }
}

/** `https://h` → `https://h/PasswordVault`; a URL already ending in /PasswordVault is kept (any case). */
export function pvwaBaseUrl(url: string): string {
  const trimmed = url.trim().replace(/\/+$/, "");
  return /\/passwordvault$/i.test(trimmed) ? trimmed : `${trimmed}/PasswordVault`;
}

/**
 * A logged-on PVWA Gen2 API client. Self-hosted: logon sends `concurrentSession: true` and the token
 * goes raw in `Authorization` (no `Bearer`). Privilege Cloud: a platform token from the Identity
 * tenant goes as `Authorization: Bearer <token>`, cached until shortly before it expires, and there
 * is no logoff. Either way a request whose token was rejected (401 / PASWS006E) is retried once with
 * a fresh token. Passwords, client secrets and tokens are registered with the HTTP client's Redactor.
 */
export class CyberArkClient {
  readonly http: HttpClient;
  private readonly conn: CyberArkConnection;
  private token: string | undefined;
  private version: Promise<PvwaVersion | undefined> | undefined;
  private readonly platform?: PlatformTokenSource;
  private readonly requestTimeoutMs?: number;

  constructor(conn: CyberArkConnection, opts: CyberArkClientOptions = {}) {
    this.conn = validateCyberArkConnection(conn);
    this.requestTimeoutMs = opts.requestTimeoutMs;
    this.http = new HttpClient({
      vendor: "cyberark",
      baseUrl: pvwaBaseUrl(this.conn.url),
      caCertificates: this.conn.caCertificates,
      insecureSkipVerify: this.conn.insecureSkipVerify,
      allowHttp: this.conn.allowHttp,
      requestTimeoutMs: this.conn.requestTimeoutMs,
      timeoutSetting: "cyberark:requestTimeoutMs / CYBERARK_REQUEST_TIMEOUT_MS",
      timeouts: opts.timeouts,
      retry: opts.retry,
      log: opts.log,
      // RADIUS challenge steps reuse the first call's cookies; keeping a jar is harmless otherwise.
      cookies: true,
      parseVendorError: parseCyberArkError,
      auth: {
        headers: async () => {
          // Privilege Cloud: ask the cache each time, so a token about to expire is replaced before use.
          if (this.platform) this.token = await this.platform.get();
          else if (this.token === undefined) await this.logon();
          return { authorization: this.platform ? `Bearer ${this.token}` : this.token! };
        },
        rejected: isTokenRejected,
        // A rejected token (401 / PASWS006E): PVWA did not act on the request, so resending is safe.
        refresh: async () => {
          this.token = undefined;
          this.platform?.invalidate();
          if (!this.platform) await this.logon();
        },
      },
    });
    if (isPrivilegeCloud(this.conn)) {
      this.platform = new PlatformTokenSource({
        identityUrl: this.conn.identityUrl!,
        clientId: this.conn.clientId!,
        clientSecret: this.conn.clientSecret!,
        redactor: this.http.redactor,
        caCertificates: this.conn.caCertificates,
        insecureSkipVerify: this.conn.insecureSkipVerify,
        timeouts: opts.timeouts,
        retry: opts.retry,
        log: opts.log,
        requestTimeoutMs: opts.requestTimeoutMs,
        now: opts.now,
      });
    } else {
      this.http.redactor.add(this.conn.password!);
    }
  }

  /** The user this client acts as (the Vault user, or the Privilege Cloud client id). */
  get username(): string {
    return this.conn.username ?? this.conn.clientId!;
  }

  /** True for a CyberArk Privilege Cloud connection (platform token, Bearer). */
  get privilegeCloud(): boolean {
    return this.platform !== undefined;
  }

  /** Platform token requests sent so far (Privilege Cloud; 0 otherwise). */
  get tokenFetches(): number {
    return this.platform?.fetches ?? 0;
  }

  /** True while a token is held. */
  get loggedOn(): boolean {
    return this.token !== undefined;
  }

  /**
   * Self-hosted: `POST /API/auth/{method}/Logon`, the body built by JSON.stringify. Privilege Cloud:
   * fetches (or reuses) the platform token.
   */
  async logon(): Promise<void> {
    if (this.platform) {
      this.token = await this.platform.get();
      return;
    }
    const method = this.conn.authMethod ?? "CyberArk";
    const r = await this.http.request({
      method: "POST",
      path: `/API/auth/${pathSegment(method, "authMethod")}/Logon`,
      json: { username: this.conn.username, password: this.conn.password, concurrentSession: true },
      schema: logonTokenSchema(),
      timeoutMs: this.requestTimeoutMs,
      sensitiveResponse: true,
      auth: false,
    });
    this.token = r.data;
    this.http.redactor.add(this.token);
  }

  /** `POST /API/Auth/Logoff`; forgets the token even when the call fails. */
  async logoff(): Promise<void> {
    const token = this.token;
    this.token = undefined;
    // Privilege Cloud platform tokens have no logoff call: they expire.
    this.platform?.forget();
    if (token === undefined || this.platform) return;
    await this.http.request({ method: "POST", path: "/API/Auth/Logoff", headers: { authorization: token }, allowEmpty: true, timeoutMs: this.requestTimeoutMs, auth: false });
  }

  /**
   * Sends an authenticated request (logging on first if needed). When the token is rejected, the HTTP
   * core has the auth hook log on again once and resends.
   */
  request<T>(opts: RequestOptions<T>): Promise<HttpResponse<T>> {
    return this.http.request({ timeoutMs: this.requestTimeoutMs, ...opts });
  }

  /**
   * The PVWA version from `GET /API/Server`, falling back to the Gen1
   * `/WebServices/PIMServices.svc/Server` (as psPAS, github.com/pspete/psPAS, does). Undefined when neither
   * answers (then no feature is gated). Cached per client.
   */
  serverVersion(): Promise<PvwaVersion | undefined> {
    this.version ??= (async () => {
      for (const path of ["/API/Server", "/WebServices/PIMServices.svc/Server"]) {
        try {
          const r = await this.request({ method: "GET", path, schema: serverInfoSchema() });
          const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(r.data.ExternalVersion);
          if (m) return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] as PvwaVersion;
        } catch (e) {
          if (!PamError.isInstance(e)) throw e;
        }
      }
      return undefined;
    })();
    return this.version;
  }

  /** Throws {@link CyberArkVersionError} when the PVWA reports a version below `min` ("12.0"). Unknown versions pass. */
  async requireVersion(min: string, feature: string): Promise<void> {
    const v = await this.serverVersion();
    if (!v) return;
    const want = min.split(".").map(Number);
    for (let i = 0; i < 3; i++) {
      const a = v[i] ?? 0;
      const b = want[i] ?? 0;
      if (a > b) return;
      if (a < b) throw new CyberArkVersionError(feature, min, v.join("."));
    }
  }

  /** Closes the connection pool (does not log off; see {@link withCyberArkSession}). */
  async close(): Promise<void> {
    await this.platform?.close();
    return this.http.close();
  }
}

/**
 * Logs on, runs `fn`, and always logs off and closes (our choice: no PVWA session is left to time out). A logoff
 * failure is logged, not thrown, so it never hides the result or the error of `fn`.
 */
export async function withCyberArkSession<T>(conn: CyberArkConnection, fn: (client: CyberArkClient) => Promise<T>, opts: CyberArkClientOptions = {}): Promise<T> {
  const client = new CyberArkClient(conn, opts);
  try {
    await client.logon();
    return await fn(client);
  } finally {
    try {
      await client.logoff();
    } catch (e) {
      opts.log?.(client.http.redactor.text(`cyberark: logoff failed: ${(e as Error).message}`));
    }
    await client.close();
  }
}
