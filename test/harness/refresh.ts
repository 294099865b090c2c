/**
 * `pulumi refresh`'s steps: Read every resource with its old outputs and inputs; an empty id drops it;
 * the provider's Diff of the refreshed outputs against the declared inputs decides drift (engine RefreshStep).
 */
import type { ProviderHost, Props } from "./host";
import { Semaphore, changedKeys } from "./graph";
import { errorMessage, type EngineCore, type OperationResult } from "./types";
import { isSecret, markSecrets, secretKeysOf, unwrapSecrets } from "./values";

export async function refreshAll(core: EngineCore, host: ProviderHost, result: OperationResult): Promise<void> {
  const { state } = core;
  const sem = new Semaphore(core.parallelism);
  await Promise.all(
    [...state.resources.values()].map(async (r) => {
      await sem.acquire();
      try {
        const read = await host.read(r.urn, r.id, unwrapSecrets(r.outputs) as Props, unwrapSecrets(r.inputs) as Props);
        if (!read.id) {
          state.forget(r);
          result.steps.push({ op: "gone", name: r.name, type: r.type });
          return;
        }
        const secretKeys = new Set([...Object.keys(r.outputs).filter((k) => isSecret(r.outputs[k])), ...r.additionalSecretOutputs]);
        const outputs = markSecrets(read.properties, secretKeys);
        const inputs = read.inputs ? markSecrets(read.inputs, secretKeysOf(r.inputs, [])) : r.inputs;
        state.resources.set(r.urn, { ...r, id: read.id, outputs, inputs });
        // Drift is what the provider's Diff says about the refreshed outputs against the declared inputs
        // (engine RefreshStep): an output the provider merely learned (a timestamp) is not drift.
        const plainInputs = unwrapSecrets(inputs) as Props;
        const d = await host.diff(r.urn, read.id, unwrapSecrets(outputs) as Props, unwrapSecrets(r.inputs) as Props, plainInputs);
        const drifted = d.changes === "some" || (d.changes === "unknown" && changedKeys(r.inputs, inputs).length > 0);
        const keys = changedKeys(r.outputs, outputs);
        result.steps.push(drifted ? { op: "refresh", name: r.name, type: r.type, keys } : { op: "same", name: r.name, type: r.type });
      } catch (e) {
        result.ok = false;
        result.failures.push({ name: r.name, type: r.type, message: errorMessage(e) });
      } finally {
        sem.release();
      }
    }),
  );
}
