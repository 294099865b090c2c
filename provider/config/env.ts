/**
 * The one way to read a boolean or integer setting from stack config or an environment variable.
 * Every vendor resolves its flags through these helpers, so that `SPS_ALLOW_HTTP=on` and
 * `cyberark:allowHttp: "yes"` mean the same thing everywhere. Errors are {@link ConfigError}s naming the
 * setting; they never echo anything but the (non-secret) value of a flag.
 */
import { ConfigError } from "../http/errors";

const TRUE = new Set(["true", "1", "yes", "on"]);
const FALSE = new Set(["false", "0", "no", "off"]);

/**
 * `true`/`false`/`1`/`0`/`yes`/`no`/`on`/`off` (case-insensitive, surrounding blanks ignored) → boolean;
 * undefined or blank → undefined; a real boolean passes through. Anything else throws naming `setting`.
 */
export function envBool(value: string | boolean | undefined | null, setting: string): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (value === undefined || value === null || value.trim() === "") return undefined;
  const v = value.trim().toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  throw new ConfigError(setting, `is not a boolean: use true or false (1/0, yes/no, on/off are also accepted), got "${value.slice(0, 40)}"`);
}

/**
 * A decimal integer >= `min` (default 0) and <= `max` (default Number.MAX_SAFE_INTEGER); undefined or
 * blank → undefined; a finite number passes the same range check. Anything else throws naming `setting`.
 */
export function envInt(value: string | number | undefined | null, setting: string, opts: { min?: number; max?: number } = {}): number | undefined {
  const min = opts.min ?? 0;
  const max = opts.max ?? Number.MAX_SAFE_INTEGER;
  if (value === undefined || value === null || (typeof value === "string" && value.trim() === "")) return undefined;
  const text = String(value).trim();
  const n = typeof value === "number" ? value : /^[+-]?\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new ConfigError(setting, `is not valid: use a whole number between ${min} and ${max}, got "${text.slice(0, 40)}"`);
  }
  return n;
}

/** The first of several sources that is set (not undefined and not blank), e.g. stack config, then env. */
export function firstSet(...values: Array<string | undefined>): string | undefined {
  return values.find((v) => v !== undefined && v.trim() !== "");
}
