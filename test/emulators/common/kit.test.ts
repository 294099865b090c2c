import { request } from "undici";
import { ManualClock, recordingWait } from "./clock";
import { EmulatorError } from "./errors";
import { Router } from "./router";
import { startEmulatorServer, type EmulatorServer } from "./server";

describe("emulator kit", () => {
  let srv: EmulatorServer;
  beforeAll(async () => {
    const router = new Router({
      caseInsensitive: true,
      optionalTrailingSlash: true,
      notFound: () => ({ status: 404, body: { error: "nf" } }),
      methodNotAllowed: () => ({ status: 405, body: { error: "method" } }),
    });
    router.on("GET", "/api/things/:id", (req) => ({ status: 200, body: { id: req.params.id } }));
    router.on("POST", "/api/things", () => {
      throw new EmulatorError(400, { error: "bad" });
    });
    srv = await startEmulatorServer({ handle: router.handle });
  });
  afterAll(() => srv.close());

  it("routes case-insensitively with an optional trailing slash and decodes parameters", async () => {
    const r = await request(`${srv.url}/API/Things/a%2Fb/`);
    expect(r.statusCode).toBe(200);
    expect(await r.body.json()).toEqual({ id: "a/b" });
  });

  it("answers 405 for a known path with another method and 404 for unknown paths", async () => {
    expect((await request(`${srv.url}/api/things/1`, { method: "DELETE" })).statusCode).toBe(405);
    expect((await request(`${srv.url}/nope`)).statusCode).toBe(404);
  });

  it("writes EmulatorError bodies and applies planned faults once", async () => {
    const bad = await request(`${srv.url}/api/things`, { method: "POST", body: "{}" });
    expect(bad.statusCode).toBe(400);
    expect(await bad.body.json()).toEqual({ error: "bad" });
    srv.faults.plan("GET /api/things", { kind: "html", status: 502 });
    const html = await request(`${srv.url}/api/things/1`);
    expect(html.statusCode).toBe(502);
    expect(html.headers["content-type"]).toBe("text/html");
    await html.body.text();
    expect((await request(`${srv.url}/api/things/1`)).statusCode).toBe(200);
  });

  it("logs requests with credentials and secret body fields redacted", async () => {
    srv.log.clear();
    await (await request(`${srv.url}/api/things`, { method: "POST", headers: { authorization: "Basic c2VjcmV0", "content-type": "application/json" }, body: JSON.stringify({ plain: "hunter2", name: "n" }) })).body.text();
    const [e] = srv.log.entries;
    expect(e.headers.authorization).toBe("[redacted]");
    expect(e.body).toEqual({ plain: "[redacted]", name: "n" });
    expect(JSON.stringify(srv.log.entries)).not.toContain("hunter2");
  });
});

describe("emulator clock and waits", () => {
  it("keeps the clock frozen until a test moves it", async () => {
    const clock = new ManualClock(1_000_000);
    await new Promise((r) => setImmediate(r));
    expect(clock.now()).toBe(1_000_000);
    clock.advance(250);
    expect(clock.now()).toBe(1_000_250);
    clock.set(5);
    expect(clock.now()).toBe(5);
    expect(() => clock.advance(-1)).toThrow(/ms >= 0/);
  });

  it("routes delay faults through the injected wait and resolves answered() once the delayed request is done", async () => {
    const wait = recordingWait();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const srv = await startEmulatorServer({
      handle: async () => {
        await gate;
        return { status: 202 };
      },
      wait,
    });
    try {
      srv.faults.plan("GET /slow", { kind: "delay", ms: 700 });
      const answered = srv.log.answered("GET /slow");
      let settled = false;
      void answered.then(() => (settled = true));
      const pending = request(`${srv.url}/slow`);
      await new Promise((r) => setImmediate(r));
      expect(settled).toBe(false);
      release();
      const [entry] = await answered;
      expect(entry.status).toBe(202);
      expect((await pending).statusCode).toBe(202);
      expect(wait.calls).toEqual([700]);
      // Already-answered requests count: a late waiter resolves at once.
      await expect(srv.log.answered("GET /slow")).resolves.toHaveLength(1);
    } finally {
      await srv.close();
    }
  });
});
