import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";

/** The engine's unknown sentinel; inputs hold it only during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True when `v` is, or contains, an unknown value (preview). */
export function hasUnknown(v: unknown): boolean {
  if (v === UNKNOWN) return true;
  if (Array.isArray(v)) return v.some(hasUnknown);
  if (v && typeof v === "object") return Object.values(v).some(hasUnknown);
  return false;
}

/**
 * Validates `news` with `schema` and turns zod issues into Pulumi check failures that name the input
 * property and the fix. Top-level properties holding unknowns (preview) are not validated.
 */
export function checkInputs<T>(schema: z.ZodType<T>, news: Record<string, unknown>): pulumi.dynamic.CheckResult {
  const known = Object.fromEntries(Object.entries(news).filter(([k, v]) => k === "__provider" || !hasUnknown(v)));
  const skipped = Object.keys(news).filter((k) => !(k in known));
  const parsed = schema.safeParse(known);
  if (parsed.success) return { inputs: news };
  const failures = parsed.error.issues
    .filter((i) => !skipped.includes(String(i.path[0])))
    .map((i) => ({ property: i.path.length ? i.path.map(String).join(".") : "(inputs)", reason: i.message }));
  return failures.length ? { inputs: news, failures } : { inputs: news };
}

/**
 * Outputs must be JSON-safe: the host fails on `undefined`, functions, Buffers and Outputs with
 * "Unexpected struct type", and turns Dates into `{}` (pulumi-dynamic-provider.md §1.5).
 */
export function jsonSafe<T>(v: T): T {
  return JSON.parse(JSON.stringify(v, (_k, x) => (x === undefined ? null : x)));
}

/** Deep equality of JSON values, for diffs. */
export const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Wraps a possibly-undefined input as a Pulumi secret, leaving undefined alone. */
export function secretIfSet<T>(v: pulumi.Input<T> | undefined): pulumi.Output<pulumi.Unwrap<T>> | undefined {
  return v === undefined ? undefined : pulumi.secret(v);
}

/** Resource options with `keys` added to `additionalSecretOutputs` (outputs holding credentials). */
export function withSecretOutputs(opts: pulumi.CustomResourceOptions | undefined, keys: string[]): pulumi.CustomResourceOptions {
  return { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...keys] };
}
