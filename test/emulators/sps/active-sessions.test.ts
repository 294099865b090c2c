import { createSpsEmulator, type SpsEmulator, type TerminationFailure } from "./index";
import { loggedIn, type SpsTestClient } from "./test-client";

const ID = "svc/rpokH8fD9kx6CaxNLznKx2/test:12";
const close = (c: SpsTestClient, id: string) => c.del(`/api/active-sessions?id=${encodeURIComponent(id)}`);

describe("SPS emulator active sessions", () => {
  let emu: SpsEmulator;
  let admin: SpsTestClient;
  beforeEach(async () => {
    emu = await createSpsEmulator();
    emu.controls.seedActiveSession({ id: ID, protocol: "ssh", user: "root" });
    admin = await loggedIn(emu.url);
  });
  afterEach(() => emu.close());

  it("closes a known active session with 200 and marks it inactive in the audit data", async () => {
    const r = await close(admin, ID);
    expect(r.status).toBe(200);
    const audit = await admin.get("/api/audit/sessions/rpokH8fD9kx6CaxNLznKx2");
    expect(audit.body.body).toMatchObject({ active: false, protocol: "ssh", session_id: ID });
  });

  it("percent-decodes the id and also accepts it unencoded as in the curl example", async () => {
    emu.controls.seedActiveSession({ id: "svc/Ab12/x y:3", protocol: "rdp", user: "u" });
    expect((await admin.del("/api/active-sessions?id=svc/Ab12/x%20y%3A3")).status).toBe(200);
    expect((await admin.del(`/api/active-sessions?id=${ID}`)).status).toBe(200);
  });

  it("answers 400 SessionIdMissing without an id", async () => {
    for (const p of ["/api/active-sessions", "/api/active-sessions?id="]) {
      const r = await admin.del(p);
      expect(r.status).toBe(400);
      expect(r.body.error).toEqual({ type: "SessionIdMissing", message: 'No session ID is given in the "id" query parameter.', details: {} });
    }
  });

  it("answers 404 SessionCouldNotBeFound for unknown and already closed sessions", async () => {
    expect((await close(admin, "svc/nope/x:1")).body.error.type).toBe("SessionCouldNotBeFound");
    await close(admin, ID);
    const again = await close(admin, ID);
    expect(again.status).toBe(404);
    expect(again.body.error).toMatchObject({ type: "SessionCouldNotBeFound", details: { id: ID } });
  });

  it("serves DELETE only", async () => {
    for (const m of ["GET", "POST", "PUT"]) {
      const r = await admin.send(m, `/api/active-sessions?id=${encodeURIComponent(ID)}`, m === "GET" ? undefined : {});
      expect(r.status).toBe(405);
    }
  });

  it("answers 403 to users without read and write on /special/active_sessions", async () => {
    const viewKey = emu.controls.seedUser("view-only", "vo-pw");
    emu.controls.seedGroup("active-sessions-view", [viewKey]);
    const opKey = emu.controls.seedUser("operator", "op-pw");
    emu.controls.seedGroup("active-sessions-write", [opKey]);
    const viewer = await loggedIn(emu.url, "view-only", "vo-pw");
    const r = await close(viewer, ID);
    expect(r.status).toBe(403);
    expect(r.body.error.type).toBe("Unauthorized");
    const op = await loggedIn(emu.url, "operator", "op-pw");
    expect((await close(op, ID)).status).toBe(200);
  });

  it("grants the privilege through an added ACL to a custom group", async () => {
    const k = emu.controls.seedUser("custom", "c-pw");
    emu.controls.seedGroup("closers", [k]);
    emu.controls.addAcl({ group: "closers", objects: ["/special/active_sessions"], permission: "write" });
    expect((await close(await loggedIn(emu.url, "custom", "c-pw"), ID)).status).toBe(200);
  });

  it.each<[TerminationFailure, number]>([
    ["SessionTerminationFailed", 500],
    ["RemoteNodeInfoMissing", 500],
    ["SessionTerminationServiceUnavailable", 503],
    ["MinionUnavailable", 504],
  ])("fails with injected %s as %i and leaves the session active", async (type, status) => {
    emu.controls.failActiveSessionClose(type);
    const r = await close(admin, ID);
    expect(r.status).toBe(status);
    expect(r.body.error.type).toBe(type);
    expect((await admin.get("/api/audit/sessions/rpokH8fD9kx6CaxNLznKx2")).body.body.active).toBe(true);
    expect((await close(admin, ID)).status).toBe(200);
  });

  it("lists audit sessions with limit, offset, match_count and an active filter", async () => {
    for (let i = 0; i < 4; i++) emu.controls.seedActiveSession({ id: `svc/k${i}aaaaaaaaaaaaaaaaaaaa/p:${i}`, protocol: "rdp", user: `u${i}`, active: i % 2 === 0 });
    const all = await admin.get("/api/audit/sessions");
    expect(all.status).toBe(200);
    expect(all.body.meta).toMatchObject({ href: "/api/audit/sessions", limit: 500, offset: 0, match_count: 5, next: null, previous: null });
    expect(all.body.items[0]).toEqual({ key: "rpokH8fD9kx6CaxNLznKx2", body: expect.objectContaining({ active: true }), meta: { href: "/api/audit/sessions/rpokH8fD9kx6CaxNLznKx2" } });
    const page = await admin.get("/api/audit/sessions?limit=2&offset=2");
    expect(page.body.items.map((i: { key: string }) => i.key)).toEqual(["k1aaaaaaaaaaaaaaaaaaaa", "k2aaaaaaaaaaaaaaaaaaaa"]);
    expect(page.body.meta).toMatchObject({ limit: 2, offset: 2, match_count: 5, next: "/api/audit/sessions?limit=2&offset=4&fields=", previous: "/api/audit/sessions?limit=2&offset=0&fields=" });
    const active = await admin.get(`/api/audit/sessions?q=${encodeURIComponent("active:true")}`);
    expect(active.body.meta.match_count).toBe(3);
    expect(active.body.items.every((i: { body: { active: boolean } }) => i.body.active)).toBe(true);
    expect((await admin.get("/api/audit/sessions?limit=x")).status).toBe(400);
  });

  it("refuses audit reads without the search privilege", async () => {
    emu.controls.seedUser("plain", "p-pw");
    expect((await (await loggedIn(emu.url, "plain", "p-pw")).get("/api/audit/sessions")).status).toBe(403);
  });

  it("needs no configuration transaction to close a session", async () => {
    expect(emu.snapshot().transaction.open).toBe(false);
    expect((await close(admin, ID)).status).toBe(200);
    expect(emu.snapshot().transaction.open).toBe(false);
  });
});
