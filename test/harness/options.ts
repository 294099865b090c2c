/**
 * Resource options the engine applies itself (the provider never sees them), reproduced for the harness.
 * Engine source: pkg/resource/deploy/step_generator.go and step.go in pulumi/pulumi.
 */
import type { Props } from "./host";
import { UNKNOWN } from "./values";

/** Options of one registration (`pulumi.CustomResourceOptions` as the engine receives them). */
export interface RegistrationOptions {
  /** URN of the parent (a component); part of this resource's URN. */
  parent?: string;
  /** URNs this resource was known by before (a rename or a move under a component). */
  aliases?: string[];
  /** Names or URNs of resources this one depends on besides its output references. */
  dependsOn?: string[];
  /** Refuse to delete (and so to replace) this resource. */
  protect?: boolean;
  /** Drop from state without calling Delete. */
  retainOnDelete?: boolean;
  /** Input paths (`name`, `connection.url`, `members[0]`) whose old value is kept before Check. */
  ignoreChanges?: string[];
  /** Overrides the diff's `deleteBeforeReplace`. */
  deleteBeforeReplace?: boolean;
  /** Output keys stored as secrets (top-level names). */
  additionalSecretOutputs?: string[];
  /** Per top-level input key: names or URNs of the resources its value came from (default: its output references). */
  propertyDependencies?: Record<string, string[]>;
}

/**
 * The engine's URN: `urn:pulumi:<stack>::<project>::<qualified type>::<name>`, where the qualified type is
 * the parent's qualified type, `$`, then the type (a root-stack parent adds nothing). Two resources may
 * share a name when their types or parents differ.
 */
export function urnOf(stack: string, project: string, type: string, name: string, parent?: string): string {
  const parentType = parent ? parent.split("::")[2] : undefined;
  const qualified = parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$${type}` : type;
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/** `a.b[0].c` → `["a", "b", 0, "c"]` (the engine's property path syntax, without quoting). */
function parsePath(p: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const part of p.split(".")) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) throw new Error(`ignoreChanges path "${p}" is not of the form a.b[0].c`);
    if (m[1]) out.push(m[1]);
    for (const idx of m[2].matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]));
  }
  return out;
}

const clone = <T>(v: T): T => (v === undefined ? v : JSON.parse(JSON.stringify(v)));

/**
 * `ignoreChanges`: each listed path of the new inputs takes its old value (or is removed when the old
 * inputs lack it), before Check, as the engine does (step_generator.go processIgnoreChanges). A path into
 * a container the new inputs lack is created. Nothing applies to a create (there are no old inputs).
 */
export function applyIgnoreChanges(oldInputs: Props, newInputs: Props, paths: string[] | undefined): Props {
  if (!paths?.length) return newInputs;
  const result = clone(newInputs) as Props;
  for (const p of paths) {
    const keys = parsePath(p);
    let oldV: unknown = oldInputs;
    for (const k of keys) oldV = oldV && typeof oldV === "object" ? (oldV as Record<string | number, unknown>)[k] : undefined;
    let target: Record<string | number, unknown> = result;
    for (const [i, k] of keys.slice(0, -1).entries()) {
      if (!target[k] || typeof target[k] !== "object") {
        if (oldV === undefined) break; // nothing to keep, nothing to create
        target[k] = typeof keys[i + 1] === "number" ? [] : {};
      }
      target = target[k] as Record<string | number, unknown>;
    }
    const last = keys[keys.length - 1];
    if (oldV === undefined) delete target[last];
    else target[last] = clone(oldV);
  }
  return result;
}

/** Inputs for the engine's dependent-replacement Diff: keys that came from a condemned resource become unknown. */
export function inputsWithCondemned(inputs: Props, propertyDependencies: Record<string, string[]>, condemned: Set<string>): { inputs: Props; hit: boolean } {
  let hit = false;
  const out = Object.fromEntries(
    Object.entries(inputs).map(([k, v]) => {
      if ((propertyDependencies[k] ?? []).some((u) => condemned.has(u))) {
        hit = true;
        return [k, UNKNOWN];
      }
      return [k, v];
    }),
  );
  return { inputs: out, hit };
}

/** The engine's error for deleting a protected resource (step.go deleteProtectedError). */
export function protectedError(urn: string): Error {
  return new Error(
    `resource "${urn}" cannot be deleted because it is protected. To unprotect the resource, either remove the \`protect\` flag from the resource in your Pulumi program and run \`pulumi up\`, or use the command: \`pulumi state unprotect '${urn}'\``,
  );
}
