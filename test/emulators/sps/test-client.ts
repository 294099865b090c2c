import { request, type Dispatcher } from "undici";

/** A response as the emulator tests look at it. */
export interface TestResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON, or the raw text when the body is not JSON. */
  body: any;
  /** The body as sent. */
  text: string;
}

/**
 * The one raw SPS REST client of the test suite (emulator self-tests, "another administrator" in
 * provider tests, the contract test against a lab appliance). Plain undici, no provider code, no
 * cookie jar: it keeps the `session_id` cookie by hand so tests see exactly what the server sends.
 * Pass a `dispatcher` (an undici Agent with a CA) for HTTPS.
 */
export class SpsTestClient {
  cookie: string | undefined;
  constructor(
    readonly url: string,
    private readonly dispatcher?: Dispatcher,
  ) {}

  /** `GET /api/authentication` with Basic credentials; stores the session cookie on success. */
  async login(user: string, password: string, query = ""): Promise<TestResponse> {
    const auth = `Basic ${Buffer.from(`${user}:${password}`, "utf8").toString("base64")}`;
    const r = await this.send("GET", `/api/authentication${query}`, undefined, { authorization: auth });
    // A real appliance (or a proxy in front of it) may set other cookies too: take the session_id one.
    const m = ([] as string[]).concat(r.headers["set-cookie"] ?? []).map((c) => /^session_id=([^;]*)/.exec(c)).find(Boolean);
    if (r.status === 200 && m) this.cookie = m[1];
    return r;
  }

  /** Sends a request with the stored cookie; `body` is JSON-encoded unless it is a string. */
  async send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<TestResponse> {
    const h: Record<string, string> = { accept: "application/json", "user-agent": "sps-emulator-tests/1.0", ...headers };
    if (this.cookie) h.cookie = `session_id=${this.cookie}`;
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === "string" ? body : JSON.stringify(body);
      h["content-type"] = "application/json";
    }
    const r = await request(`${this.url}${path}`, { method: method as Dispatcher.HttpMethod, headers: h, body: payload, dispatcher: this.dispatcher });
    const text = await r.body.text();
    let parsed: unknown = text;
    try {
      parsed = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    return { status: r.statusCode, headers: r.headers as TestResponse["headers"], body: parsed, text };
  }

  /** Like `send`, but throws `METHOD path: status body` unless the answer is 2xx. */
  async ok(method: string, path: string, body?: unknown): Promise<TestResponse> {
    const r = await this.send(method, path, body ?? (method === "POST" ? {} : undefined));
    if (r.status < 200 || r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.text}`);
    return r;
  }

  /** Opens a transaction, runs `fn`, commits; rolls back (best effort) and rethrows when anything fails. */
  async inTransaction(fn: () => Promise<void>): Promise<void> {
    await this.ok("POST", "/api/transaction", {});
    try {
      await fn();
      await this.ok("PUT", "/api/transaction", { status: "commit" });
    } catch (e) {
      await this.send("DELETE", "/api/transaction").catch(() => undefined);
      throw e;
    }
  }

  get = (path: string) => this.send("GET", path);
  post = (path: string, body: unknown = {}) => this.send("POST", path, body);
  put = (path: string, body: unknown) => this.send("PUT", path, body);
  del = (path: string) => this.send("DELETE", path);

  open = () => this.post("/api/transaction", {});
  commit = () => this.put("/api/transaction", { status: "commit" });
  rollback = () => this.del("/api/transaction");

  /** Creates a password object; returns its key (asserting 201). */
  async password(plain: string): Promise<string> {
    const r = await this.post("/api/configuration/passwords", { plain });
    if (r.status !== 201) throw new Error(`password POST: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.key;
  }

  /** Stages a user with a fresh password; returns its key (asserting 201). */
  async createUser(name: string, plain: string): Promise<string> {
    const password = await this.password(plain);
    const r = await this.post("/api/configuration/aaa/local_database/users", { name, password });
    if (r.status !== 201) throw new Error(`user POST: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.key;
  }

  /** Stages a group; returns its key (asserting 201). */
  async createGroup(name: string, members: string[]): Promise<string> {
    const r = await this.post("/api/configuration/aaa/local_database/groups", { name, members });
    if (r.status !== 201) throw new Error(`group POST: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.key;
  }
}

/** Logs `user` in on a fresh client and returns it. */
export async function loggedIn(url: string, user = "admin", password = "adminpass", dispatcher?: Dispatcher): Promise<SpsTestClient> {
  const c = new SpsTestClient(url, dispatcher);
  const r = await c.login(user, password);
  if (r.status !== 200) throw new Error(`login ${user}: ${r.status}`);
  return c;
}
