import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { OperationJournal } from "./checkpoint";
import { HostCallError, startHost, type ProviderHost, type Props } from "./host";
import { formatResult } from "./format";
import { PROVIDER_KEY, Semaphore, changedKeys, depsOf, propertyDepsOf, resolveRefs, sameJson } from "./graph";
import { applyIgnoreChanges, inputsWithCondemned, protectedError, urnOf, type RegistrationOptions } from "./options";
import { loadState, saveState, type StateResource } from "./state";
import { StateCipher, annotateSecrets, containsSecret, isSecret, secret, unwrapSecrets } from "./values";

export { changedKeys } from "./graph";
export type { StateResource } from "./state";
export type { RegistrationOptions } from "./options";

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

/** An `up` in progress: see {@link Deployment.begin}. */
export interface UpSession {
  /** The provider host serving this operation (tests interrupt it as the engine does on cancel). */
  readonly host: ProviderHost;
  register(d: DesiredResource): Promise<Props>;
  /** `X.get(name, id)` / `new X(name, props, {id})`: a Read step (also in preview); the resource is kept as external. */
  read(d: DesiredResource, id: string): Promise<Props>;
  finish(): Promise<OperationResult>;
}


/** The dependency key of a `dependsOn` entry or reference: a URN as given, otherwise a resource name. */
const isUrn = (k: string) => k.startsWith("urn:pulumi:");
const message = (e: unknown) => (e instanceof HostCallError ? e.details : String((e as Error)?.message ?? e));

/** Per-operation bookkeeping of an `up` (see {@link Deployment.begin}). */
interface UpContext {
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

/**
 * A stand-in for the Pulumi engine's deployment logic, driving the real dynamic-provider host over gRPC.
 * The rules it follows, and those it does not, are listed in README.md here.
 */
export class Deployment {
  readonly project: string;
  readonly stack: string;
  readonly parallelism: number;
  private cipher: StateCipher;
  /** Live resources by URN. */
  private resources = new Map<string, StateResource>();
  /** Old copies of create-before-delete replacements not deleted yet (engine snapshot `Delete: true`). */
  private pendingDeletes: StateResource[] = [];
  /** The stack config of the last `up` (refresh and destroy configure the provider with it). */
  private storedConfig?: Props;
  /** The host of the last operation (for stderr/stdout assertions). */
  lastHost?: ProviderHost;
  /** Operations cut by a killed host (pending creates carried until a refresh). */
  readonly journal: OperationJournal;

  constructor(private readonly opts: DeploymentOptions) {
    this.project = opts.project ?? "project";
    this.stack = opts.stack ?? "dev";
    this.parallelism = opts.parallelism ?? 4 * os.availableParallelism();
    const keyFile = `${opts.stateFile}.key`;
    this.cipher = fs.existsSync(keyFile) ? StateCipher.fromKey(fs.readFileSync(keyFile, "utf8")) : StateCipher.generate();
    if (!fs.existsSync(keyFile)) {
      fs.mkdirSync(path.dirname(keyFile), { recursive: true });
      fs.writeFileSync(keyFile, this.cipher.exportKey(), { mode: 0o600 });
    }
    this.journal = new OperationJournal(opts.stateFile);
    const loaded = loadState(opts.stateFile, this.cipher, this.project, this.stack);
    this.resources = loaded.resources;
    this.pendingDeletes = loaded.pendingDeletes;
    this.storedConfig = loaded.config;
  }

  /** Live resources in state by name (the last one wins when two share a name; see {@link stateByUrn}). */
  get state(): ReadonlyMap<string, StateResource> {
    return new Map([...this.resources.values()].map((r) => [r.name, r]));
  }

  /** Live resources in state by URN. */
  get stateByUrn(): ReadonlyMap<string, StateResource> {
    return this.resources;
  }

  /** Old copies of replaced resources whose delete is still due (deleted by the next up or destroy). */
  get pendingDeleteResources(): readonly StateResource[] {
    return this.pendingDeletes;
  }

  /** The stack config stored at the last up, if any. */
  get lastUpConfig(): Props | undefined {
    return this.storedConfig;
  }

  urn(type: string, name: string, parent?: string): string {
    return urnOf(this.stack, this.project, type, name, parent);
  }

  /** The stack config the next `up` uses. */
  get config(): Props | undefined {
    return this.opts.config;
  }

  /** Sets the stack config the next `up` uses (as `pulumi config set` does). */
  setConfig(config: Props): void {
    this.opts.config = config;
  }

  private save(): void {
    saveState(this.opts.stateFile, this.cipher, {
      project: this.project, stack: this.stack, resources: this.resources, pendingDeletes: this.pendingDeletes, config: this.storedConfig,
    });
  }

  private async withHost<T>(config: Props | undefined, fn: (h: ProviderHost) => Promise<T>): Promise<T> {
    const host = await startHost({ cwd: this.opts.hostCwd, project: this.project, env: this.opts.env });
    this.lastHost = host;
    try {
      // Configure always comes first, with the whole stack config.
      await host.configure(config ?? {});
      return await fn(host);
    } finally {
      await host.stop();
    }
  }

  /** Marks outputs secret by the names of secret inputs and `additionalSecretOutputs` (engine `annotateSecrets`). */
  private markSecrets(outputs: Props, secretKeys: Set<string>): Props {
    return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, secretKeys.has(k) && !isSecret(v) ? secret(v) : v]));
  }

  private secretKeysOf(inputs: Props, additional: string[]): Set<string> {
    return new Set([...Object.keys(inputs).filter((k) => containsSecret(inputs[k])), ...additional]);
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
    const result: OperationResult = { kind: preview ? "preview" : "up", steps: [], failures: [], outputs: {}, ok: true, warnings: this.journal.startWarnings() };
    const host = await startHost({ cwd: this.opts.hostCwd, project: this.project, env: this.opts.env });
    this.lastHost = host;
    try {
      await host.configure(this.opts.config ?? {});
    } catch (e) {
      await host.stop();
      throw e;
    }
    const ctx: UpContext = { host, preview, result, registered: new Set(), stepped: new Set(), replacedCopies: new Set(), aliased: new Set(), dbrDeleted: new Set(), byName: new Map() };
    const sem = new Semaphore(this.parallelism);
    /** Per dependency key (name and URN): settles with outputs, or undefined when the step failed or was skipped. */
    const done = new Map<string, { promise: Promise<Props | undefined>; settle(v: Props | undefined): void }>();
    const settledKeys = new Set<string>();
    let stopped = false;
    const slot = (key: string) => {
      let e = done.get(key);
      if (!e) {
        let settle!: (v: Props | undefined) => void;
        const promise = new Promise<Props | undefined>((r) => (settle = r));
        e = { promise, settle: (v) => (settledKeys.add(key), settle(v)) };
        done.set(key, e);
      }
      return e;
    };
    const urnsOf = (key: string) => (isUrn(key) ? [key] : ctx.byName.get(key) ?? []);
    const fail = (d: DesiredResource, e: unknown) => {
      stopped = true;
      result.ok = false;
      result.failures.push({ name: d.name, type: d.type, message: message(e) });
    };
    /** Claims the URN and waits for the dependencies; undefined when one failed. */
    const enter = async (d: DesiredResource): Promise<{ urn: string; depOuts: Map<string, Props | undefined>; deps: string[] } | undefined> => {
      const urn = this.urn(d.type, d.name, d.parent);
      if (ctx.registered.has(urn)) throw new Error(`resource ${urn} registered twice`);
      ctx.registered.add(urn);
      ctx.byName.set(d.name, [...(ctx.byName.get(d.name) ?? []), urn]);
      const keys = depsOf(d);
      const depOuts = new Map<string, Props | undefined>();
      for (const k of keys) depOuts.set(k, await slot(k).promise);
      if ([...depOuts.values()].some((x) => x === undefined)) return undefined; // a dependency failed: skipped
      ctx.stepped.add(urn);
      return { urn, depOuts, deps: [...new Set(keys.flatMap(urnsOf))] };
    };
    const settle = (d: DesiredResource, outs: Props | undefined) => {
      slot(d.name).settle(outs);
      slot(this.urn(d.type, d.name, d.parent)).settle(outs);
      if (outs === undefined) throw new Error(`${d.name}: ${result.failures.find((f) => f.name === d.name)?.message ?? "skipped after an earlier failure"}`);
      return outs;
    };

    const run = async (d: DesiredResource): Promise<Props | undefined> => {
      const entered = await enter(d);
      if (!entered) return undefined;
      await sem.acquire();
      try {
        if (stopped) return undefined; // the engine starts no new steps after a failure
        const propertyDeps = Object.fromEntries(Object.entries(propertyDepsOf(d)).map(([k, xs]) => [k, [...new Set(xs.flatMap(urnsOf))]]));
        const inputs = resolveRefs(d.inputs, entered.depOuts) as Props;
        return await this.step(ctx, d, entered.urn, inputs, entered.deps, propertyDeps);
      } catch (e) {
        fail(d, e);
        return undefined;
      } finally {
        sem.release();
      }
    };

    const read = async (d: DesiredResource, id: string): Promise<Props | undefined> => {
      const entered = await enter(d);
      if (!entered) return undefined;
      await sem.acquire();
      try {
        if (stopped) return undefined;
        return await this.readStep(ctx, d, entered.urn, id, resolveRefs(d.inputs, entered.depOuts) as Props, entered.deps);
      } catch (e) {
        fail(d, e);
        return undefined;
      } finally {
        sem.release();
      }
    };

    return {
      host,
      register: async (d) => settle(d, await run(d).catch((e) => (fail(d, e), undefined))),
      read: async (d, id) => settle(d, await read(d, id).catch((e) => (fail(d, e), undefined))),
      finish: async () => {
        try {
          // A dependency that was never registered leaves its dependents waiting: fail them now.
          for (const [key, e] of done) if (!settledKeys.has(key)) e.settle(undefined);
          await Promise.all([...done.values()].map((e) => e.promise));
          const removed = [...this.resources.values()].filter((r) => !ctx.registered.has(r.urn) && !ctx.aliased.has(r.urn));
          if (!preview && result.ok) {
            await this.deleteAll(host, [...removed, ...this.pendingDeletes], result, ctx.replacedCopies);
          } else if (preview) {
            for (const r of [...removed, ...this.pendingDeletes]) result.steps.push({ op: r.external ? "discard" : "delete", name: r.name, type: r.type });
          }
        } finally {
          await host.stop();
        }
        result.warnings!.push(...this.journal.settle(host));
        if (!preview) {
          this.storedConfig = this.opts.config ?? {};
          this.save();
        }
        for (const r of this.resources.values()) result.outputs[r.name] = r.outputs;
        return result;
      },
    };
  }

  /** The state entry of a registration, without id, inputs and outputs. */
  private entryBase(d: DesiredResource, urn: string, deps: string[], propertyDependencies: Record<string, string[]>): Omit<StateResource, "id" | "inputs" | "outputs"> {
    return {
      urn, name: d.name, type: d.type, parent: d.parent, dependencies: deps, propertyDependencies,
      additionalSecretOutputs: d.additionalSecretOutputs ?? [], protect: d.protect || undefined, retainOnDelete: d.retainOnDelete || undefined,
    };
  }

  /** The old state of a registration: by URN, else by one of its aliases not taken yet. */
  private oldOf(ctx: UpContext, urn: string, aliases: string[] | undefined): StateResource | undefined {
    const own = this.resources.get(urn);
    if (own) return own;
    for (const a of aliases ?? []) {
      const r = this.resources.get(a);
      if (r && !ctx.registered.has(a) && !ctx.aliased.has(a)) {
        ctx.aliased.add(a);
        return r;
      }
    }
    return undefined;
  }

  private async step(ctx: UpContext, d: DesiredResource, urn: string, resolved: Props, deps: string[], propertyDeps: Record<string, string[]>): Promise<Props> {
    const { host, preview, result } = ctx;
    const old = this.oldOf(ctx, urn, d.aliases);
    // ignoreChanges applies to the new inputs before Check (engine processIgnoreChanges); not on create.
    const inputs = old ? applyIgnoreChanges(old.inputs, resolved, d.ignoreChanges) : resolved;
    const news: Props = { ...inputs, [PROVIDER_KEY]: d.provider };
    const secretKeys = this.secretKeysOf(news, d.additionalSecretOutputs ?? []);
    const plainNews = unwrapSecrets(news) as Props;
    const base = this.entryBase(d, urn, deps, propertyDeps);
    // The engine stores the inputs Check returned (secretness copied back from the program's inputs,
    // provider_plugin.go annotateSecrets) and diffs later operations against them, not the program's inputs.
    const stored = (checkedInputs: Props) => annotateSecrets(checkedInputs, news);
    const record = (id: string, outputs: Props, checkedInputs: Props) => {
      const entry: StateResource = { ...base, id, inputs: stored(checkedInputs), outputs: this.markSecrets(outputs, secretKeys) };
      if (!preview) {
        if (old && old.urn !== urn && this.resources.get(old.urn) === old) this.resources.delete(old.urn); // moved by alias
        this.resources.set(urn, entry);
        this.save(); // the CLI checkpoints state as each step completes
      }
      return entry.outputs;
    };
    const checked = async (olds: Props) => {
      const c = await host.check(urn, olds, plainNews);
      if (c.failures.length) throw new Error(c.failures.map((f) => `${f.property}: ${f.reason}`).join("; "));
      return c.inputs;
    };
    const create = async () => {
      const ins = await checked({});
      if (preview) return record("", ins, ins);
      try {
        const c = await this.journal.track({ op: "create", urn, name: d.name, type: d.type }, () => host.create(urn, ins));
        return record(c.id, c.properties, ins);
      } catch (e) {
        // A partial create is kept with its outputs (secrets annotated like any outputs) and init errors.
        if (e instanceof HostCallError && e.initFailed) {
          this.resources.set(urn, { ...base, id: e.initFailed.id, inputs: stored(ins), outputs: this.markSecrets(e.initFailed.properties, secretKeys), initErrors: e.initFailed.reasons });
        }
        throw e;
      }
    };

    if (!old) {
      const outs = await create();
      // A resource deleted early by a dependency's delete-before-replace comes back as its replacement.
      result.steps.push(ctx.dbrDeleted.has(urn) ? { op: "replace", name: d.name, type: d.type, keys: [] } : { op: "create", name: d.name, type: d.type });
      return outs;
    }

    const oldInputs = unwrapSecrets(old.inputs) as Props;
    const oldOutputs = unwrapSecrets(old.outputs) as Props;
    const ins = await checked(oldInputs);
    const diff = await host.diff(urn, old.id, oldOutputs, ins, oldInputs);
    let changes = diff.changes;
    if (changes === "unknown") {
      // No diff(): the engine compares old and new inputs itself, __provider included.
      changes = Object.keys({ ...oldInputs, ...ins }).some((k) => !sameJson(oldInputs[k], ins[k])) ? "some" : "none";
    }
    // A partially created resource (init errors) is always updated at least (engine continueStepsFromDiff).
    if (old.initErrors && changes === "none") changes = "some";
    // What the CLI shows as `[diff: ~k]`: old stored (checked) inputs against the new checked inputs.
    const keys = changedKeys(old.inputs, stored(ins));
    if (changes === "none") {
      if (!preview) this.resources.set(urn, { ...old, ...base, id: old.id, inputs: stored(ins), outputs: old.outputs });
      if (!preview && old.urn !== urn) this.resources.delete(old.urn);
      result.steps.push({ op: "same", name: d.name, type: d.type });
      return old.outputs;
    }
    if (diff.replaces.length > 0) {
      if (d.protect ?? old.protect) throw new Error(`unable to replace resource "${urn}" as it is currently marked for protection (replacement keys: ${diff.replaces.join(", ")})`);
      result.steps.push({ op: "replace", name: d.name, type: d.type, keys: diff.replaces });
      if (preview) {
        const replacement = await checked({});
        return record("", replacement, replacement);
      }
      const dbr = d.deleteBeforeReplace ?? diff.deleteBeforeReplace;
      if (dbr) {
        await this.deleteDependentsFirst(ctx, old);
        await this.deleteOne(host, old, result, "replace");
        return await create();
      }
      const outs = await create();
      // The old copy stays in state, marked for deletion, until the end of this (successful) operation.
      this.pendingDeletes.push(old);
      ctx.replacedCopies.add(old);
      return outs;
    }
    result.steps.push({ op: "update", name: d.name, type: d.type, keys });
    if (preview) return record(old.id, ins, ins);
    const u = await this.journal.track({ op: "update", urn, name: d.name, type: d.type, id: old.id }, () => host.update(urn, old.id, oldOutputs, ins, oldInputs));
    return record(old.id, u.properties, ins);
  }

  /**
   * Delete-before-replace of `root`: its dependents that a change of `root` would replace are deleted first,
   * dependents of dependents before them (engine calculateDependentReplacements): each dependent's inputs
   * that came from a condemned resource become unknown, and its provider's Diff decides.
   */
  private async deleteDependentsFirst(ctx: UpContext, root: StateResource): Promise<void> {
    const condemned = new Set([root.urn]);
    const order: StateResource[] = [];
    const visit = (urn: string) => {
      for (const r of this.resources.values()) {
        if (ctx.stepped.has(r.urn) || condemned.has(r.urn) || !r.dependencies.includes(urn)) continue;
        order.push(r);
        condemned.add(r.urn);
        visit(r.urn);
      }
    };
    visit(root.urn);
    const replaced = new Set([root.urn]);
    const toDelete: StateResource[] = [];
    for (const r of order) {
      if (r.external) continue;
      const { inputs, hit } = inputsWithCondemned(unwrapSecrets(r.inputs) as Props, r.propertyDependencies ?? {}, replaced);
      if (!hit) continue;
      const diff = await ctx.host.diff(r.urn, r.id, unwrapSecrets(r.outputs) as Props, inputs, unwrapSecrets(r.inputs) as Props);
      if (diff.replaces.length === 0) continue;
      replaced.add(r.urn);
      toDelete.push(r);
    }
    for (const r of toDelete.reverse()) {
      await this.deleteOne(ctx.host, r, ctx.result, "replace");
      ctx.dbrDeleted.add(r.urn);
    }
  }

  /**
   * `Resource.get` / `new X(name, props, {id})`: `Read(id, properties = props, inputs = props)` (engine
   * ReadStep), in preview too. The resource is stored as external: refresh reads it, nothing deletes it.
   */
  private async readStep(ctx: UpContext, d: DesiredResource, urn: string, id: string, inputs: Props, deps: string[]): Promise<Props> {
    const props = unwrapSecrets({ ...inputs, [PROVIDER_KEY]: d.provider }) as Props;
    const r = await ctx.host.read(urn, id, props, props);
    // The host always adds __provider, so the engine never sees an empty answer ("does not exist"); it keeps the requested id.
    const outputs = this.markSecrets(r.properties, new Set(d.additionalSecretOutputs ?? []));
    if (!ctx.preview) {
      this.resources.set(urn, { ...this.entryBase(d, urn, deps, {}), id: r.id || id, inputs: { ...inputs, [PROVIDER_KEY]: d.provider }, outputs, external: true });
    }
    ctx.result.steps.push({ op: "read", name: d.name, type: d.type });
    return outputs;
  }

  private forget(r: StateResource): void {
    if (this.resources.get(r.urn) === r) this.resources.delete(r.urn);
    this.pendingDeletes = this.pendingDeletes.filter((x) => x !== r);
  }

  private async deleteOne(host: ProviderHost, r: StateResource, result: OperationResult, why: "delete" | "replace"): Promise<void> {
    try {
      if (r.protect && !r.external) throw protectedError(r.urn);
      // retainOnDelete: the engine skips the Delete call (step.go); an external (read) resource is only discarded.
      if (!r.retainOnDelete && !r.external) {
        await this.journal.track({ op: "delete", urn: r.urn, name: r.name, type: r.type, id: r.id }, () => host.delete(r.urn, r.id, unwrapSecrets(r.outputs) as Props, unwrapSecrets(r.inputs) as Props));
      }
      this.forget(r);
      if (why === "delete") result.steps.push({ op: r.external ? "discard" : "delete", name: r.name, type: r.type });
    } catch (e) {
      result.ok = false;
      result.failures.push({ name: r.name, type: r.type, message: message(e) });
      throw e;
    }
  }

  /** Deletes in reverse dependency order (dependents first), up to `parallelism` at a time. */
  private async deleteAll(host: ProviderHost, doomed: StateResource[], result: OperationResult, replacedCopies = new Set<StateResource>()): Promise<void> {
    const sem = new Semaphore(this.parallelism);
    const done = new Map<StateResource, Promise<boolean>>();
    let stopped = false;
    const dependents = (r: StateResource) => doomed.filter((x) => x !== r && x.urn !== r.urn && x.dependencies.includes(r.urn));
    const run = async (r: StateResource): Promise<boolean> => {
      const waits = await Promise.all(dependents(r).map((x) => get(x)));
      if (waits.some((ok) => !ok)) return false;
      await sem.acquire();
      try {
        if (stopped) return false;
        await this.deleteOne(host, r, result, replacedCopies.has(r) ? "replace" : "delete");
        return true;
      } catch {
        stopped = true;
        return false;
      } finally {
        sem.release();
      }
    };
    // Promises are created lazily so that a resource waits for dependents created later in the list.
    const get = (r: StateResource): Promise<boolean> => {
      if (!done.has(r)) done.set(r, Promise.resolve().then(() => run(r)));
      return done.get(r)!;
    };
    for (const r of doomed) get(r);
    await Promise.all([...done.values()]);
  }

  /** The config refresh and destroy configure the provider with: the one stored at the last up (they do not run the program). */
  private configForStateOperations(): Props | undefined {
    return this.storedConfig ?? this.opts.config;
  }

  /** `pulumi refresh`: Read every resource; an empty id drops it from state; drift is reported by key. */
  async refresh(): Promise<OperationResult> {
    const result: OperationResult = { kind: "refresh", steps: [], failures: [], outputs: {}, ok: true };
    await this.withHost(this.configForStateOperations(), async (host) => {
      const sem = new Semaphore(this.parallelism);
      await Promise.all(
        [...this.resources.values()].map(async (r) => {
          await sem.acquire();
          try {
            const read = await host.read(r.urn, r.id, unwrapSecrets(r.outputs) as Props, unwrapSecrets(r.inputs) as Props);
            if (!read.id) {
              this.forget(r);
              result.steps.push({ op: "gone", name: r.name, type: r.type });
              return;
            }
            const secretKeys = new Set([...Object.keys(r.outputs).filter((k) => isSecret(r.outputs[k])), ...r.additionalSecretOutputs]);
            const outputs = this.markSecrets(read.properties, secretKeys);
            const inputs = read.inputs ? this.markSecrets(read.inputs, this.secretKeysOf(r.inputs, [])) : r.inputs;
            this.resources.set(r.urn, { ...r, id: read.id, outputs, inputs });
            // Drift is what the provider's Diff says about the refreshed outputs against the declared inputs
            // (engine RefreshStep): an output the provider merely learned (a timestamp) is not drift.
            const plainInputs = unwrapSecrets(inputs) as Props;
            const d = await host.diff(r.urn, read.id, unwrapSecrets(outputs) as Props, unwrapSecrets(r.inputs) as Props, plainInputs);
            const drifted = d.changes === "some" || (d.changes === "unknown" && changedKeys(r.inputs, inputs).length > 0);
            const keys = changedKeys(r.outputs, outputs);
            result.steps.push(drifted ? { op: "refresh", name: r.name, type: r.type, keys } : { op: "same", name: r.name, type: r.type });
          } catch (e) {
            result.ok = false;
            result.failures.push({ name: r.name, type: r.type, message: message(e) });
          } finally {
            sem.release();
          }
        }),
      );
    });
    this.journal.clearPendingCreates(); // an interactive refresh clears pending creates
    this.save();
    for (const r of this.resources.values()) result.outputs[r.name] = r.outputs;
    return result;
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
    const result: OperationResult = { kind: "destroy", steps: [], failures: [], outputs: {}, ok: true };
    await this.withHost(this.configForStateOperations(), (host) => this.deleteAll(host, [...this.resources.values(), ...this.pendingDeletes], result));
    this.save();
    for (const r of this.resources.values()) result.outputs[r.name] = r.outputs;
    return result;
  }

  /** The plan/result summary the CLI would print. */
  format(r: OperationResult): string {
    return formatResult(r, this.stack);
  }
}
