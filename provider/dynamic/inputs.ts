import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";

/** The engine's unknown sentinel; inputs hold it only during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True when `v` is the unknown sentinel itself (the whole value unknown). */
export const isUnknown = (v: unknown): boolean => v === UNKNOWN;

/** True when `v` is, or contains, an unknown value (preview). */
export function hasUnknown(v: unknown): boolean {
  if (v === UNKNOWN) return true;
  if (Array.isArray(v)) return v.some(hasUnknown);
  if (v && typeof v === "object") return Object.values(v).some(hasUnknown);
  return false;
}

/**
 * Whether a resource moves to another appliance (another appliance holds another object: replace). During
 * preview an unknown URL (the whole `connection` unknown, or its `url`) may be another appliance, and a
 * known change of it replaces, so it previews as a replace; the apply diffs the known value again and
 * replaces only if it really differs. Choice: documented in README "Preview with unknown inputs".
 */
export function applianceChanged<C>(connection: C | undefined, oldUrl: string | null | undefined, effectiveUrl: (c: C | undefined) => string | undefined): boolean {
  if (!oldUrl) return false;
  if (isUnknown(connection) || isUnknown((connection as { url?: unknown } | undefined)?.url)) return true;
  return effectiveUrl(connection) !== oldUrl;
}

/** True when any input but `__provider` holds an unknown (preview): the diff cannot say "no change". */
export const inputsHaveUnknown = (news: Record<string, unknown>): boolean =>
  Object.entries(news).some(([k, v]) => k !== "__provider" && hasUnknown(v));

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
 * "Unexpected struct type", and turns Dates into `{}` (sdk/nodejs/cmd/dynamic-provider in pulumi/pulumi).
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

/**
 * Marks only the credential `fields` of an object input secret, field by field. Wrapping the whole object
 * with `pulumi.secret` would lift it into one Output: when a credential comes from another resource's
 * output, the whole object is unknown during preview and its known fields (the appliance URL) are lost
 * to the diff. An input that is already an Output or a promise cannot be split without lifting it, so it
 * is marked secret as a whole (it is known or unknown as a whole anyway).
 */
export function secretFields<T extends object>(v: pulumi.Input<T> | undefined, fields: readonly (keyof T & string)[]): pulumi.Input<T> | undefined {
  if (v === undefined || v === null) return v;
  if (pulumi.Output.isInstance(v) || typeof (v as { then?: unknown }).then === "function") return pulumi.secret(v) as pulumi.Input<T>;
  const o = { ...(v as Record<string, unknown>) };
  for (const f of fields) if (o[f] !== undefined) o[f] = pulumi.secret(o[f] as pulumi.Input<unknown>);
  return o as pulumi.Input<T>;
}

/** The connection fields stored as secrets (the rest, e.g. the URL, stays visible and known in preview). */
export const CONNECTION_SECRET_FIELDS = ["password"] as const;

/** Resource options with `keys` added to `additionalSecretOutputs` (outputs holding credentials). */
export function withSecretOutputs(opts: pulumi.CustomResourceOptions | undefined, keys: string[]): pulumi.CustomResourceOptions {
  return { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...keys] };
}
