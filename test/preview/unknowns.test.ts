/**
 * Preview with unknowns, systematically: the engine's unknown sentinel (and a secret-wrapped unknown) is
 * fed into every input path of every resource type (whole value, list element, nested field), on create
 * and on update, and check and diff must answer sensibly: an unknown where a known change updates in
 * place is an update, a replace only where a known change of that property replaces too.
 * Adding a resource type is one entry in TYPES.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { psmSuspendPermissionProvider } from "../../provider/cyberark/resources";
import { secretFields } from "../../provider/dynamic/inputs";
import { spsLocalAccessProvider } from "../../provider/sps/local-access-resource";
import { spsLocalUserGroupProvider, spsLocalUserProvider } from "../../provider/sps/resources";
import { TLS_DIR } from "../emulators/common/server";
import { createPvwaEmulator } from "../emulators/pvwa";
import { createSpsEmulator } from "../emulators/sps";
import type { Props } from "../harness/host";
import { Deployment, type DesiredResource, type StepOp } from "../harness/engine";
import { freshStateFile, repoHostCwd, serializeProvider } from "../harness/serialize";
import { UNKNOWN, isRef, isSecret, ref, secret } from "../harness/values";

interface Target {
  config: Props;
  /** Resources the cases reference (created first, never varied). */
  support: DesiredResource[];
  close(): Promise<void>;
}

interface TypeCase {
  type: string;
  provider: () => pulumi.dynamic.ResourceProvider;
  additionalSecretOutputs: string[];
  target(): Promise<Target>;
  /** Valid inputs of the i-th copy (unique names), secrets wrapped; every path of copy 0 is varied. */
  inputs(i: number, t: Target): Props;
  /** Paths whose unknown previews as a replace (a known change of them replaces). */
  replaceOn: string[];
  /** Paths whose known change is not a diff at all (so an unknown one is none either). */
  inert: string[];
}

const SPS_ADMIN = "adm1n-Secret-9137";
async function spsTarget(): Promise<Target & { url: string }> {
  const emu = await createSpsEmulator({ users: [{ name: "admin", password: SPS_ADMIN }] });
  return {
    url: emu.url,
    config: { "sps:url": emu.url, "sps:allowHttp": "true", "sps:username": "admin", "sps:password": secret(SPS_ADMIN), "sps:batchWindowMs": "20" },
    support: [],
    close: () => emu.close(),
  };
}
const spsConnection = (t: Target) => ({ url: (t as Target & { url: string }).url, username: "admin", password: secret(SPS_ADMIN), allowHttp: true });

const PVWA_ADMIN = "Adm1n-PVWA-Secret-7781";
async function pvwaTarget(): Promise<Target & { url: string }> {
  const emu = await createPvwaEmulator({
    tls: true,
    seed: (c) => {
      c.addUser({ username: "admin", password: PVWA_ADMIN, authorizations: ["AuditUsers", "AddUpdateUsers"] });
      c.addUser({ username: "alice", password: "Al1ce-x-4410" });
      c.addUser({ username: "jsmith", password: "Ld4p-x", domain: "corp.example.com" });
    },
  });
  return { url: emu.url, config: {}, support: [], close: () => emu.close() };
}

let userProvider: unknown;
const TYPES: TypeCase[] = [
  {
    type: "pulumi-nodejs:dynamic/pam:SpsLocalUser",
    provider: () => spsLocalUserProvider,
    additionalSecretOutputs: ["password", "connection"],
    target: spsTarget,
    inputs: (i, t) => ({ name: `user${i}`, password: secret(`pw-user-${i}-x`), adopt: false, connection: spsConnection(t) }),
    replaceOn: ["connection", "connection.url"],
    inert: ["adopt", "connection.username", "connection.password", "connection.allowHttp"],
  },
  {
    type: "pulumi-nodejs:dynamic/pam:SpsLocalUserGroup",
    provider: () => spsLocalUserGroupProvider,
    additionalSecretOutputs: ["connection"],
    target: async () => {
      const t = await spsTarget();
      t.support = [{ name: "member", type: "pulumi-nodejs:dynamic/pam:SpsLocalUser", provider: userProvider, additionalSecretOutputs: ["password", "connection"], inputs: { name: "member", password: secret("pw-member-x") } }];
      return t;
    },
    inputs: (i, t) => ({ name: `group${i}`, members: [ref("member", "key")], memberNames: ["admin"], adoptExisting: false, connection: spsConnection(t) }),
    replaceOn: ["connection", "connection.url"],
    inert: ["adoptExisting", "connection.username", "connection.password", "connection.allowHttp"],
  },
  {
    type: "pulumi-nodejs:dynamic/pam:SpsLocalAccess",
    provider: () => spsLocalAccessProvider,
    additionalSecretOutputs: ["passwords", "connection"],
    target: spsTarget,
    // The wire form the class sends: names in the clear, passwords as one secret map.
    inputs: (i, t) => ({
      users: { u: { name: `access${i}-u`, adopt: false } },
      passwords: secret({ u: `pw-access-${i}-x` }),
      groups: { g: { name: `access${i}-g`, members: ["u"], memberNames: ["admin"], adoptExisting: false, removeUnlistedMembers: false } },
      prune: false,
      connection: spsConnection(t),
    }),
    replaceOn: ["connection", "connection.url"],
    // Take-over flags act only when an object is first taken over; credentials are no change.
    inert: ["users.u.adopt", "groups.g.adoptExisting", "groups.g.removeUnlistedMembers", "connection.username", "connection.password", "connection.allowHttp"],
  },
  {
    type: "pulumi-nodejs:dynamic/pam:PsmSuspendPermission",
    provider: () => psmSuspendPermissionProvider,
    additionalSecretOutputs: ["verify", "connection"],
    target: pvwaTarget,
    inputs: (i, t) => ({
      groupName: `PamSuspenders${i}`,
      right: "suspend",
      members: [{ name: "alice" }, { name: "jsmith", type: "domain", domain: "corp.example.com" }],
      adoptExisting: false,
      acknowledgeManualOptions: { allowPsmNotifications: true, groupListedInSuspendingUsersAndGroups: true },
      connection: { url: (t as Target & { url: string }).url, username: "admin", password: secret(PVWA_ADMIN), caCertificates: path.join(TLS_DIR, "ca.pem") },
    }),
    replaceOn: ["groupName", "connection", "connection.url"],
    inert: [],
  },
];

/** Every path of `v`: object keys and list indexes, down to the leaves (references and secrets are leaves' holders). */
function pathsOf(v: unknown, prefix = ""): string[] {
  const inner = isSecret(v) ? v.value : v;
  if (isRef(inner) || !inner || typeof inner !== "object") return [];
  const entries: [string, unknown][] = Array.isArray(inner) ? inner.map((x, i) => [`${prefix}[${i}]`, x]) : Object.entries(inner).map(([k, x]) => [prefix ? `${prefix}.${k}` : k, x]);
  return entries.flatMap(([p, x]) => [p, ...pathsOf(x, p)]);
}

/** A copy of `v` with the value at `p` replaced by `value` (secret wrappers on the way are kept). */
function setAt(v: unknown, p: string, value: unknown): unknown {
  const [, head, rest] = /^(\[\d+\]|[^.[]+)\.?(.*)$/.exec(p)!;
  const key: string | number = head.startsWith("[") ? Number(head.slice(1, -1)) : head;
  if (isSecret(v)) return secret(setAt(v.value, p, value));
  const copy = (Array.isArray(v) ? [...v] : { ...(v as object) }) as Record<string | number, unknown>;
  copy[key] = rest ? setAt(copy[key], rest, value) : value;
  return copy;
}

describe("preview with unknowns in every input of every resource type", () => {
  beforeAll(async () => {
    userProvider = await serializeProvider(spsLocalUserProvider);
  });

  for (const tc of TYPES) {
    const short = tc.type.split(":").pop()!;
    it(`${short}: check and diff answer for an unknown anywhere, on create and on update`, async () => {
      const t = await tc.target();
      try {
        const provider = await serializeProvider(tc.provider());
        const paths = pathsOf(tc.inputs(0, t));
        const variants = paths.flatMap((p) => [{ p, value: UNKNOWN as unknown }, { p, value: secret(UNKNOWN) as unknown }]);
        const desired = (i: number, inputs: Props): DesiredResource => ({ name: `${short}-${i}`, type: tc.type, provider, additionalSecretOutputs: tc.additionalSecretOutputs, inputs });
        const deployment = () => new Deployment({ stateFile, hostCwd: repoHostCwd(), project: "unknowns", config: t.config });
        const withUnknown = variants.map((v, i) => desired(i, setAt(tc.inputs(i, t), v.p, v.value) as Props));

        // Create: only Check runs in preview; it must accept every unknown.
        const stateFile = freshStateFile("unknowns");
        if (t.support.length) expect((await deployment().up(t.support)).failures).toEqual([]);
        const created = await deployment().up([...t.support, ...withUnknown], { preview: true });
        expect(created.failures).toEqual([]);
        expect(created.steps.filter((s) => s.name.startsWith(short)).map((s) => s.op)).toEqual(withUnknown.map(() => "create"));

        // Update: the same resources exist with known inputs; the preview diffs each unknown against them.
        const up = await deployment().up([...t.support, ...variants.map((_, i) => desired(i, tc.inputs(i, t)))]);
        expect(up.failures).toEqual([]);
        const preview = await deployment().up([...t.support, ...withUnknown], { preview: true });
        expect(preview.failures).toEqual([]);
        const expected = (p: string): StepOp => (tc.replaceOn.includes(p) ? "replace" : tc.inert.includes(p) ? "same" : "update");
        const got = Object.fromEntries(variants.map((v, i) => [`${v.p}${isSecret(v.value) ? " (secret)" : ""}`, preview.steps.find((s) => s.name === `${short}-${i}`)?.op]));
        const want = Object.fromEntries(variants.map((v) => [`${v.p}${isSecret(v.value) ? " (secret)" : ""}`, expected(v.p)]));
        expect(got).toEqual(want);
      } finally {
        await t.close();
      }
    });
  }

  it("marks only a connection's password secret, so a known URL stays known when the password is unknown", async () => {
    const password = pulumi.secret("pw"); // stands for another resource's output
    const conn = secretFields({ url: "https://sps.example.com", username: "admin", password }, ["password"]) as Record<string, unknown>;
    expect(conn.url).toBe("https://sps.example.com");
    expect(pulumi.Output.isInstance(conn.password)).toBe(true);
    expect(await pulumi.isSecret(conn.password as pulumi.Output<string>)).toBe(true);
    // An Output-valued connection cannot be split: it is marked secret as a whole.
    const whole = secretFields(pulumi.output({ url: "u" }), ["password" as never]);
    expect(await pulumi.isSecret(whole as pulumi.Output<unknown>)).toBe(true);
  });
});
