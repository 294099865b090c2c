import type { Props } from "./host";
import type { DesiredResource } from "./types";
import { UNKNOWN, isRef, isSecret, secret, unwrapSecrets, type OutputRef } from "./values";

/** Bounds the steps in flight, like the engine's `--parallel`. */
export class Semaphore {
  private waiting: (() => void)[] = [];
  constructor(private free: number) {}
  async acquire(): Promise<void> {
    if (this.free > 0) return void this.free--;
    await new Promise<void>((r) => this.waiting.push(r));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

export const PROVIDER_KEY = "__provider";
export const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Top-level keys whose values differ, `__provider` excluded (for display, as the CLI's `[diff: ~k]`). */
export function changedKeys(a: Props, b: Props): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  keys.delete(PROVIDER_KEY);
  return [...keys].filter((k) => !sameJson(unwrapSecrets(a[k]), unwrapSecrets(b[k]))).sort();
}

/** Names of the resources whose outputs `v` references. */
function refNames(v: unknown, into: string[] = []): string[] {
  if (isRef(v)) into.push(v.__ref.name);
  else if (isSecret(v)) refNames(v.value, into);
  else if (Array.isArray(v)) v.forEach((x) => refNames(x, into));
  else if (v && typeof v === "object") Object.values(v).forEach((x) => refNames(x, into));
  return into;
}

/** Names (or URNs) a resource depends on: its output references and `dependsOn`. */
export function depsOf(d: DesiredResource): string[] {
  return [...new Set([...refNames(d.inputs), ...(d.dependsOn ?? [])])];
}

/** Per top-level input key, the names (or URNs) its value came from: the option if given, else its output references. */
export function propertyDepsOf(d: DesiredResource): Record<string, string[]> {
  if (d.propertyDependencies) return d.propertyDependencies;
  return Object.fromEntries(Object.entries(d.inputs).map(([k, v]) => [k, [...new Set(refNames(v))]]).filter(([, xs]) => xs.length));
}

/** Replaces output references with the dependency's output (the unknown sentinel when not known: preview). */
export function resolveRefs(v: unknown, outs: Map<string, Props | undefined>): unknown {
  if (isRef(v)) {
    const val = outs.get((v as OutputRef).__ref.name)?.[(v as OutputRef).__ref.key];
    return val === undefined ? UNKNOWN : val;
  }
  if (isSecret(v)) return secret(resolveRefs(v.value, outs));
  if (Array.isArray(v)) return v.map((x) => resolveRefs(x, outs));
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolveRefs(x, outs)]));
  return v;
}
