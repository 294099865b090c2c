/**
 * The harness state file: one JSON document, versioned, secrets as AES-GCM ciphertext (see values.ts).
 *
 *   { version: 2, project, stack,
 *     config: { "sps:url": ..., "sps:password": {<sig>: <secret sig>, secure: "..."} },  // stack config at the last up
 *     resources: [ StateResource & { delete?: true } ] }                                 // keyed by URN
 *
 * As in the engine's snapshot, a resource whose create-before-delete replacement has not finished
 * deleting its old copy appears twice under one URN: the live copy and the old one with `delete: true`.
 * Version 1 (resources keyed by name, dependencies by name, no config) is read and upgraded.
 */
import * as fs from "fs";
import * as path from "path";
import type { Props } from "./host";
import type { StateCipher } from "./values";

/** One resource as kept in the harness state (secrets as wrappers in memory, ciphertext on disk). */
export interface StateResource {
  urn: string;
  name: string;
  type: string;
  id: string;
  /** URN of the parent component, when there is one. */
  parent?: string;
  inputs: Props;
  outputs: Props;
  /** URNs this resource depends on (output references and `dependsOn`). */
  dependencies: string[];
  /** Per top-level input key, the URNs its value came from (the engine uses them for delete-before-replace). */
  propertyDependencies?: Record<string, string[]>;
  additionalSecretOutputs: string[];
  protect?: boolean;
  retainOnDelete?: boolean;
  /** Read with `Resource.get`: not managed, never deleted (engine `External`). */
  external?: boolean;
  initErrors?: string[];
}

export const STATE_VERSION = 2;

export interface LoadedState {
  resources: Map<string, StateResource>;
  /** Old copies of replaced resources whose delete has not run yet. */
  pendingDeletes: StateResource[];
  /** The stack config stored at the last up (refresh and destroy configure the provider with it). */
  config?: Props;
}

export function loadState(file: string, cipher: StateCipher, project: string, stack: string): LoadedState {
  const loaded: LoadedState = { resources: new Map(), pendingDeletes: [] };
  if (!fs.existsSync(file)) return loaded;
  const raw = JSON.parse(fs.readFileSync(file, "utf8")) as { version?: number; config?: unknown; resources: unknown[] };
  const list = cipher.open(raw.resources) as (StateResource & { delete?: boolean })[];
  if ((raw.version ?? 1) < 2) {
    // Version 1 named dependencies by resource name and had no URN-qualified parents.
    const urnByName = new Map(list.map((r) => [r.name, r.urn ?? `urn:pulumi:${stack}::${project}::${r.type}::${r.name}`]));
    for (const r of list) {
      r.urn = urnByName.get(r.name)!;
      r.dependencies = (r.dependencies ?? []).map((n) => urnByName.get(n) ?? n);
    }
  }
  for (const { delete: pending, ...r } of list) {
    if (pending) loaded.pendingDeletes.push(r);
    else loaded.resources.set(r.urn, r);
  }
  if (raw.config) loaded.config = cipher.open(raw.config) as Props;
  return loaded;
}

export function saveState(file: string, cipher: StateCipher, s: LoadedState & { project: string; stack: string }): void {
  const resources = [...s.resources.values(), ...s.pendingDeletes.map((r) => ({ ...r, delete: true }))];
  const doc = { version: STATE_VERSION, project: s.project, stack: s.stack, config: s.config === undefined ? undefined : cipher.seal(s.config), resources: cipher.seal(resources) };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(doc, null, 2));
}
