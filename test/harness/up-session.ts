/**
 * The scheduling of an `up` (or preview) whose resources arrive one by one as a program registers them:
 * a step starts when its dependencies are done, at most `parallelism` at a time, none after a failure;
 * dependents of a failed resource are skipped; `finish` deletes what the program no longer declares.
 */
import type { ProviderHost, Props } from "./host";
import { deleteAll } from "./deletes";
import { Semaphore, depsOf, propertyDepsOf, resolveRefs } from "./graph";
import { errorMessage, withOutputs, type DesiredResource, type EngineCore, type OperationResult, type UpContext, type UpSession } from "./types";
import { readStep, registerStep } from "./up-step";

/** The dependency key of a `dependsOn` entry or reference: a URN as given, otherwise a resource name. */
const isUrn = (k: string) => k.startsWith("urn:pulumi:");

export interface UpSessionOptions {
  preview: boolean;
  /** The operation's result so far (the start warnings). */
  result: OperationResult;
  /** The stack config stored in state when a (non-preview) up finishes. */
  config: () => Props | undefined;
}

/** Runs an `up` on a started, configured host; the session stops the host in `finish`. */
export function openUpSession(core: EngineCore, host: ProviderHost, o: UpSessionOptions): UpSession {
  const { preview, result } = o;
  const { state } = core;
  const ctx: UpContext = { state, journal: core.journal, parallelism: core.parallelism, host, preview, result, registered: new Set(), stepped: new Set(), replacedCopies: new Set(), aliased: new Set(), dbrDeleted: new Set(), byName: new Map() };
  const sem = new Semaphore(core.parallelism);
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
    result.failures.push({ name: d.name, type: d.type, message: errorMessage(e) });
  };
  /** Claims the URN and waits for the dependencies; undefined when one failed. */
  const enter = async (d: DesiredResource): Promise<{ urn: string; depOuts: Map<string, Props | undefined>; deps: string[] } | undefined> => {
    const urn = state.urn(d.type, d.name, d.parent);
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
    slot(state.urn(d.type, d.name, d.parent)).settle(outs);
    if (outs === undefined) throw new Error(`${d.name}: ${result.failures.find((f) => f.name === d.name)?.message ?? "skipped after an earlier failure"}`);
    return outs;
  };
  /** Waits for the dependencies and a parallelism slot, then runs `step`; undefined when failed or skipped. */
  const scheduled = async (d: DesiredResource, step: (urn: string, inputs: Props, deps: string[]) => Promise<Props>): Promise<Props | undefined> => {
    const entered = await enter(d);
    if (!entered) return undefined;
    await sem.acquire();
    try {
      if (stopped) return undefined; // the engine starts no new steps after a failure
      return await step(entered.urn, resolveRefs(d.inputs, entered.depOuts) as Props, entered.deps);
    } catch (e) {
      fail(d, e);
      return undefined;
    } finally {
      sem.release();
    }
  };
  const run = (d: DesiredResource) =>
    scheduled(d, (urn, inputs, deps) => {
      const propertyDeps = Object.fromEntries(Object.entries(propertyDepsOf(d)).map(([k, xs]) => [k, [...new Set(xs.flatMap(urnsOf))]]));
      return registerStep(ctx, d, urn, inputs, deps, propertyDeps);
    });
  const read = (d: DesiredResource, id: string) => scheduled(d, (urn, inputs, deps) => readStep(ctx, d, urn, id, inputs, deps));

  return {
    host,
    register: async (d) => settle(d, await run(d).catch((e) => (fail(d, e), undefined))),
    read: async (d, id) => settle(d, await read(d, id).catch((e) => (fail(d, e), undefined))),
    finish: async () => {
      try {
        // A dependency that was never registered leaves its dependents waiting: fail them now.
        for (const [key, e] of done) if (!settledKeys.has(key)) e.settle(undefined);
        await Promise.all([...done.values()].map((e) => e.promise));
        const removed = [...state.resources.values()].filter((r) => !ctx.registered.has(r.urn) && !ctx.aliased.has(r.urn));
        if (!preview && result.ok) {
          await deleteAll(core, host, [...removed, ...state.pendingDeletes], result, ctx.replacedCopies);
        } else if (preview) {
          for (const r of [...removed, ...state.pendingDeletes]) result.steps.push({ op: r.external ? "discard" : "delete", name: r.name, type: r.type });
        }
      } finally {
        await host.stop();
      }
      result.warnings!.push(...core.journal.settle(host));
      if (!preview) {
        state.config = o.config() ?? {};
        state.save();
      }
      return withOutputs(result, state);
    },
  };
}
