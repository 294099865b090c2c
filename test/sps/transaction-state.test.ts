/**
 * The coordinator knows its transaction's state from SPS, never reports a change SPS did not commit, and
 * gives each SPS object one owner per run (through the harness, against the SPS emulator).
 */
import { assertStateMatchesSps } from "../faults/sps-state";
import { ADMIN_PASSWORD, committed, spsFixture, type SpsFixture } from "./fixture";

const USERS = "/api/configuration/aaa/local_database/users";
const commitFails503 = (fx: SpsFixture) =>
  fx.emu.controls.failNextCommit({ status: 503, type: "ServiceUnavailable", message: "The configuration service is restarting." });
/** An outage of the rollback: more refused connections than the HTTP core retries within one request. */
const rollbackOutage = (fx: SpsFixture, times = 6) => fx.emu.faults.plan("DELETE /api/transaction", { kind: "drop-before" }, { times });
const lockRefusals = (fx: SpsFixture) => fx.emu.log.entries.filter((e) => e.method === "POST" && e.path === "/api/transaction" && e.status === 409).length;

describe("SPS transaction state is read from SPS, not assumed", () => {
  let fx: SpsFixture;
  afterEach(() => fx.close());

  it("keeps rolling back through an outage, so its own transaction never outlives the failed up", async () => {
    fx = await spsFixture();
    commitFails503(fx);
    rollbackOutage(fx);
    const r = await fx.deployment().up([fx.user("g1", "pw-g1-x")]);
    expect(r.failures.map((f) => f.name)).toEqual(["g1"]);
    expect(fx.emu.snapshot().transaction).toEqual({ open: false });
    assertStateMatchesSps(fx.deployment(), fx.emu);
    // The next run finds the lock free at once: no "another administrator" wait.
    const next = await fx.deployment({ config: { "sps:lockWaitTimeout": "1" } }).up([fx.user("g1", "pw-g1-x")]);
    expect(next.failures).toEqual([]);
    expect(lockRefusals(fx)).toBe(0);
    expect(Object.keys(committed(fx.emu).users)).toEqual(["g1"]);
  });

  it("never stages onto a transaction left by an earlier batch: a failed batch's user is not committed by the next one", async () => {
    fx = await spsFixture();
    commitFails503(fx);
    rollbackOutage(fx);
    const r = await fx.deployment({ config: { "sps:batchSize": "2" } }).up(["h1", "h2", "h3"].map((n) => fx.user(n, `pw-${n}-x`)));
    expect(r.failures).toHaveLength(2);
    const failed = r.failures.map((f) => f.name);
    expect(Object.keys(committed(fx.emu).users).sort()).toEqual(["h1", "h2", "h3"].filter((n) => !failed.includes(n)));
    assertStateMatchesSps(fx.deployment(), fx.emu); // no orphan: SPS holds exactly what state holds
    expect(fx.emu.snapshot().transaction).toEqual({ open: false });
    const next = await fx.deployment().up(["h1", "h2", "h3"].map((n) => fx.user(n, `pw-${n}-x`)));
    expect(next.failures).toEqual([]);
    assertStateMatchesSps(fx.deployment(), fx.emu);
  });

  it("never reports success for a lost commit it could only see through its own staged view", async () => {
    fx = await spsFixture();
    fx.emu.faults.plan("PUT /api/transaction", { kind: "drop-before" }); // the commit never reaches SPS
    // ...and after the status read before staging, the status cannot be read any more.
    fx.emu.faults.plan("GET /api/transaction", { kind: "status", status: 503 }, { times: 1000, after: 1 });
    const r = await fx.deployment().up([fx.user("i1", "pw-i1-x")]);
    expect(committed(fx.emu).users).toEqual({});
    expect(r.failures.map((f) => f.name)).toEqual(["i1"]);
    // Read back in a fresh session (committed state): not there, so a plain failure, nothing in state.
    expect(r.failures[0].message).toMatch(/^SPS local user "i1": .*read back on SPS: the change is not there\. Nothing changed: run pulumi up again\.\)$/);
    expect(fx.deployment().state.has("i1")).toBe(false);
    assertStateMatchesSps(fx.deployment(), fx.emu);
    // The host's exit rolled back the transaction it could not clear while GET /api/transaction failed.
    expect(fx.emu.snapshot().transaction).toEqual({ open: false });
    fx.emu.faults.clear();
    const next = await fx.deployment().up([fx.user("i1", "pw-i1-x")]);
    expect(next.failures).toEqual([]);
    assertStateMatchesSps(fx.deployment(), fx.emu);
  });
});

describe("one coordinator per appliance, one owner per SPS object", () => {
  let fx: SpsFixture;
  afterEach(() => fx.close());

  it("serializes two credentials for one appliance in one process: no lock refusal by ourselves", async () => {
    fx = await spsFixture({ users: [{ name: "admin", password: ADMIN_PASSWORD }, { name: "ops", password: "ops-Secret-7781", groups: ["auth-write"] }] });
    fx.emu.controls.setCommitMs(300); // a long commit: a second coordinator would meet the lock
    // The same appliance spelt differently (upper-case scheme, trailing slash) is still one appliance.
    const sameAppliance = `${fx.emu.url.replace(/^http:/, "HTTP:")}/`;
    const r = await fx.deployment().up([
      fx.user("j1", "pw-j1-x"),
      fx.user("j2", "pw-j2-x", { connection: { url: sameAppliance, username: "ops", password: "ops-Secret-7781" } }),
    ]);
    expect(r.failures).toEqual([]);
    expect(Object.keys(committed(fx.emu).users).sort()).toEqual(["j1", "j2", "ops"]);
    expect(lockRefusals(fx)).toBe(0);
  });

  it("fails the second of two resources adopting one SPS user, naming both", async () => {
    fx = await spsFixture();
    fx.emu.controls.seedUser("shared", "seeded-pw-1");
    const r = await fx.deployment().up([
      fx.user("k1", "pw-k1-x", { adopt: true, name: "shared" }),
      fx.user("k2", "pw-k2-x", { adopt: true, name: "shared" }),
    ]);
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0].message).toMatch(/SPS local user "shared" is already managed by resource "k[12]" in this program, and resource "k[12]" also manages or adopts it/);
    expect(r.failures[0].message).toContain('"k1"');
    expect(r.failures[0].message).toContain('"k2"');
    expect(Object.keys(committed(fx.emu).users)).toEqual(["shared"]);
  });

  it("fails a resource adopting a user another resource of the program already manages, naming both", async () => {
    fx = await spsFixture();
    expect((await fx.deployment().up([fx.user("m1", "pw-m1-x", { name: "bob" })])).failures).toEqual([]);
    const r = await fx.deployment().up([fx.user("m1", "pw-m1-x", { name: "bob" }), fx.user("m2", "pw-m2-x", { adopt: true, name: "bob" })]);
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0].message).toMatch(/SPS local user "bob" is already managed by resource "m[12]" in this program, and resource "m[12]" also manages or adopts it/);
    // bob keeps m1's password object: m2 never staged anything.
    expect(fx.emu.log.entries.filter((e) => e.method === "PUT" && e.path.startsWith(`${USERS}/`))).toHaveLength(0);
  });
});
