import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadAccessFile } from "../../provider/sps/access-file";
import { BUILTIN_GROUPS, createSpsEmulator, type SpsEmulator } from "../emulators/sps";
import { runOperation, type OperationOptions } from "../harness/program-process";
import { freshStateFile, REPO_ROOT } from "../harness/serialize";
import { committed } from "../sps/fixture";

const EXAMPLE = path.join(REPO_ROOT, "examples", "sps-access");
const ADMIN_PASSWORD = "adm1n-Secret-9137";
const PASSWORDS = { alice: "Pw-alice-4821!", bob: "Pw-bob-7302!", carol: "Pw-carol-1177!", dave: "Pw-dave-5590!" };

describe("examples/sps-access access file", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "access-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (text: string) => {
    const f = path.join(dir, "access.yaml");
    fs.writeFileSync(f, text);
    return f;
  };

  it("loads the checked-in file with defaults for omitted lists", () => {
    const a = loadAccessFile(path.join(EXAMPLE, "access.yaml"));
    expect(a.users.map((u) => u.id)).toEqual(["alice", "bob", "carol"]);
    expect(a.groups.find((g) => g.id === "ops")).toEqual({ id: "ops", name: "platform-ops", members: ["alice", "bob"], memberNames: [], adoptExisting: false, removeUnlistedMembers: false });
  });

  it("accepts JSON as well as YAML", () => {
    const f = path.join(dir, "access.json");
    fs.writeFileSync(f, JSON.stringify({ users: [{ id: "x", name: "x.y" }] }));
    expect(loadAccessFile(f)).toEqual({ users: [{ id: "x", name: "x.y", adopt: false }], groups: [] });
  });

  it("names every offending path: unknown member, duplicate id and username, stray key", () => {
    const f = write(
      "users:\n  - {id: a, name: ann}\n  - {id: a, name: ann}\ngroups:\n  - {id: g, name: G, members: [a, zed], owner: me}\n",
    );
    let message = "";
    try {
      loadAccessFile(f);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain(`invalid access file ${f}`);
    expect(message).toContain('users: user id "a" appears twice');
    expect(message).toContain('users: username "ann" appears twice');
    expect(message).toMatch(/groups\.0: Unrecognized key: "owner"/);
    expect(loadAccessFile.bind(null, write("users:\n  - {id: a, name: ann}\ngroups:\n  - {id: g, name: G, members: [zed]}\n"))).toThrow(
      'groups.0.members.0: "zed" is not a user id in this file',
    );
  });

  it("rejects ids that would make unstable resource names and unparsable YAML", () => {
    expect(() => loadAccessFile(write("users:\n  - {id: Alice Smith, name: a}\n"))).toThrow(/users\.0\.id: must be lower-case/);
    expect(() => loadAccessFile(write("users: [\n"))).toThrow(/cannot read access file/);
  });
});

describe("examples/sps-access through the program runner", () => {
  let emu: SpsEmulator;
  let dir: string;
  beforeAll(async () => {
    emu = await createSpsEmulator({ users: [{ name: "admin", password: ADMIN_PASSWORD }] });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "sps-access-"));
  });
  afterAll(async () => {
    await emu.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The GitOps edit: rename alice, move carol into ops, drop bob, add dave to auditors. */
  const EDITED =
    "users:\n  - {id: alice, name: alice.jones, password: managed}\n  - {id: carol, name: carol.white, password: managed}\n  - {id: dave, name: dave.brown, password: managed}\n" +
    "groups:\n  - {id: ops, name: platform-ops, members: [alice, carol]}\n  - {id: auditors, name: platform-auditors, members: [dave]}\n";
  const commits = (from: number) => emu.log.entries.filter((e) => e.seq > from && e.method === "PUT" && e.path === "/api/transaction" && e.status === 200).length;
  const lastSeq = () => emu.log.entries.at(-1)?.seq ?? 0;

  function runner(mode: "access" | "per-resource", label: string) {
    const accessFile = path.join(dir, `${label}.yaml`);
    fs.copyFileSync(path.join(EXAMPLE, "access.yaml"), accessFile);
    const stateFile = freshStateFile(`sps-access-${label}`);
    const all: string[] = [];
    const run = async (op: OperationOptions["op"]) => {
      const r = await runOperation({
        op, stateFile, program: EXAMPLE, project: "sps-access",
        config: {
          "sps:url": emu.url, "sps:allowHttp": "true", "sps:username": "admin", "sps:password": ADMIN_PASSWORD, "sps:batchWindowMs": "20",
          "sps-access:accessFile": accessFile, "sps-access:passwords": JSON.stringify(PASSWORDS),
          ...(mode === "per-resource" ? { "sps-access:mode": "per-resource" } : {}),
        },
        secretKeys: ["sps:password", "sps-access:passwords"],
      });
      all.push(r.text, r.stderr, JSON.stringify(r.summary));
      return r;
    };
    const leaked = () => {
      const printed = all.join("\n") + fs.readFileSync(stateFile, "utf8");
      return [ADMIN_PASSWORD, ...Object.values(PASSWORDS)].filter((p) => printed.includes(p));
    };
    return { accessFile, run, leaked };
  }

  it("default (SpsLocalAccess): previews, creates, applies an edited access file, refreshes and destroys, one commit per operation", async () => {
    const { accessFile, run, leaked } = runner("access", "one");
    let from = lastSeq();
    const preview = await run("preview");
    expect(preview.summary).toMatchObject({ ok: true, counts: { create: 1 } });
    expect(committed(emu, [...BUILTIN_GROUPS])).toEqual({ users: {}, groups: {} });
    expect(commits(from)).toBe(0);

    from = lastSeq();
    const up1 = await run("up");
    expect(up1.summary).toMatchObject({ ok: true, counts: { create: 1 }, programErrors: [] });
    expect(up1.text).toMatch(/\+\s+pulumi-nodejs:dynamic\/pam:SpsLocalAccess\s+access\s+created/);
    expect(commits(from)).toBe(1);
    expect(committed(emu, [...BUILTIN_GROUPS]).groups).toEqual({ "platform-ops": ["alice.smith", "bob.jones"], "platform-auditors": ["carol.white"] });
    // Loaded from the repo link, the resource serializes to the shim requiring the installed path.
    expect(up1.summary.providers.access).toContain('"pulumi-pam/dist/provider/sps/local-access-provider.js"');
    const aliceKey = committed(emu, [...BUILTIN_GROUPS]).users["alice.smith"];

    fs.writeFileSync(accessFile, EDITED);
    from = lastSeq();
    const plan = await run("preview");
    expect(plan.summary.steps).toEqual([expect.objectContaining({ op: "update", name: "access", keys: expect.arrayContaining(["users", "groups"]) })]);
    expect(commits(from)).toBe(0);
    from = lastSeq();
    const up2 = await run("up");
    expect(up2.summary).toMatchObject({ ok: true, counts: { update: 1 } });
    expect(commits(from)).toBe(1);
    const after = committed(emu, [...BUILTIN_GROUPS]);
    expect(after.users["alice.jones"]).toBe(aliceKey); // renamed in place
    expect(Object.keys(after.users).sort()).toEqual(["alice.jones", "carol.white", "dave.brown"]);
    expect(after.groups).toEqual({ "platform-ops": ["alice.jones", "carol.white"], "platform-auditors": ["dave.brown"] });

    from = lastSeq();
    const refresh = await run("refresh");
    expect(refresh.summary.ok).toBe(true);
    expect(refresh.summary.steps.filter((s) => s.op !== "same")).toEqual([]);
    expect(emu.log.entries.filter((e) => e.seq > from && e.path === "/api/transaction")).toEqual([]); // refresh takes no lock

    from = lastSeq();
    const destroy = await run("destroy");
    expect(destroy.summary).toMatchObject({ ok: true, counts: { delete: 1 } });
    expect(commits(from)).toBe(1);
    expect(committed(emu, [...BUILTIN_GROUPS])).toEqual({ users: {}, groups: {} });
    expect(leaked()).toEqual([]);
  });

  it("sps-access:mode per-resource: one SpsLocalUser / SpsLocalUserGroup per entry, groups ordered after users", async () => {
    const { accessFile, run, leaked } = runner("per-resource", "per");
    const preview = await run("preview");
    expect(preview.summary).toMatchObject({ ok: true, counts: { create: 5 } });
    expect(committed(emu, [...BUILTIN_GROUPS])).toEqual({ users: {}, groups: {} });

    const up1 = await run("up");
    expect(up1.summary).toMatchObject({ ok: true, counts: { create: 5 }, programErrors: [] });
    expect(up1.text).toMatch(/\+\s+pulumi-nodejs:dynamic\/pam:SpsLocalUserGroup\s+group-ops\s+created/);
    expect(committed(emu, [...BUILTIN_GROUPS]).groups).toEqual({ "platform-ops": ["alice.smith", "bob.jones"], "platform-auditors": ["carol.white"] });
    expect(up1.summary.providers.alice).toContain('"pulumi-pam/dist/provider/sps/local-user-provider.js"');
    const aliceKey = committed(emu, [...BUILTIN_GROUPS]).users["alice.smith"];

    fs.writeFileSync(accessFile, EDITED);
    const up2 = await run("up");
    expect(up2.summary.ok).toBe(true);
    const byName = Object.fromEntries(up2.summary.steps.map((s) => [s.name, s]));
    expect(byName.alice).toMatchObject({ op: "update", keys: ["name"] });
    expect(byName.bob.op).toBe("delete");
    expect(byName.dave.op).toBe("create");
    expect(byName["group-ops"]).toMatchObject({ op: "update", keys: ["members"] });
    expect(byName.carol.op).toBe("same");
    const after = committed(emu, [...BUILTIN_GROUPS]);
    expect(after.users["alice.jones"]).toBe(aliceKey);
    expect(after.groups).toEqual({ "platform-ops": ["alice.jones", "carol.white"], "platform-auditors": ["dave.brown"] });

    const refresh = await run("refresh");
    expect(refresh.summary.ok).toBe(true);
    expect(refresh.summary.counts.gone).toBeUndefined();
    // A first refresh only learns SPS's password_created baseline: that is not drift.
    expect(refresh.summary.steps.filter((s) => s.op !== "same")).toEqual([]);

    const destroy = await run("destroy");
    expect(destroy.summary).toMatchObject({ ok: true, counts: { delete: 5 } });
    const deletes = destroy.summary.steps.map((s) => s.name);
    expect(deletes.indexOf("group-ops")).toBeLessThan(deletes.indexOf("alice"));
    expect(committed(emu, [...BUILTIN_GROUPS])).toEqual({ users: {}, groups: {} });
    expect(leaked()).toEqual([]);
  });

  it("refuses an unknown sps-access:mode before registering anything", async () => {
    const r = await runOperation({
      op: "preview", stateFile: freshStateFile("sps-access-mode"), program: EXAMPLE, project: "sps-access",
      config: { "sps:url": emu.url, "sps:allowHttp": "true", "sps:username": "admin", "sps:password": ADMIN_PASSWORD, "sps-access:mode": "per-user" },
      secretKeys: ["sps:password"],
    });
    expect(r.summary.ok).toBe(false);
    expect(r.summary.programErrors.join("\n")).toContain('sps-access:mode is "per-user"');
    expect(r.summary.steps).toEqual([]);
  });

  it("fails the up with the access file's error and creates nothing", async () => {
    const accessFile = path.join(dir, "bad.yaml");
    fs.writeFileSync(accessFile, "users:\n  - {id: a, name: ann}\ngroups:\n  - {id: g, name: G, members: [nobody]}\n");
    const r = await runOperation({
      op: "up", stateFile: freshStateFile("sps-access-bad"), program: EXAMPLE, project: "sps-access",
      config: { "sps:url": emu.url, "sps:allowHttp": "true", "sps:username": "admin", "sps:password": ADMIN_PASSWORD, "sps-access:accessFile": accessFile, "sps-access:passwords": "{}" },
      secretKeys: ["sps:password"],
    });
    expect(r.exitCode).toBe(1);
    expect(r.summary.ok).toBe(false);
    expect(r.summary.programErrors.join("\n")).toContain('groups.0.members.0: "nobody" is not a user id in this file');
    expect(r.summary.steps).toEqual([]);
  });
});
