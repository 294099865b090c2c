/** Turns {@link RequestOptions} into the URL, headers and body sent; secrets in them are registered first. */
import { USER_AGENT, type RequestOptions } from "./client-options";
import { ConfigError } from "./errors";
import { Redactor, isSecretName, redactUrl } from "./redact";
import { registerSecretFields } from "./secret-capture";

/** What the request builder needs from the client. */
export interface RequestTarget {
  origin: string;
  /** Base URL path without a trailing "/" ("" or "/PasswordVault"). */
  basePath: string;
  /** Lower-cased default headers (no user-agent). */
  defaultHeaders: Record<string, string>;
  redactor: Redactor;
}

/** The absolute URL, and the redacted path shown in errors and logs. */
export function buildUrl(target: RequestTarget, opts: RequestOptions<unknown>): { url: string; shownPath: string } {
  if (typeof opts.path !== "string" || /^[a-z][a-z0-9+.-]*:/i.test(opts.path)) {
    throw new ConfigError("path", "must be a path relative to baseUrl, not an absolute URL");
  }
  let path = target.basePath + (opts.path.startsWith("/") ? opts.path : `/${opts.path}`);
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(opts.query ?? {})) {
    if (v === undefined) continue;
    // A secret sent in the query may come back in an error body: mask the value itself too.
    if (isSecretName(k)) target.redactor.add(String(v));
    q.append(k, String(v));
  }
  const qs = q.toString();
  if (qs) path += (path.includes("?") ? "&" : "?") + qs;
  return { url: target.origin + path, shownPath: target.redactor.text(redactUrl(path)) };
}

/** Headers (defaults, caller's, fixed User-Agent) and the JSON or form body. */
export function buildBody(target: RequestTarget, opts: RequestOptions<unknown>): { headers: Record<string, string>; body: string | undefined } {
  if (opts.json !== undefined && opts.form !== undefined) throw new ConfigError("request", "give either json or form, not both");
  const headers: Record<string, string> = { accept: "application/json", ...target.defaultHeaders, ...lowerKeys(opts.headers ?? {}) };
  headers["user-agent"] = USER_AGENT;
  let body: string | undefined;
  if (opts.json !== undefined) {
    registerSecretFields(target.redactor, opts.json);
    body = JSON.stringify(opts.json);
    headers["content-type"] ??= "application/json";
  } else if (opts.form !== undefined) {
    registerSecretFields(target.redactor, opts.form);
    body = new URLSearchParams(opts.form).toString();
    headers["content-type"] ??= "application/x-www-form-urlencoded";
  }
  // A bodiless POST/PUT still says "Content-Length: 0": SPS answers 411 otherwise (SPS REST API documentation, errors).
  if (body !== undefined || opts.method === "POST" || opts.method === "PUT" || opts.method === "PATCH") {
    headers["content-length"] = String(Buffer.byteLength(body ?? ""));
  }
  return { headers, body };
}

/** Header names lower-cased (HTTP names are case-insensitive; one spelling lets later ones override). */
export function lowerKeys(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}
