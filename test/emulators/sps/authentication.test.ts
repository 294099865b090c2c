import { readFileSync } from "fs";
import * as path from "path";
import { Agent } from "undici";
import { createSpsEmulator, SESSION_IDLE_MS, type SpsEmulator } from "./index";
import { loggedIn, SpsTestClient } from "./test-client";

const USERS = "/api/configuration/aaa/local_database/users";

describe("SPS emulator authentication", () => {
  let emu: SpsEmulator;
  beforeEach(async () => {
    emu = await createSpsEmulator();
  });
  afterEach(() => emu.close());

  it("issues a 40-hex session_id cookie expiring in 20 minutes with Path=/ and no Secure over HTTP", async () => {
    const c = new SpsTestClient(emu.url);
    const r = await c.login("admin", "adminpass");
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ meta: { href: "/api/authentication", parent: "/api" } });
    const cookie = r.headers["set-cookie"] as string;
    const m = /^session_id=([0-9a-f]{40}); expires=([^;]+); Path=\/$/.exec(cookie);
    expect(m).not.toBeNull();
    const expires = Date.parse(m![2]);
    expect(expires).toBe(Math.floor((emu.clock.now() + SESSION_IDLE_MS) / 1000) * 1000); // frozen clock, whole seconds
    expect(m![2]).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
  });

  it("answers 401 Unauthenticated with a Basic challenge for wrong, missing or malformed credentials", async () => {
    for (const auth of [undefined, `Basic ${Buffer.from("admin:wrong").toString("base64")}`, "Bearer x", `Basic ${Buffer.from("nobody:x").toString("base64")}`]) {
      const c = new SpsTestClient(emu.url);
      const r = await c.send("GET", "/api/authentication", undefined, auth ? { authorization: auth } : {});
      expect(r.status).toBe(401);
      expect(r.headers["www-authenticate"]).toMatch(/^Basic realm="[^"]+"$/);
      expect(r.headers["set-cookie"]).toBeUndefined();
      expect(r.body.error.type).toBe("Unauthenticated");
      expect(r.body.error.details).toEqual({ path: "/api/authentication" });
    }
  });

  it("accepts and ignores the login_method query parameter", async () => {
    const c = new SpsTestClient(emu.url);
    expect((await c.login("admin", "adminpass", "?login_method=local")).status).toBe(200);
    expect((await c.get(USERS)).status).toBe(200);
  });

  it("serves login_methods anonymously", async () => {
    const r = await new SpsTestClient(emu.url).get("/api/authentication/login_methods");
    expect(r.status).toBe(200);
    expect(r.body.login_methods).toEqual([{ name: "local", type: "password" }]);
  });

  it("requires the session cookie on every other /api path, unknown paths included", async () => {
    const anon = new SpsTestClient(emu.url);
    for (const p of [USERS, "/api/transaction", "/api/no/such/thing"]) {
      const r = await anon.get(p);
      expect(r.status).toBe(401);
      expect(r.body).toEqual({
        error: { type: "Unauthenticated", message: expect.stringContaining("not authenticated"), details: { path: p } },
        meta: { href: p, parent: expect.any(String) },
      });
    }
    anon.cookie = "0".repeat(40);
    expect((await anon.get(USERS)).status).toBe(401);
  });

  it("expires a session after 20 idle minutes but slides the window on activity", async () => {
    const c = await loggedIn(emu.url);
    emu.clock.advance(SESSION_IDLE_MS - 1000);
    expect((await c.get(USERS)).status).toBe(200);
    emu.clock.advance(SESSION_IDLE_MS - 1000);
    expect((await c.get(USERS)).status).toBe(200);
    emu.clock.advance(SESSION_IDLE_MS);
    expect((await c.get(USERS)).status).toBe(401);
  });

  it("drops the expired session's transaction and frees the lock for others", async () => {
    const a = await loggedIn(emu.url);
    await a.open();
    await a.createUser("ghost", "pw-ghost-1");
    const b = await loggedIn(emu.url);
    expect((await b.open()).status).toBe(409);
    emu.clock.advance(SESSION_IDLE_MS - 1000);
    expect((await b.get(USERS)).status).toBe(200); // keeps b alive
    emu.clock.advance(1000);
    expect((await b.open()).status).toBe(200);
    expect(emu.snapshot().transaction).toEqual({ open: true, holder: "admin", via: "rest" });
    expect(emu.snapshot().users.map((u) => u.name)).toEqual(["admin"]);
    expect((await a.get(USERS)).status).toBe(401);
  });

  it("lets users created through the API log in with their password once committed", async () => {
    const admin = await loggedIn(emu.url);
    await admin.open();
    await admin.createUser("alice", "alice-secret");
    expect((await new SpsTestClient(emu.url).login("alice", "alice-secret")).status).toBe(401);
    expect((await admin.commit()).status).toBe(200);
    expect((await new SpsTestClient(emu.url).login("alice", "alice-secret")).status).toBe(200);
    expect((await new SpsTestClient(emu.url).login("alice", "wrong")).status).toBe(401);
  });

  it("disables local accounts except admin while the backend is LDAP", async () => {
    emu.controls.seedUser("bob", "bob-pw");
    emu.controls.setAuthBackend("ldap");
    expect((await new SpsTestClient(emu.url).login("bob", "bob-pw")).status).toBe(401);
    expect((await new SpsTestClient(emu.url).login("admin", "adminpass")).status).toBe(200);
    emu.controls.setAuthBackend("local");
    expect((await new SpsTestClient(emu.url).login("bob", "bob-pw")).status).toBe(200);
  });

  it("never writes credentials or cookies into the request log", async () => {
    const c = await loggedIn(emu.url, "admin", "adminpass");
    await c.open();
    await c.createUser("carol", "carol-plain-secret");
    const dump = JSON.stringify(emu.log.entries);
    expect(dump).not.toContain("adminpass");
    expect(dump).not.toContain(Buffer.from("admin:adminpass").toString("base64"));
    expect(dump).not.toContain("carol-plain-secret");
    expect(dump).not.toContain(c.cookie!);
  });
});

describe("SPS emulator over TLS", () => {
  it("serves HTTPS with the test CA and marks the cookie Secure", async () => {
    const emu = await createSpsEmulator({ tls: true });
    const ca = readFileSync(path.join(__dirname, "..", "..", "fixtures", "tls", "ca.pem"));
    const agent = new Agent({ connect: { ca } });
    try {
      expect(emu.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const c = new SpsTestClient(emu.url, agent);
      const r = await c.login("admin", "adminpass");
      expect(r.status).toBe(200);
      expect(r.headers["set-cookie"]).toMatch(/; Path=\/; Secure$/);
    } finally {
      await agent.close();
      await emu.close();
    }
  });
});
