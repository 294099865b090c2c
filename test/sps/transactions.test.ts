import { BUILTIN_GROUPS } from "../emulators/sps";
import { ADMIN_PASSWORD, committed, outOfBandAdmin, spsFixture, type SpsFixture } from "./fixture";

const builtins = [...BUILTIN_GROUPS];
const commitAttempts = (fx: SpsFixture) => fx.emu.log.entries.filter((e) => e.method === "PUT" && e.path === "/api/transaction").length;

describe("SPS transaction coordinator under contention and faults (through the harness)", () => {
  let fx: SpsFixture;
  afterEach(() => fx.close());

  it("waits for a web-UI administrator's lock, then applies", async () => {
    fx = await spsFixture();
    fx.emu.controls.lockAsWebAdmin("helpdesk-admin");
    // The web admin finishes their edit when our provider's third attempt to open arrives (two were refused).
    fx.emu.faults.plan(/^POST \/api\/transaction$/, { kind: "call", fn: () => fx.emu.controls.releaseWebAdminLock() }, { after: 2 });
    const r = await fx.deployment().up([fx.user("lockwait", "pw-lockwait")]);
    expect(r.failures).toEqual([]);
    const opens = fx.emu.log.entries.filter((e) => e.method === "POST" && e.path === "/api/transaction").map((e) => e.status);
    expect(opens.slice(0, 2)).toEqual([409, 409]);
    expect(opens.slice(2).every((st) => st !== 409)).toBe(true);
    expect(Object.keys(committed(fx.emu, builtins).users)).toEqual(["lockwait"]);
  });

  it("gives up after lockWaitTimeout with a message saying who holds the lock and how long it waited", async () => {
    fx = await spsFixture();
    fx.emu.controls.lockAsWebAdmin("helpdesk-admin");
    const r = await fx.deployment({ config: { "sps:lockWaitTimeout": "1" } }).up([fx.user("locked", "pw-locked")]);
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0].message).toMatch(/^SPS local user "locked": another administrator holds the SPS configuration lock .*waited 1 s \(lockWaitTimeout 1 s\).*Nothing was changed\.$/);
    expect(fx.emu.snapshot().transaction).toMatchObject({ open: true, via: "web-ui" }); // never forced
    expect(committed(fx.emu, builtins).users).toEqual({});
  });

  // A group naming a user key that does not exist passes staging and is refused only by the commit.
  const brokenGroup = () => fx.group("broken", [], { members: ["no-such-user-key-1"] });

  it("fails only the resource whose commit is refused when SPS names it", async () => {
    fx = await spsFixture();
    const users = ["a1", "a2", "a3", "a5", "a6"].map((n) => fx.user(n, `pw-${n}-x`));
    const r = await fx.deployment().up([...users, brokenGroup()]);
    expect(r.failures.map((f) => f.name)).toEqual(["broken"]);
    expect(r.failures[0].message).toMatch(/SPS local usergroup "broken": sps PUT \/api\/transaction: 400 SemanticError/);
    expect(Object.keys(committed(fx.emu, builtins).users).sort()).toEqual(["a1", "a2", "a3", "a5", "a6"]);
    // one failed commit, then the rest committed at once
    expect(commitAttempts(fx)).toBe(2);
  });

  it("bisects within 2*ceil(log2 B)+2 extra commits when the error does not name the culprit", async () => {
    fx = await spsFixture({ commitErrorDetails: "none" });
    const names = ["b1", "b2", "b3", "b4", "b6", "b7", "b8"];
    const r = await fx.deployment().up([...names.map((n) => fx.user(n, `pw-${n}-x`)), brokenGroup()]);
    expect(r.failures.map((f) => f.name)).toEqual(["broken"]);
    expect(Object.keys(committed(fx.emu, builtins).users).sort()).toEqual(names.sort());
    const extra = commitAttempts(fx) - 1;
    expect(extra).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(8)) + 2);
    // every password object was fresh: none referenced twice
    const refs = fx.emu.snapshot().users.map((u) => u.passwordKey);
    expect(new Set(refs).size).toBe(refs.length);
  });

  it("recovers when the session expires in the middle of staging: logs in again and restages with fresh password objects", async () => {
    fx = await spsFixture();
    fx.emu.faults.plan("POST /api/configuration/aaa/local_database/users", { kind: "call", fn: () => fx.emu.controls.expireAllSessions() }, { after: 1 });
    const r = await fx.deployment().up(["d1", "d2", "d3"].map((n) => fx.user(n, `pw-${n}-x`)));
    expect(r.failures).toEqual([]);
    expect(Object.keys(committed(fx.emu, builtins).users).sort()).toEqual(["d1", "d2", "d3"]);
    expect(fx.emu.log.entries.filter((e) => e.path === "/api/authentication").length).toBe(2);
    const refs = fx.emu.snapshot().users.map((u) => u.passwordKey);
    expect(new Set(refs).size).toBe(refs.length);
  });

  it("reports a read failure during refresh with the appliance's status and page excerpt, not a gRPC artefact", async () => {
    fx = await spsFixture();
    const up = await fx.deployment().up([fx.user("r1", "pw-r1-x")]);
    expect(up.failures).toEqual([]);
    fx.emu.faults.plan("GET /api/configuration/aaa/local_database/users/", { kind: "html", status: 502, html: "<html><head><title>502 Bad Gateway</title></head><body>upstream sps01 unreachable</body></html>" }, { times: 5 });
    const r = await fx.deployment().refresh();
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0].message).toMatch(/^sps GET \/api\/configuration\/aaa\/local_database\/users\/\w+: 502 .*502 Bad Gateway/);
    expect(fx.deployment().state.get("r1")!.id).toBe(up.outputs.r1.key); // state untouched
  });

  it("refuses local users while SPS authenticates with LDAP, before staging anything", async () => {
    fx = await spsFixture();
    fx.emu.controls.setAuthBackend("ldap");
    const r = await fx.deployment().up([fx.user("ldapuser", "pw-ldap-x")]);
    expect(r.failures[0].message).toMatch(/authenticates users with LDAP, so local users cannot be managed/);
    expect(fx.emu.log.entries.some((e) => e.method !== "GET")).toBe(false);
  });
});

describe("SpsLocalUser and SpsLocalUserGroup inputs, adoption and connections", () => {
  let fx: SpsFixture;
  beforeEach(async () => {
    fx = await spsFixture();
  });
  afterEach(() => fx.close());

  it.each([
    [{ name: "admin" }, /name: must not be "admin"/],
    [{ name: "" }, /name: must not be empty/],
    [{ name: " bob" }, /name: must not start or end with white space/],
    [{ nmae: "typo" }, /Unrecognized key.*nmae/],
  ])("rejects bad user inputs %j in check, before any request", async (extra, msg) => {
    const r = await fx.deployment().up([fx.user("bad", "pw-x", extra)]);
    expect(r.failures[0].message).toMatch(msg);
    expect(fx.emu.log.entries).toEqual([]);
  });

  it("rejects a group listing a member twice", async () => {
    const r = await fx.deployment().up([fx.group("g", [], { members: ["k1", "k1"] })]);
    expect(r.failures[0].message).toMatch(/members: lists user key "k1" twice; list each member once/);
    expect(fx.emu.log.entries).toEqual([]);
  });

  it("adopts an existing user (same key, new password) and an existing built-in group; destroy keeps the group and its pre-adoption member", async () => {
    const legacyKey = fx.emu.controls.seedUser("legacy", "old-pw-1");
    const other = fx.emu.controls.seedUser("other", "old-pw-2");
    const searchKey = fx.emu.snapshot().groups.find((g) => g.name === "search")!.key;
    fx.emu.controls.seedGroup("search", [other]);
    const pwBefore = fx.emu.snapshot().users.find((u) => u.name === "legacy")!.passwordKey;

    const r = await fx.deployment().up([
      fx.user("legacy", "new-pw-1", { adopt: true }),
      fx.group("search", ["legacy"], { memberNames: ["other"], adoptExisting: true }),
    ]);
    expect(r.failures).toEqual([]);
    expect(r.outputs.legacy.key).toBe(legacyKey);
    expect(r.outputs.legacy.adopted).toBe(true);
    expect(fx.emu.snapshot().users.find((u) => u.key === legacyKey)!.passwordKey).not.toBe(pwBefore);
    expect(r.outputs.search.key).toBe(searchKey);
    expect([...fx.emu.snapshot().groups.find((g) => g.key === searchKey)!.members].sort()).toEqual([legacyKey, other].sort());

    const d = await fx.deployment().destroy();
    expect(d.failures).toEqual([]);
    const snap = fx.emu.snapshot();
    expect(snap.groups.find((g) => g.key === searchKey)!.members).toEqual([other]); // there before adoption: stays; group kept
    expect(snap.users.some((u) => u.key === legacyKey)).toBe(false); // adopted users are managed: deleted
  });

  it("resolves memberNames to keys with one username index per transaction, and names an unknown username", async () => {
    const seeded = fx.emu.controls.seedUser("external", "ext-pw-1");
    const r = await fx.deployment().up([
      fx.user("inside", "pw-in-1"),
      fx.group("mixed", ["inside"], { memberNames: ["external"] }),
      fx.group("names-only", [], { memberNames: ["external", "inside"] }, { dependsOn: ["inside"] }),
    ]);
    expect(r.failures).toEqual([]);
    expect(committed(fx.emu, builtins).groups).toEqual({ mixed: ["external", "inside"], "names-only": ["external", "inside"] });
    expect(r.outputs.mixed.memberKeys).toContain(seeded);
    // One staged user listing per transaction, shared by every operation in it (no N+1 per group or user).
    expect(fx.emu.log.entries.filter((e) => e.method === "GET" && e.path === "/api/configuration/aaa/local_database/users").length).toBe(fx.commits());
    const unknown = await fx.deployment().up([fx.user("inside", "pw-in-1"), fx.group("mixed", ["inside"], { memberNames: ["nobody"] })]);
    expect(unknown.failures[0].message).toMatch(/memberNames: no SPS local user is named "nobody"/);
  });

  it("falls back to the stack's credentials on refresh and destroy when the credentials stored from a resource's connection were rotated", async () => {
    const ops = { name: "ops", password: "ops-old-pw-1" };
    const fx2 = await spsFixture({ users: [{ name: "admin", password: ADMIN_PASSWORD }, { ...ops, groups: ["auth-write", "basic-write"] }] });
    try {
      const conn = { url: fx2.emu.url, username: ops.name, password: ops.password };
      const up = await fx2.deployment().up([fx2.user("rot", "pw-rot-1", { connection: conn })]);
      expect(up.failures).toEqual([]);
      // The ops password is rotated on SPS; the stack keeps working with stack-level (admin) credentials.
      const opsKey = fx2.emu.snapshot().users.find((u) => u.name === "ops")!.key;
      fx2.emu.controls.expireAllSessions();
      const admin = await outOfBandAdmin(fx2);
      await admin.tx(async () => {
        const pw = JSON.parse(await admin.post("/api/configuration/passwords", { plain: "ops-new-pw-2" })).key;
        await admin.put(`/api/configuration/aaa/local_database/users/${opsKey}`, { name: "ops", password: pw });
      });
      fx2.emu.log.clear();
      const refreshed = await fx2.deployment().refresh();
      expect(refreshed.failures).toEqual([]);
      expect(refreshed.steps.map((s) => s.op)).toEqual(["same"]);
      // The stored (rotated) credentials were refused, then the stack's were used.
      expect(fx2.emu.log.entries.filter((e) => e.path === "/api/authentication").map((e) => e.status)).toEqual([401, 200]);
      const gone = await fx2.deployment().destroy();
      expect(gone.failures).toEqual([]);
      expect(committed(fx2.emu, builtins).users).toEqual({ ops: opsKey });
    } finally {
      await fx2.close();
    }
  });

  it("treats a change of appliance URL as a replacement and a change of credentials alone as no change", async () => {
    const first = await fx.deployment().up([fx.user("conn", "pw-conn-1")]);
    expect(first.failures).toEqual([]);
    const sameUrlOtherCreds = await fx.deployment().up([fx.user("conn", "pw-conn-1", { connection: { username: "admin", password: "adm1n-Secret-9137" } })], { preview: true });
    expect(sameUrlOtherCreds.steps.map((s) => s.op)).toEqual(["same"]);
    const other = await spsFixture();
    try {
      const moved = await fx.deployment().up([fx.user("conn", "pw-conn-1", { connection: { url: other.emu.url, username: "admin", password: "adm1n-Secret-9137" } })]);
      expect(moved.failures).toEqual([]);
      expect(moved.steps.map((s) => s.op)).toEqual(["replace"]);
      expect(Object.keys(committed(other.emu, builtins).users)).toEqual(["conn"]);
      expect(committed(fx.emu, builtins).users).toEqual({});
    } finally {
      await other.close();
    }
  });
});

describe("SPS provider host interrupted mid-transaction", () => {
  it("rolls the open transaction back on SIGINT so that administrators are not locked out", async () => {
    const fx = await spsFixture();
    try {
      // Staging stalls on the user object: the transaction (and the global lock) is open meanwhile. The
      // password object's arrival says the provider is staging inside the transaction it opened.
      let staging!: () => void;
      const stagingBegan = new Promise<void>((r) => (staging = r));
      fx.emu.faults.plan("POST /api/configuration/passwords", { kind: "call", fn: () => staging() });
      fx.emu.faults.plan("POST /api/configuration/aaa/local_database/users", { kind: "delay", ms: 5000 });
      const session = await fx.deployment().begin();
      const pending = session.register(fx.user("interrupted", "pw-int-x")).catch((e: Error) => e);
      await stagingBegan;
      expect(fx.emu.snapshot().transaction).toMatchObject({ open: true, via: "rest" });
      // What the engine does on cancel: interrupt the provider host.
      const exited = new Promise((r) => session.host.child.once("exit", r));
      session.host.child.kill("SIGINT");
      await exited;
      expect(fx.emu.log.entries.some((e) => e.method === "DELETE" && e.path === "/api/transaction")).toBe(true);
      expect(fx.emu.snapshot().transaction.open).toBe(false);
      expect(await pending).toBeInstanceOf(Error);
      await session.finish().catch(() => undefined);
    } finally {
      await fx.close();
    }
  });
});
