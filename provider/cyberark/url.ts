import { PamError, pathSegment, pathSegmentProblem } from "../http";

/**
 * A value that PVWA cannot carry in a URL: empty, `.`/`..`, whitespace, `/`, `?`, `#`, or one of
 * `+ & %`, which the PVWA REST documentation calls "not supported in URL values" even when
 * percent-encoded; also whatever the shared path-segment rule refuses (control characters).
 * Code `CYBERARK_URL_VALUE_UNSUPPORTED`.
 */
export class CyberArkUrlValueError extends PamError {
  readonly code = "CYBERARK_URL_VALUE_UNSUPPORTED";
  /** What the value is (e.g. "member name"); the value itself is in the message only when not secret. */
  readonly what: string;
  constructor(what: string, value: string, reason: string) {
    super(`cyberark: ${what} ${JSON.stringify(value.slice(0, 64))} cannot be used in a PVWA URL: ${reason}`);
    this.what = what;
  }
}

/** Why `value` cannot be a PVWA URL value, or undefined when it can (for input checks before any request). */
export function urlValueProblem(value: string): string | undefined {
  const shared = pathSegmentProblem(value);
  if (shared) return shared;
  if (/\s/.test(value)) return "PVWA URLs must contain no spaces";
  const bad = /[+&%]/.exec(value);
  if (bad) return `PVWA does not support "${bad[0]}" in URL values ("+", "&" and "%" are refused)`;
  if (/[/?#]/.test(value)) return 'it must not contain "/", "?" or "#"';
  return undefined;
}

/**
 * Encodes one path segment with the shared encoder, after PVWA's stricter rules. `@` stays literal
 * (legal in a path and what psPAS sends); everything else is percent-encoded (e.g. `\` in `DOMAIN\user`).
 */
function segment(what: string, v: string | number): string {
  const s = String(v);
  const problem = urlValueProblem(s);
  if (problem) throw new CyberArkUrlValueError(what, s, problem);
  return pathSegment(s, what).replace(/%40/g, "@");
}

/**
 * Builds an `/API/...` path from literal parts and values: ``apiPath`UserGroups/${id}/Members/${name}` ``.
 * Each value is checked ({@link urlValueProblem}) and encoded as one segment. When any value contains
 * a dot, a trailing `/` is appended (PVWA documentation: "If the URL includes a dot (.), add a forward slash (/) at
 * the end"; otherwise IIS answers an HTML 404).
 */
export function apiPath(strings: TemplateStringsArray, ...values: Array<string | number>): string {
  let out = `/API/${strings[0].replace(/^\/+/, "")}`;
  let dotted = false;
  values.forEach((v, i) => {
    if (String(v).includes(".")) dotted = true;
    out += segment("path value", v) + strings[i + 1];
  });
  if (dotted && !out.endsWith("/")) out += "/";
  return out;
}

/** Checks a query value against the URL rules (it is percent-encoded by the HTTP client afterwards). */
export function checkQueryValue(what: string, value: string): string {
  const problem = /[+&%]/.test(value) ? 'PVWA does not support "+", "&" or "%" in URL values' : undefined;
  if (problem) throw new CyberArkUrlValueError(what, value, problem);
  return value;
}
