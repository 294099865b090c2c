import * as fs from "fs";
import { BUILTIN_GROUPS } from "../emulators/sps";
import { isSecret } from "../harness/values";
import { ADMIN_PASSWORD, committed, outOfBandAdmin, spsFixture, type SpsFixture } from "./fixture";

const builtins = [...BUILTIN_GROUPS];

describe("SpsLocalUser and SpsLocalUserGroup through the engine-protocol harness", () => {
  let fx: SpsFixture;
  beforeEach(async () => {
    fx = await spsFixture();
  });
  afterEach(() => fx.close());

  it("creates users and a group with members in one up, then renames, changes a password and membership, removes a user and destroys", async () => {
    const d = fx.deployment();
    const up1 = await d.up([fx.user("alice", "pw-alice-1"), fx.user("bob", "pw-bob-1"), fx.group("ops", ["alice", "bob"])]);
    expect(up1.failures).toEqual([]);
    expect(committed(fx.emu, builtins)).toEqual({ users: { alice: expect.any(String), bob: expect.any(String) }, groups: { ops: ["alice", "bob"] } });
    expect(up1.outputs.alice.key).toBe(fx.emu.snapshot().users.find((u) => u.name === "alice")!.key);

    const aliceKey = up1.outputs.alice.key;
    const bobPw = fx.emu.snapshot().users.find((u) => u.name === "bob")!.passwordKey;
    const up2 = await fx.deployment().up([fx.user("alice", "pw-alice-1", { name: "alice2" }), fx.user("bob", "pw-bob-2"), fx.group("ops", ["alice"])]);
    expect(up2.failures).toEqual([]);
    expect(up2.steps.filter((s) => s.op !== "same").map((s) => `${s.op}:${s.name}`).sort()).toEqual(["update:alice", "update:bob", "update:ops"]);
    const snap = fx.emu.snapshot();
    expect(snap.users.find((u) => u.key === aliceKey)!.name).toBe("alice2"); // rename in place, same key
    expect(snap.users.find((u) => u.name === "bob")!.passwordKey).not.toBe(bobPw); // a fresh password object
    expect(committed(fx.emu, builtins).groups).toEqual({ ops: ["alice2"] });

    const up3 = await fx.deployment().up([fx.user("alice", "pw-alice-1", { name: "alice2" }), fx.group("ops", ["alice"])]);
    expect(up3.steps.filter((s) => s.op === "delete").map((s) => s.name)).toEqual(["bob"]);
    expect(Object.keys(committed(fx.emu, builtins).users)).toEqual(["alice2"]);

    const gone = await fx.deployment().destroy();
    expect(gone.failures).toEqual([]);
    expect(committed(fx.emu, builtins)).toEqual({ users: {}, groups: {} });
    expect(fx.emu.snapshot().users.map((u) => u.name)).toEqual(["admin"]);
    expect(fx.emu.snapshot().groups.map((g) => g.name).sort()).toEqual([...builtins].sort());
  });

  it("applies 24 users at parallelism 8 in at most one commit per 8 operations per wave", async () => {
    const users = Array.from({ length: 24 }, (_, i) => fx.user(`u${String(i).padStart(2, "0")}`, `pw-${i}-x`));
    const groups = [fx.group("g1", ["u00", "u01"]), fx.group("g2", ["u02"]), fx.group("g3", ["u03", "u04", "u05"])];
    const r = await fx.deployment({ parallelism: 8 }).up([...users, ...groups]);
    expect(r.failures).toEqual([]);
    // Wave 1: 24 users → ceil(24/8) = 3 commits; wave 2: 3 groups → 1 commit.
    expect(fx.commits()).toBeLessThanOrEqual(4);
    expect(Object.keys(committed(fx.emu, builtins).users)).toHaveLength(24);
    expect(committed(fx.emu, builtins).groups).toEqual({ g1: ["u00", "u01"], g2: ["u02"], g3: ["u03", "u04", "u05"] });
  });

  it("detects out-of-band edits on refresh and converges on the next up", async () => {
    const desired = [fx.user("carol", "pw-carol-1"), fx.user("dave", "pw-dave-1"), fx.user("frank", "pw-frank-1"), fx.group("team", ["carol"])];
    const up1 = await fx.deployment().up(desired);
    expect(up1.failures).toEqual([]);
    const baseline = await fx.deployment().refresh(); // records password_created
    expect(baseline.steps.map((s) => s.op)).toEqual(["same", "same", "same", "same"]); // learning password_created is not drift
    const [carolKey, daveKey, frankKey, teamKey] = ["carol", "dave", "frank", "team"].map((n) => up1.outputs[n].key as string);

    // Another administrator, out of band: adds dave to team, resets carol's password, deletes frank.
    fx.emu.controls.advanceClock(5000);
    const admin = await outOfBandAdmin(fx);
    await admin.tx(async () => {
      await admin.put(`/api/configuration/aaa/local_database/groups/${teamKey}`, { name: "team", members: [carolKey, daveKey] });
      const pw = JSON.parse(await admin.post("/api/configuration/passwords", { plain: "reset-by-helpdesk" })).key;
      await admin.put(`/api/configuration/aaa/local_database/users/${carolKey}`, { name: "carol", password: pw });
      await admin.del(`/api/configuration/aaa/local_database/users/${frankKey}`);
    });

    const refreshed = await fx.deployment().refresh();
    expect(refreshed.failures).toEqual([]);
    const byName = Object.fromEntries(refreshed.steps.map((s) => [s.name, s]));
    expect(byName.frank.op).toBe("gone");
    expect(byName.team).toMatchObject({ op: "refresh", keys: ["memberKeys", "membersInSync"] });
    expect(byName.carol).toMatchObject({ op: "refresh", keys: ["passwordCreated", "passwordInSync"] });
    expect(byName.dave.op).toBe("same");

    const carolPwBefore = fx.emu.snapshot().users.find((u) => u.name === "carol")!.passwordKey;
    const next = await fx.deployment().up(desired);
    expect(next.failures).toEqual([]);
    expect(next.steps.filter((s) => s.op !== "same").map((s) => `${s.op}:${s.name}`).sort()).toEqual(["create:frank", "update:carol", "update:team"]);
    expect(committed(fx.emu, builtins)).toEqual({ users: { carol: carolKey, dave: daveKey, frank: expect.any(String) }, groups: { team: ["carol"] } });
    expect(fx.emu.snapshot().users.find((u) => u.name === "carol")!.passwordKey).not.toBe(carolPwBefore);
    // And the converged stack is clean on the next preview.
    const again = await fx.deployment().up(desired, { preview: true });
    expect(again.steps.filter((s) => s.op !== "same")).toEqual([]);
  });

  it("keeps the plain passwords out of state, logs and errors", async () => {
    const r = await fx.deployment().up([fx.user("erin", "Pl41n-Erin-Secret!"), fx.user("admin2", "x", { name: "" })]);
    expect(isSecret(r.outputs.erin.password)).toBe(true);
    const state = fs.readFileSync(fx.stateFile, "utf8");
    for (const s of ["Pl41n-Erin-Secret!", ADMIN_PASSWORD]) {
      expect(state).not.toContain(s);
      expect(JSON.stringify(r.failures)).not.toContain(s);
      expect(JSON.stringify(fx.emu.log.entries)).not.toContain(s);
    }
  });
});

describe("SpsLocalUser password drift", () => {
  let fx: SpsFixture;
  beforeEach(async () => {
    fx = await spsFixture();
  });
  afterEach(() => fx.close());

  it("detects a password reset on SPS right after the create, before any refresh recorded a timestamp", async () => {
    const up = await fx.deployment().up([fx.user("gina", "pw-gina-1")]);
    expect(up.failures).toEqual([]);
    const key = up.outputs.gina.key as string;
    expect(up.outputs.gina.passwordKey).toBe(fx.emu.snapshot().users.find((u) => u.key === key)!.passwordKey);
    // The helpdesk resets the password in the same second (same password_created): only the object key tells.
    const admin = await outOfBandAdmin(fx);
    await admin.tx(async () => {
      const pw = JSON.parse(await admin.post("/api/configuration/passwords", { plain: "helpdesk-reset-1" })).key;
      await admin.put(`/api/configuration/aaa/local_database/users/${key}`, { name: "gina", password: pw });
    });
    const refreshed = await fx.deployment().refresh();
    expect(refreshed.steps).toEqual([expect.objectContaining({ op: "refresh", name: "gina" })]);
    expect(refreshed.outputs.gina.passwordInSync).toBe(false);
    const fixed = await fx.deployment().up([fx.user("gina", "pw-gina-1")]);
    expect(fixed.steps.map((s) => s.op)).toEqual(["update"]);
    const after = fx.emu.snapshot().users.find((u) => u.key === key)!.passwordKey;
    expect(fixed.outputs.gina.passwordKey).toBe(after);
    expect((await fx.deployment().refresh()).steps.map((s) => s.op)).toEqual(["same"]);
  });
});

describe("SpsLocalUser.get and SpsLocalUserGroup.get (read-only lookups)", () => {
  let fx: SpsFixture;
  beforeAll(async () => {
    fx = await spsFixture();
  });
  afterAll(() => fx.close());

  it("reads an unmanaged user and group by key, and reports an unknown key as absent", async () => {
    const key = fx.emu.controls.seedUser("looked-up", "lookup-pw-1");
    const gkey = fx.emu.controls.seedGroup("looked-up-group", [key]);
    const d = fx.deployment();
    const user = await d.get({ name: "lu", type: "pulumi-nodejs:dynamic/pam:SpsLocalUser", provider: fx.userProvider, inputs: {} }, key);
    expect(user).toMatchObject({ name: "looked-up", key });
    expect(user).not.toHaveProperty("password");
    const group = await d.get({ name: "lg", type: "pulumi-nodejs:dynamic/pam:SpsLocalUserGroup", provider: fx.groupProvider, inputs: {} }, gkey);
    expect(group).toMatchObject({ name: "looked-up-group", key: gkey, memberKeys: [key] });
    expect(await d.get({ name: "nx", type: "pulumi-nodejs:dynamic/pam:SpsLocalUser", provider: fx.userProvider, inputs: {} }, "0123456789abcdef012345")).toBeUndefined();
  });
});
