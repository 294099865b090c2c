import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { PSM_SUSPEND_PERMISSION } from "../../provider/cyberark/resource-specs";
import { psmPermissionInputsSchema } from "../../provider/cyberark/psm-permission-schema";
import { PsmSuspendPermission } from "../../provider/cyberark/resources";
import { resourceSpec, typeToken, type ResourceSpec } from "../../provider/dynamic/resource-spec";
import { localAccessInputsSchema } from "../../provider/sps/local-access-provider";
import { SpsLocalAccess } from "../../provider/sps/local-access-resource";
import { localUserGroupInputsSchema } from "../../provider/sps/local-user-group-provider";
import { localUserInputsSchema } from "../../provider/sps/local-user-provider";
import { SPS_LOCAL_ACCESS, SPS_LOCAL_USER, SPS_LOCAL_USER_GROUP } from "../../provider/sps/resource-specs";
import { SpsLocalUser, SpsLocalUserGroup } from "../../provider/sps/resources";
import { RESOURCE_TYPES } from "../harness/program";
import { REPO_ROOT } from "../harness/serialize";

/**
 * The resource specs against what users' state holds and what the classes and implementations do. Type
 * tokens and implementation paths are written into every stack's state (URNs, `__provider`), so they are
 * pinned here literally: changing one strands existing stacks.
 */
const KINDS: Array<{ spec: ResourceSpec; token: string; impl: string; keys: string[]; make: () => pulumi.CustomResource }> = [
  {
    spec: SPS_LOCAL_USER,
    token: "pulumi-nodejs:dynamic/pam:SpsLocalUser",
    impl: "sps/local-user-provider",
    keys: Object.keys(localUserInputsSchema.shape),
    make: () => new SpsLocalUser("u", { name: "alice", password: "pw" }),
  },
  {
    spec: SPS_LOCAL_USER_GROUP,
    token: "pulumi-nodejs:dynamic/pam:SpsLocalUserGroup",
    impl: "sps/local-user-group-provider",
    keys: Object.keys(localUserGroupInputsSchema.shape),
    make: () => new SpsLocalUserGroup("g", { name: "ops" }),
  },
  {
    spec: SPS_LOCAL_ACCESS,
    token: "pulumi-nodejs:dynamic/pam:SpsLocalAccess",
    impl: "sps/local-access-provider",
    keys: Object.keys(localAccessInputsSchema.shape),
    make: () => new SpsLocalAccess("a", { users: { alice: { name: "alice", password: "pw" } } }),
  },
  {
    spec: PSM_SUSPEND_PERMISSION,
    token: "pulumi-nodejs:dynamic/pam:PsmSuspendPermission",
    impl: "cyberark/psm-suspend-permission-provider",
    keys: Object.keys(psmPermissionInputsSchema().shape),
    make: () => new PsmSuspendPermission("p", { groupName: "PSMSuspenders", members: [], acknowledgeManualOptions: {} }),
  },
];

beforeAll(() => {
  pulumi.runtime.setMocks({ newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: () => ({}) }, "specs", "test", true);
});

describe.each(KINDS)("$token", ({ spec, token, impl, keys, make }) => {
  it("keeps the type token and the implementation path stored in users' state", () => {
    expect(typeToken(spec)).toBe(token);
    expect(spec.impl).toBe(impl);
    expect(RESOURCE_TYPES[token]).toEqual({ outputs: [...spec.outputs] });
  });

  it("names an implementation the shim can load, exporting every provider method", () => {
    const file = path.join(REPO_ROOT, "dist", "provider", `${spec.impl}.js`);
    expect(fs.existsSync(file)).toBe(true);
    const mod = require(file);
    for (const m of ["configure", "check", "diff", "create", "read", "update", "delete"]) expect(typeof mod[m]).toBe("function");
  });

  it("lists as secret only inputs the inputs schema knows, and no output that is an input", () => {
    expect(keys).toEqual(expect.arrayContaining([...spec.secretOutputs, ...Object.keys(spec.secretInputs)]));
    // `pruned` is both: check computes it into the inputs so preview shows it, and it is an output.
    expect(spec.outputs.filter((o) => keys.includes(o) && o !== "pruned")).toEqual([]);
  });

  it("gives the class an Output property for every declared output", async () => {
    const r = make() as unknown as Record<string, unknown>;
    for (const o of spec.outputs) expect([o, pulumi.Output.isInstance(r[o])]).toEqual([o, true]);
    // Let the registration (provider serialization) finish before the test ends.
    await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  });
});

it("the harness knows exactly the four resource kinds", () => {
  expect(Object.keys(RESOURCE_TYPES).sort()).toEqual(KINDS.map((k) => k.token).sort());
});

it("a spec's output list must name exactly the outputs interface's keys (checked by the compiler)", () => {
  interface Outs {
    a: string;
    b: number;
  }
  const define = resourceSpec<Outs>();
  const ok = define({ type: "T", impl: "x/y", outputs: ["a", "b"], secretOutputs: [], secretInputs: {} });
  // @ts-expect-error: "b" is missing from the list
  define({ type: "T", impl: "x/y", outputs: ["a"], secretOutputs: [], secretInputs: {} });
  // @ts-expect-error: "c" is not an output
  define({ type: "T", impl: "x/y", outputs: ["a", "b", "c"], secretOutputs: [], secretInputs: {} });
  expect(ok.outputs).toEqual(["a", "b"]);
});
