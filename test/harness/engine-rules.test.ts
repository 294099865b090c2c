import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Deployment, type DesiredResource } from "./engine";
import { FILE_THING_TYPE as TYPE, fileProvider } from "./file-provider";
import { applyIgnoreChanges } from "./options";
import { freshStateFile, repoHostCwd, serializeProvider } from "./serialize";
import { isSecret, ref, secret } from "./values";

/** Engine behaviours beyond the wire protocol: resource options, URNs, pending deletes, stored config. */
describe("harness engine rules", () => {
  let provider: unknown;
  let store: string;
  let stateFile: string;
  const dep = (config: Record<string, unknown> = { "harness:label": "L1" }) =>
    new Deployment({ stateFile, hostCwd: repoHostCwd(), project: "harness", config });
  const thing = (name: string, inputs: Record<string, unknown> = {}, extra: Partial<DesiredResource> = {}): DesiredResource => ({
    name, type: TYPE, provider, inputs: { name, store, value: 1, ...inputs }, ...extra,
  });
  const db = () => JSON.parse(fs.readFileSync(store, "utf8")) as Record<string, { value: number }>;
  const ops = (r: { steps: { op: string; name: string }[] }) => r.steps.map((s) => `${s.op}:${s.name}`).sort();

  beforeAll(async () => {
    provider = await serializeProvider(fileProvider);
  });
  beforeEach(() => {
    store = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "engine-rules-")), "db.json");
    stateFile = freshStateFile("engine-rules");
  });

  it("defaults parallelism to 4 x CPUs, as pulumi up", () => {
    expect(dep().parallelism).toBe(4 * os.availableParallelism());
  });

  it("refuses to delete a protected resource until an up removes the flag", async () => {
    await dep().up([thing("p", {}, { protect: true })]);
    const refused = await dep().up([]);
    expect(refused.ok).toBe(false);
    expect(refused.failures[0].message).toMatch(/cannot be deleted because it is protected/);
    expect(Object.keys(db())).toEqual(["p-1"]);
    await expect(dep().destroy()).resolves.toMatchObject({ ok: false });
    await dep().up([thing("p", {}, { protect: false })]);
    expect(ops(await dep().up([]))).toEqual(["delete:p"]);
    expect(db()).toEqual({});
  });

  it("drops a retainOnDelete resource from state without calling Delete", async () => {
    await dep().up([thing("r", {}, { retainOnDelete: true })]);
    expect(ops(await dep().up([]))).toEqual(["delete:r"]);
    expect(Object.keys(db())).toEqual(["r-1"]);
    expect(dep().state.size).toBe(0);
  });

  it("applies ignoreChanges to the new inputs before Check", async () => {
    await dep().up([thing("i", { value: 1 })]);
    const r = await dep().up([thing("i", { value: 5 }, { ignoreChanges: ["value"] })]);
    expect(ops(r)).toEqual(["same:i"]);
    expect(db()["i-1"].value).toBe(1);
    expect(applyIgnoreChanges({ a: { b: 1 }, l: [1, 2] }, { a: { b: 2, c: 3 }, l: [9, 9] }, ["a.b", "l[1]", "gone"])).toEqual({ a: { b: 1, c: 3 }, l: [9, 2] });
  });

  it("deletes dependents first on delete-before-replace, and only those a change would replace", async () => {
    // b's name comes from a (a change of name replaces b); c only takes a's value (an in-place update).
    await dep().up([thing("a"), thing("b", { name: ref("a", "name") }), thing("c", { value: ref("a", "value") })]);
    const r = await dep().up([thing("a", { name: "a2" }, { deleteBeforeReplace: true }), thing("b", { name: ref("a", "name") }), thing("c", { value: ref("a", "value") })]);
    expect(r.failures).toEqual([]);
    expect(ops(r)).toEqual(["replace:a", "replace:b", "same:c"]);
    expect(Object.keys(db()).sort()).toEqual(["a2-2", "a2-3", "c-3"]);
  });

  it("keeps the old copy of a create-before-delete replacement as pending-delete when the up fails, and deletes it next time", async () => {
    await dep().up([thing("a")]);
    const failed = await dep().up([thing("a", { name: "a2" }, { deleteBeforeReplace: false }), thing("bad", { fail: "quota" }, { dependsOn: ["a"] })]);
    expect(failed.ok).toBe(false);
    expect(Object.keys(db()).sort()).toEqual(["a-1", "a2-2"]);
    expect(dep().pendingDeleteResources.map((r) => r.id)).toEqual(["a-1"]);
    const preview = await dep().up([thing("a", { name: "a2" }, { deleteBeforeReplace: false })], { preview: true });
    expect(ops(preview)).toEqual(["delete:a", "same:a"]);
    await dep().up([thing("a", { name: "a2" }, { deleteBeforeReplace: false })]);
    expect(Object.keys(db())).toEqual(["a2-2"]);
    expect(dep().pendingDeleteResources).toEqual([]);
  });

  it("destroy deletes pending-delete copies too", async () => {
    await dep().up([thing("a")]);
    await dep().up([thing("a", { name: "a2" }, { deleteBeforeReplace: false }), thing("bad", { fail: "quota" }, { dependsOn: ["a"] })]);
    await dep().destroy();
    expect(db()).toEqual({});
  });

  it("stores the inputs Check returned and diffs against them: a computed input shows in the preview and secrets stay secret", async () => {
    const r = await dep().up([thing("c", { countStore: true, token: secret("ch3cked-t0ken") })]);
    expect(r.failures).toEqual([]);
    const stored = dep().state.get("c")!.inputs;
    expect(stored).toMatchObject({ storeSize: 0, checkedOlds: "none" });
    expect(isSecret(stored.token)).toBe(true); // secretness copied from the program's inputs (engine annotateSecrets)
    expect(fs.readFileSync(stateFile, "utf8")).not.toContain("ch3cked-t0ken");
    // The store now holds c itself: Check computes storeSize 1 against the stored 0, so the diff shows it.
    const preview = await dep().up([thing("c", { countStore: true, token: secret("ch3cked-t0ken") })], { preview: true });
    expect(preview.steps).toEqual([{ op: "update", name: "c", type: TYPE, keys: ["checkedOlds", "storeSize"] }]);
    await dep().up([thing("c", { countStore: true, token: secret("ch3cked-t0ken") })]);
    // Check received the stored (checked) inputs as olds, not the program's.
    expect(dep().state.get("c")!.inputs).toMatchObject({ storeSize: 1, checkedOlds: "storeSize=0" });
  });

  it("keys state by URN: moving under a parent without an alias is a create plus a delete; with an alias it is the same resource", async () => {
    const parent = dep().urn("my:component:Group", "grp");
    await dep().up([thing("x")]);
    const moved = await dep().up([thing("x", {}, { parent })]);
    expect(ops(moved)).toEqual(["create:x", "delete:x"]);
    expect([...dep().stateByUrn.keys()]).toEqual([dep().urn(TYPE, "x", parent)]);
    expect(dep().urn(TYPE, "x", parent)).toBe(`urn:pulumi:dev::harness::my:component:Group$${TYPE}::x`);
    const back = await dep().up([thing("x", {}, { aliases: [dep().urn(TYPE, "x", parent)] })]);
    expect(ops(back)).toEqual(["same:x"]);
    expect([...dep().stateByUrn.keys()]).toEqual([dep().urn(TYPE, "x")]);
    // Same name, other type: two resources.
    const other = { ...thing("x"), type: `${TYPE}2` };
    expect(ops(await dep().up([thing("x"), other]))).toEqual(["create:x", "same:x"]);
  });

  it("configures refresh and destroy with the config stored at the last up (secrets encrypted in the state file)", async () => {
    await dep({ "harness:label": "L1", "harness:token": secret("st0red-c0nfig-secret") }).up([thing("a", { reportReadLabel: true })]);
    expect(fs.readFileSync(stateFile, "utf8")).not.toContain("st0red-c0nfig-secret");
    const later = dep({ "harness:label": "L2" });
    expect(later.lastUpConfig).toMatchObject({ "harness:label": "L1" });
    const r = await later.refresh();
    expect(r.outputs.a.readLabel).toBe("L1");
    const up = await later.up([thing("a", { reportReadLabel: true })]);
    expect(up.ok).toBe(true);
    expect((await dep({}).refresh()).outputs.a.readLabel).toBe("L2");
  });

  it("runs Diff on a partially created resource: a replacing change replaces it", async () => {
    await dep().up([thing("p", { partial: true })]);
    const r = await dep().up([thing("p", { name: "p2" }, { deleteBeforeReplace: true })]);
    expect(r.steps).toEqual([{ op: "replace", name: "p", type: TYPE, keys: ["name"] }]);
    expect(Object.keys(db())).toEqual(["p2-1"]);
  });

  it("upgrades a version-1 state file (name keys) on load", async () => {
    await dep().up([thing("a"), thing("b", { value: ref("a", "value") })]);
    const doc = JSON.parse(fs.readFileSync(stateFile, "utf8"));
    doc.version = 1;
    for (const r of doc.resources) r.dependencies = r.dependencies.map((u: string) => u.split("::").pop());
    fs.writeFileSync(stateFile, JSON.stringify(doc));
    expect(dep().state.get("b")!.dependencies).toEqual([dep().urn(TYPE, "a")]);
    expect((await dep().up([])).steps.map((s) => s.name)).toEqual(["b", "a"]);
  });
});
