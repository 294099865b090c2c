import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { RESOURCE_TYPES } from "./program";
import { runOperation } from "./program-process";
import { freshStateFile } from "./serialize";

const PROGRAM = path.join(__dirname, "..", "fixtures", "harness-program");
const TYPE = "pulumi-nodejs:dynamic/test:FileThing";

/** Resource options read off a real program's registration requests (program.ts), in a child process as the CLI runs it. */
describe("program runner: resource options from the registration", () => {
  let store: string;
  let stateFile: string;
  const up = (layout: string) => runOperation({ op: "up", stateFile, program: PROGRAM, config: { "fixture:store": store, "fixture:layout": layout } });
  const ops = (s: { steps: { op: string; name: string }[] }) => s.steps.map((x) => `${x.op}:${x.name}`).sort();
  const db = () => Object.keys(JSON.parse(fs.readFileSync(store, "utf8"))).sort();
  const stateDoc = () => JSON.parse(fs.readFileSync(stateFile, "utf8")) as { resources: { name: string; urn: string; inputs: Record<string, unknown>; outputs: Record<string, unknown> }[] };

  beforeEach(() => {
    store = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "program-runner-")), "db.json");
    stateFile = freshStateFile("program-runner");
  });

  it("takes additionalSecretOutputs from the request: the output is ciphertext in the state file, the input stays plain", async () => {
    expect(RESOURCE_TYPES[TYPE]).toBeUndefined(); // no static table knows this type
    const r = await up("root");
    expect(r.summary.failures).toEqual([]);
    expect(r.summary.programErrors).toEqual([]);
    const s = stateDoc().resources.find((x) => x.name === "s")!;
    expect(s.outputs.value).toEqual({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", secure: expect.any(String) });
    expect(s.inputs.value).toBe(42);
    expect(stateDoc().resources.find((x) => x.name === "a")!.outputs.value).toBe(1);
  });

  it("moving a resource under a component with an alias is the same resource (no replace)", async () => {
    expect((await up("root")).summary.ok).toBe(true);
    const before = db();
    const moved = await up("moved-alias");
    expect(moved.summary.failures).toEqual([]);
    expect(ops(moved.summary)).toEqual(["same:a", "same:s"]);
    expect(db()).toEqual(before);
    const a = stateDoc().resources.find((x) => x.name === "a")!;
    expect(a.urn).toBe(`urn:pulumi:dev::project::fixture:index:Group$${TYPE}::a`);

  });

  it("moving under a component without an alias is a create plus a delete", async () => {
    expect((await up("root")).summary.ok).toBe(true);
    const moved = await up("moved");
    expect(moved.summary.failures).toEqual([]);
    expect(ops(moved.summary)).toEqual(["create:a", "delete:a", "same:s"]);
    expect(db().filter((id) => id.startsWith("a-"))).toHaveLength(1); // the old object was deleted
    expect(stateDoc().resources.map((x) => x.urn).sort()).toEqual([`urn:pulumi:dev::project::fixture:index:Group$${TYPE}::a`, `urn:pulumi:dev::project::${TYPE}::s`]);
  });
});
