import { readFileSync } from "fs";
import * as path from "path";
import { Agent } from "undici";
import { startSandboxSps } from "../../sandbox/sps";
import { recordingWait } from "../common/clock";
import { createSpsEmulator, type SpsEmulator } from "./index";
import { loggedIn, SpsTestClient } from "./test-client";
import { useFreeSandboxPorts } from "../../sandbox/test-port";

const USERS = "/api/configuration/aaa/local_database/users";

describe("SPS emulator faults and controls", () => {
  let emu: SpsEmulator;
  afterEach(() => emu.close());

  it("injects a status on a route for N calls, then behaves normally", async () => {
    emu = await createSpsEmulator();
    const c = await loggedIn(emu.url);
    emu.faults.failNext("POST /api/transaction", 503, { error: { type: "ServiceUnavailable", message: "busy", details: {} } }, 2);
    expect((await c.open()).status).toBe(503);
    expect((await c.open()).status).toBe(503);
    expect((await c.open()).status).toBe(200);
  });

  it("serves a non-JSON error page when planned", async () => {
    emu = await createSpsEmulator();
    const c = await loggedIn(emu.url);
    emu.faults.plan("GET /api/configuration", { kind: "html", status: 502 });
    const r = await c.get(USERS);
    expect(r.status).toBe(502);
    expect(r.headers["content-type"]).toBe("text/html");
    expect(typeof r.body).toBe("string");
  });

  it("adds per-request latency that can be changed at run time", async () => {
    const wait = recordingWait();
    emu = await createSpsEmulator({ latencyMs: 60, wait });
    const c = new SpsTestClient(emu.url);
    await c.login("admin", "adminpass");
    expect(wait.calls).toEqual([60]);
    emu.latency.ms = 0;
    await c.get(USERS);
    expect(wait.calls).toEqual([60]);
    emu.latency.ms = 5;
    await c.get(USERS);
    expect(wait.calls).toEqual([60, 5]);
  });

  it("waits in real time by default (benchmarks and concurrency windows rely on it)", async () => {
    emu = await createSpsEmulator({ latencyMs: 60 });
    const t = performance.now();
    await new SpsTestClient(emu.url).login("admin", "adminpass");
    // A lower bound only: load can make the answer later, never earlier.
    expect(performance.now() - t).toBeGreaterThanOrEqual(55);
  });

  it("logs method, path, status and whether a cookie was sent", async () => {
    emu = await createSpsEmulator();
    const c = await loggedIn(emu.url);
    await c.get(USERS);
    const [login, list] = emu.log.entries;
    expect(login).toMatchObject({ method: "GET", path: "/api/authentication", status: 200 });
    expect(login.headers.cookie).toBeUndefined();
    expect(list).toMatchObject({ method: "GET", path: USERS, status: 200 });
    expect(list.headers.cookie).toBe("[redacted]");
  });

  it("refuses browser-like writes without X-Token when requireXTokenForBrowserUA is set", async () => {
    emu = await createSpsEmulator({ requireXTokenForBrowserUA: true });
    const c = await loggedIn(emu.url);
    const browser = { "user-agent": "Mozilla/5.0 (Windows NT 10.0)", "content-type": "application/json" };
    const r = await c.send("POST", "/api/transaction", {}, browser);
    expect(r.status).toBe(403);
    expect(r.body.error.type).toBe("Unauthorized");
    expect((await c.send("GET", USERS, undefined, browser)).status).toBe(200);
    expect((await c.send("POST", "/api/transaction", {}, { ...browser, "x-token": "t" })).status).toBe(200);
    expect((await c.commit()).status).toBe(200); // non-browser UA
  });

  it("re-issues the cookie with a fresh expiry on every answer when reissueCookie is set", async () => {
    emu = await createSpsEmulator({ reissueCookie: true });
    const c = await loggedIn(emu.url);
    emu.clock.advance(10 * 60_000);
    const r = await c.get(USERS);
    const m = /expires=([^;]+)/.exec(r.headers["set-cookie"] as string);
    // HTTP dates carry whole seconds; the clock is frozen, so the expiry is exact to the second.
    expect(Date.parse(m![1])).toBe(Math.floor((emu.clock.now() + 20 * 60_000) / 1000) * 1000);
  });

  it("seeds users with groups and a custom admin password from the options", async () => {
    emu = await createSpsEmulator({ users: [{ name: "admin", password: "other" }, { name: "reader", password: "r-pw", groups: ["auth-view"] }] });
    expect((await new SpsTestClient(emu.url).login("admin", "adminpass")).status).toBe(401);
    const reader = await loggedIn(emu.url, "reader", "r-pw");
    expect((await reader.get(USERS)).status).toBe(200);
    expect(emu.snapshot().users.map((u) => u.name)).toEqual(["admin", "reader"]);
    await expect(createSpsEmulator({ users: [{ name: "x", password: "y", groups: ["nope"] }] })).rejects.toThrow(/unknown group nope/);
  });
});

describe("SPS sandbox starter", () => {
  useFreeSandboxPorts();

  it("serves HTTPS on the shifted fixed port with demo data and the documented env", async () => {
    const sb = await startSandboxSps();
    const agent = new Agent({ connect: { ca: readFileSync(sb.env.SPS_CA_CERTIFICATES) } });
    try {
      expect(Object.keys(sb.env).sort()).toEqual(["SPS_CA_CERTIFICATES", "SPS_PASSWORD", "SPS_URL", "SPS_USERNAME"]);
      expect(sb.env.SPS_URL).toBe(`https://127.0.0.1:${process.env.PAM_SANDBOX_PORT_BASE}`);
      expect(path.isAbsolute(sb.env.SPS_CA_CERTIFICATES)).toBe(true);
      const c = await loggedIn(sb.env.SPS_URL, sb.env.SPS_USERNAME, sb.env.SPS_PASSWORD, agent);
      const audit = await c.get("/api/audit/sessions?q=active:true");
      expect(audit.body.meta.match_count).toBe(2);
      expect((await c.get(USERS)).body.items.length).toBe(3);
    } finally {
      await agent.close();
      await sb.close();
    }
  });
});
