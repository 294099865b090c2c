/**
 * Hostile ids, names and credentials routing, through the real dynamic-provider host (harness) against
 * the SPS emulator: nothing malformed reaches a URL, twins are one name, and the stack's credentials
 * never go to another appliance.
 */
import { createSpsEmulator, type SpsEmulator } from "../emulators/sps";
import { ADMIN_PASSWORD, committed, spsFixture, type SpsFixture } from "./fixture";

describe("SPS hostile input (through the harness)", () => {
  let fx: SpsFixture;
  beforeEach(async () => {
    fx = await spsFixture();
  });
  afterEach(() => fx.close());

  it.each([".", ".."])("SpsLocalUser.get(name, %j) fails before any request", async (id) => {
    fx.emu.log.clear();
    const e = await fx.deployment().get(fx.user("x", "pw-x-1"), id).then(() => undefined, (x: Error) => x);
    expect(e).toBeInstanceOf(Error);
    expect(String((e as { details?: string }).details ?? (e as Error).message)).toMatch(/SpsLocalUser id \(the SPS key\).*cannot be used in a URL path/);
    expect(fx.emu.log.entries).toEqual([]);
  });

  it.each([
    ["NUL", "ab\u0000c"],
    ["CR/LF", "ab\r\nc"],
    ["DEL", "ab\u007fc"],
    ["right-to-left override", "ab\u202ec"],
    ["zero-width space", "ab\u200bc"],
    ["BOM", "\ufeffabc"],
  ])("refuses a user name with %s in check, naming the field, before any request", async (_what, name) => {
    fx.emu.log.clear();
    const r = await fx.deployment().up([fx.user("bad", "pw-bad-1", { name })]);
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0].message).toMatch(/name: must not contain an? (control|invisible or formatting) character \(U\+[0-9A-F]{4} at position \d+\)/);
    expect(fx.emu.log.entries).toEqual([]);
  });

  it("refuses a 10,000-character group name", async () => {
    const r = await fx.deployment().up([fx.group("long", [], { name: "g".repeat(10_000) })]);
    expect(r.failures[0].message).toMatch(/name: must be at most 128 characters \(got 10000\)/);
    expect(fx.emu.log.entries).toEqual([]);
  });

  it("treats NFC and NFD twins as one name: one user is created, in NFC, and the twin fails as a duplicate", async () => {
    const nfc = "Jos\u00e9";
    const nfd = "Jose\u0301";
    const r = await fx.deployment({ parallelism: 1 }).up([fx.user("twin1", "pw-twin-1", { name: nfc }), fx.user("twin2", "pw-twin-2", { name: nfd })]);
    expect(r.failures.map((f) => f.name)).toEqual(["twin2"]);
    expect(r.failures[0].message).toMatch(/SPS local user "José" is already managed by resource "twin1"/); // the NFC form is one claim
    expect(Object.keys(committed(fx.emu).users)).toEqual([nfc]);
  });

  it("matches an SPS user created in NFD outside Pulumi to the NFC program name (adoption, memberNames)", async () => {
    const nfdKey = fx.emu.controls.seedUser("Jose\u0301", "jose-own-pw-1");
    const r = await fx.deployment().up([
      fx.user("jose", "unused-pw-1", { name: "Jos\u00e9", adopt: true }),
      fx.group("g", [], { memberNames: ["Jos\u00e9"] }),
    ]);
    expect(r.failures).toEqual([]);
    expect(r.outputs.jose).toMatchObject({ key: nfdKey, adopted: true });
    expect(r.outputs.g.memberKeys).toEqual([nfdKey]);
    // One user: no NFC twin was created next to the NFD one.
    expect(fx.emu.snapshot().users.filter((u) => u.name.normalize("NFC") === "Jos\u00e9").map((u) => u.key)).toEqual([nfdKey]);
  });

  it("lists a member given in both forms as a duplicate", async () => {
    const r = await fx.deployment().up([fx.group("g", [], { memberNames: ["Jos\u00e9", "Jose\u0301"] })]);
    expect(r.failures[0].message).toMatch(/memberNames: lists username "José" twice/);
  });
});

describe("SPS stored credentials never go to another appliance (through the harness)", () => {
  const B_ADMIN = "b-Admin-Secret-5521";
  let a: SpsFixture;
  let b: SpsEmulator;
  beforeEach(async () => {
    a = await spsFixture();
    b = await createSpsEmulator({ users: [{ name: "admin", password: B_ADMIN }, { name: "ops", password: "ops-pw-b-1", groups: ["auth-write", "basic-write"] }] });
  });
  afterEach(async () => {
    await a.close();
    await b.close();
  });

  it("when B refuses the stored credentials, refresh fails naming what to set and sends A's password nowhere", async () => {
    const conn = { url: b.url, username: "ops", password: "ops-pw-b-1" };
    const up = await a.deployment().up([a.user("far", "pw-far-1", { connection: conn })]);
    expect(up.failures).toEqual([]);
    // B now refuses every login (the stored ops password was rotated, and A's admin is not B's).
    b.controls.expireAllSessions();
    b.faults.plan("GET /api/authentication", { kind: "status", status: 401, body: { error: { type: "AuthenticationFailure", message: "refused" } } }, { times: 100 });
    b.log.clear();
    a.emu.log.clear();
    const refreshed = await a.deployment().refresh();
    expect(refreshed.failures).toHaveLength(1);
    expect(refreshed.failures[0].message).toContain(`SPS at ${b.url} refused the credentials stored with this resource`);
    expect(refreshed.failures[0].message).toMatch(/not sent to another appliance.*sps:url, sps:username and sps:password/);
    // Exactly one login reached B, the stored one: the stack's (A's) Basic credentials were never sent there.
    const withAuth = b.log.entries.filter((e) => e.headers.authorization !== undefined);
    expect(withAuth.map((e) => `${e.method} ${e.path} ${e.status}`)).toEqual(["GET /api/authentication 401"]);
    // A itself was not involved.
    expect(a.emu.log.entries).toEqual([]);
    expect(refreshed.failures[0].message).not.toContain(ADMIN_PASSWORD);
    b.faults.clear();
    const gone = await a.deployment().destroy();
    expect(gone.failures).toEqual([]);
  });
});
