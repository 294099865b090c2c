import { ConnectionError, HttpClient } from "../../provider/http";
import type { EmulatorServer } from "../emulators/common/server";
import { CA_PATH, CA_PEM, OTHER_CA_PATH, collectLog, rejectionOf, startTestServer } from "./helpers";

describe("HttpClient TLS", () => {
  let srv: EmulatorServer;
  const clients: HttpClient[] = [];
  const make = (opts: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) => {
    const c = new HttpClient({ vendor: "sps", baseUrl: srv.url, allowHttp: true, retry: { maxAttempts: 1 }, ...opts });
    clients.push(c);
    return c;
  };
  beforeAll(async () => {
    srv = await startTestServer((r) => r.on("GET", "/api/ping", () => ({ status: 200, body: { pong: true } })), { tls: true });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await srv.close();
  });

  it("serves the test over https", () => {
    expect(srv.url.startsWith("https://127.0.0.1:")).toBe(true);
  });

  it("trusts the appliance when caCertificates holds the CA as PEM text", async () => {
    const r = await make({ caCertificates: CA_PEM }).request({ method: "GET", path: "/api/ping" });
    expect(r.data).toEqual({ pong: true });
  });

  it("trusts the appliance when caCertificates is a path to the CA file", async () => {
    const r = await make({ caCertificates: CA_PATH }).request({ method: "GET", path: "/api/ping" });
    expect(r.data).toEqual({ pong: true });
  });

  it("verifies by default and fails without a CA with TLS_VERIFY_FAILED and a hint", async () => {
    const before = srv.log.count("GET /api/ping");
    const e = await rejectionOf(make().request({ method: "GET", path: "/api/ping" }));
    expect(e).toBeInstanceOf(ConnectionError);
    expect(e.code).toBe("TLS_VERIFY_FAILED");
    expect(e.message).toMatch(/is not trusted/);
    expect(e.message).toMatch(/caCertificates/);
    expect(e.message).toMatch(/insecureSkipVerify/);
    expect(e.cause).toBeInstanceOf(Error);
    expect(srv.log.count("GET /api/ping")).toBe(before);
  });

  it("fails with a wrong CA bundle, saying the configured bundle does not verify the certificate", async () => {
    const e = await rejectionOf(make({ caCertificates: OTHER_CA_PATH }).request({ method: "GET", path: "/api/ping" }));
    expect(e).toBeInstanceOf(ConnectionError);
    expect(e.code).toBe("TLS_VERIFY_FAILED");
    expect(e.message).toMatch(/^sps GET \/api\/ping: the TLS certificate of https:\/\/127\.0\.0\.1:\d+ is not trusted \(\w+\); the configured caCertificates bundle does not verify it/);
  });

  it("does not retry a certificate failure (it cannot heal)", async () => {
    const { lines, log } = collectLog();
    const c = new HttpClient({ vendor: "sps", baseUrl: srv.url, allowHttp: true, retry: { maxAttempts: 3, baseDelayMs: 1 }, log });
    clients.push(c);
    await expect(c.request({ method: "GET", path: "/api/ping" })).rejects.toMatchObject({ code: "TLS_VERIFY_FAILED" });
    expect(lines.filter((l) => l.startsWith("-> ")).length).toBe(1);
  });

  it("skips verification only with insecureSkipVerify, warning once in the log and once as a process warning", async () => {
    const spy = jest.spyOn(process, "emitWarning").mockImplementation(() => undefined);
    try {
      const { lines, log } = collectLog();
      const c = make({ insecureSkipVerify: true, log });
      expect(spy).toHaveBeenCalledTimes(1);
      expect(String(spy.mock.calls[0][0])).toMatch(/verification is DISABLED/);
      expect(lines.filter((l) => l.startsWith("WARNING")).length).toBe(1);
      const r = await c.request({ method: "GET", path: "/api/ping" });
      await c.request({ method: "GET", path: "/api/ping" });
      expect(r.data).toEqual({ pong: true });
      expect(spy).toHaveBeenCalledTimes(1);
      expect(lines.filter((l) => l.startsWith("WARNING")).length).toBe(1);
    } finally {
      spy.mockRestore();
    }
  });

  it("reports plain http to an https port as a TLS-free connection failure, not a trust problem", async () => {
    const c = make({ baseUrl: srv.url.replace("https:", "http:") });
    const e = await rejectionOf(c.request({ method: "GET", path: "/api/ping" }));
    // Node's https server answers a plain-HTTP request with a 400 page or drops it, depending on version.
    if (e instanceof ConnectionError) expect(e.code).not.toBe("TLS_VERIFY_FAILED");
    else expect(e.status).toBe(400);
  });
});
