import * as fs from "fs";
import { BUILTIN_GROUPS } from "../emulators/sps";
import type { DesiredResource } from "../harness/engine";
import { randomUnknownPassword } from "../../provider/sps/adoption";
import { committed, outOfBandAdmin, spsFixture, type SpsFixture } from "./fixture";

const builtins = [...BUILTIN_GROUPS];
const PASSWORDS = "/api/configuration/passwords";
const GROUPS = "/api/configuration/aaa/local_database/groups";

describe("SPS adoption and unmanaged passwords (through the harness)", () => {
  let fx: SpsFixture;
  beforeEach(async () => (fx = await spsFixture()));
  afterEach(() => fx.close());
  /** A user resource without a password input. */
  const bare = (name: string, extra: Record<string, unknown> = {}, o: Partial<DesiredResource> = {}): DesiredResource => {
    const u = fx.user(name, "unused", extra, o);
    const { password: _p, ...inputs } = u.inputs as Record<string, unknown>;
    return { ...u, inputs };
  };
  const writes = (method: string, path: string) => fx.emu.log.entries.filter((e) => e.method === method && e.path.startsWith(path)).length;

  it("adopts a user without a password: nothing is written, no password drift, and setting password later manages it", async () => {
    const key = fx.emu.controls.seedUser("radius.ann", "her-own-pw-1");
    const pwBefore = fx.emu.snapshot().users.find((u) => u.key === key)!.passwordKey;
    const r = await fx.deployment().up([bare("radius.ann", { adopt: true })]);
    expect(r.failures).toEqual([]);
    expect(r.outputs["radius.ann"]).toMatchObject({ key, adopted: true, passwordManaged: false, passwordKey: null });
    expect(writes("POST", PASSWORDS)).toBe(0);
    expect(fx.emu.log.entries.filter((e) => e.method === "PUT" && e.path.includes("/users/"))).toEqual([]);
    expect(fx.emu.snapshot().users.find((u) => u.key === key)!.passwordKey).toBe(pwBefore);

    // The user changes her password on SPS: not ours, so not drift.
    const admin = await outOfBandAdmin(fx);
    await admin.tx(async () => {
      const pw = JSON.parse(await admin.post(PASSWORDS, { plain: "changed-by-ann-2" })).key;
      await admin.put(`/api/configuration/aaa/local_database/users/${key}`, { name: "radius.ann", password: pw });
    });
    const refresh = await fx.deployment().refresh();
    expect(refresh.failures).toEqual([]);
    expect(refresh.steps.filter((s) => s.op !== "same")).toEqual([]);
    expect((await fx.deployment().up([bare("radius.ann", { adopt: true })])).steps.map((s) => s.op)).toEqual(["same"]);

    // From now on the program manages it.
    const managed = await fx.deployment().up([fx.user("radius.ann", "now-managed-pw-3", { adopt: true })]);
    expect(managed.steps.map((s) => s.op)).toEqual(["update"]);
    expect(managed.outputs["radius.ann"]).toMatchObject({ passwordManaged: true, passwordInSync: true });
    expect(writes("POST", PASSWORDS)).toBe(2); // the out-of-band one and ours
  });

  it("gives a new user without a password a random one nobody knows, never in state or output", async () => {
    const r = await fx.deployment().up([bare("svc.radius")]);
    expect(r.failures).toEqual([]);
    expect(r.outputs["svc.radius"]).toMatchObject({ adopted: false, passwordManaged: false, passwordKey: null });
    expect(JSON.stringify(r.outputs["svc.radius"].password ?? null)).toMatch(/"value":null|^null$/); // nothing to hide: never set
    expect(writes("POST", PASSWORDS)).toBe(1); // SPS got a password object: the user is not left without one
    expect(fx.emu.snapshot().users.find((u) => u.name === "svc.radius")!.passwordKey).toEqual(expect.any(String));
    expect(JSON.parse(fs.readFileSync(fx.stateFile, "utf8"))).toBeTruthy();
  });

  it("names the input to set when a create collides with an existing user or group, before any commit", async () => {
    const userKey = fx.emu.controls.seedUser("mallory", "seeded-pw-1");
    fx.emu.controls.seedGroup("ops", []);
    const r = await fx.deployment().up([bare("mallory"), fx.group("ops", [])]);
    const byName = Object.fromEntries(r.failures.map((f) => [f.name, f.message]));
    expect(byName.mallory).toContain(`a local user named "mallory" already exists on SPS (key ${userKey}). To manage it, set adopt: true; its password is left alone when password is omitted`);
    expect(byName.ops).toMatch(/a local usergroup named "ops" already exists on SPS .*set adoptExisting: true/);
    expect(fx.commits()).toBe(0);
  });

  it("refuses to adopt a group whose members are not all declared, naming each, and changes nothing", async () => {
    const keep = fx.emu.controls.seedUser("keep.me", "pw-keep-1");
    const other = fx.emu.controls.seedUser("other.op", "pw-other-1");
    const gk = fx.emu.controls.seedGroup("search", [keep, other]);
    const r = await fx.deployment().up([fx.group("search", [], { memberNames: ["keep.me"], adoptExisting: true })]);
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0].message).toContain('adopting SPS local usergroup "search" would remove a member the program does not declare: "other.op"');
    expect(r.failures[0].message).toContain("removeUnlistedMembers: true");
    expect(fx.emu.snapshot().groups.find((g) => g.key === gk)!.members).toEqual([keep, other]);
    expect(fx.commits()).toBe(0);
  });

  it("removeUnlistedMembers removes on purpose; release keeps the group and pre-adoption members, removes only what Pulumi added, grants nothing back", async () => {
    const keep = fx.emu.controls.seedUser("keep.me", "pw-keep-1");
    const dropped = fx.emu.controls.seedUser("dropped.op", "pw-drop-1");
    const added = fx.emu.controls.seedUser("added.op", "pw-add-1");
    const gk = fx.emu.controls.seedGroup("search", [keep, dropped]);
    const desired = [fx.group("search", [], { memberNames: ["keep.me", "added.op"], adoptExisting: true, removeUnlistedMembers: true })];
    const r = await fx.deployment().up(desired);
    expect(r.failures).toEqual([]);
    expect(r.outputs.search).toMatchObject({ key: gk, adopted: true, adoptedMembers: [keep, dropped] });
    expect([...fx.emu.snapshot().groups.find((g) => g.key === gk)!.members].sort()).toEqual([keep, added].sort());

    const d = await fx.deployment().destroy();
    expect(d.failures).toEqual([]);
    // keep.me was there before and still is: stays. added.op was added by Pulumi: removed. dropped.op: not granted back.
    expect(fx.emu.snapshot().groups.find((g) => g.key === gk)!.members).toEqual([keep]);
  });

  it("adopting a group already as declared writes nothing", async () => {
    const a = fx.emu.controls.seedUser("a.user", "pw-a-1");
    const gk = fx.emu.controls.seedGroup("search", [a]);
    const r = await fx.deployment().up([fx.group("search", [], { memberNames: ["a.user"], adoptExisting: true })]);
    expect(r.failures).toEqual([]);
    expect(fx.emu.log.entries.filter((e) => e.method === "PUT" && e.path.startsWith(GROUPS))).toEqual([]);
    await fx.deployment().destroy();
    expect(fx.emu.snapshot().groups.find((g) => g.key === gk)!.members).toEqual([a]); // there before: stays
  });

  it("deleting an adopted user deletes it on SPS and takes it out of every group in the same commit", async () => {
    const key = fx.emu.controls.seedUser("leaver", "pw-leaver-1");
    const stay = fx.emu.controls.seedUser("stayer", "pw-stay-1");
    const g1 = fx.emu.controls.seedGroup("legacy-team", [key, stay]);
    const g2 = fx.emu.controls.seedGroup("search", [key]);
    expect((await fx.deployment().up([bare("leaver", { adopt: true })])).failures).toEqual([]);
    const before = fx.commits();
    const d = await fx.deployment().up([]);
    expect(d.failures).toEqual([]);
    expect(fx.commits() - before).toBe(1);
    const snap = fx.emu.snapshot();
    expect(snap.users.some((u) => u.key === key)).toBe(false);
    expect(snap.groups.find((g) => g.key === g1)!.members).toEqual([stay]);
    expect(snap.groups.find((g) => g.key === g2)!.members).toEqual([]);
    expect(committed(fx.emu, builtins).users).toEqual({ stayer: stay });
  });
});

describe("randomUnknownPassword", () => {
  it("is 192 random bits plus one character of each class, different every time", () => {
    const seen = new Set(Array.from({ length: 200 }, randomUnknownPassword));
    expect(seen.size).toBe(200);
    for (const p of seen) expect(p).toMatch(/^[A-Za-z0-9_-]{32}Aa1!$/);
  });
});
