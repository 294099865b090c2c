/**
 * Secrets learnt from what a request sends and receives (secret-named body and query fields, credential
 * headers, session cookies): registered in the redactor so every later error and log line masks them,
 * even if the vendor client forgot to register them.
 */
import { Redactor, SENSITIVE_HEADERS, isSecretName } from "./redact";

/** Cookie values shorter than this are not auto-registered as secrets (they would redact digits everywhere). */
const MIN_AUTO_SECRET = 8;

/** Values of secret-named body fields (password, client_secret, token, SPS `plain`…). */
export function registerSecretFields(redactor: Redactor, v: unknown, depth = 0): void {
  if (depth > 8 || !v || typeof v !== "object") return;
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (typeof x === "string" && isSecretName(k)) redactor.add(x);
    else registerSecretFields(redactor, x, depth + 1);
  }
}

/** Credentials sent in headers (the whole value, the part after an auth scheme, each cookie value). */
export function registerSecretHeaders(redactor: Redactor, h: Record<string, string>): void {
  for (const name of SENSITIVE_HEADERS) {
    const v = h[name];
    if (!v) continue;
    redactor.add(v);
    const scheme = /^\s*\S+\s+(\S.*)$/.exec(v);
    if (name.endsWith("authorization") && scheme) redactor.add(scheme[1]);
    if (name === "cookie") {
      for (const pair of v.split(/;\s*/)) {
        const val = pair.slice(pair.indexOf("=") + 1);
        if (val.length >= MIN_AUTO_SECRET) redactor.add(val);
      }
    }
  }
}

/** The value of a `Set-Cookie` line (a session id is a credential). */
export function registerSetCookieSecret(redactor: Redactor, line: string): void {
  const value = /^[^=;]*=([^;]*)/.exec(line)?.[1];
  if (value && value.length >= MIN_AUTO_SECRET) redactor.add(value);
}
