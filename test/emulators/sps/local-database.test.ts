import { BUILTIN_GROUPS, createSpsEmulator, type SpsEmulator } from "./index";
import { loggedIn, type SpsTestClient } from "./test-client";

const DB = "/api/configuration/aaa/local_database";
const USERS = `${DB}/users`;
const GROUPS = `${DB}/groups`;
const KEY = /^[0-9a-f]{22}$/;

describe("SPS emulator local database", () => {
  let emu: SpsEmulator;
  let c: SpsTestClient;
  beforeEach(async () => {
    emu = await createSpsEmulator();
    c = await loggedIn(emu.url);
  });
  afterEach(() => emu.close());

  it("serves the local_database index with the seed page's links", async () => {
    const r = await c.get(DB);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      items: [
        { key: "groups", meta: { href: GROUPS } },
        { key: "users", meta: { href: USERS } },
      ],
      meta: {
        first: "/api/configuration/aaa/acls",
        href: DB,
        last: "/api/configuration/aaa/settings",
        next: "/api/configuration/aaa/settings",
        parent: "/api/configuration/aaa",
        previous: "/api/configuration/aaa/acls",
        transaction: "/api/transaction",
      },
    });
  });

  it("lists users with the seed page's collection meta and the built-in admin", async () => {
    const r = await c.get(USERS);
    expect(r.body.meta).toEqual({
      first: GROUPS,
      href: USERS,
      last: USERS,
      next: null,
      parent: DB,
      previous: GROUPS,
      transaction: "/api/transaction",
    });
    expect(r.body.items).toHaveLength(1);
    const [admin] = r.body.items;
    expect(admin.key).toMatch(KEY);
    expect(admin.meta).toEqual({ href: `${USERS}/${admin.key}` });
    expect((await c.get(`${USERS}/${admin.key}`)).body.body.name).toBe("admin");
  });

  it("ships the built-in groups with empty member lists", async () => {
    const r = await c.get(GROUPS);
    const names: string[] = [];
    for (const item of r.body.items) {
      const g = (await c.get(item.meta.href)).body.body;
      expect(g.members).toEqual([]);
      names.push(g.name);
    }
    expect(names).toEqual(BUILTIN_GROUPS);
    expect(names).toEqual(expect.arrayContaining(["basic-view", "basic-write", "auth-view", "auth-write", "search", "changelog", "http-write"]));
  });

  it("renders a user item in the seed shape with a password reference and neighbour links", async () => {
    await c.open();
    const k1 = await c.createUser("u1", "pw-1");
    const k2 = await c.createUser("u2", "pw-2");
    await c.commit();
    const admin = emu.snapshot().users[0].key;
    const r = await c.get(`${USERS}/${k1}`);
    const pwdKey = emu.snapshot().users.find((u) => u.key === k1)!.passwordKey;
    expect(r.body).toEqual({
      body: {
        name: "u1",
        password: { key: pwdKey, meta: { href: `/api/configuration/passwords/${pwdKey}` } },
        password_created: Math.floor(emu.clock.now() / 1000),
      },
      key: k1,
      meta: {
        first: `${USERS}/${admin}`,
        href: `${USERS}/${k1}`,
        last: `${USERS}/${k2}`,
        next: `${USERS}/${k2}`,
        parent: USERS,
        previous: `${USERS}/${admin}`,
        transaction: "/api/transaction",
      },
    });
    const last = await c.get(`${USERS}/${k2}`);
    expect(last.body.meta.next).toBeNull();
    const first = await c.get(`${USERS}/${admin}`);
    expect(first.body.meta.previous).toBeNull();
  });

  it("renders the password as a plain key when passwordRender is key", async () => {
    await emu.close();
    emu = await createSpsEmulator({ passwordRender: "key" });
    c = await loggedIn(emu.url);
    const admin = emu.snapshot().users[0];
    expect((await c.get(`${USERS}/${admin.key}`)).body.body.password).toBe(admin.passwordKey);
  });

  it("answers a POST with the new key and links, a PUT by replacing the whole object, a DELETE with meta only", async () => {
    await c.open();
    const post = await c.post(GROUPS, { name: "ops", members: [], comment: "kept" });
    expect(post.status).toBe(201);
    expect(post.body).toEqual({ key: expect.stringMatching(KEY), meta: { href: `${GROUPS}/${post.body.key}`, parent: GROUPS, transaction: "/api/transaction" } });
    const key = post.body.key;
    expect((await c.get(`${GROUPS}/${key}`)).body.body).toEqual({ comment: "kept", members: [], name: "ops" });
    const put = await c.put(`${GROUPS}/${key}`, { name: "ops-renamed", members: [] });
    expect(put.status).toBe(200);
    expect((await c.get(`${GROUPS}/${key}`)).body.body).toEqual({ members: [], name: "ops-renamed" });
    const del = await c.del(`${GROUPS}/${key}`);
    expect(del.status).toBe(200);
    expect(del.body).toEqual({ meta: { href: `${GROUPS}/${key}`, parent: GROUPS } });
    expect((await c.get(`${GROUPS}/${key}`)).status).toBe(404);
  });

  it("accepts the rendered password reference object on PUT and keeps password_created", async () => {
    await c.open();
    const k = await c.createUser("round", "pw-r");
    await c.commit();
    const before = (await c.get(`${USERS}/${k}`)).body.body;
    emu.clock.advance(5000);
    await c.open();
    expect((await c.put(`${USERS}/${k}`, { ...before, name: "round-trip" })).status).toBe(200);
    expect((await c.commit()).status).toBe(200);
    const after = (await c.get(`${USERS}/${k}`)).body.body;
    expect(after).toEqual({ ...before, name: "round-trip" });
  });

  it("updates password_created when the user points at a new password object", async () => {
    await c.open();
    const k = await c.createUser("rot", "pw-a");
    await c.commit();
    const t0 = (await c.get(`${USERS}/${k}`)).body.body.password_created;
    emu.clock.advance(10_000);
    await c.open();
    const fresh = await c.password("pw-b");
    await c.put(`${USERS}/${k}`, { name: "rot", password: fresh });
    expect((await c.commit()).status).toBe(200);
    expect((await c.get(`${USERS}/${k}`)).body.body.password_created).toBe(t0 + 10);
  });

  it("answers 404 NotFound for unknown keys on GET, PUT and DELETE", async () => {
    await c.open();
    for (const [method, body] of [["GET"], ["PUT", { name: "x", members: [] }], ["DELETE"]] as const) {
      const r = await c.send(method, `${GROUPS}/0000000000000000000000`, body);
      expect(r.status).toBe(404);
      expect(r.body.error).toEqual({ type: "NotFound", message: "The requested object does not exist.", details: { path: `${GROUPS}/0000000000000000000000` } });
    }
  });

  it("rejects malformed bodies with 400 before staging anything", async () => {
    await c.open();
    for (const body of ["not json", [], { members: [] }, { name: "g", members: "u" }, { name: "g", members: [1] }]) {
      const r = await c.send("POST", GROUPS, body);
      expect(r.status).toBe(400);
      expect(r.body.error.type).toBe("SyntacticError");
    }
    expect((await c.post(USERS, { name: "nopw" })).status).toBe(400);
    expect((await c.get("/api/transaction/changes")).body.changes).toEqual([]);
  });

  it("serves read-only ACLs and backend settings", async () => {
    const acls = await c.get("/api/configuration/aaa/acls");
    expect(acls.status).toBe(200);
    expect(acls.body.key).toBe("acls");
    expect(acls.body.body).toContainEqual({ group: "auth-view", objects: ["/special/auth"], permission: "read" });
    expect(acls.body.body).toContainEqual({ group: "search", objects: ["/special/searchmenu"], permission: "read" });
    await c.open();
    for (const m of ["POST", "PUT", "DELETE"]) expect((await c.send(m, "/api/configuration/aaa/acls", {})).status).toBe(405);
    const s = await c.get("/api/configuration/aaa/settings");
    expect(s.body).toMatchObject({ body: { backend: { selection: "local" } }, key: "settings", meta: { href: "/api/configuration/aaa/settings" } });
    emu.controls.setAuthBackend("radius");
    expect((await c.get("/api/configuration/aaa/settings")).body.body.backend.selection).toBe("radius");
  });

  it("lists the aaa endpoints with the documented sibling links", async () => {
    const r = await c.get("/api/configuration/aaa");
    expect(r.body.items.map((i: { key: string }) => i.key)).toEqual(["acls", "local_database", "settings"]);
    expect(r.body.meta).toMatchObject({ first: "/api/configuration/aaa", last: "/api/configuration/x509", next: "/api/configuration/alerting", previous: null });
  });

  it("refuses users and groups to a user without the auth privileges and lets auth-view read only", async () => {
    const noPriv = emu.controls.seedUser("nopriv", "np-pw");
    const viewer = emu.controls.seedUser("viewer", "v-pw");
    emu.controls.seedGroup("auth-view", [viewer]);
    expect(noPriv).toMatch(KEY);
    const n = await loggedIn(emu.url, "nopriv", "np-pw");
    const r = await n.get(USERS);
    expect(r.status).toBe(403);
    expect(r.body.error).toEqual({ type: "Unauthorized", message: expect.stringContaining("not authorized"), details: { path: USERS } });
    const v = await loggedIn(emu.url, "viewer", "v-pw");
    expect((await v.get(USERS)).status).toBe(200);
    await v.open();
    expect((await v.post(GROUPS, { name: "x", members: [] })).status).toBe(403);
  });

  it("applies group privilege changes at the user's next login", async () => {
    const k = emu.controls.seedUser("late", "late-pw");
    const before = await loggedIn(emu.url, "late", "late-pw");
    emu.controls.seedGroup("auth-view", [k]);
    expect((await before.get(USERS)).status).toBe(403);
    expect((await (await loggedIn(emu.url, "late", "late-pw")).get(USERS)).status).toBe(200);
  });
});
