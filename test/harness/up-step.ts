/**
 * One registration's step in an `up` or preview: Check, then Diff against the old state and create,
 * update, replace (create-before-delete or delete-before-replace) or nothing; and the Read step of a `get`.
 */
import { HostCallError, type Props } from "./host";
import { deleteDependentsFirst, deleteOne } from "./deletes";
import { PROVIDER_KEY, changedKeys, sameJson } from "./graph";
import { applyIgnoreChanges } from "./options";
import type { StateResource } from "./state";
import type { DesiredResource, UpContext } from "./types";
import { annotateSecrets, markSecrets, secretKeysOf, unwrapSecrets } from "./values";

/** The state entry of a registration, without id, inputs and outputs. */
function entryBase(d: DesiredResource, urn: string, deps: string[], propertyDependencies: Record<string, string[]>): Omit<StateResource, "id" | "inputs" | "outputs"> {
  return {
    urn, name: d.name, type: d.type, parent: d.parent, dependencies: deps, propertyDependencies,
    additionalSecretOutputs: d.additionalSecretOutputs ?? [], protect: d.protect || undefined, retainOnDelete: d.retainOnDelete || undefined,
  };
}

/** The old state of a registration: by URN, else by one of its aliases not taken yet. */
function oldOf(ctx: UpContext, urn: string, aliases: string[] | undefined): StateResource | undefined {
  const own = ctx.state.resources.get(urn);
  if (own) return own;
  for (const a of aliases ?? []) {
    const r = ctx.state.resources.get(a);
    if (r && !ctx.registered.has(a) && !ctx.aliased.has(a)) {
      ctx.aliased.add(a);
      return r;
    }
  }
  return undefined;
}

/** The step of a registered resource whose dependencies are done (`resolved`: its inputs with references resolved). */
export async function registerStep(ctx: UpContext, d: DesiredResource, urn: string, resolved: Props, deps: string[], propertyDeps: Record<string, string[]>): Promise<Props> {
  const { host, preview, result, state } = ctx;
  const old = oldOf(ctx, urn, d.aliases);
  // ignoreChanges applies to the new inputs before Check (engine processIgnoreChanges); not on create.
  const inputs = old ? applyIgnoreChanges(old.inputs, resolved, d.ignoreChanges) : resolved;
  const news: Props = { ...inputs, [PROVIDER_KEY]: d.provider };
  const secretKeys = secretKeysOf(news, d.additionalSecretOutputs ?? []);
  const plainNews = unwrapSecrets(news) as Props;
  const base = entryBase(d, urn, deps, propertyDeps);
  // The engine stores the inputs Check returned (secretness copied back from the program's inputs,
  // provider_plugin.go annotateSecrets) and diffs later operations against them, not the program's inputs.
  const stored = (checkedInputs: Props) => annotateSecrets(checkedInputs, news);
  const record = (id: string, outputs: Props, checkedInputs: Props) => {
    const entry: StateResource = { ...base, id, inputs: stored(checkedInputs), outputs: markSecrets(outputs, secretKeys) };
    if (!preview) {
      if (old && old.urn !== urn && state.resources.get(old.urn) === old) state.resources.delete(old.urn); // moved by alias
      state.resources.set(urn, entry);
      state.save(); // the CLI checkpoints state as each step completes
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
      const c = await ctx.journal.track({ op: "create", urn, name: d.name, type: d.type }, () => host.create(urn, ins));
      return record(c.id, c.properties, ins);
    } catch (e) {
      // A partial create is kept with its outputs (secrets annotated like any outputs) and init errors.
      if (e instanceof HostCallError && e.initFailed) {
        state.resources.set(urn, { ...base, id: e.initFailed.id, inputs: stored(ins), outputs: markSecrets(e.initFailed.properties, secretKeys), initErrors: e.initFailed.reasons });
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
    if (!preview) state.resources.set(urn, { ...old, ...base, id: old.id, inputs: stored(ins), outputs: old.outputs });
    if (!preview && old.urn !== urn) state.resources.delete(old.urn);
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
      await deleteDependentsFirst(ctx, old);
      await deleteOne(ctx, host, old, result, "replace");
      return await create();
    }
    const outs = await create();
    // The old copy stays in state, marked for deletion, until the end of this (successful) operation.
    state.pendingDeletes.push(old);
    ctx.replacedCopies.add(old);
    return outs;
  }
  result.steps.push({ op: "update", name: d.name, type: d.type, keys });
  if (preview) return record(old.id, ins, ins);
  const u = await ctx.journal.track({ op: "update", urn, name: d.name, type: d.type, id: old.id }, () => host.update(urn, old.id, oldOutputs, ins, oldInputs));
  return record(old.id, u.properties, ins);
}

/**
 * `Resource.get` / `new X(name, props, {id})`: `Read(id, properties = props, inputs = props)` (engine
 * ReadStep), in preview too. The resource is stored as external: refresh reads it, nothing deletes it.
 */
export async function readStep(ctx: UpContext, d: DesiredResource, urn: string, id: string, inputs: Props, deps: string[]): Promise<Props> {
  const props = unwrapSecrets({ ...inputs, [PROVIDER_KEY]: d.provider }) as Props;
  const r = await ctx.host.read(urn, id, props, props);
  // The host always adds __provider, so the engine never sees an empty answer ("does not exist"); it keeps the requested id.
  const outputs = markSecrets(r.properties, new Set(d.additionalSecretOutputs ?? []));
  if (!ctx.preview) {
    ctx.state.resources.set(urn, { ...entryBase(d, urn, deps, {}), id: r.id || id, inputs: { ...inputs, [PROVIDER_KEY]: d.provider }, outputs, external: true });
  }
  ctx.result.steps.push({ op: "read", name: d.name, type: d.type });
  return outputs;
}
