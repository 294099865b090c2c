/**
 * One spec per resource kind: the facts about a resource that its class (public declarations), its
 * implementation (`*-provider.ts`) and the test harness all need, written once. Plain data and types only:
 * the classes' public declarations reach this module, so nothing here may mention zod (a project with
 * Pulumi's template tsconfig cannot compile zod's declarations). The zod inputs schema lives in the
 * implementation module, next to the spec it validates for.
 */
import * as pulumi from "@pulumi/pulumi";
import { secretFields, secretIfSet, withSecretOutputs } from "./inputs";

/** The module segment of our type tokens, `pulumi-nodejs:dynamic/pam:<type>`. */
export const TYPE_MODULE = "pam";

/** The facts about one resource kind. `O` is the resource's outputs interface (what the provider computes). */
export interface ResourceSpec<O extends object = Record<string, unknown>> {
  /** The type name; with the module it is the type token in every URN of users' state, so it never changes. */
  readonly type: string;
  /** The implementation module under `dist/provider/` that the shim requires; stored in users' state, so it never moves. */
  readonly impl: string;
  /** The names of `O`: declared on the class (undefined in the constructor's props) and unknown in preview until created. */
  readonly outputs: readonly (keyof O & string)[];
  /** Inputs whose values the engine stores encrypted as outputs (`additionalSecretOutputs`). */
  readonly secretOutputs: readonly string[];
  /**
   * Inputs marked secret when sent: `true` the whole value; a list of fields only those fields of an
   * object input, so the rest (the appliance URL) stays known in preview.
   */
  readonly secretInputs: Readonly<Record<string, true | readonly string[]>>;
}

/** Names `O`'s keys that a list leaves out (never when the list is complete). */
type Missing<O, L extends readonly unknown[]> = Exclude<keyof O, L[number]>;

/**
 * Defines the spec of a resource whose outputs are `O`. The output list is checked against `O` at compile
 * time both ways: a name `O` lacks, or a key of `O` the list leaves out, is a type error naming it.
 */
export function resourceSpec<O extends object>() {
  return <const L extends readonly (keyof O & string)[]>(
    spec: Omit<ResourceSpec<O>, "outputs"> & { outputs: L } & ([Missing<O, L>] extends [never] ? unknown : { missingOutputs: Missing<O, L> }),
  ): ResourceSpec<O> & { outputs: L } => spec;
}

/** The full type token, `pulumi-nodejs:dynamic/pam:<type>`. */
export const typeToken = (spec: Pick<ResourceSpec, "type">): string => `pulumi-nodejs:dynamic/${TYPE_MODULE}:${spec.type}`;

/** The class properties of outputs `O` (merged into the resource class by an interface of the same name). */
export type OutputProperties<O> = { readonly [K in keyof O]: pulumi.Output<O[K]> };

/**
 * A resource's state as its implementation sees it: the validated inputs `I` as stored (without the `__`
 * bookkeeping inputs; the `Defaulted` ones always written, defaults filled in) plus the outputs `O`.
 */
export type ResourceState<I, O, Defaulted extends keyof I = never> = Omit<I, `__${string}` | Defaulted> & { [K in Defaulted]-?: Exclude<I[K], undefined> } & O;

/**
 * The props a class passes to `dynamic.Resource`: every output undefined first (the SDK makes a property
 * only for a key present in props), then `inputs` with the spec's secret inputs marked.
 */
export function resourceProps(spec: ResourceSpec, inputs: Record<string, unknown>): Record<string, unknown> {
  const props: Record<string, unknown> = Object.fromEntries(spec.outputs.map((k) => [k, undefined]));
  for (const [k, v] of Object.entries(inputs)) {
    const secret = spec.secretInputs[k];
    props[k] = secret === undefined ? v : secret === true ? secretIfSet(v as pulumi.Input<unknown>) : secretFields(v as pulumi.Input<Record<string, unknown>>, secret);
  }
  return props;
}

/** The resource options a class passes on: the caller's, plus the spec's secret outputs. */
export const resourceOptions = (spec: ResourceSpec, opts: pulumi.CustomResourceOptions | undefined): pulumi.CustomResourceOptions =>
  withSecretOutputs(opts, [...spec.secretOutputs]);
