/**
 * The one path-segment encoder of every vendor client. Each value is percent-encoded as ONE segment,
 * and values that would change the path's meaning or cannot be a segment are refused before any
 * request: `""` (collapses `/a//b`), `.` and `..` (URL parsing rewrites them: `users/..` becomes the
 * collection), control characters (NUL, CR/LF, DEL: never part of an id) and lone surrogates.
 */
import { ConfigError } from "./errors";

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `value` cannot be one path segment, or undefined when it can (for input checks before any request). */
export function pathSegmentProblem(value: string): string | undefined {
  if (value === "" || value === "." || value === "..") return 'it must not be empty, "." or ".."';
  if (CONTROL.test(value)) return "it must not contain control characters (NUL, CR, LF, DEL…)";
  if (LONE_SURROGATE.test(value)) return "it is not well-formed Unicode (lone surrogate)";
  return undefined;
}

/**
 * One encoded path segment. `what` names the value in the error (e.g. "SPS user key"); the value is shown
 * JSON-quoted (control characters escaped) and shortened, as ids are not secrets.
 * Throws {@link ConfigError} (field `what`) for a value {@link pathSegmentProblem} refuses.
 */
export function pathSegment(value: unknown, what = "path parameter"): string {
  if (typeof value !== "string" && typeof value !== "number") {
    throw new ConfigError(what, `must be a string or number, got ${value === null ? "null" : typeof value}`);
  }
  const s = String(value);
  const problem = pathSegmentProblem(s);
  if (problem) throw new ConfigError(what, `${JSON.stringify(s.slice(0, 64))} cannot be used in a URL path: ${problem}`);
  return encodeURIComponent(s);
}

/**
 * Tagged template: ``encodePath`/api/users/${key}` `` → `/api/users/<pathSegment(key)>`.
 * Throws {@link ConfigError} for a value {@link pathSegment} refuses.
 */
export function encodePath(strings: TemplateStringsArray, ...values: unknown[]): string {
  let out = strings[0];
  values.forEach((v, i) => {
    out += pathSegment(v, `path parameter ${i + 1}`) + strings[i + 1];
  });
  return out;
}
