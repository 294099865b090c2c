import * as fs from "fs";
import { spsLocalAccessProvider } from "../../provider/sps/local-access-resource";
import { BUILTIN_GROUPS } from "../emulators/sps";
import type { DesiredResource } from "../harness/engine";
import { serializeProvider } from "../harness/serialize";
import { isSecret, secret, unwrapSecrets } from "../harness/values";
import * as impl from "../../provider/sps/local-access-provider";
import { resetCoordinators } from "../../provider/sps/registry";
import { ADMIN_PASSWORD, committed, outOfBandAdmin, spsFixture, type SpsFixture } from "./fixture";

const builtins = [...BUILTIN_GROUPS];
const TYPE = "pulumi-nodejs:dynamic/pam:SpsLocalAccess";
const USERS = "/api/configuration/aaa/local_database/users";
const GROUPS = "/api/configuration/aaa/local_database/groups";

type U = Record<string, { name: string; password?: string; adopt?: boolean }>;
type G = Record<string, { name: string; members?: string[]; memberNames?: string[]; adoptExisting?: boolean; removeUnlistedMembers?: boolean }>;

describe("SpsLocalAccess through the engine-protocol harness", () => {
  let fx: SpsFixture;
  let provider: unknown;
  beforeAll(async () => {
    provider = await serializeProvider(spsLocalAccessProvider);
  });
  beforeEach(async () => {
    fx = await spsFixture();
  });
  afterEach(() => fx.close());

  /** The wire inputs the SpsLocalAccess class sends: names plain, passwords split into a secret map. */
  const access = (users: U, groups: G = {}, extra: Record<string, unknown> = {}, name = "team"): DesiredResource => ({
    name, type: TYPE, provider, additionalSecretOutputs: ["passwords", "connection"],
    inputs: {
      users: Object.fromEntries(Object.entries(users).map(([id, u]) => [id, u.adopt === undefined ? { name: u.name } : { name: u.name, adopt: u.adopt }])),
      passwords: secret(Object.fromEntries(Object.entries(users).flatMap(([id, u]) => (u.password ? [[id, u.password]] : [])))),
      groups,
      __resourceName: name,
      ...extra,
    },
  });
  const commitAttempts = () => fx.emu.log.entries.filter((e) => e.method === "PUT" && e.path === "/api/transaction").length;
  const writes = () => fx.emu.log.entries.filter((e) => e.method !== "GET" && !e.path.startsWith("/api/transaction")).map((e) => `${e.method} ${e.path}`);
  const userKey = (name: string) => fx.emu.snapshot().users.find((u) => u.name === name)?.key;

  const team: U = { alice: { name: "alice", password: "pw-alice-1" }, bob: { name: "bob", password: "pw-bob-1" }, carol: { name: "carol", password: "pw-carol-1" } };
  const teamGroups: G = { ops: { name: "ops", members: ["alice", "bob"], memberNames: ["ext"] }, audit: { name: "audit", members: ["carol"] } };

  it("creates a team in one commit, then renames, changes a password and memberships, adds and removes users in one commit, and destroys in one commit", async () => {
    fx.emu.controls.seedUser("ext", "ext-pw-1");
    const up1 = await fx.deployment({ parallelism: 8 }).up([access(team, teamGroups)]);
    expect(up1.failures).toEqual([]);
    expect(fx.commits()).toBe(1);
    expect(committed(fx.emu, builtins)).toEqual({
      users: { alice: expect.any(String), bob: expect.any(String), carol: expect.any(String), ext: expect.any(String) },
      groups: { ops: ["alice", "bob", "ext"], audit: ["carol"] },
    });
    const out = up1.outputs.team as Record<string, any>;
    expect(out.userKeys).toEqual({ alice: userKey("alice"), bob: userKey("bob"), carol: userKey("carol") });
    expect(out.passwordInSync).toEqual({ alice: true, bob: true, carol: true });
    expect(out.membersInSync).toEqual({ ops: true, audit: true });
    expect(isSecret(out.passwords)).toBe(true);
    const state = fs.readFileSync(fx.stateFile, "utf8");
    for (const pw of ["pw-alice-1", "pw-bob-1", "pw-carol-1", ADMIN_PASSWORD]) {
      expect(state).not.toContain(pw);
      expect(JSON.stringify(fx.emu.log.entries)).not.toContain(pw);
    }

    const aliceKey = userKey("alice")!;
    const bobPw = fx.emu.snapshot().users.find((u) => u.name === "bob")!.passwordKey;
    fx.emu.log.clear();
    const next: U = { alice: { name: "alice2", password: "pw-alice-1" }, bob: { name: "bob", password: "pw-bob-2" }, dave: { name: "dave", password: "pw-dave-1" } };
    const nextGroups: G = { ops: { name: "ops", members: ["alice", "dave"] }, audit: { name: "audit", members: ["bob"] } };
    const preview = await fx.deployment().up([access(next, nextGroups)], { preview: true });
    expect(preview.steps).toEqual([expect.objectContaining({ op: "update", name: "team", keys: expect.arrayContaining(["users", "passwords", "groups"]) })]);
    const up2 = await fx.deployment({ parallelism: 64 }).up([access(next, nextGroups)]);
    expect(up2.failures).toEqual([]);
    expect(up2.steps.map((s) => s.op)).toEqual(["update"]);
    expect(fx.commits()).toBe(1);
    const snap = fx.emu.snapshot();
    expect(snap.users.find((u) => u.key === aliceKey)!.name).toBe("alice2"); // renamed in place
    expect(snap.users.find((u) => u.name === "bob")!.passwordKey).not.toBe(bobPw);
    expect(committed(fx.emu, builtins)).toEqual({
      users: { alice2: aliceKey, bob: expect.any(String), dave: expect.any(String), ext: expect.any(String) },
      groups: { ops: ["alice2", "dave"], audit: ["bob"] },
    });
    // Staging order: deletes, updates, creates; groups after the users they list.
    const w = writes();
    expect(w.indexOf(`DELETE ${USERS}/${out.userKeys.carol}`)).toBeLessThan(w.indexOf(`PUT ${USERS}/${aliceKey}`));
    expect(w.lastIndexOf(`POST ${USERS}`)).toBeLessThan(w.indexOf(`PUT ${GROUPS}/${out.groupKeys.ops}`));

    // A second up changes nothing.
    const same = await fx.deployment().up([access(next, nextGroups)], { preview: true });
    expect(same.steps.map((s) => s.op)).toEqual(["same"]);

    fx.emu.log.clear();
    const gone = await fx.deployment().destroy();
    expect(gone.failures).toEqual([]);
    expect(fx.commits()).toBe(1);
    expect(committed(fx.emu, builtins)).toEqual({ users: { ext: expect.any(String) }, groups: {} });
  });

  it("writes only the objects an update touches", async () => {
    const users: U = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`u${i}`, { name: `user-${i}`, password: `pw-${i}-a` }]));
    const groups: G = { g0: { name: "g0", members: ["u0", "u1"] }, g1: { name: "g1", members: ["u2"] }, g2: { name: "g2", members: ["u3"] } };
    expect((await fx.deployment().up([access(users, groups)])).failures).toEqual([]);
    const keys = fx.deployment().state.get("team")!.outputs;
    fx.emu.log.clear();
    const changed = { ...users, u4: { name: "user-4", password: "pw-4-b" }, u5: { name: "user-5-renamed", password: "pw-5-a" } };
    const r = await fx.deployment().up([access(changed, { ...groups, g1: { name: "g1", members: ["u2", "u6"] } })]);
    expect(r.failures).toEqual([]);
    const uk = keys.userKeys as Record<string, string>;
    const gk = keys.groupKeys as Record<string, string>;
    expect(writes().sort()).toEqual([`POST /api/configuration/passwords`, `PUT ${GROUPS}/${gk.g1}`, `PUT ${USERS}/${uk.u4}`, `PUT ${USERS}/${uk.u5}`].sort());
    expect(fx.commits()).toBe(1);
  });

  it("refresh reads outside any transaction and reports drift per item; the next up repairs only what drifted", async () => {
    const desired = access(team, { ops: { name: "ops", members: ["alice"] }, audit: { name: "audit", members: ["carol"] } });
    const up = await fx.deployment().up([desired]);
    expect(up.failures).toEqual([]);
    const o = up.outputs.team as { userKeys: Record<string, string>; groupKeys: Record<string, string> };
    const admin = await outOfBandAdmin(fx);
    await admin.tx(async () => {
      const pw = JSON.parse(await admin.post("/api/configuration/passwords", { plain: "helpdesk-reset" })).key;
      await admin.put(`${USERS}/${o.userKeys.bob}`, { name: "bob", password: pw });
      await admin.put(`${GROUPS}/${o.groupKeys.ops}`, { name: "ops", members: [o.userKeys.alice, o.userKeys.carol] });
      await admin.del(`${GROUPS}/${o.groupKeys.audit}`);
    });
    fx.emu.log.clear();
    const refreshed = await fx.deployment().refresh();
    expect(refreshed.failures).toEqual([]);
    expect(fx.emu.log.entries.some((e) => e.path.startsWith("/api/transaction"))).toBe(false);
    expect(fx.emu.log.entries.filter((e) => e.method === "GET" && e.path !== "/api/authentication")).toHaveLength(3 + 2 - 0); // one GET per object
    const out = refreshed.outputs.team;
    expect(out.passwordInSync).toEqual({ alice: true, bob: false, carol: true });
    expect(out.membersInSync).toEqual({ ops: false });
    expect(out.groupKeys).toEqual({ ops: o.groupKeys.ops }); // audit is gone
    expect(refreshed.steps).toEqual([expect.objectContaining({ op: "refresh", name: "team" })]);

    fx.emu.log.clear();
    const fix = await fx.deployment().up([desired]);
    expect(fix.failures).toEqual([]);
    expect(fx.commits()).toBe(1);
    expect(writes().filter((w) => !w.startsWith("POST /api/configuration/passwords")).sort()).toEqual([`POST ${GROUPS}`, `PUT ${GROUPS}/${o.groupKeys.ops}`, `PUT ${USERS}/${o.userKeys.bob}`].sort());
    expect(committed(fx.emu, builtins).groups).toEqual({ ops: ["alice"], audit: ["carol"] });
    expect((await fx.deployment().refresh()).steps.map((s) => s.op)).toEqual(["same"]);
  });

  it("prune: preview lists the undeclared users and groups, up deletes them in the same commit and spares admin and built-ins", async () => {
    const strayUser = fx.emu.controls.seedUser("stray", "stray-pw-1");
    fx.emu.controls.seedGroup("stray-group", [strayUser]);
    const keepKey = fx.emu.controls.seedUser("kept-ext", "kept-pw-1");
    const d = access({ alice: { name: "alice", password: "pw-alice-1" } }, { g: { name: "g", members: ["alice"], memberNames: ["kept-ext"] } }, { prune: true });
    const preview = await fx.deployment().up([d], { preview: true });
    expect(preview.failures).toEqual([]);
    expect(fx.emu.log.entries.some((e) => e.method !== "GET")).toBe(false);
    expect(fx.deployment().state.get("team")).toBeUndefined(); // preview writes no state
    // What preview shows: check adds the objects prune deletes to the inputs (the engine displays checked inputs).
    const cfg: Record<string, string> = { "sps:url": fx.emu.url, "sps:allowHttp": "true", "sps:username": "admin", "sps:password": ADMIN_PASSWORD };
    const ctx = impl.configure({ config: { get: (k: string) => cfg[k] } } as never);
    const checked = await impl.check(undefined, unwrapSecrets(d.inputs) as Record<string, unknown>, ctx);
    await resetCoordinators();
    expect(checked.inputs.pruned).toEqual({ users: { stray: strayUser }, groups: { "stray-group": expect.any(String) } });
    const up = await fx.deployment().up([d]);
    expect(up.failures).toEqual([]);
    expect(fx.commits()).toBe(1);
    expect(up.outputs.team.pruned).toEqual({ users: { stray: strayUser }, groups: { "stray-group": expect.any(String) } });
    expect(committed(fx.emu, builtins)).toEqual({ users: { alice: expect.any(String), "kept-ext": keepKey }, groups: { g: ["alice", "kept-ext"] } });
    expect(fx.emu.snapshot().users.some((u) => u.name === "admin")).toBe(true);
    expect(fx.emu.snapshot().groups.map((g) => g.name)).toEqual(expect.arrayContaining(builtins));
    // Nothing left to prune: no change.
    expect((await fx.deployment().up([d], { preview: true })).steps.map((s) => s.op)).toEqual(["same"]);
    // A user created outside Pulumi later: the preview shows an update of the computed `pruned` input, as the
    // engine does (it diffs the stored checked inputs against the new checked ones).
    const late = fx.emu.controls.seedUser("late-stray", "late-pw-1");
    expect(fx.deployment().state.get("team")!.inputs.pruned).toEqual({ users: { stray: strayUser }, groups: { "stray-group": expect.any(String) } });
    const again = await fx.deployment().up([d], { preview: true });
    expect(again.steps).toEqual([{ op: "update", name: "team", type: d.type, keys: ["pruned"] }]);
    expect((await fx.deployment().up([d])).failures).toEqual([]);
    expect(fx.emu.snapshot().users.some((u) => u.key === late)).toBe(false);
  });

  it("is atomic: a refused commit applies nothing, names every blocking item with its fix, and leaves state unchanged", async () => {
    expect((await fx.deployment().up([access({ alice: { name: "alice", password: "pw-alice-1" } })])).failures).toEqual([]);
    const before = fx.emu.snapshot();
    const stateBefore = JSON.stringify(fx.deployment().state.get("team")!.outputs);
    fx.emu.controls.seedUser("mallory", "seeded-1");
    fx.emu.controls.seedUser("trudy", "seeded-2");
    fx.emu.log.clear();
    const r = await fx.deployment().up([access({ alice: { name: "alice-renamed", password: "pw-alice-1" }, m: { name: "mallory", password: "pw-m-1" }, t: { name: "trudy", password: "pw-t-1" } })]);
    expect(r.failures).toHaveLength(1);
    const msg = r.failures[0].message;
    expect(msg).toMatch(/SPS refused the transaction \(SemanticError\), so nothing was applied and the state is unchanged/);
    expect(msg).toMatch(/users\.m \(SPS user "mallory"\): A local user with this name already exists\. Fix: set adopt: true on users\.m/);
    expect(msg).toMatch(/users\.t \(SPS user "trudy"\).*set adopt: true on users\.t/);
    expect(commitAttempts()).toBe(1); // never split or bisected
    const after = fx.emu.snapshot();
    expect(after.users.map((u) => u.name).sort()).toEqual([...before.users.map((u) => u.name), "mallory", "trudy"].sort());
    expect(after.users.find((u) => u.name === "alice")).toBeDefined(); // the rename was not applied
    expect(after.transaction.open).toBe(false);
    expect(JSON.stringify(fx.deployment().state.get("team")!.outputs)).toBe(stateBefore);
    expect(msg).not.toContain("pw-m-1");
  });

  it("adopts existing users without touching their passwords and refuses to adopt a group whose members would lose access", async () => {
    const bobKey = fx.emu.controls.seedUser("bob", "bob-own-pw");
    const bobPw = fx.emu.snapshot().users.find((u) => u.key === bobKey)!.passwordKey;
    const outsider = fx.emu.controls.seedUser("outsider", "x-pw-1");
    fx.emu.controls.seedGroup("legacy", [bobKey, outsider]);
    const users: U = { bob: { name: "bob", adopt: true } };
    const refused = await fx.deployment().up([access(users, { legacy: { name: "legacy", members: ["bob"], adoptExisting: true } })]);
    expect(refused.failures[0].message).toMatch(/groups\.legacy: adopting SPS group "legacy" would remove "outsider".*removeUnlistedMembers: true/);
    expect(fx.emu.log.entries.filter((e) => e.method === "PUT" && e.path === "/api/transaction")).toHaveLength(0);

    const ok = await fx.deployment().up([access(users, { legacy: { name: "legacy", members: ["bob"], adoptExisting: true, removeUnlistedMembers: true } })]);
    expect(ok.failures).toEqual([]);
    expect(fx.emu.snapshot().users.find((u) => u.key === bobKey)!.passwordKey).toBe(bobPw);
    expect(ok.outputs.team.passwordManaged).toEqual({ bob: false });
    expect(committed(fx.emu, builtins).groups).toEqual({ legacy: ["bob"] });
    // Destroy: adopted users are deleted; the adopted group stays with the members it had before adoption.
    expect((await fx.deployment().destroy()).failures).toEqual([]);
    expect(committed(fx.emu, builtins)).toEqual({ users: { outsider: outsider }, groups: { legacy: [] } });
  });

  it("refuses one SPS object claimed by both SpsLocalAccess and SpsLocalUser in one run, naming both", async () => {
    fx.emu.controls.seedUser("shared", "shared-pw-1");
    const r = await fx.deployment().up([
      access({ s: { name: "shared", password: "pw-from-access", adopt: true } }),
      fx.user("shared-user", "pw-from-user", { name: "shared", adopt: true }),
    ]);
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0].message).toMatch(/SpsLocalAccess users\.s is already managed by resource "shared-user".*resource "team" also manages or adopts it|SPS local user "shared" is already managed by resource "team".*resource "shared-user" also manages or adopts it/);
    expect(r.failures[0].message).toMatch(/One SPS object must have one owner/);
  });

  it("commits in its own transaction alongside per-resource users", async () => {
    const r = await fx.deployment({ parallelism: 8 }).up([
      access({ a: { name: "acc-a", password: "pw-a-1" }, b: { name: "acc-b", password: "pw-b-1" } }),
      fx.user("solo1", "pw-solo-1"), fx.user("solo2", "pw-solo-2"),
    ]);
    expect(r.failures).toEqual([]);
    expect(Object.keys(committed(fx.emu, builtins).users).sort()).toEqual(["acc-a", "acc-b", "solo1", "solo2"]);
    expect(fx.commits()).toBe(2);
  });

  it("rejects bad input naming the field before any request", async () => {
    const r = await fx.deployment().up([access({ a: { name: "admin" }, b: { name: "x" }, c: { name: "x" } }, { g: { name: "g", members: ["nobody"] } })]);
    expect(r.failures[0].message).toMatch(/users\.a\.name: must not be "admin"/);
    expect(r.failures[0].message).toMatch(/users\.c\.name: "x" is also the name of users\.b/);
    expect(r.failures[0].message).toMatch(/groups\.g\.members: lists "nobody"/);
    expect(fx.emu.log.entries).toHaveLength(0);
  });
});
