/**
 * Path parameters go only through this tag (STYLE.md §3, after openai `internal/utils/path.ts`):
 * each interpolated value is percent-encoded as ONE segment, and values that would change the path's
 * meaning (`""`, `.`, `..`, objects) are rejected instead of sent.
 */
import { ConfigError } from "./errors";

/**
 * Tagged template: ``encodePath`/api/users/${key}` `` → `/api/users/<encodeURIComponent(key)>`.
 * Throws {@link ConfigError} (field `path`) for an empty, `.`/`..` or non-primitive value.
 */
export function encodePath(strings: TemplateStringsArray, ...values: unknown[]): string {
  let out = strings[0];
  values.forEach((v, i) => {
    if (typeof v !== "string" && typeof v !== "number") {
      throw new ConfigError("path", `parameter ${i + 1} must be a string or number, got ${v === null ? "null" : typeof v}`);
    }
    const s = String(v);
    if (s === "" || s === "." || s === "..") throw new ConfigError("path", `parameter ${i + 1} must not be empty, "." or ".."`);
    out += encodeURIComponent(s) + strings[i + 1];
  });
  return out;
}
