import * as fs from "fs";
import * as path from "path";
import { OperationJournal } from "./checkpoint";
import { HostCallError, startHost, type ProviderHost, type Props } from "./host";
import { formatResult } from "./format";
import { PROVIDER_KEY, Semaphore, changedKeys, depsOf, resolveRefs, sameJson } from "./graph";
import { StateCipher, containsSecret, isSecret, secret, unwrapSecrets } from "./values";

export { changedKeys } from "./graph";

/** One resource the program declares (what `new X(name, props)` registers). */
export interface DesiredResource {
  name: string;
  /** Type token, e.g. `pulumi-nodejs:dynamic/pam:SpsLocalUser`. */
  type: string;
  /** The serialized provider (`__provider`), possibly a secret wrapper. */
  provider: unknown;
  /** Inputs; may hold `secret(...)` and `ref(name, key)` values. */
  inputs: Props;
  dependsOn?: string[];
  additionalSecretOutputs?: string[];
  deleteBeforeReplace?: boolean;
  retainOnDelete?: boolean;
}

/** One resource as kept in the harness state (secrets as wrappers in memory, ciphertext on disk). */
export interface StateResource {
  urn: string;
  name: string;
  type: string;
  id: string;
  inputs: Props;
  outputs: Props;
  dependencies: string[];
  additionalSecretOutputs: string[];
  retainOnDelete?: boolean;
  initErrors?: string[];
}

export type StepOp = "create" | "update" | "replace" | "delete" | "same" | "refresh" | "gone";
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
  /** The engine's `--parallel` (default 8: 4 x 2 cores). */
  parallelism?: number;
  /** Extra environment for the host process. */
  env?: NodeJS.ProcessEnv;
}

/** An `up` in progress: see {@link Deployment.begin}. */
export interface UpSession {
  /** The provider host serving this operation (tests interrupt it as the engine does on cancel). */
  readonly host: ProviderHost;
  register(d: DesiredResource): Promise<Props>;
  finish(): Promise<OperationResult>;
}

/**
 * A stand-in for the Pulumi engine's deployment logic, driving the real dynamic-provider host over gRPC.
 * It follows the engine's RPC order, marshalling and secret rules (see README.md here).
 */
export class Deployment {
  readonly project: string;
  readonly stack: string;
  readonly parallelism: number;
  private cipher: StateCipher;
  private resources = new Map<string, StateResource>();
  /** The host of the last operation (for stderr/stdout assertions). */
  lastHost?: ProviderHost;
  /** Operations cut by a killed host (pending creates carried until a refresh). */
  readonly journal: OperationJournal;

  constructor(private readonly opts: DeploymentOptions) {
    this.project = opts.project ?? "project";
    this.stack = opts.stack ?? "dev";
    this.parallelism = opts.parallelism ?? 8;
    const keyFile = `${opts.stateFile}.key`;
    this.cipher = fs.existsSync(keyFile) ? StateCipher.fromKey(fs.readFileSync(keyFile, "utf8")) : StateCipher.generate();
    if (!fs.existsSync(keyFile)) {
      fs.mkdirSync(path.dirname(keyFile), { recursive: true });
      fs.writeFileSync(keyFile, this.cipher.exportKey(), { mode: 0o600 });
    }
    this.journal = new OperationJournal(opts.stateFile);
    if (fs.existsSync(opts.stateFile)) {
      const raw = JSON.parse(fs.readFileSync(opts.stateFile, "utf8")) as { resources: StateResource[] };
      for (const r of this.cipher.open(raw.resources) as StateResource[]) this.resources.set(r.name, r);
    }
  }

  /** Resources in state, by name (secrets as wrappers). */
  get state(): ReadonlyMap<string, StateResource> {
    return this.resources;
  }

  urn(type: string, name: string): string {
    return `urn:pulumi:${this.stack}::${this.project}::${type}::${name}`;
  }

  setConfig(config: Props): void {
    this.opts.config = config;
  }

  private save(): void {
    const sealed = this.cipher.seal([...this.resources.values()]);
    fs.mkdirSync(path.dirname(this.opts.stateFile), { recursive: true });
    fs.writeFileSync(this.opts.stateFile, JSON.stringify({ version: 1, project: this.project, stack: this.stack, resources: sealed }, null, 2));
  }

  private async withHost<T>(fn: (h: ProviderHost) => Promise<T>): Promise<T> {
    const host = await startHost({ cwd: this.opts.hostCwd, project: this.project, env: this.opts.env });
    this.lastHost = host;
    try {
      // Configure always comes first, with the whole stack config (as the engine does for dynamic providers).
      await host.configure(this.opts.config ?? {});
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
    if (new Set(desired.map((d) => d.name)).size !== desired.length) throw new Error("duplicate resource names in the desired set");
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
    const pendingDeletes: StateResource[] = [];
    const host = await startHost({ cwd: this.opts.hostCwd, project: this.project, env: this.opts.env });
    this.lastHost = host;
    try {
      await host.configure(this.opts.config ?? {});
    } catch (e) {
      await host.stop();
      throw e;
    }
    const sem = new Semaphore(this.parallelism);
    /** Per name: settles with outputs, or undefined when the step failed or was skipped. */
    const done = new Map<string, { promise: Promise<Props | undefined>; settle(v: Props | undefined): void }>();
    const registered = new Set<string>();
    let stopped = false;
    const slot = (name: string) => {
      let e = done.get(name);
      if (!e) {
        let settle!: (v: Props | undefined) => void;
        const promise = new Promise<Props | undefined>((r) => (settle = r));
        e = { promise, settle };
        done.set(name, e);
      }
      return e;
    };

    const run = async (d: DesiredResource): Promise<Props | undefined> => {
      const deps = depsOf(d);
      const depOuts = new Map<string, Props | undefined>();
      for (const n of deps) depOuts.set(n, await slot(n).promise);
      if ([...depOuts.values()].some((x) => x === undefined)) return undefined; // a dependency failed: skipped
      await sem.acquire();
      try {
        if (stopped) return undefined; // the engine starts no new steps after a failure
        return await this.step(host, d, resolveRefs(d.inputs, depOuts) as Props, deps, preview, result, pendingDeletes);
      } catch (e) {
        stopped = true;
        result.ok = false;
        result.failures.push({ name: d.name, type: d.type, message: e instanceof HostCallError ? e.details : String((e as Error).message) });
        if (e instanceof HostCallError && e.initFailed && !preview) {
          const urn = this.urn(d.type, d.name);
          const inputs = { ...d.inputs, [PROVIDER_KEY]: d.provider };
          // The engine annotates partial outputs with secrets like any other outputs (provider_plugin.go annotateSecrets).
          const outputs = this.markSecrets(e.initFailed.properties, this.secretKeysOf(inputs, d.additionalSecretOutputs ?? []));
          this.resources.set(d.name, {
            urn, name: d.name, type: d.type, id: e.initFailed.id, inputs,
            outputs, dependencies: deps, additionalSecretOutputs: d.additionalSecretOutputs ?? [], initErrors: e.initFailed.reasons,
          });
        }
        return undefined;
      } finally {
        sem.release();
      }
    };

    return {
      host,
      register: async (d) => {
        if (registered.has(d.name)) throw new Error(`resource ${d.name} registered twice`);
        registered.add(d.name);
        const outs = await run(d).catch(() => undefined);
        slot(d.name).settle(outs);
        if (outs === undefined) throw new Error(`${d.name}: ${result.failures.find((f) => f.name === d.name)?.message ?? "skipped after an earlier failure"}`);
        return outs;
      },
      finish: async () => {
        try {
          // A dependency that was never registered leaves its dependents waiting: fail them now.
          for (const [name, e] of done) if (!registered.has(name)) e.settle(undefined);
          await Promise.all([...done.values()].map((e) => e.promise));
          if (!preview && result.ok) {
            const removed = [...this.resources.values()].filter((r) => !registered.has(r.name));
            await this.deleteAll(host, removed, result);
            for (const r of pendingDeletes) await this.deleteOne(host, r, result, "replace").catch(() => undefined);
          } else if (preview) {
            for (const r of this.resources.values()) if (!registered.has(r.name)) result.steps.push({ op: "delete", name: r.name, type: r.type });
          }
        } finally {
          await host.stop();
        }
        result.warnings!.push(...this.journal.settle(host));
        if (!preview) this.save();
        for (const r of this.resources.values()) result.outputs[r.name] = r.outputs;
        return result;
      },
    };
  }

  private async step(
    host: ProviderHost, d: DesiredResource, inputs: Props, deps: string[], preview: boolean,
    result: OperationResult, pendingDeletes: StateResource[],
  ): Promise<Props> {
    const urn = this.urn(d.type, d.name);
    const news: Props = { ...inputs, [PROVIDER_KEY]: d.provider };
    const secretKeys = this.secretKeysOf(news, d.additionalSecretOutputs ?? []);
    const plainNews = unwrapSecrets(news) as Props;
    const old = this.resources.get(d.name);
    const record = (id: string, outputs: Props) => {
      const entry: StateResource = {
        urn, name: d.name, type: d.type, id, inputs: news, outputs: this.markSecrets(outputs, secretKeys),
        dependencies: deps, additionalSecretOutputs: d.additionalSecretOutputs ?? [], retainOnDelete: d.retainOnDelete,
      };
      if (!preview) {
        this.resources.set(d.name, entry);
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
      if (preview) return record("", ins);
      const c = await this.journal.track({ op: "create", urn, name: d.name, type: d.type }, () => host.create(urn, ins));
      return record(c.id, c.properties);
    };

    if (!old || old.initErrors) {
      if (old?.initErrors && !preview) {
        // A partially created resource is updated on the next up (engine `continueStepsFromDiff`).
        const ins = await checked(unwrapSecrets(old.inputs) as Props);
        const u = await this.journal.track({ op: "update", urn, name: d.name, type: d.type, id: old.id }, () => host.update(urn, old.id, unwrapSecrets(old.outputs) as Props, ins, unwrapSecrets(old.inputs) as Props));
        result.steps.push({ op: "update", name: d.name, type: d.type, keys: changedKeys(old.inputs, news) });
        return record(old.id, u.properties);
      }
      const outs = await create();
      result.steps.push({ op: "create", name: d.name, type: d.type });
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
    const keys = changedKeys(old.inputs, news);
    if (changes === "none") {
      if (!preview) this.resources.set(d.name, { ...old, inputs: news, dependencies: deps });
      result.steps.push({ op: "same", name: d.name, type: d.type });
      return old.outputs;
    }
    if (diff.replaces.length > 0) {
      result.steps.push({ op: "replace", name: d.name, type: d.type, keys: diff.replaces });
      if (preview) return record("", await checked({}));
      const dbr = d.deleteBeforeReplace ?? diff.deleteBeforeReplace;
      if (dbr) {
        await host.delete(urn, old.id, oldOutputs, oldInputs);
        this.resources.delete(d.name);
        return await create();
      }
      const outs = await create();
      pendingDeletes.push(old);
      return outs;
    }
    result.steps.push({ op: "update", name: d.name, type: d.type, keys });
    if (preview) return record(old.id, ins);
    const u = await this.journal.track({ op: "update", urn, name: d.name, type: d.type, id: old.id }, () => host.update(urn, old.id, oldOutputs, ins, oldInputs));
    return record(old.id, u.properties);
  }

  private async deleteOne(host: ProviderHost, r: StateResource, result: OperationResult, why: "delete" | "replace"): Promise<void> {
    try {
      if (!r.retainOnDelete) await this.journal.track({ op: "delete", urn: r.urn, name: r.name, type: r.type, id: r.id }, () => host.delete(r.urn, r.id, unwrapSecrets(r.outputs) as Props, unwrapSecrets(r.inputs) as Props));
      if (this.resources.get(r.name) === r) this.resources.delete(r.name);
      if (why === "delete") result.steps.push({ op: "delete", name: r.name, type: r.type });
    } catch (e) {
      result.ok = false;
      result.failures.push({ name: r.name, type: r.type, message: e instanceof HostCallError ? e.details : String(e) });
      throw e;
    }
  }

  /** Deletes in reverse dependency order (dependents first), up to `parallelism` at a time. */
  private async deleteAll(host: ProviderHost, doomed: StateResource[], result: OperationResult): Promise<void> {
    const sem = new Semaphore(this.parallelism);
    const done = new Map<string, Promise<boolean>>();
    let stopped = false;
    const dependents = (n: string) => doomed.filter((r) => r.dependencies.includes(n)).map((r) => r.name);
    const run = async (r: StateResource): Promise<boolean> => {
      const waits = await Promise.all(dependents(r.name).map((n) => done.get(n)!));
      if (waits.some((ok) => !ok)) return false;
      await sem.acquire();
      try {
        if (stopped) return false;
        await this.deleteOne(host, r, result, "delete");
        return true;
      } catch {
        stopped = true;
        return false;
      } finally {
        sem.release();
      }
    };
    // Promises are created lazily so that a resource waits for dependents created later in the list.
    const get = (r: StateResource) => {
      if (!done.has(r.name)) done.set(r.name, Promise.resolve().then(() => run(r)));
      return done.get(r.name)!;
    };
    for (const r of doomed) get(r);
    await Promise.all([...done.values()]);
  }

  /** `pulumi refresh`: Read every resource; an empty id drops it from state; drift is reported by key. */
  async refresh(): Promise<OperationResult> {
    const result: OperationResult = { kind: "refresh", steps: [], failures: [], outputs: {}, ok: true };
    await this.withHost(async (host) => {
      const sem = new Semaphore(this.parallelism);
      await Promise.all(
        [...this.resources.values()].map(async (r) => {
          await sem.acquire();
          try {
            const read = await host.read(r.urn, r.id, unwrapSecrets(r.outputs) as Props, unwrapSecrets(r.inputs) as Props);
            if (!read.id) {
              this.resources.delete(r.name);
              result.steps.push({ op: "gone", name: r.name, type: r.type });
              return;
            }
            const secretKeys = new Set([...Object.keys(r.outputs).filter((k) => isSecret(r.outputs[k])), ...r.additionalSecretOutputs]);
            const outputs = this.markSecrets(read.properties, secretKeys);
            const inputs = read.inputs ? this.markSecrets(read.inputs, this.secretKeysOf(r.inputs, [])) : r.inputs;
            this.resources.set(r.name, { ...r, id: read.id, outputs, inputs });
            // Drift is what the provider's Diff says about the refreshed outputs against the declared inputs
            // (engine RefreshStep): an output the provider merely learned (a timestamp) is not drift.
            const plainInputs = unwrapSecrets(inputs) as Props;
            const d = await host.diff(r.urn, read.id, unwrapSecrets(outputs) as Props, unwrapSecrets(r.inputs) as Props, plainInputs);
            const drifted = d.changes === "some" || (d.changes === "unknown" && changedKeys(r.inputs, inputs).length > 0);
            const keys = changedKeys(r.outputs, outputs);
            result.steps.push(drifted ? { op: "refresh", name: r.name, type: r.type, keys } : { op: "same", name: r.name, type: r.type });
          } catch (e) {
            result.ok = false;
            result.failures.push({ name: r.name, type: r.type, message: e instanceof HostCallError ? e.details : String(e) });
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
   * `X.get(name, id)` / `new X(name, props, {id})`: a Read with the given props as both properties and
   * inputs (engine ReadStep). Returns the outputs, or undefined when the provider answers an empty id.
   */
  async get(d: DesiredResource, id: string): Promise<Props | undefined> {
    return this.withHost(async (host) => {
      const props = unwrapSecrets({ ...d.inputs, [PROVIDER_KEY]: d.provider }) as Props;
      const r = await host.read(this.urn(d.type, d.name), id, props, props);
      return r.id ? r.properties : undefined;
    });
  }

  /** `pulumi destroy`: deletes everything, dependents first. */
  async destroy(): Promise<OperationResult> {
    const result: OperationResult = { kind: "destroy", steps: [], failures: [], outputs: {}, ok: true };
    await this.withHost((host) => this.deleteAll(host, [...this.resources.values()], result));
    this.save();
    for (const r of this.resources.values()) result.outputs[r.name] = r.outputs;
    return result;
  }

  /** The plan/result summary the CLI would print. */
  format(r: OperationResult): string {
    return formatResult(r, this.stack);
  }
}
