import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type { Deployment, DesiredResource, OperationResult } from "./engine";
import type { Props } from "./host";
import { UNKNOWN, isSecret, secret, unwrapSecrets } from "./values";

const DYNAMIC_PREFIX = "pulumi-nodejs:dynamic/";

/**
 * What the SDK does not pass to mocks but the engine needs, per dynamic type token: the resource classes'
 * `additionalSecretOutputs` and their declared outputs (unknown during preview until created). Mirrors
 * provider/<vendor>/resources.ts; a type missing here still works (secret inputs stay secret), only its
 * extra secret outputs and preview unknowns are not known.
 */
export const RESOURCE_TYPES: Record<string, { additionalSecretOutputs: string[]; outputs: string[] }> = {
  "pulumi-nodejs:dynamic/pam:SpsLocalUser": {
    additionalSecretOutputs: ["password", "connection"],
    outputs: ["key", "passwordCreated", "passwordKey", "passwordInSync", "adopted", "url"],
  },
  "pulumi-nodejs:dynamic/pam:SpsLocalAccess": {
    additionalSecretOutputs: ["passwords", "connection"],
    outputs: ["userKeys", "groupKeys", "passwordInSync", "passwordManaged", "membersInSync", "groupMemberKeys", "pruned", "url"],
  },
  "pulumi-nodejs:dynamic/pam:SpsLocalUserGroup": {
    additionalSecretOutputs: ["connection"],
    outputs: ["key", "memberKeys", "membersInSync", "adopted", "adoptedMembers", "url"],
  },
  "pulumi-nodejs:dynamic/pam:PsmSuspendPermission": {
    additionalSecretOutputs: ["verify", "connection"],
    outputs: ["groupId", "adopted", "removedAtAdoption", "actualMembers", "membersInSync", "manualOptions", "verification", "url"],
  },
};

/** Options of {@link runProgram}. */
export interface RunProgramOptions {
  /** Directory of a Pulumi TypeScript project (its `index.ts` is required) or the program file itself. */
  program: string;
  deployment: Deployment;
  preview?: boolean;
  /** Passed to `setMocks`; `new pulumi.Config()` reads `<project>:*`. Default: the deployment's project. */
  project?: string;
  stack?: string;
}

/** What a program run produced besides the engine result. */
export interface ProgramRun {
  result: OperationResult;
  /** Errors the program raised (rejected registrations, exceptions thrown while it ran). */
  programErrors: string[];
  /** The serialized `__provider` text of each dynamic resource, by name (secrets unwrapped). */
  providers: Record<string, string>;
}

/**
 * The mock monitor deserializes preview unknowns into the SDK's `Unknown` objects (`{__pulumiUnknown:
 * true}`); the engine sends its sentinel string instead, which is what providers see.
 */
function engineUnknowns(v: unknown): unknown {
  if (v && typeof v === "object" && (v as { __pulumiUnknown?: unknown }).__pulumiUnknown === true) return UNKNOWN;
  if (isSecret(v)) return secret(engineUnknowns(v.value));
  if (Array.isArray(v)) return v.map(engineUnknowns);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, engineUnknowns(x)]));
  return v;
}

/** Wraps `SIG` secret wrappers as the SDK's serializer expects them in mock state (it keeps secretness). */
function toMockState(outputs: Props): Props {
  // values.ts wrappers use the engine's wire format, which the mock monitor's serializer passes through and
  // the SDK deserializes into secret Outputs; so secrets stay secret without being unwrapped here.
  return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, isSecret(v) ? secret(unwrapSecrets(v)) : v]));
}

/**
 * Runs a real Pulumi program under `pulumi.runtime.setMocks`, forwarding each dynamic-resource registration
 * live to `deployment.begin()` (one `up` or preview). A registration resolves with the resource's real
 * outputs once its step is done, so dependent resources see real keys. The program is done registering
 * when the SDK's RPC queue is drained (`runtime.waitForRPCs`: every `registerResource` holds it until the
 * mock answered). Call once per process: Pulumi's runtime state is per module instance (see program-cli.ts).
 */
export async function runProgram(o: RunProgramOptions): Promise<ProgramRun> {
  const session = await o.deployment.begin({ preview: o.preview });
  const programErrors: string[] = [];
  const providers: Record<string, string> = {};
  const deps = new Map<string, string[]>();
  const onRejection = (e: unknown) => programErrors.push(String((e as Error)?.message ?? e));
  process.on("unhandledRejection", onRejection);

  await pulumi.runtime.setMocks(
    {
      call: () => ({}),
      newResource: async (args) => {
        if (!args.type.startsWith(DYNAMIC_PREFIX)) return { id: `${args.name}-id`, state: args.inputs };
        const { __provider: provider, ...inputs } = args.inputs as Props;
        providers[args.name] = String(unwrapSecrets(provider));
        const known = RESOURCE_TYPES[args.type];
        const desired: DesiredResource = {
          name: args.name,
          type: args.type,
          provider,
          inputs: engineUnknowns(inputs) as Props,
          dependsOn: deps.get(args.name) ?? [],
          additionalSecretOutputs: known?.additionalSecretOutputs ?? [],
        };
        const outputs = await session.register(desired);
        const id = o.deployment.state.get(args.name)?.id ?? "";
        const state = toMockState(outputs);
        if (o.preview && !id) for (const k of known?.outputs ?? []) if (state[k] === undefined) state[k] = UNKNOWN;
        return { id: id || undefined, state };
      },
    },
    o.project ?? o.deployment.project,
    o.stack ?? o.deployment.stack,
    !!o.preview,
  );
  // The mock monitor does not hand dependencies to newResource; the engine needs them to order deletes
  // (dependents first), so read them off each RegisterResourceRequest.
  const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource(req: any, cb: unknown): unknown };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, cb: unknown) => {
    const names = (req.getDependenciesList() as string[]).map((urn) => urn.split("::").pop()!);
    deps.set(req.getName(), [...new Set(names)]);
    return register(req, cb);
  };

  try {
    const file = path.extname(o.program) ? o.program : path.join(o.program, "index.ts");
    const exported = require(path.resolve(file));
    // A program may export a promise (async main); the SDK waits for it, so do we.
    if (exported && typeof exported.then === "function") await exported;
    else if (exported?.default && typeof exported.default.then === "function") await exported.default;
  } catch (e) {
    programErrors.push(String((e as Error).message ?? e));
  }
  // `waitForRPCs` is exported by runtime/settings.js but marked @internal (absent from the .d.ts).
  await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  // Let rejections of the last registrations reach the handler before reporting.
  await new Promise((r) => setImmediate(r));
  process.off("unhandledRejection", onRejection);
  const result = await session.finish();
  if (programErrors.length) result.ok = false;
  return { result, programErrors: [...new Set(programErrors)], providers };
}

/** Stack config for a Deployment from the language host's variables (`PULUMI_CONFIG`, `PULUMI_CONFIG_SECRET_KEYS`). */
export function configFromEnv(env: NodeJS.ProcessEnv): Props {
  const config = JSON.parse(env.PULUMI_CONFIG || "{}") as Record<string, string>;
  const secretKeys = new Set(JSON.parse(env.PULUMI_CONFIG_SECRET_KEYS || "[]") as string[]);
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, secretKeys.has(k) ? secret(v) : v]));
}
