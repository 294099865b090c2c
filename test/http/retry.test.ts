import fc from "fast-check";
import {
  ConnectionError,
  DEFAULT_RETRY,
  HttpClient,
  RateLimitError,
  ServerError,
  TimeoutError,
  backoffDelay,
  mayRetryMethod,
  parseRetryAfter,
  type HttpClientOptions,
} from "../../provider/http";
import type { EmulatorServer } from "../emulators/common/server";
import { rejectionOf, startTestServer } from "./helpers";

describe("retry policy", () => {
  it("retries GET, HEAD and OPTIONS always, writes only when the caller marks them safe", () => {
    for (const m of ["GET", "HEAD", "OPTIONS"]) expect(mayRetryMethod(m, undefined)).toBe(true);
    for (const m of ["POST", "PUT", "DELETE", "PATCH"]) {
      expect(mayRetryMethod(m, undefined)).toBe(false);
      expect(mayRetryMethod(m, true)).toBe(true);
    }
  });

  it("reads Retry-After as seconds or as an HTTP date, and ignores garbage", () => {
    const now = Date.parse("Wed, 21 Oct 2026 07:28:00 GMT");
    expect(parseRetryAfter("2", now)).toBe(2000);
    expect(parseRetryAfter("0.5", now)).toBe(500);
    expect(parseRetryAfter("Wed, 21 Oct 2026 07:28:03 GMT", now)).toBe(3000);
    expect(parseRetryAfter("Wed, 21 Oct 2026 07:27:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it("draws full-jitter backoff below an exponentially growing, capped ceiling", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (attempt, r) => {
        const d = backoffDelay(attempt, DEFAULT_RETRY, () => r);
        const ceiling = Math.min(DEFAULT_RETRY.maxDelayMs, DEFAULT_RETRY.baseDelayMs * 2 ** (attempt - 1));
        return d >= 0 && d < ceiling;
      }),
    );
    expect(backoffDelay(1, DEFAULT_RETRY, () => 0.5)).toBe(125);
    expect(backoffDelay(3, DEFAULT_RETRY, () => 0.5)).toBe(500);
    expect(backoffDelay(20, DEFAULT_RETRY, () => 0.5)).toBe(4000);
  });
});

describe("HttpClient retries", () => {
  let srv: EmulatorServer;
  const clients: HttpClient[] = [];
  /** A client whose waits are recorded instead of slept. */
  const make = (opts: Partial<HttpClientOptions> = {}) => {
    const waits: number[] = [];
    const c = new HttpClient({
      vendor: "sps",
      baseUrl: srv.url, allowHttp: true,
      retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000, maxTotalMs: 30000 },
      sleep: async (ms) => void waits.push(ms),
      random: () => 0.5,
      ...opts,
    });
    clients.push(c);
    return { c, waits };
  };
  beforeAll(async () => {
    srv = await startTestServer((r) => {
      for (const m of ["GET", "POST", "PUT", "DELETE"]) r.on(m, "/api/thing", () => ({ status: 200, body: { ok: true } }));
    });
  });
  beforeEach(() => {
    srv.faults.clear();
    srv.log.clear();
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await srv.close();
  });
  const unavailable = (headers: Record<string, string> = {}, times = 1, status = 503) =>
    srv.faults.plan("", { kind: "status", status, body: { error: { type: "Unavailable", message: "busy" } }, headers }, { times });

  it("retries a GET on 503 after the Retry-After the server asked for (real wait)", async () => {
    unavailable({ "retry-after": "1" });
    const c = new HttpClient({ vendor: "sps", baseUrl: srv.url, allowHttp: true });
    clients.push(c);
    const t0 = Date.now();
    const r = await c.request({ method: "GET", path: "/api/thing" });
    const elapsed = Date.now() - t0;
    expect(r.data).toEqual({ ok: true });
    expect(srv.log.count("GET /api/thing")).toBe(2);
    expect(elapsed).toBeGreaterThanOrEqual(950); // a lower bound only: load makes waits longer, never shorter
  });

  it("honours an HTTP-date Retry-After", async () => {
    const now = Date.parse("Wed, 21 Oct 2026 07:28:00 GMT");
    unavailable({ "retry-after": "Wed, 21 Oct 2026 07:28:03 GMT" });
    const { c, waits } = make({ now: () => now });
    await c.request({ method: "GET", path: "/api/thing" });
    expect(waits).toEqual([3000]);
  });

  it("backs off exponentially with jitter when there is no Retry-After", async () => {
    unavailable({}, 2, 502);
    const { c, waits } = make();
    await c.request({ method: "GET", path: "/api/thing" });
    expect(waits).toEqual([50, 100]);
    expect(srv.log.count("GET /api/thing")).toBe(3);
  });

  it("does not retry a POST on 503", async () => {
    unavailable();
    const { c, waits } = make();
    const e = await rejectionOf(c.request({ method: "POST", path: "/api/thing", json: { a: 1 } }));
    expect(e).toBeInstanceOf(ServerError);
    expect(e.retryable).toBe(true);
    expect(waits).toEqual([]);
    expect(srv.log.count("POST /api/thing")).toBe(1);
  });

  it("does not retry PUT or DELETE unless marked safe (an SPS PUT of the transaction commits)", async () => {
    unavailable({}, 2);
    const { c } = make();
    await expect(c.request({ method: "PUT", path: "/api/thing", json: {} })).rejects.toBeInstanceOf(ServerError);
    await expect(c.request({ method: "DELETE", path: "/api/thing" })).rejects.toBeInstanceOf(ServerError);
    expect(srv.log.entries.length).toBe(2);
  });

  it("retries a POST the caller marks retrySafe", async () => {
    unavailable();
    const { c } = make();
    const r = await c.request({ method: "POST", path: "/api/thing", json: {}, retrySafe: true });
    expect(r.data).toEqual({ ok: true });
    expect(srv.log.count("POST /api/thing")).toBe(2);
  });

  it("bounds the attempts and throws the last error", async () => {
    unavailable({}, 10, 429);
    const { c, waits } = make();
    const e = await rejectionOf(c.request({ method: "GET", path: "/api/thing" }));
    expect(e).toBeInstanceOf(RateLimitError);
    expect(srv.log.count("GET /api/thing")).toBe(3);
    expect(waits.length).toBe(2);
  });

  it("gives up at once when Retry-After exceeds the total budget", async () => {
    unavailable({ "retry-after": "60" }, 2);
    const { c, waits } = make({ retry: { maxTotalMs: 5000 } });
    await expect(c.request({ method: "GET", path: "/api/thing" })).rejects.toBeInstanceOf(ServerError);
    expect(waits).toEqual([]);
    expect(srv.log.count("GET /api/thing")).toBe(1);
  });

  it("stops retrying when the total budget is spent", async () => {
    unavailable({}, 10);
    let now = 0;
    const { c } = make({ now: () => now, sleep: async (ms) => void (now += ms + 400), retry: { maxAttempts: 10, baseDelayMs: 100, maxTotalMs: 1000 } });
    await expect(c.request({ method: "GET", path: "/api/thing" })).rejects.toBeInstanceOf(ServerError);
    // waits 50 (+400), 100 (+400) → 950 spent; the next wait (200) would overrun 1000.
    expect(srv.log.count("GET /api/thing")).toBe(3);
  });

  it("does not retry a 500 (not a transient status)", async () => {
    unavailable({}, 1, 500);
    const { c } = make();
    const e = await rejectionOf(c.request({ method: "GET", path: "/api/thing" }));
    expect(e.retryable).toBe(false);
    expect(srv.log.count("GET /api/thing")).toBe(1);
  });

  it("retries a GET whose connection was dropped, but not a POST", async () => {
    srv.faults.plan("GET /api/thing", { kind: "drop-before" });
    const { c } = make();
    expect((await c.request({ method: "GET", path: "/api/thing" })).data).toEqual({ ok: true });
    expect(srv.log.count("GET /api/thing")).toBe(2);
    srv.faults.plan("POST /api/thing", { kind: "drop-after" });
    const e = await rejectionOf(c.request({ method: "POST", path: "/api/thing", json: {} }));
    expect(e).toBeInstanceOf(ConnectionError);
    expect(e.code).toBe("CONNECTION_RESET");
    expect(e.cause).toBeInstanceOf(Error);
    expect(srv.log.count("POST /api/thing")).toBe(1);
  });

  it("stops waiting for a retry when the caller aborts", async () => {
    unavailable({ "retry-after": "20" });
    const ac = new AbortController();
    // Abort once the (real, 20 s) wait has started: the log line comes just before it, setImmediate just after.
    const log = (line: string) => void (/retrying in/.test(line) && setImmediate(() => ac.abort()));
    const c = new HttpClient({ vendor: "sps", baseUrl: srv.url, allowHttp: true, log });
    clients.push(c);
    const e = await rejectionOf(c.request({ method: "GET", path: "/api/thing", signal: ac.signal }));
    expect(e).toBeInstanceOf(TimeoutError);
    expect(e.code).toBe("ABORTED");
    expect(srv.log.count("GET /api/thing")).toBe(1); // had it waited the 20 s out, the retry would have succeeded
  });
});
