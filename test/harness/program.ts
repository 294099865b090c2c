import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { PSM_SUSPEND_PERMISSION } from "../../provider/cyberark/resource-specs";
import { typeToken } from "../../provider/dynamic/resource-spec";
import { SPS_LOCAL_ACCESS, SPS_LOCAL_USER, SPS_LOCAL_USER_GROUP } from "../../provider/sps/resource-specs";
import type { Deployment, DesiredResource, OperationResult, RegistrationOptions } from "./engine";
import type { Props } from "./host";
import { UNKNOWN, isSecret, secret, unwrapSecrets } from "./values";

const DYNAMIC_PREFIX = "pulumi-nodejs:dynamic/";

/**
 * The declared outputs per dynamic type token, unknown during preview until created (the SDK does not tell
 * mocks which outputs a resource class declares): taken from the resources' specs, which the classes use
 * too. A type missing here still works, only its outputs are absent rather than unknown in preview.
 * Resource options (additionalSecretOutputs, protect, ...) are read from each registration request instead.
 */
export const RESOURCE_TYPES: Record<string, { outputs: string[] }> = Object.fromEntries(
  [SPS_LOCAL_USER, SPS_LOCAL_USER_GROUP, SPS_LOCAL_ACCESS, PSM_SUSPEND_PERMISSION].map((spec) => [typeToken(spec), { outputs: [...spec.outputs] }]),
);

/** What a registration or read request carries besides inputs (the mock API passes none of it to newResource). */
interface RequestOptions {
  parentMockUrn: string;
  dependencies: string[];
  options: Omit<RegistrationOptions, "parent" | "dependsOn" | "aliases" | "propertyDependencies">;
  propertyDependencies: Record<string, string[]>;
  aliases: AliasProto[];
}
interface AliasProto {
  getUrn(): string;
  getSpec(): { getName(): string; getType(): string; getStack(): string; getProject(): string; getParenturn(): string; getNoparent(): boolean } | undefined;
}

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
  const onRejection = (e: unknown) => programErrors.push(String((e as Error)?.message ?? e));
  process.on("unhandledRejection", onRejection);

  // The mock monitor builds URNs from the last segment of the parent's type only; the engine qualifies
  // with the parent's whole type. Mock URNs (parents, dependencies) are translated to engine URNs here.
  const engineUrn = new Map<string, string>();
  const toEngine = (mockUrn: string) => engineUrn.get(mockUrn) ?? mockUrn;
  const requests = new Map<string, RequestOptions>();
  const keyOf = (type: string, name: string) => `${type}::${name}`;

  await pulumi.runtime.setMocks(
    {
      call: () => ({}),
      newResource: async (args) => {
        if (!args.type.startsWith(DYNAMIC_PREFIX)) return { id: `${args.name}-id`, state: args.inputs };
        const { __provider: provider, ...inputs } = args.inputs as Props;
        providers[args.name] = String(unwrapSecrets(provider));
        const req = requests.get(keyOf(args.type, args.name));
        const parent = req?.parentMockUrn ? toEngine(req.parentMockUrn) : undefined;
        const desired: DesiredResource = {
          name: args.name,
          type: args.type,
          provider,
          inputs: engineUnknowns(inputs) as Props,
          parent,
          dependsOn: (req?.dependencies ?? []).map(toEngine),
          propertyDependencies: Object.fromEntries(Object.entries(req?.propertyDependencies ?? {}).map(([k, us]) => [k, us.map(toEngine)])),
          aliases: (req?.aliases ?? []).map((a) => aliasUrn(o.deployment, a, args.type, args.name, parent, toEngine)),
          ...req?.options,
        };
        // `Resource.get` / `new X(name, props, {id})` reaches the mock as a readResource with an id: a Read step.
        const outputs = args.id ? await session.read(desired, args.id) : await session.register(desired);
        const id = o.deployment.stateByUrn.get(o.deployment.urn(args.type, args.name, parent))?.id ?? args.id ?? "";
        const state = toMockState(outputs);
        if (o.preview && !id) for (const k of RESOURCE_TYPES[args.type]?.outputs ?? []) if (state[k] === undefined) state[k] = UNKNOWN;
        return { id: id || undefined, state };
      },
    },
    o.project ?? o.deployment.project,
    o.stack ?? o.deployment.stack,
    !!o.preview,
  );
  // The mock monitor hands newResource neither dependencies nor resource options; the engine needs them
  // (delete order, protect, ignoreChanges, secret outputs, ...), so read them off each request.
  const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource(req: any, cb: unknown): unknown; readResource(req: any, cb: unknown): unknown };
  const remember = (req: any, read: boolean) => {
    const parentMockUrn: string = req.getParent() || "";
    const mockUrn = mockUrnOf(o.deployment, parentMockUrn, req.getType(), req.getName());
    engineUrn.set(mockUrn, o.deployment.urn(req.getType(), req.getName(), parentMockUrn ? toEngine(parentMockUrn) : undefined));
    const propertyDependencies: Record<string, string[]> = {};
    if (!read) req.getPropertydependenciesMap().forEach((v: any, k: string) => (propertyDependencies[k] = (v.getUrnsList() as string[]).filter(isDynamicUrn)));
    requests.set(keyOf(req.getType(), req.getName()), {
      parentMockUrn,
      // Only dynamic resources are deployed; a component dependency is represented by its children already.
      dependencies: [...new Set(req.getDependenciesList() as string[])].filter(isDynamicUrn),
      propertyDependencies,
      aliases: read ? [] : req.getAliasesList(),
      options: read
        ? { additionalSecretOutputs: req.getAdditionalsecretoutputsList() }
        : {
            additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
            protect: req.getProtect() || undefined,
            retainOnDelete: req.getRetainondelete() || undefined,
            ignoreChanges: req.getIgnorechangesList(),
            deleteBeforeReplace: req.getDeletebeforereplacedefined() ? req.getDeletebeforereplace() : undefined,
          },
    });
  };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, cb: unknown) => {
    remember(req, false);
    return register(req, cb);
  };
  const readResource = monitor.readResource.bind(monitor);
  monitor.readResource = (req: any, cb: unknown) => {
    remember(req, true);
    return readResource(req, cb);
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

const isDynamicUrn = (urn: string) => (urn.split("::")[2] ?? "").split("$").pop()!.startsWith(DYNAMIC_PREFIX);

/** The URN the mock monitor gives a resource (it qualifies by the last segment of the parent's type only). */
function mockUrnOf(d: Deployment, parentMockUrn: string, type: string, name: string): string {
  const parentType = parentMockUrn ? parentMockUrn.split("::")[2].split("$").pop() : undefined;
  return `urn:pulumi:${d.stack}::${d.project}::${parentType ? `${parentType}$${type}` : type}::${name}`;
}

/** An alias of the request as an engine URN (a spec's missing parts default to the resource's own). */
function aliasUrn(d: Deployment, a: AliasProto, type: string, name: string, parent: string | undefined, toEngine: (u: string) => string): string {
  const spec = a.getSpec();
  if (!spec) return toEngine(a.getUrn());
  const aliasParent = spec.getNoparent() ? undefined : spec.getParenturn() ? toEngine(spec.getParenturn()) : parent;
  const stack = spec.getStack() || d.stack;
  const project = spec.getProject() || d.project;
  const qualified = d.urn(spec.getType() || type, spec.getName() || name, aliasParent).split("::").slice(2).join("::");
  return `urn:pulumi:${stack}::${project}::${qualified}`;
}

/** Stack config for a Deployment from the language host's variables (`PULUMI_CONFIG`, `PULUMI_CONFIG_SECRET_KEYS`). */
export function configFromEnv(env: NodeJS.ProcessEnv): Props {
  const config = JSON.parse(env.PULUMI_CONFIG || "{}") as Record<string, string>;
  const secretKeys = new Set(JSON.parse(env.PULUMI_CONFIG_SECRET_KEYS || "[]") as string[]);
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, secretKeys.has(k) ? secret(v) : v]));
}
