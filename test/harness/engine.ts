/**
 * A stand-in for the Pulumi engine's deployment logic: `Deployment` ties the live state, the provider
 * host of each operation and the step modules (up-session.ts, up-step.ts, deletes.ts, refresh.ts) together.
 * The rules it follows, and those it does not, are listed in README.md here.
 */
import * as os from "os";
import { OperationJournal } from "./checkpoint";
import { deleteAll } from "./deletes";
import { formatResult } from "./format";
import { PROVIDER_KEY } from "./graph";
import { startHost, type ProviderHost, type Props } from "./host";
import { LiveState } from "./live-state";
import { refreshAll } from "./refresh";
import type { StateResource } from "./state";
import { emptyResult, withOutputs, type DeploymentOptions, type DesiredResource, type EngineCore, type OperationResult, type UpSession } from "./types";
import { openUpSession } from "./up-session";
import { unwrapSecrets } from "./values";

export { changedKeys } from "./graph";
export type { StateResource } from "./state";
export type { RegistrationOptions } from "./options";
export type { DeploymentOptions, DesiredResource, Failure, OperationResult, Step, StepOp, UpSession } from "./types";

/** Drives the real dynamic-provider host over gRPC as `pulumi up`/`preview`/`refresh`/`destroy` do. */
export class Deployment {
  readonly project: string;
  readonly stack: string;
  readonly parallelism: number;
  private readonly live: LiveState;
  /** The host of the last operation (for stderr/stdout assertions). */
  lastHost?: ProviderHost;
  /** Operations cut by a killed host (pending creates carried until a refresh). */
  readonly journal: OperationJournal;

  constructor(private readonly opts: DeploymentOptions) {
    this.project = opts.project ?? "project";
    this.stack = opts.stack ?? "dev";
    this.parallelism = opts.parallelism ?? 4 * os.availableParallelism();
    this.journal = new OperationJournal(opts.stateFile);
    this.live = new LiveState(opts.stateFile, this.project, this.stack);
  }

  private get core(): EngineCore {
    return { state: this.live, journal: this.journal, parallelism: this.parallelism };
  }

  /** Live resources in state by name (the last one wins when two share a name; see {@link stateByUrn}). */
  get state(): ReadonlyMap<string, StateResource> {
    return new Map([...this.live.resources.values()].map((r) => [r.name, r]));
  }

  /** Live resources in state by URN. */
  get stateByUrn(): ReadonlyMap<string, StateResource> {
    return this.live.resources;
  }

  /** Old copies of replaced resources whose delete is still due (deleted by the next up or destroy). */
  get pendingDeleteResources(): readonly StateResource[] {
    return this.live.pendingDeletes;
  }

  /** The stack config stored at the last up, if any. */
  get lastUpConfig(): Props | undefined {
    return this.live.config;
  }

  urn(type: string, name: string, parent?: string): string {
    return this.live.urn(type, name, parent);
  }

  /** The stack config the next `up` uses. */
  get config(): Props | undefined {
    return this.opts.config;
  }

  /** Sets the stack config the next `up` uses (as `pulumi config set` does). */
  setConfig(config: Props): void {
    this.opts.config = config;
  }

  /** Starts this operation's provider host and configures it (always first, with the whole stack config). */
  private async startConfiguredHost(config: Props | undefined): Promise<ProviderHost> {
    const host = await startHost({ cwd: this.opts.hostCwd, project: this.project, env: this.opts.env });
    this.lastHost = host;
    try {
      await host.configure(config ?? {});
    } catch (e) {
      await host.stop();
      throw e;
    }
    return host;
  }

  private async withHost<T>(config: Props | undefined, fn: (h: ProviderHost) => Promise<T>): Promise<T> {
    const host = await this.startConfiguredHost(config);
    try {
      return await fn(host);
    } finally {
      await host.stop();
    }
  }

  /** `pulumi up` (or `pulumi preview` with `{preview: true}`) of the desired resources. */
  async up(desired: DesiredResource[], o: { preview?: boolean } = {}): Promise<OperationResult> {
    const urns = desired.map((d) => this.urn(d.type, d.name, d.parent));
    if (new Set(urns).size !== urns.length) throw new Error("duplicate resource URNs in the desired set");
    const session = await this.begin(o);
    await Promise.all(desired.map((d) => session.register(d).catch(() => undefined)));
    return session.finish();
  }

  /**
   * Starts an `up` whose resources arrive one by one, as a running program registers them (see
   * program.ts). `register` resolves with the resource's outputs (secrets as wrappers) once its step is
   * done, or rejects when it failed or was skipped; `finish` deletes what was not registered and stops
   * the host.
   */
  async begin(o: { preview?: boolean } = {}): Promise<UpSession> {
    const preview = !!o.preview;
    const result = emptyResult(preview ? "preview" : "up", this.journal.startWarnings());
    const host = await this.startConfiguredHost(this.opts.config);
    return openUpSession(this.core, host, { preview, result, config: () => this.opts.config });
  }

  /** The config refresh and destroy configure the provider with: the one stored at the last up (they do not run the program). */
  private configForStateOperations(): Props | undefined {
    return this.live.config ?? this.opts.config;
  }

  /** `pulumi refresh`: Read every resource; an empty id drops it from state; drift is reported by key. */
  async refresh(): Promise<OperationResult> {
    const result = emptyResult("refresh");
    await this.withHost(this.configForStateOperations(), (host) => refreshAll(this.core, host, result));
    this.journal.clearPendingCreates(); // an interactive refresh clears pending creates
    this.live.save();
    return withOutputs(result, this.live);
  }

  /**
   * `X.get(name, id)` outside a program run: only the Read (engine ReadStep), state untouched. Returns the
   * outputs, or undefined when the provider answers an empty id. In a program, use {@link UpSession.read}.
   */
  async get(d: DesiredResource, id: string): Promise<Props | undefined> {
    return this.withHost(this.opts.config, async (host) => {
      const props = unwrapSecrets({ ...d.inputs, [PROVIDER_KEY]: d.provider }) as Props;
      const r = await host.read(this.urn(d.type, d.name, d.parent), id, props, props);
      return r.id ? r.properties : undefined;
    });
  }

  /** `pulumi destroy`: deletes everything (old copies of replaced resources included), dependents first. */
  async destroy(): Promise<OperationResult> {
    const result = emptyResult("destroy");
    await this.withHost(this.configForStateOperations(), (host) => deleteAll(this.core, host, [...this.live.resources.values(), ...this.live.pendingDeletes], result));
    this.live.save();
    return withOutputs(result, this.live);
  }

  /** The plan/result summary the CLI would print. */
  format(r: OperationResult): string {
    return formatResult(r, this.stack);
  }
}
