import type { z } from "zod";
import { AuthError, ConflictError, HttpClient, NotFoundError, pathSegment, type DebugLog, type RequestOptions } from "../http";
import { nameKey } from "../validation/names";
import type { SpsConnection } from "./connection";
import { SpsLockHeldError, SpsSessionLostError } from "./errors";
import {
  aaaSettingsSchema, collectionSchema, createdSchema, groupItemSchema, metaOnlySchema, parseSpsError,
  transactionStatusSchema, userItemSchema, type GroupItem, type UserItem,
} from "./schemas";

export const USERS = "/api/configuration/aaa/local_database/users";
export const GROUPS = "/api/configuration/aaa/local_database/groups";
export const PASSWORDS = "/api/configuration/passwords";

/** Counters tests read. */
export interface SpsClientStats {
  logins: number;
}

/**
 * What the coordinator needs of a REST session (a seam: unit tests pass a fake). `sessionGeneration`
 * changes at every login: a transaction lives and dies with the session that opened it.
 */
export interface TransactionClient {
  readonly sessionGeneration: number;
  login(): Promise<void>;
  /** `open` or `closed` for THIS session, read from SPS (logs in again on 401: a new session has none). */
  transactionStatus(): Promise<{ status: string }>;
  openTransaction(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A logged-in SPS REST session (cookie `session_id`) and the calls the provider needs. The session is
 * the HTTP client's auth hook: reads log in when needed and once more on 401; writes never do
 * (`reauth: false`), because a lost session means a lost transaction (`SpsSessionLostError`), which only
 * the coordinator can recover from by restaging.
 */
export class SpsClient implements TransactionClient {
  readonly http: HttpClient;
  readonly stats: SpsClientStats = { logins: 0 };
  /** Incremented at every successful login (the coordinator checks a transaction's session is still this one). */
  sessionGeneration = 0;
  private loggedIn = false;
  /** A login in flight, shared by concurrent callers (a refresh starts P reads at once). */
  private loggingIn?: Promise<void>;
  /** Errors thrown by a login, so that the auth hook does not answer a refused login with another login. */
  private readonly loginFailures = new WeakSet<object>();
  /** The staged view per collection (see {@link stagedItems}); reset when a transaction opens. */
  private staged = new Map<string, Promise<Map<string, { key: string; body: Record<string, unknown> }>>>();

  /** `requestTimeoutMs`: deadline of every request unless the request sets its own (sps:requestTimeoutMs; default: the HTTP core's). */
  constructor(private readonly conn: SpsConnection, opts: { log?: DebugLog; requestTimeoutMs?: number } = {}) {
    this.http = new HttpClient({
      vendor: "sps",
      baseUrl: conn.url,
      caCertificates: conn.caCertificates,
      insecureSkipVerify: conn.insecureSkipVerify,
      allowHttp: conn.allowHttp,
      requestTimeoutMs: opts.requestTimeoutMs,
      timeoutSetting: "sps:requestTimeoutMs / SPS_REQUEST_TIMEOUT_MS",
      cookies: true,
      log: opts.log,
      parseVendorError: parseSpsError,
      headers: { accept: "application/json" },
      auth: {
        // The cookie jar carries the session; the hook only makes sure there is one.
        headers: async ({ reauth }) => {
          if (reauth) await this.ensureLogin();
          return {};
        },
        // A refused login is refused credentials, not an expired session: logging in again would repeat it.
        rejected: (e) => e instanceof AuthError && !this.loginFailures.has(e),
        refresh: async () => {
          this.lost();
          await this.login();
        },
      },
    });
    this.http.redactor.add(conn.password);
  }

  private async send<T>(req: RequestOptions<T>): Promise<T> {
    return (await this.http.request(req)).data;
  }

  /** `GET /api/authentication` with Basic credentials; the answer sets the `session_id` cookie (SPS REST API guide, "Authenticate to the SPS REST API"). */
  login(): Promise<void> {
    this.loggingIn ??= this.doLogin()
      .catch((e: unknown) => {
        if (e && typeof e === "object") this.loginFailures.add(e);
        throw e;
      })
      .finally(() => (this.loggingIn = undefined));
    return this.loggingIn;
  }

  private async doLogin(): Promise<void> {
    await this.http.clearCookies();
    const basic = Buffer.from(`${this.conn.username}:${this.conn.password}`, "utf8").toString("base64");
    await this.send({ method: "GET", path: "/api/authentication", headers: { authorization: `Basic ${basic}` }, schema: metaOnlySchema, allowEmpty: true, sensitiveResponse: true, auth: false });
    if (!(await this.http.cookie("session_id"))) {
      // A cookie dropped for an `expires` in the past means the clocks differ (the cookie lives 20 minutes).
      throw new SpsSessionLostError("SPS accepted the login but no session_id cookie was kept; check that this machine's clock matches the appliance's (the cookie expires 20 minutes after login)");
    }
    this.loggedIn = true;
    this.sessionGeneration++;
    this.stats.logins++;
  }

  async ensureLogin(): Promise<void> {
    if (!this.loggedIn) await this.login();
  }

  /** Marks the session as gone (after a 401), so that the next call logs in again. */
  private lost(): void {
    this.loggedIn = false;
  }

  /** A read outside transactions: log in if needed, and once more on 401 (expired session). */
  read<T>(req: RequestOptions<T>): Promise<T> {
    return this.send(req);
  }

  /** A write inside the open transaction: never logs in. 401 means the session, and the transaction, are gone. */
  async write<T>(req: RequestOptions<T>): Promise<T> {
    try {
      return await this.send({ ...req, reauth: false });
    } catch (e) {
      if (e instanceof AuthError) {
        this.lost();
        throw new SpsSessionLostError("the SPS session expired or was logged out during the transaction; its staged changes are gone", { cause: e });
      }
      throw e;
    }
  }

  // --- transactions (SPS REST API reference, "Open a transaction"; safeguard-ps) ------------------------

  async transactionStatus(): Promise<{ status: string; remainingSeconds?: number }> {
    return this.read({ method: "GET", path: "/api/transaction", schema: transactionStatusSchema });
  }

  /**
   * `POST /api/transaction` with a `{}` body (SPS answers 411 to a bodiless POST: SPS REST API documentation). A 409 other than
   * `NoTransaction`, or a 423, means someone else holds the configuration lock; the exact status and
   * type are not documented publicly, so both are accepted (our choice).
   */
  async openTransaction(): Promise<void> {
    this.staged.clear();
    await this.ensureLogin();
    try {
      await this.write({ method: "POST", path: "/api/transaction", json: {}, allowEmpty: true });
    } catch (e) {
      if ((e instanceof ConflictError && e.vendorCode !== "NoTransaction") || (e as { status?: number }).status === 423) {
        // Whose lock it is (this session's leftover or another session's) only GET /api/transaction can tell.
        const why = (e as ConflictError).vendorMessage ? `: ${(e as ConflictError).vendorMessage}` : "";
        throw new SpsLockHeldError(`SPS refused to open a transaction because the configuration lock is held${why}`, { cause: e });
      }
      throw e;
    }
  }

  /** `PUT /api/transaction {"status": "commit"}`, as safeguard-ps (github.com/OneIdentity/safeguard-ps) sends it. Never retried: it is not idempotent. */
  async commit(): Promise<void> {
    await this.write({ method: "PUT", path: "/api/transaction", json: { status: "commit" }, allowEmpty: true });
  }

  /** `DELETE /api/transaction`: discards staged changes and frees the lock. */
  async rollback(): Promise<void> {
    await this.write({ method: "DELETE", path: "/api/transaction", allowEmpty: true, retrySafe: true });
  }

  // --- reads ---------------------------------------------------------------------------------------------

  /** Backend of `/api/configuration/aaa/settings`: "local", "ldap", "radius" or "unknown". */
  async authBackend(): Promise<string> {
    return this.read({ method: "GET", path: "/api/configuration/aaa/settings", schema: aaaSettingsSchema });
  }

  /** A GET: inside the transaction it reads the staged view and must not re-login (a new session has no transaction). */
  private get<T>(path: string, schema: z.ZodType<T>, inTransaction: boolean): Promise<T> {
    const req = { method: "GET" as const, path, schema };
    return inTransaction ? this.write(req) : this.read(req);
  }

  /** Keys of a collection; `inTransaction` reads the staged view without re-login. */
  listKeys(collection: string, inTransaction = false): Promise<string[]> {
    return this.get(collection, collectionSchema, inTransaction);
  }

  private async getItem<T>(path: string, schema: z.ZodType<T>, inTransaction: boolean): Promise<T | undefined> {
    try {
      return await this.get(path, schema, inTransaction);
    } catch (e) {
      if (e instanceof NotFoundError) return undefined;
      throw e;
    }
  }

  /** One user, or undefined when SPS answers 404. `inTransaction` reads the staged view without re-login. */
  getUser(key: string, inTransaction = false): Promise<UserItem | undefined> {
    return this.getItem(`${USERS}/${pathSegment(key, "SPS object key")}`, userItemSchema, inTransaction);
  }

  getGroup(key: string, inTransaction = false): Promise<GroupItem | undefined> {
    return this.getItem(`${GROUPS}/${pathSegment(key, "SPS object key")}`, groupItemSchema, inTransaction);
  }

  /** No documented server-side filter: list keys, then fetch items until the name matches. */
  private async findByName<T extends { body: { name: string } }>(collection: string, get: (key: string) => Promise<T | undefined>, name: string, inTransaction: boolean): Promise<T | undefined> {
    for (const k of await this.listKeys(collection, inTransaction)) {
      const item = await get(k);
      if (item && nameKey(item.body.name) === nameKey(name)) return item; // NFC/NFD twins are one name
    }
    return undefined;
  }

  findUserByName(name: string, inTransaction = false): Promise<UserItem | undefined> {
    return this.findByName(USERS, (k) => this.getUser(k, inTransaction), name, inTransaction);
  }

  findGroupByName(name: string, inTransaction = false): Promise<GroupItem | undefined> {
    return this.findByName(GROUPS, (k) => this.getGroup(k, inTransaction), name, inTransaction);
  }

  // --- writes (inside a transaction) ---------------------------------------------------------------------

  /** A fresh password object (SPS lets a password object be referenced once); the plain text goes only into this body. */
  async createPassword(plain: string): Promise<string> {
    this.http.redactor.add(plain);
    return (await this.write({ method: "POST", path: PASSWORDS, json: { plain }, schema: createdSchema })).key;
  }

  /**
   * Username → key as the open transaction sees it, built once per transaction (there is no server-side
   * filter, so it costs one GET per user) and shared by every group that names members.
   */
  private stagedItems<T extends { key: string; body: Record<string, unknown> }>(collection: string, get: (key: string) => Promise<T | undefined>): Promise<Map<string, T>> {
    let view = this.staged.get(collection) as Promise<Map<string, T>> | undefined;
    if (!view) {
      view = (async () => {
        const items = new Map<string, T>();
        for (const k of await this.listKeys(collection, true)) {
          const item = await get(k);
          if (item) items.set(item.key, item);
        }
        return items;
      })();
      view.catch(() => this.staged.delete(collection));
      this.staged.set(collection, view);
    }
    return view;
  }

  /** Local users as the open transaction sees them (key → item). */
  stagedUsers(): Promise<Map<string, UserItem>> {
    return this.stagedItems(USERS, (k) => this.getUser(k, true));
  }

  /** Local usergroups as the open transaction sees them (key → item). */
  stagedGroups(): Promise<Map<string, GroupItem>> {
    return this.stagedItems(GROUPS, (k) => this.getGroup(k, true));
  }

  /** Username → key as the open transaction sees it (shared by every group that names members). */
  async stagedUserKeysByName(): Promise<Map<string, string>> {
    const byName = new Map<string, string>();
    for (const u of (await this.stagedUsers()).values()) byName.set(nameKey(u.body.name), u.key); // keyed by nameKey (NFC)
    return byName;
  }

  /** Keeps a loaded staged view in step with a write this client made (undefined body = deleted). */
  private track(collection: string, key: string, body: Record<string, unknown> | undefined): void {
    const view = this.staged.get(collection);
    if (!view) return;
    this.staged.set(
      collection,
      view.then((items) => {
        if (body) items.set(key, { key, body } as never);
        else items.delete(key);
        return items;
      }),
    );
  }

  async createItem(collection: string, body: Record<string, unknown>): Promise<string> {
    const key = (await this.write({ method: "POST", path: collection, json: body, schema: createdSchema })).key;
    this.track(collection, key, body);
    return key;
  }

  /** PUT replaces the whole object (no documented partial update): callers send the full body. */
  async putItem(collection: string, key: string, body: Record<string, unknown>): Promise<void> {
    await this.write({ method: "PUT", path: `${collection}/${pathSegment(key, "SPS object key")}`, json: body, allowEmpty: true, retrySafe: true });
    this.track(collection, key, body);
  }

  /** DELETE; false when the object was already gone (404). */
  async deleteItem(collection: string, key: string): Promise<boolean> {
    try {
      await this.write({ method: "DELETE", path: `${collection}/${pathSegment(key, "SPS object key")}`, allowEmpty: true, retrySafe: true });
      return true;
    } catch (e) {
      if (e instanceof NotFoundError) return false;
      throw e;
    } finally {
      this.track(collection, key, undefined);
    }
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}
