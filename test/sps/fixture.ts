import { spsLocalUserGroupProvider, spsLocalUserProvider } from "../../provider/sps/resources";
import { createSpsEmulator, type SpsEmulator, type SpsEmulatorOptions } from "../emulators/sps";
import { loggedIn } from "../emulators/sps/test-client";
import { Deployment, type DesiredResource } from "../harness/engine";
import { freshStateFile, repoHostCwd, serializeProvider } from "../harness/serialize";
import { ref, secret } from "../harness/values";

export const USER_TYPE = "pulumi-nodejs:dynamic/pam:SpsLocalUser";
export const GROUP_TYPE = "pulumi-nodejs:dynamic/pam:SpsLocalUserGroup";
export const ADMIN_PASSWORD = "adm1n-Secret-9137";

/** An SPS emulator plus harness deployments pointed at it through stack config. */
export interface SpsFixture {
  emu: SpsEmulator;
  userProvider: unknown;
  groupProvider: unknown;
  stateFile: string;
  deployment(o?: { parallelism?: number; config?: Record<string, unknown> }): Deployment;
  user(name: string, password: string, extra?: Record<string, unknown>, opts?: Partial<DesiredResource>): DesiredResource;
  group(name: string, memberResources: string[], extra?: Record<string, unknown>, opts?: Partial<DesiredResource>): DesiredResource;
  /** PUT /api/transaction entries that succeeded (commits). */
  commits(): number;
  close(): Promise<void>;
}

/** Serialized once per test process: the text is the same every time, and serializing is not free. */
let serialized: Promise<[unknown, unknown]> | undefined;

export async function spsFixture(opts: SpsEmulatorOptions = {}): Promise<SpsFixture> {
  const emu = await createSpsEmulator({ users: [{ name: "admin", password: ADMIN_PASSWORD }], ...opts });
  serialized ??= Promise.all([serializeProvider(spsLocalUserProvider), serializeProvider(spsLocalUserGroupProvider)]);
  const [userProvider, groupProvider] = await serialized;
  const stateFile = freshStateFile("sps");
  return {
    emu,
    userProvider,
    groupProvider,
    stateFile,
    deployment: (o = {}) =>
      new Deployment({
        stateFile,
        hostCwd: repoHostCwd(),
        project: "sps-test",
        parallelism: o.parallelism ?? 8,
        config: {
          "sps:url": emu.url,
          // The emulator serves plain http unless started with tls: opt in explicitly (https is unaffected).
          "sps:allowHttp": "true",
          "sps:username": "admin",
          "sps:password": secret(ADMIN_PASSWORD),
          "sps:batchWindowMs": "30",
          "sps:lockRetryInitialMs": "50",
          "sps:lockRetryMaxMs": "200",
          ...o.config,
        },
      }),
    user: (name, password, extra = {}, o = {}) => ({
      name, type: USER_TYPE, provider: userProvider, additionalSecretOutputs: ["password", "connection"],
      inputs: { name, password: secret(password), __resourceName: name, ...extra }, ...o,
    }),
    group: (name, members, extra = {}, o = {}) => ({
      name, type: GROUP_TYPE, provider: groupProvider, additionalSecretOutputs: ["connection"],
      inputs: { name, members: members.map((m) => ref(m, "key")), __resourceName: name, ...extra }, ...o,
    }),
    commits: () => emu.log.entries.filter((e) => e.method === "PUT" && e.path === "/api/transaction" && e.status === 200).length,
    close: () => emu.close(),
  };
}

/** Committed users (minus admin) and groups (minus built-ins) as name → data, for assertions. */
export function committed(emu: SpsEmulator, builtinGroups: string[] = []): { users: Record<string, string>; groups: Record<string, string[]> } {
  const snap = emu.snapshot();
  const nameOf = new Map(snap.users.map((u) => [u.key, u.name]));
  return {
    users: Object.fromEntries(snap.users.filter((u) => u.name !== "admin").map((u) => [u.name, u.key])),
    groups: Object.fromEntries(
      snap.groups.filter((g) => !builtinGroups.includes(g.name)).map((g) => [g.name, g.members.map((k) => nameOf.get(k) ?? `?${k}`).sort()]),
    ),
  };
}

/** Another administrator editing SPS directly (its own REST session and transaction); answers are the raw text. */
export async function outOfBandAdmin(fx: SpsFixture) {
  const c = await loggedIn(fx.emu.url, "admin", ADMIN_PASSWORD);
  return {
    post: async (p: string, b: unknown) => (await c.ok("POST", p, b)).text,
    put: async (p: string, b: unknown) => (await c.ok("PUT", p, b)).text,
    del: async (p: string) => (await c.ok("DELETE", p)).text,
    tx: (fn: () => Promise<void>) => c.inTransaction(fn),
  };
}
