import { AuthError, HttpClient, type AuthAttempt, type HttpAuth } from "../../provider/http";
import type { EmulatorServer } from "../emulators/common/server";
import { rejectionOf, startTestServer } from "./helpers";

/**
 * The auth hook of the HTTP core: headers per attempt, one refresh and one resend on a rejection,
 * refreshes shared by concurrent requests, `reauth: false` and `auth: false` honoured.
 */
describe("HttpClient auth hook", () => {
  let srv: EmulatorServer;
  /** The token the server accepts; requests log the Authorization they carried. */
  let valid = "t1";
  const seen: Array<{ path: string; authorization?: string }> = [];
  /** Holds every protected answer until released, so that concurrent requests are rejected together. */
  let gate: Promise<void> | undefined;
  beforeAll(async () => {
    srv = await startTestServer((r) => {
      const protectedRoute = async (req: { path: string; headers: Record<string, string | string[] | undefined> }) => {
        const authorization = req.headers.authorization as string | undefined;
        seen.push({ path: req.path, authorization });
        if (gate) await gate;
        return authorization === `Bearer ${valid}` ? { status: 200, body: { ok: true } } : { status: 401, body: { error: "expired" } };
      };
      r.on("GET", "/api/thing", protectedRoute);
      r.on("POST", "/api/thing", protectedRoute);
      r.on("GET", "/api/open", (req) => {
        seen.push({ path: req.path, authorization: req.headers.authorization as string | undefined });
        return { status: 200, body: { ok: true } };
      });
      r.on("GET", "/api/busy", (req) => {
        seen.push({ path: req.path, authorization: req.headers.authorization as string | undefined });
        return { status: 503, body: { error: "busy" } };
      });
    });
  });
  afterAll(() => srv.close());
  beforeEach(() => {
    valid = "t1";
    seen.length = 0;
    gate = undefined;
  });

  /** A token hook whose token is `current`; `refresh` switches to the server's valid token. */
  function tokenAuth(start = "t1") {
    const calls = { headers: [] as AuthAttempt[], refreshes: 0 };
    let current = start;
    const auth: HttpAuth = {
      headers: (a) => {
        calls.headers.push(a);
        return { authorization: `Bearer ${current}` };
      },
      refresh: async () => {
        calls.refreshes++;
        await new Promise((r) => setImmediate(r));
        current = valid;
      },
    };
    return { auth, calls };
  }
  const client = (auth: HttpAuth) =>
    new HttpClient({ vendor: "test", baseUrl: srv.url, allowHttp: true, auth, retry: { maxAttempts: 2, baseDelayMs: 0 }, sleep: async () => undefined });

  beforeAll(() => jest.spyOn(process, "emitWarning").mockImplementation(() => undefined));

  it("adds the hook's headers to every attempt, retries included, with the URL as sent", async () => {
    const { auth, calls } = tokenAuth();
    const c = client(auth);
    await rejectionOf(c.request({ method: "GET", path: "/api/busy", query: { a: "1" } }));
    expect(seen.map((s) => s.authorization)).toEqual(["Bearer t1", "Bearer t1"]);
    expect(calls.headers).toEqual([
      { method: "GET", url: `${srv.url}/api/busy?a=1`, reauth: true },
      { method: "GET", url: `${srv.url}/api/busy?a=1`, reauth: true },
    ]);
    await c.close();
  });

  it("refreshes once on 401 and resends once; a second rejection is final", async () => {
    const { auth, calls } = tokenAuth();
    const c = client(auth);
    valid = "t2";
    expect((await c.request({ method: "GET", path: "/api/thing" })).data).toEqual({ ok: true });
    expect(seen.map((s) => s.authorization)).toEqual(["Bearer t1", "Bearer t2"]);
    expect(calls.refreshes).toBe(1);

    seen.length = 0;
    // A refresh that does not help: the resend is rejected too, and that rejection is final.
    let refreshes = 0;
    const stuck = client({ headers: () => ({ authorization: "Bearer stale" }), refresh: async () => void refreshes++ });
    const e = await rejectionOf(stuck.request({ method: "GET", path: "/api/thing" }));
    expect(e).toBeInstanceOf(AuthError);
    expect(seen).toHaveLength(2);
    expect(refreshes).toBe(1);
    await c.close();
    await stuck.close();
  });

  it("shares one refresh among requests rejected while it runs", async () => {
    const { auth, calls } = tokenAuth();
    const c = client(auth);
    valid = "t2";
    let release!: () => void;
    gate = new Promise((r) => (release = r));
    const all = Promise.all([1, 2, 3].map(() => c.request({ method: "GET", path: "/api/thing" })));
    while (seen.length < 3) await new Promise((r) => setImmediate(r));
    gate = undefined;
    release();
    expect((await all).map((r) => r.data)).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(calls.refreshes).toBe(1);
    expect(seen).toHaveLength(6);
    await c.close();
  });

  it("reauth: false tells the hook and throws the rejection without a refresh or a resend", async () => {
    const { auth, calls } = tokenAuth();
    const c = client(auth);
    valid = "t2";
    const e = await rejectionOf(c.request({ method: "POST", path: "/api/thing", json: {}, reauth: false }));
    expect(e).toBeInstanceOf(AuthError);
    expect(calls.refreshes).toBe(0);
    expect(calls.headers.map((h) => h.reauth)).toEqual([false]);
    expect(seen).toHaveLength(1);
    await c.close();
  });

  it("auth: false sends without the hook (the login request itself)", async () => {
    const { auth, calls } = tokenAuth();
    const c = client(auth);
    await c.request({ method: "GET", path: "/api/open", auth: false });
    expect(seen).toEqual([{ path: "/api/open", authorization: undefined }]);
    expect(calls.headers).toEqual([]);
    await c.close();
  });

  it("only what `rejected` accepts triggers a refresh, and a hook without refresh never resends", async () => {
    const { auth, calls } = tokenAuth();
    const c = client({ ...auth, rejected: () => false });
    valid = "t2";
    await rejectionOf(c.request({ method: "GET", path: "/api/thing" }));
    expect(calls.refreshes).toBe(0);
    const plain = client({ headers: auth.headers });
    await rejectionOf(plain.request({ method: "GET", path: "/api/thing" }));
    expect(seen).toHaveLength(2);
    await c.close();
    await plain.close();
  });

  it("a failing hook fails the request as it is, before anything is sent", async () => {
    const c = client({ headers: () => Promise.reject(new Error("login refused")) });
    expect((await rejectionOf(c.request({ method: "GET", path: "/api/open" }))).message).toBe("login refused");
    expect(seen).toEqual([]);
    await c.close();
  });
});
