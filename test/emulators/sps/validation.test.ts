import { createHash } from "crypto";
import { createSpsEmulator, type SpsEmulator, type SpsEmulatorOptions } from "./index";
import { loggedIn, SpsTestClient } from "./test-client";

const USERS = "/api/configuration/aaa/local_database/users";
const GROUPS = "/api/configuration/aaa/local_database/groups";
const PASSWORDS = "/api/configuration/passwords";

describe("SPS emulator passwords", () => {
  let emu: SpsEmulator;
  let c: SpsTestClient;
  beforeEach(async () => {
    emu = await createSpsEmulator();
    c = await loggedIn(emu.url);
    await c.open();
  });
  afterEach(() => emu.close());

  it("creates a password object from plain text and returns its key", async () => {
    const r = await c.post(PASSWORDS, { plain: "s3cret-plain" });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ key: expect.stringMatching(/^[0-9a-f]{22}$/), meta: { href: `${PASSWORDS}/${r.body.key}`, parent: PASSWORDS, transaction: "/api/transaction" } });
  });

  it("accepts the SHA-256 hash form, and the user can log in with the matching password", async () => {
    const hash = createHash("sha256").update("hashed-pw").digest("hex");
    const pwd = await c.post(PASSWORDS, { hash });
    expect(pwd.status).toBe(201);
    await c.post(USERS, { name: "hashy", password: pwd.body.key });
    expect((await c.commit()).status).toBe(200);
    expect((await new SpsTestClient(emu.url).login("hashy", "hashed-pw")).status).toBe(200);
  });

  it("rejects bodies that are neither plain nor a SHA-256 hash", async () => {
    for (const body of [{}, { plain: "" }, { hash: "abc" }, { plain: "a", hash: "b".repeat(64) }, { plain: 5 }]) {
      const r = await c.post(PASSWORDS, body);
      expect(r.status).toBe(400);
      expect(r.body.error.type).toBe("SyntacticError");
    }
  });

  it("refuses listing, PUT and DELETE with 405", async () => {
    const key = await c.password("p");
    for (const [m, p] of [["GET", PASSWORDS], ["PUT", PASSWORDS], ["DELETE", PASSWORDS], ["PUT", `${PASSWORDS}/${key}`], ["DELETE", `${PASSWORDS}/${key}`]]) {
      const r = await c.send(m, p, m === "PUT" ? { plain: "q" } : undefined);
      expect(r.status).toBe(405);
      expect(r.body.error.type).toBe("MethodNotAllowed");
    }
  });

  it("shows a password object by key without its secret or hash", async () => {
    const plain = "never-show-me";
    const key = await c.password(plain);
    const r = await c.get(`${PASSWORDS}/${key}`);
    expect(r.status).toBe(200);
    expect(r.body.key).toBe(key);
    const text = JSON.stringify(r.body);
    expect(text).not.toContain(plain);
    expect(text).not.toContain(createHash("sha256").update(plain).digest("hex"));
    expect((await c.get(`${PASSWORDS}/ffffffffffffffffffffff`)).status).toBe(404);
  });

  it("keeps plain passwords out of the changelog and the request log", async () => {
    await c.createUser("logged", "do-not-log-this");
    expect(JSON.stringify((await c.get("/api/transaction/changes")).body)).not.toContain("do-not-log-this");
    expect(JSON.stringify(emu.log.entries)).not.toContain("do-not-log-this");
  });
});

describe("SPS emulator commit-time validation", () => {
  let emu: SpsEmulator;
  let c: SpsTestClient;
  const start = async (opts: SpsEmulatorOptions = {}) => {
    emu = await createSpsEmulator(opts);
    c = await loggedIn(emu.url);
    await c.open();
  };
  afterEach(() => emu.close());

  /** Commits, expects a 400 SemanticError naming `path`, and checks the transaction stayed open. */
  async function expectRejected(path: string | undefined, message: RegExp) {
    const r = await c.commit();
    expect(r.status).toBe(400);
    expect(r.body.error.type).toBe("SemanticError");
    expect(r.body.error.message).toMatch(message);
    expect(r.body.error.details).toEqual(path === undefined ? {} : { path });
    expect(emu.snapshot().transaction).toEqual({ open: true, holder: "admin", via: "rest" });
  }

  it("rejects a password key referenced by two users", async () => {
    await start();
    const pwd = await c.password("shared");
    await c.post(USERS, { name: "a", password: pwd });
    const b = (await c.post(USERS, { name: "b", password: pwd })).body.key;
    await expectRejected(`${USERS}/${b}`, /reuse a password object/);
    await c.put(`${USERS}/${b}`, { name: "b", password: await c.password("own") });
    expect((await c.commit()).status).toBe(200);
  });

  it("rejects reusing a password object that another user already consumed", async () => {
    await start();
    const admin = emu.snapshot().users[0];
    const u = (await c.post(USERS, { name: "thief", password: admin.passwordKey })).body.key;
    await expectRejected(`${USERS}/${u}`, /reuse a password object/);
  });

  it("rejects a password key that does not exist, including one discarded by a rollback", async () => {
    await start();
    const ghost = await c.password("rolled-back");
    await c.rollback();
    await c.open();
    const u = (await c.post(USERS, { name: "dangling", password: ghost })).body.key;
    await expectRejected(`${USERS}/${u}`, /does not exist/);
  });

  it("rejects duplicate user names and duplicate group names", async () => {
    await start();
    const u = await c.createUser("admin", "pw");
    await expectRejected(`${USERS}/${u}`, /local user with this name/);
    await c.del(`${USERS}/${u}`);
    const g = await c.createGroup("search", []);
    await expectRejected(`${GROUPS}/${g}`, /usergroup with this name/);
  });

  it("rejects a group member key that is not a user, including a user name", async () => {
    await start();
    const g = await c.createGroup("by-name", ["admin"]);
    await expectRejected(`${GROUPS}/${g}`, /reference IDs/);
    const admin = emu.snapshot().users[0].key;
    await c.put(`${GROUPS}/${g}`, { name: "by-name", members: [admin] });
    expect((await c.commit()).status).toBe(200);
    expect(emu.snapshot().groups.find((x) => x.name === "by-name")!.members).toEqual([admin]);
  });

  it("rejects deleting the admin user and built-in groups", async () => {
    await start();
    const admin = emu.snapshot().users[0].key;
    expect((await c.del(`${USERS}/${admin}`)).status).toBe(200);
    await expectRejected(`${USERS}/${admin}`, /admin user cannot be deleted/);
    await c.rollback();
    await c.open();
    const search = emu.snapshot().groups.find((g) => g.name === "search")!.key;
    await c.del(`${GROUPS}/${search}`);
    await expectRejected(`${GROUPS}/${search}`, /Built-in usergroups/);
  });

  it("rejects local-user changes at commit while the backend is LDAP, but allows group changes", async () => {
    await start();
    emu.controls.setAuthBackend("ldap");
    const u = await c.createUser("ldapish", "pw");
    await expectRejected(`${USERS}/${u}`, /LDAP authentication/);
    await c.rollback();
    await c.open();
    await c.createGroup("ldap-ops", []);
    expect((await c.commit()).status).toBe(200);
  });

  it("omits the offending path when commitErrorDetails is none", async () => {
    await start({ commitErrorDetails: "none" });
    await c.createGroup("basic-view", []);
    await expectRejected(undefined, /usergroup with this name/);
  });

  it("rejects deleting a user that a group lists, unless cascade is configured", async () => {
    await start();
    const u = await c.createUser("member", "pw");
    const g = await c.createGroup("team", [u]);
    expect((await c.commit()).status).toBe(200);
    await c.open();
    await c.del(`${USERS}/${u}`);
    await expectRejected(`${GROUPS}/${g}`, /reference IDs/);
    await emu.close();

    await start({ onDeleteReferencedUser: "cascade" });
    const u2 = await c.createUser("member", "pw");
    const g2 = await c.createGroup("team", [u2]);
    await c.commit();
    await c.open();
    await c.del(`${USERS}/${u2}`);
    expect((await c.commit()).status).toBe(200);
    expect(emu.snapshot().groups.find((x) => x.key === g2)!.members).toEqual([]);
  });

  it("reports committed password references in the snapshot", async () => {
    await start();
    const u = await c.createUser("snap", "pw");
    const orphan = await c.password("unused");
    await c.commit();
    const snap = emu.snapshot();
    const user = snap.users.find((x) => x.key === u)!;
    expect(snap.passwords).toContainEqual({ key: user.passwordKey, referencedBy: u });
    expect(snap.passwords).toContainEqual({ key: orphan });
  });
});
