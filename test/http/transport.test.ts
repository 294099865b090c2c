import * as http from "http";
import * as net from "net";
import type { AddressInfo } from "net";
import { ConnectionError, HttpClient, PamError, TimeoutError } from "../../provider/http";
import type { EmulatorServer } from "../emulators/common/server";
import { rejectionOf, startTestServer } from "./helpers";

/** A raw server for behaviours the emulator kit cannot produce (stalled bodies, silent TLS). */
async function listen(server: net.Server): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

describe("HttpClient transport failures", () => {
  let srv: EmulatorServer;
  const clients: HttpClient[] = [];
  const make = (baseUrl: string, opts: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) => {
    const c = new HttpClient({ vendor: "cyberark", baseUrl, allowHttp: true, retry: { maxAttempts: 1 }, ...opts });
    clients.push(c);
    return c;
  };
  beforeAll(async () => {
    srv = await startTestServer((r) => r.on("GET", "/api/slow", () => ({ status: 200, body: { ok: true } })));
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await srv.close();
  });

  it("turns a refused connection into ConnectionError CONNECTION_REFUSED with a wrapped cause", async () => {
    const s = await listen(net.createServer());
    await s.close();
    const e = await rejectionOf(make(`http://127.0.0.1:${s.port}`).request({ method: "GET", path: "/x" }));
    expect(e).toBeInstanceOf(ConnectionError);
    expect(e.code).toBe("CONNECTION_REFUSED");
    expect(e.message).toBe(`cyberark GET /x: connection to http://127.0.0.1:${s.port} refused; check the host and port`);
    expect(e.cause).toBeInstanceOf(Error);
    expect((e.cause as { code?: string }).code).toBe("ECONNREFUSED");
    // The wrapped cause holds name, message and code only: no undici request objects with headers.
    expect(Object.keys(e.cause as object).sort()).toEqual(["code", "name"]);
  });

  it("retries a refused GET within the attempt bound", async () => {
    const s = await listen(net.createServer());
    await s.close();
    const lines: string[] = [];
    const c = make(`http://127.0.0.1:${s.port}`, { retry: { maxAttempts: 3, baseDelayMs: 1 }, log: (m) => lines.push(m) });
    await expect(c.request({ method: "GET", path: "/x" })).rejects.toMatchObject({ code: "CONNECTION_REFUSED" });
    expect(lines.filter((l) => l.startsWith("-> ")).length).toBe(3);
  });

  it("times out waiting for headers with TimeoutError HEADERS_TIMEOUT", async () => {
    srv.faults.plan("GET /api/slow", { kind: "delay", ms: 1500 });
    const e = await rejectionOf(make(srv.url, { timeouts: { headersMs: 100 } }).request({ method: "GET", path: "/api/slow" }));
    expect(e).toBeInstanceOf(TimeoutError);
    expect(e.code).toBe("HEADERS_TIMEOUT");
    expect(e.message).toMatch(/timeouts\.headersMs/);
  });

  it("times out a stalled body with TimeoutError BODY_TIMEOUT", async () => {
    const s = await listen(
      http.createServer((_req, res) => {
        res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
        res.write('{"partial":');
      }),
    );
    try {
      const e = await rejectionOf(make(`http://127.0.0.1:${s.port}`, { timeouts: { bodyMs: 100 } }).request({ method: "GET", path: "/x" }));
      expect(e).toBeInstanceOf(TimeoutError);
      expect(e.code).toBe("BODY_TIMEOUT");
    } finally {
      await s.close();
    }
  });

  it("times out a TLS handshake that never completes with CONNECT_TIMEOUT", async () => {
    const s = await listen(net.createServer(() => undefined));
    try {
      const e = await rejectionOf(make(`https://127.0.0.1:${s.port}`, { timeouts: { connectMs: 150 } }).request({ method: "GET", path: "/x" }));
      expect(e).toBeInstanceOf(TimeoutError);
      expect(e.code).toBe("CONNECT_TIMEOUT");
    } finally {
      await s.close();
    }
  });

  it("enforces the request's timeoutMs as REQUEST_TIMEOUT", async () => {
    srv.faults.plan("GET /api/slow", { kind: "delay", ms: 500 });
    const e = await rejectionOf(make(srv.url).request({ method: "GET", path: "/api/slow", timeoutMs: 100 }));
    expect(e).toBeInstanceOf(TimeoutError);
    expect(e.code).toBe("REQUEST_TIMEOUT");
  });

  it("reports a caller's abort as TimeoutError ABORTED, also when aborted before sending", async () => {
    const ac = new AbortController();
    // Abort while the request is on the server (before it answers), instead of after a guessed delay.
    srv.faults.plan("GET /api/slow", { kind: "call", fn: () => ac.abort() });
    const e = await rejectionOf(make(srv.url).request({ method: "GET", path: "/api/slow", signal: ac.signal }));
    expect(e).toBeInstanceOf(TimeoutError);
    expect(e.code).toBe("ABORTED");
    const before = srv.log.entries.length;
    const e2 = await rejectionOf(make(srv.url).request({ method: "GET", path: "/api/slow", signal: AbortSignal.abort() }));
    expect(e2.code).toBe("ABORTED");
    expect(srv.log.entries.length).toBe(before);
  });

  it("fails requests after close() with ConnectionError CLIENT_CLOSED", async () => {
    const c = make(srv.url);
    await c.close();
    const e = await rejectionOf(c.request({ method: "GET", path: "/api/slow" }));
    expect(e).toBeInstanceOf(ConnectionError);
    expect(e.code).toBe("CLIENT_CLOSED");
    expect(PamError.isInstance(e)).toBe(true);
  });
});
