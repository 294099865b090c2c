import * as net from "net";
import { recordingWait } from "../common/clock";
import { createSpsEmulator, type SpsEmulator } from "./index";
import { loggedIn } from "./test-client";

const USERS = "/api/configuration/aaa/local_database/users";
const GROUPS = "/api/configuration/aaa/local_database/groups";

describe("SPS emulator transactions", () => {
  let emu: SpsEmulator;
  afterEach(() => emu.close());

  it("reports the legacy status shape by default and the body shape when asked", async () => {
    emu = await createSpsEmulator();
    const c = await loggedIn(emu.url);
    expect((await c.get("/api/transaction")).body).toEqual({
      key: "transaction",
      meta: { href: "/api/transaction", parent: "/api" },
      transaction: { status: "closed" },
    });
    expect((await c.open()).body.transaction).toEqual({ status: "open" });
    await emu.close();

    emu = await createSpsEmulator({ transactionShape: "body" });
    const d = await loggedIn(emu.url);
    const closed = await d.get("/api/transaction");
    expect(closed.body).toEqual({
      key: "transaction",
      body: { status: "closed", commit_message: "" },
      meta: { href: "/api/transaction", parent: "/api", remaining_seconds: 1200 },
    });
    await d.open();
    expect((await d.get("/api/transaction")).body.meta.changes).toBeUndefined();
    await d.createGroup("g1", []);
    emu.clock.advance(60_000);
    const open = await d.get("/api/transaction");
    expect(open.body.body.status).toBe("open");
    expect(open.body.meta.changes).toBe("/api/transaction/changes");
    // The GET itself refreshed the idle window, so a full 20 minutes remain.
    expect(open.body.meta.remaining_seconds).toBe(1200);
  });

  it("answers 411 to a POST /api/transaction without Content-Length or chunked body", async () => {
    emu = await createSpsEmulator();
    const c = await loggedIn(emu.url);
    const { port } = new URL(emu.url);
    // A raw socket, because HTTP clients add Content-Length: 0 to a bodiless POST on their own.
    const raw = await new Promise<string>((resolve, reject) => {
      const sock = net.connect(Number(port), "127.0.0.1", () => {
        sock.write(`POST /api/transaction HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: session_id=${c.cookie}\r\nConnection: close\r\n\r\n`);
      });
      let data = "";
      sock.on("data", (d) => (data += d.toString()));
      sock.on("end", () => resolve(data));
      sock.on("error", reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 411 /);
    expect(raw).toContain('"type":"LengthRequired"');
    expect(emu.snapshot().transaction.open).toBe(false);
    expect((await c.send("POST", "/api/transaction", "", { "content-length": "0" })).status).toBe(200);
    expect(emu.snapshot().transaction.open).toBe(true);
  });

  it("rejects writes without an open transaction with 409 NoTransaction under 7.0-lts", async () => {
    emu = await createSpsEmulator();
    const c = await loggedIn(emu.url);
    const r = await c.post(GROUPS, { name: "g", members: [] });
    expect(r.status).toBe(409);
    expect(r.body.error).toEqual({ type: "NoTransaction", message: "No open Transaction is available. You must open a transaction first", details: {} });
    expect((await c.post("/api/configuration/passwords", { plain: "x" })).status).toBe(409);
  });

  it("opens the transaction on the first write under 7.x-auto", async () => {
    emu = await createSpsEmulator({ profile: "7.x-auto" });
    const c = await loggedIn(emu.url);
    await c.createGroup("auto", []);
    expect(emu.snapshot().transaction).toEqual({ open: true, holder: "admin", via: "rest" });
    expect((await c.commit()).status).toBe(200);
    expect(emu.snapshot().groups.some((g) => g.name === "auto")).toBe(true);
  });

  it("stages copy-on-write: the holder sees staged data, other sessions see committed data", async () => {
    emu = await createSpsEmulator();
    const a = await loggedIn(emu.url);
    const b = await loggedIn(emu.url);
    await a.open();
    const key = await a.createUser("staged-user", "pw-1");
    expect((await a.get(USERS)).body.items.map((i: { key: string }) => i.key)).toContain(key);
    expect((await b.get(USERS)).body.items.map((i: { key: string }) => i.key)).not.toContain(key);
    expect((await b.get(`${USERS}/${key}`)).status).toBe(404);
    expect((await a.get(`${USERS}/${key}`)).body.body.name).toBe("staged-user");
    expect(emu.snapshot().users.map((u) => u.name)).toEqual(["admin"]);
    await a.commit();
    expect((await b.get(`${USERS}/${key}`)).body.body.name).toBe("staged-user");
  });

  it("holds one global lock: other sessions cannot open, write or commit while it is held", async () => {
    emu = await createSpsEmulator();
    const a = await loggedIn(emu.url);
    const b = await loggedIn(emu.url);
    expect((await a.open()).status).toBe(200);
    expect((await a.open()).status).toBe(200); // re-opening by the holder is harmless
    const r = await b.open();
    expect(r.status).toBe(409);
    expect(r.body.error.type).toBe("ConfigurationLocked");
    expect((await b.post(GROUPS, { name: "x", members: [] })).status).toBe(409);
    expect((await b.commit()).body.error.type).toBe("NoTransaction");
    expect((await b.rollback()).status).toBe(200); // b's rollback does not touch a's transaction
    expect(emu.snapshot().transaction.holder).toBe("admin");
    await a.rollback();
    expect((await b.open()).status).toBe(200);
  });

  it("uses the configured lock-conflict status and type", async () => {
    emu = await createSpsEmulator({ profile: "7.x-auto", lockConflict: { status: 423, type: "TransactionLocked", message: "locked" } });
    const a = await loggedIn(emu.url);
    const b = await loggedIn(emu.url);
    await a.open();
    const r = await b.post(GROUPS, { name: "x", members: [] });
    expect(r.status).toBe(423);
    expect(r.body.error).toMatchObject({ type: "TransactionLocked", message: "locked" });
  });

  it("treats a web-UI administrator's lock like another holder until released", async () => {
    emu = await createSpsEmulator();
    const c = await loggedIn(emu.url);
    emu.controls.lockAsWebAdmin();
    expect(emu.snapshot().transaction).toEqual({ open: true, holder: "webadmin", via: "web-ui" });
    expect((await c.open()).status).toBe(409);
    emu.controls.releaseWebAdminLock();
    expect((await c.open()).status).toBe(200);
    expect(() => emu.controls.lockAsWebAdmin("root")).toThrow(/held by REST user admin/);
    emu.controls.lockAsWebAdmin("root", { force: true });
    expect((await c.commit()).body.error.type).toBe("NoTransaction");
  });

  it("rejects a PUT with any status other than commit with 400 and keeps the transaction", async () => {
    emu = await createSpsEmulator();
    const c = await loggedIn(emu.url);
    await c.open();
    for (const body of [{ status: "open" }, { status: "rollback" }, {}]) {
      const r = await c.put("/api/transaction", body);
      expect(r.status).toBe(400);
      expect(r.body.error.type).toBe("SyntacticError");
    }
    expect(emu.snapshot().transaction.open).toBe(true);
  });

  it("discards staged changes on rollback and frees the lock", async () => {
    emu = await createSpsEmulator();
    const c = await loggedIn(emu.url);
    await c.open();
    const key = await c.createUser("temp", "pw");
    expect((await c.rollback()).body.transaction.status).toBe("closed");
    expect((await c.get(`${USERS}/${key}`)).status).toBe(404);
    expect(emu.snapshot()).toMatchObject({ transaction: { open: false } });
    expect(emu.snapshot().users).toHaveLength(1);
  });

  it("records create, replace and delete entries in the changelog", async () => {
    emu = await createSpsEmulator();
    const c = await loggedIn(emu.url);
    expect((await c.get("/api/transaction/changes")).body.changes).toEqual([]);
    await c.open();
    const g = await c.createGroup("ops", []);
    await c.put(`${GROUPS}/${g}`, { name: "ops2", members: [] });
    await c.del(`${GROUPS}/${g}`);
    const r = await c.get("/api/transaction/changes");
    expect(r.body.meta).toEqual({ href: "/api/transaction/changes", parent: "/api/transaction", transaction: "/api/transaction" });
    expect(r.body.changes).toEqual([
      { type: "create", path: `${GROUPS}/${g}`, new_value: { members: [], name: "ops" } },
      { type: "replace", path: `${GROUPS}/${g}`, old_value: { members: [], name: "ops" }, new_value: { members: [], name: "ops2" } },
      { type: "delete", path: `${GROUPS}/${g}`, old_value: { members: [], name: "ops2" } },
    ]);
  });

  it("logs every commit attempt with its status so tests can count commits", async () => {
    emu = await createSpsEmulator();
    const c = await loggedIn(emu.url);
    await c.open();
    await c.createGroup("dup", []);
    await c.createGroup("dup", []);
    expect((await c.commit()).status).toBe(400);
    emu.controls.failNextCommit({ status: 503, type: "ServiceUnavailable" });
    expect((await c.commit()).status).toBe(503);
    const groups = (await c.get(GROUPS)).body.items as { key: string }[];
    await c.del(`${GROUPS}/${groups[groups.length - 1].key}`);
    expect((await c.commit()).status).toBe(200);
    expect(emu.log.find("PUT /api/transaction").map((e) => e.status)).toEqual([400, 503, 200]);
  });

  it("applies a commit whose answer is dropped, leaving the outcome to be read back", async () => {
    emu = await createSpsEmulator();
    const c = await loggedIn(emu.url);
    await c.open();
    await c.createGroup("applied", []);
    emu.controls.dropAfterNextCommit();
    await expect(c.commit()).rejects.toThrow();
    expect(emu.snapshot().groups.some((g) => g.name === "applied")).toBe(true);
    expect(emu.snapshot().transaction.open).toBe(false);
  });

  it("waits commitMs per commit, changeable by control", async () => {
    const wait = recordingWait();
    emu = await createSpsEmulator({ commitMs: 120, wait });
    const c = await loggedIn(emu.url);
    await c.open();
    expect((await c.commit()).status).toBe(200);
    expect(wait.calls).toEqual([120]);
    emu.controls.setCommitMs(0);
    await c.open();
    expect((await c.commit()).status).toBe(200);
    expect(wait.calls).toEqual([120]);
  });

  it("shows the lock freed in the snapshot once the holder has idled out", async () => {
    emu = await createSpsEmulator();
    const c = await loggedIn(emu.url);
    await c.open();
    // The clock is frozen: the holder's idle window ends exactly 20 minutes after its last request.
    emu.clock.advance(20 * 60_000 - 1);
    expect(emu.snapshot().transaction.open).toBe(true);
    emu.clock.advance(1);
    expect(emu.snapshot().transaction).toEqual({ open: false });
  });

  it("drops transactions of all sessions when they are expired by control", async () => {
    emu = await createSpsEmulator();
    const c = await loggedIn(emu.url);
    await c.open();
    emu.controls.expireAllSessions();
    expect(emu.snapshot().transaction.open).toBe(false);
    expect((await c.get("/api/transaction")).status).toBe(401);
  });
});
