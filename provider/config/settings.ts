/**
 * Connection settings, read field by field from the places a user sets them. Each vendor's
 * `connection.ts` holds one table naming every field's stack config key and environment variable and
 * how its text is parsed; the dynamic providers and the session-actions module read through that one table.
 *
 * Precedence, lowest first (our choice, the same for every vendor):
 * - dynamic resources: environment variable < stack config (`<vendor>:<key>`) < the resource's `connection`;
 * - session actions and CLI: config file section < environment variable.
 * A blank value counts as unset in every layer. Errors are ConfigErrors naming the setting, never a secret.
 */
import type { ConfigError } from "../http/errors";
import { envBool, envInt, firstSet } from "./env";

/** How one connection field is read. */
export interface SettingSpec {
  /** Environment variable, e.g. `SPS_URL`; absent for stack-config-only tuning. */
  env?: string;
  /** Stack config key without the vendor namespace (`url` for `sps:url`); absent when not in stack config. */
  config?: string;
  /** How the text becomes a value (default `text`: kept as given; `trimmed`: surrounding blanks dropped). */
  kind?: "text" | "trimmed" | "bool" | "int";
  /** Smallest accepted `int` (default 0). */
  min?: number;
  /** A custom parse (enums); must throw a {@link ConfigError} naming `setting`. */
  parse?: (raw: string, setting: string) => unknown;
}

/** The settings table of one connection type. */
export type SettingsTable<T> = { readonly [K in keyof T]?: SettingSpec };

/** Where a field's raw text comes from, and the name of the setting an error shows. */
export type SettingLookup = (spec: SettingSpec) => { raw: string | undefined; setting: string };

/** The lookup of a dynamic provider: stack config `<ns>:<key>` wins over the environment variable. */
export function stackThenEnv(ns: string, config: { get(key: string): string | undefined } | undefined, env: Record<string, string | undefined>): SettingLookup {
  return (s) => ({
    raw: firstSet(s.config ? config?.get(`${ns}:${s.config}`) : undefined, s.env ? env[s.env] : undefined),
    setting: [s.config && `${ns}:${s.config}`, s.env].filter(Boolean).join(" / "),
  });
}

/** The lookup of the session-actions module and the CLI: environment variables only. */
export function envOnly(env: Record<string, string | undefined>): SettingLookup {
  return (s) => ({ raw: s.env ? firstSet(env[s.env]) : undefined, setting: s.env ?? "" });
}

/** Reads and parses every field of `table` through `lookup`. Unset fields are absent from the result. */
export function readSettings<T>(table: SettingsTable<T>, lookup: SettingLookup): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [field, spec] of Object.entries(table) as Array<[string, SettingSpec]>) {
    const { raw, setting } = lookup(spec);
    if (raw === undefined) continue;
    const value = spec.parse
      ? spec.parse(raw, setting)
      : spec.kind === "bool"
        ? envBool(raw, setting)
        : spec.kind === "int"
          ? envInt(raw, setting, { min: spec.min })
          : spec.kind === "trimmed"
            ? raw.trim()
            : raw;
    if (value !== undefined) out[field] = value;
  }
  return out as Partial<T>;
}

/** Field-by-field merge: a later layer's field wins; undefined and null never override. */
export function mergeFields<T extends object>(...layers: Array<Partial<T> | undefined | null>): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer ?? {})) if (v !== undefined && v !== null) out[k] = v;
  }
  return out as Partial<T>;
}
