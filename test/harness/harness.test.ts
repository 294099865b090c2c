import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { z } from "zod";
import { Deployment, type DesiredResource } from "./engine";
import { freshStateFile, repoHostCwd, serializeProvider } from "./serialize";
import { isSecret, ref, secret } from "./values";
import { FILE_THING_TYPE as TYPE, fileProvider } from "./file-provider";



describe("engine-protocol harness", () => {
  let provider: unknown;
  let store: string;
  let stateFile: string;
  const dep = (parallelism = 8) =>
    new Deployment({ stateFile, hostCwd: repoHostCwd(), project: "harness", config: { "harness:label": "L1" }, parallelism });
  const thing = (name: string, inputs: Record<string, unknown>, extra: Partial<DesiredResource> = {}): DesiredResource => ({
    name, type: TYPE, provider, inputs: { name, store, value: 1, ...inputs }, ...extra,
  });
  const db = () => JSON.parse(fs.readFileSync(store, "utf8"));

  beforeAll(async () => {
    provider = await serializeProvider(fileProvider);
  });
  beforeEach(() => {
    store = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "harness-")), "db.json");
    stateFile = freshStateFile("harness");
  });

  it("runs create, update, replace, refresh and destroy through the real host", async () => {
    const d = dep();
    const up1 = await d.up([thing("a", { value: 1 }), thing("b", { value: ref("a", "value") })]);
    expect(up1.failures).toEqual([]);
    expect(up1.steps.map((s) => `${s.op}:${s.name}`).sort()).toEqual(["create:a", "create:b"]);
    expect(up1.outputs.a.label).toBe("L1"); // Configure reached provider.configure()
    expect(Object.keys(db()).sort()).toEqual(["a-1", "b-2"]);

    const up2 = await dep().up([thing("a", { value: 5 }), thing("b", { value: ref("a", "value"), name: "b2" })]);
    expect(up2.steps.find((s) => s.name === "a")).toMatchObject({ op: "update", keys: ["value"] });
    expect(up2.steps.find((s) => s.name === "b")).toMatchObject({ op: "replace", keys: ["name"] });
    expect(db()).toEqual({ "a-1": { value: 5 }, "b2-2": { value: 5 } });

    // Out-of-band deletion and drift are seen by refresh.
    fs.writeFileSync(store, JSON.stringify({ "a-1": { value: 9 } }));
    const ref1 = await dep().refresh();
    expect(ref1.steps.find((s) => s.name === "b")?.op).toBe("gone");
    expect(ref1.steps.find((s) => s.name === "a")).toMatchObject({ op: "refresh", keys: ["value"] });

    const gone = await dep().destroy();
    expect(gone.steps.map((s) => s.op)).toEqual(["delete"]);
    expect(db()).toEqual({});
    expect(dep().state.size).toBe(0);
  });

  it("deletes resources removed from the program, dependents first", async () => {
    await dep().up([thing("a", {}), thing("b", { value: ref("a", "value") }), thing("c", {}, { dependsOn: ["b"] })]);
    const r = await dep().up([]);
    expect(r.steps.map((s) => s.name)).toEqual(["c", "b", "a"]);
  });

  it("reports a failing create with the provider's message and keeps nothing in state", async () => {
    const r = await dep().up([thing("bad", { fail: "quota exceeded" }), thing("after", {}, { dependsOn: ["bad"] })]);
    expect(r.ok).toBe(false);
    expect(r.failures).toEqual([{ name: "bad", type: TYPE, message: "create refused: quota exceeded" }]);
    expect(r.steps).toEqual([]);
    expect(dep().state.size).toBe(0);
  });

  it("turns check failures into a failed step naming the property", async () => {
    const r = await dep().up([thing("neg", { value: -1 })]);
    expect(r.failures[0].message).toBe("value: value must be >= 0; set a positive number");
  });

  it("records a partial create (ErrorResourceInitFailed) and updates it on the next up", async () => {
    const r = await dep().up([thing("p", { partial: true })]);
    expect(r.failures[0].message).toBe("created but tagging failed");
    const s = dep().state.get("p")!;
    expect(s.id).toBe("p-1");
    expect(s.initErrors).toEqual(["tagging failed"]);
    const again = await dep().up([thing("p", { value: 3 })]);
    expect(again.steps).toEqual([{ op: "update", name: "p", type: TYPE, keys: ["partial", "value"] }]);
    expect(dep().state.get("p")!.initErrors).toBeUndefined();
  });

  it("does not create or update during preview", async () => {
    const r = await dep().up([thing("a", {}), thing("b", { value: ref("a", "value") })], { preview: true });
    expect(r.steps.map((s) => s.op)).toEqual(["create", "create"]);
    expect(fs.existsSync(store)).toBe(false);
  });

  it("keeps secret inputs secret in outputs and out of the state file", async () => {
    const r = await dep().up([thing("s", { token: secret("s3cr3t-value-42") })]);
    expect(isSecret(r.outputs.s.token)).toBe(true);
    expect(r.outputs.s.tokenLength).toBe(15);
    expect(fs.readFileSync(stateFile, "utf8")).not.toContain("s3cr3t-value-42");
    // The next run decrypts it again: no spurious diff.
    const again = await dep().up([thing("s", { token: secret("s3cr3t-value-42") })]);
    expect(again.steps.map((s) => s.op)).toEqual(["same"]);
  });

  it("configures before concurrent first calls see the provider", async () => {
    const r = await dep(16).up(Array.from({ length: 10 }, (_, i) => thing(`c${i}`, {})));
    expect(new Set(Object.values(r.outputs).map((o) => o.label))).toEqual(new Set(["L1"]));
  });

  it("fails serialization clearly when a provider captures something unserializable", async () => {
    // A zod schema holds native bound functions: the failure users hit (pulumi/pulumi#5294).
    const schema = z.object({ name: z.string() });
    const bad = { async create(inputs: unknown) { return { id: schema.parse(inputs).name, outs: {} }; } };
    await expect(serializeProvider(bad)).rejects.toThrow(/Error serializing[\s\S]*variable 'schema'[\s\S]*could not be serialized/);
  });
});
