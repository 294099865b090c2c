import { HttpClient, PamError, type DebugLog, type HttpResponse, type RequestOptions, type RetryOptions, type TimeoutOptions } from "../http";
import { validateCyberArkConnection, type CyberArkConnection } from "./config";
import { isTokenRejected, parseCyberArkError } from "./errors";
import { logonTokenSchema, serverInfoSchema } from "./schemas";

/** Extra options of {@link CyberArkClient}. */
export interface CyberArkClientOptions {
  /** Debug log hook (every line is redacted first). */
  log?: DebugLog;
  timeouts?: TimeoutOptions;
  retry?: RetryOptions;
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
 * A logged-on PVWA Gen2 API client (CyberArk PVWA REST API documentation). Logon sends
 * `concurrentSession: true` (needed by automation from 11.3 on); the token goes raw in `Authorization`, never `Bearer`;
 * a request whose token was rejected (401 / PASWS006E) is retried once after one re-logon.
 * The password and the token are registered with the HTTP client's Redactor.
 */
export class CyberArkClient {
  readonly http: HttpClient;
  private readonly conn: CyberArkConnection;
  private token: string | undefined;
  private version: Promise<PvwaVersion | undefined> | undefined;

  constructor(conn: CyberArkConnection, opts: CyberArkClientOptions = {}) {
    this.conn = validateCyberArkConnection(conn);
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
      // RADIUS challenge steps reuse the first call's cookies (as psPAS does); keeping a jar is harmless otherwise.
      cookies: true,
      parseVendorError: parseCyberArkError,
    });
    this.http.redactor.add(this.conn.password);
  }

  /** The user this client logs on as. */
  get username(): string {
    return this.conn.username;
  }

  /** True while a token is held. */
  get loggedOn(): boolean {
    return this.token !== undefined;
  }

  /** `POST /API/auth/{method}/Logon`. The body is built by JSON.stringify (a `"` or `\` in a password stays valid JSON). */
  async logon(): Promise<void> {
    const method = this.conn.authMethod ?? "CyberArk";
    const r = await this.http.request({
      method: "POST",
      path: `/API/auth/${method}/Logon`,
      json: { username: this.conn.username, password: this.conn.password, concurrentSession: true },
      schema: logonTokenSchema(),
      sensitiveResponse: true,
    });
    this.token = r.data;
    this.http.redactor.add(this.token);
  }

  /** `POST /API/Auth/Logoff`; forgets the token even when the call fails. */
  async logoff(): Promise<void> {
    const token = this.token;
    this.token = undefined;
    if (token === undefined) return;
    await this.http.request({ method: "POST", path: "/API/Auth/Logoff", headers: { authorization: token }, allowEmpty: true });
  }

  /**
   * Sends an authenticated request (logging on first if needed). When the token is rejected, logs
   * on again once and resends: a 401 means PVWA did not act on the request, so resending is safe.
   */
  async request<T>(opts: RequestOptions<T>): Promise<HttpResponse<T>> {
    if (this.token === undefined) await this.logon();
    try {
      return await this.http.request({ ...opts, headers: { ...(opts.headers ?? {}), authorization: this.token! } });
    } catch (e) {
      if (!isTokenRejected(e)) throw e;
      this.token = undefined;
      await this.logon();
      return this.http.request({ ...opts, headers: { ...(opts.headers ?? {}), authorization: this.token! } });
    }
  }

  /**
   * The PVWA version from `GET /API/Server`, falling back to the Gen1
   * `/WebServices/PIMServices.svc/Server` ([CODE] psPAS; [DOC] EPV mock). Undefined when neither
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
  close(): Promise<void> {
    return this.http.close();
  }
}

/**
 * Logs on, runs `fn`, and always logs off and closes (a session left open counts against the user's sessions). A logoff
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
