/**
 * Delete steps: one delete (protect, retainOnDelete, external), removed resources in reverse dependency
 * order, and the dependents a delete-before-replace deletes first.
 */
import type { ProviderHost, Props } from "./host";
import { Semaphore } from "./graph";
import { inputsWithCondemned, protectedError } from "./options";
import type { StateResource } from "./state";
import { errorMessage, type EngineCore, type OperationResult, type UpContext } from "./types";
import { unwrapSecrets } from "./values";

/** Deletes `r` (a `delete` step, or part of a `replace`); a failure is recorded and rethrown. */
export async function deleteOne(core: EngineCore, host: ProviderHost, r: StateResource, result: OperationResult, why: "delete" | "replace"): Promise<void> {
  try {
    if (r.protect && !r.external) throw protectedError(r.urn);
    // retainOnDelete: the engine skips the Delete call (step.go); an external (read) resource is only discarded.
    if (!r.retainOnDelete && !r.external) {
      await core.journal.track({ op: "delete", urn: r.urn, name: r.name, type: r.type, id: r.id }, () => host.delete(r.urn, r.id, unwrapSecrets(r.outputs) as Props, unwrapSecrets(r.inputs) as Props));
    }
    core.state.forget(r);
    if (why === "delete") result.steps.push({ op: r.external ? "discard" : "delete", name: r.name, type: r.type });
  } catch (e) {
    result.ok = false;
    result.failures.push({ name: r.name, type: r.type, message: errorMessage(e) });
    throw e;
  }
}

/** Deletes in reverse dependency order (dependents first), up to `parallelism` at a time. */
export async function deleteAll(core: EngineCore, host: ProviderHost, doomed: StateResource[], result: OperationResult, replacedCopies = new Set<StateResource>()): Promise<void> {
  const sem = new Semaphore(core.parallelism);
  const done = new Map<StateResource, Promise<boolean>>();
  let stopped = false;
  const dependents = (r: StateResource) => doomed.filter((x) => x !== r && x.urn !== r.urn && x.dependencies.includes(r.urn));
  const run = async (r: StateResource): Promise<boolean> => {
    const waits = await Promise.all(dependents(r).map((x) => get(x)));
    if (waits.some((ok) => !ok)) return false;
    await sem.acquire();
    try {
      if (stopped) return false;
      await deleteOne(core, host, r, result, replacedCopies.has(r) ? "replace" : "delete");
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

/**
 * Delete-before-replace of `root`: its dependents that a change of `root` would replace are deleted first,
 * dependents of dependents before them (engine calculateDependentReplacements): each dependent's inputs
 * that came from a condemned resource become unknown, and its provider's Diff decides.
 */
export async function deleteDependentsFirst(ctx: UpContext, root: StateResource): Promise<void> {
  const condemned = new Set([root.urn]);
  const order: StateResource[] = [];
  const visit = (urn: string) => {
    for (const r of ctx.state.resources.values()) {
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
    await deleteOne(ctx, ctx.host, r, ctx.result, "replace");
    ctx.dbrDeleted.add(r.urn);
  }
}
