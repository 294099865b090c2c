/** What a create that did not plainly succeed leaves: an explained name clash, or a partial create. */
import { SpsCommitUnknownError } from "./errors";

/**
 * A create refused because the name is taken (SPS's commit validation): say how to take the object over.
 * After an interrupted run this is the expected case: the create committed, but the run died before
 * Pulumi recorded it.
 */
export function explainNameTaken(e: unknown, what: string, name: string, adoptInput: string): never {
  const msg = e instanceof Error ? e.message : String(e);
  if (!/already exists/i.test(msg)) throw e;
  const err = new Error(
    `${msg} An SPS ${what} named "${name}" already exists outside this stack's state (for example created by an earlier run that was interrupted before it recorded it). ` +
      `To manage it, set ${adoptInput}: true on this resource and run pulumi up again; or delete it on SPS first.`,
    { cause: e },
  );
  throw Object.assign(err, { code: (e as { code?: string }).code });
}

/**
 * Turns an unknown commit outcome of a create into a partial create (an error carrying `id`, `properties`
 * and `reasons`, which the host turns into ErrorResourceInitFailed): the engine keeps the resource in state under the key
 * SPS gave it and calls update on the next up, which finds the object (the commit was applied) and completes
 * it, so no orphan is left. `properties` must carry `__provider`: the host adds it only to successful results.
 */
export function partialCreateOnUnknownCommit(e: unknown, inputs: { __provider?: unknown }, outputsFor: (key: string) => object): never {
  const staged = e instanceof SpsCommitUnknownError ? (e.staged as { key?: unknown } | undefined) : undefined;
  if (typeof staged?.key !== "string") throw e;
  const err = new Error((e as Error).message) as Error & { id: string; properties: object; reasons: string[] };
  err.id = staged.key;
  err.properties = { ...outputsFor(staged.key), __provider: inputs.__provider };
  err.reasons = [(e as Error).message];
  throw err;
}
