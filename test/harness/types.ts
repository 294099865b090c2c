/**
 * The engine's vocabulary: what a program declares (`DesiredResource`), what an operation reports
 * (`OperationResult`), the `up` session a program drives, and the bookkeeping the step modules share.
 */
import type { OperationJournal } from "./checkpoint";
import { HostCallError, type ProviderHost, type Props } from "./host";
import type { LiveState } from "./live-state";
import type { RegistrationOptions } from "./options";
import type { StateResource } from "./state";

/** One resource the program declares (what `new X(name, props, opts)` registers), with its resource options. */
export interface DesiredResource extends RegistrationOptions {
  name: string;
  /** Type token, e.g. `pulumi-nodejs:dynamic/pam:SpsLocalUser`. */
  type: string;
  /** The serialized provider (`__provider`), possibly a secret wrapper. */
  provider: unknown;
  /** Inputs; may hold `secret(...)` and `ref(name, key)` values. */
  inputs: Props;
}

export type StepOp = "create" | "update" | "replace" | "delete" | "same" | "refresh" | "gone" | "read" | "discard";
export interface Step {
  op: StepOp;
  name: string;
  type: string;
  /** Changed top-level keys (update, replace, refresh drift). */
  keys?: string[];
}
export interface Failure { name: string; type: string; message: string }
export interface OperationResult {
  kind: "preview" | "up" | "refresh" | "destroy";
  steps: Step[];
  failures: Failure[];
  /** Outputs by resource name after the operation (secrets as wrappers). */
  outputs: Record<string, Props>;
  /** Set when the deployment stopped on an error, as the CLI reports it. */
  ok: boolean;
  /** Warnings the CLI prints: interrupted (pending) operations, see checkpoint.ts. */
  warnings?: string[];
}

export interface DeploymentOptions {
  /** JSON state file (ciphertext secrets); the AES key sits beside it in `<file>.key`. */
  stateFile: string;
  /** Working directory of the provider host: it must resolve `pulumi-pam` (see harness README). */
  hostCwd: string;
  project?: string;
  stack?: string;
  /** Stack config, namespaced keys (`sps:url`); secure values as `secret(...)`. */
  config?: Props;
  /** The engine's `--parallel` (default 4 x CPUs, as `pulumi up`: pkg/cmd/pulumi/operations/up.go). */
  parallelism?: number;
  /** Extra environment for the host process. */
  env?: NodeJS.ProcessEnv;
}

/** An `up` in progress: see `Deployment.begin`. */
export interface UpSession {
  /** The provider host serving this operation (tests interrupt it as the engine does on cancel). */
  readonly host: ProviderHost;
  register(d: DesiredResource): Promise<Props>;
  /** `X.get(name, id)` / `new X(name, props, {id})`: a Read step (also in preview); the resource is kept as external. */
  read(d: DesiredResource, id: string): Promise<Props>;
  finish(): Promise<OperationResult>;
}

/** What every operation's steps share with their `Deployment`. */
export interface EngineCore {
  readonly state: LiveState;
  /** Operations cut by a killed host (pending creates carried until a refresh). */
  readonly journal: OperationJournal;
  /** The engine's `--parallel`. */
  readonly parallelism: number;
}

/** Per-operation bookkeeping of an `up` (see up-session.ts). */
export interface UpContext extends EngineCore {
  host: ProviderHost;
  preview: boolean;
  result: OperationResult;
  /** URNs registered (or read) so far in this operation; their old state entries are not removed at the end. */
  registered: Set<string>;
  /** URNs whose step has started (their dependencies are done); a program cannot register a dependent earlier. */
  stepped: Set<string>;
  /** Old URNs taken over through `aliases`. */
  aliased: Set<string>;
  /** Old copies of resources replaced in this operation (their delete is part of the replace step). */
  replacedCopies: Set<StateResource>;
  /** URNs of resources deleted early by a delete-before-replace of one of their dependencies. */
  dbrDeleted: Set<string>;
  /** Name → URNs registered under that name (references and `dependsOn` by name). */
  byName: Map<string, string[]>;
}

/** The message a failure reports: the host's details for a provider error. */
export const errorMessage = (e: unknown) => (e instanceof HostCallError ? e.details : String((e as Error)?.message ?? e));

/** A fresh result of an operation of the given kind. */
export function emptyResult(kind: OperationResult["kind"], warnings?: string[]): OperationResult {
  return { kind, steps: [], failures: [], outputs: {}, ok: true, ...(warnings ? { warnings } : {}) };
}

/** Fills `result.outputs` from the live state (by resource name) and returns the result. */
export function withOutputs(result: OperationResult, state: LiveState): OperationResult {
  for (const r of state.resources.values()) result.outputs[r.name] = r.outputs;
  return result;
}
