import { createHmac, timingSafeEqual } from "crypto";

/**
 * Server-side OAuth 1.0a HMAC-SHA1 verification per RFC 5849 §3.4 (senhasegura documents HMAC-SHA1 OAuth 1.0a in "Default request usage").
 * Written independently of the provider's signer (the emulator is a separate witness).
 */

/** The protocol parameters a request carried, merged from the header and the query string. */
export interface OAuth1Params {
  [name: string]: string;
}

/** RFC 3986 percent-encoding: everything but `A-Za-z0-9-._~` becomes %XX (upper-case hex), UTF-8 first. */
export function rfc3986(value: string): string {
  let out = "";
  for (const byte of Buffer.from(value, "utf8")) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : "%" + byte.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

/**
 * Parses `Authorization: OAuth k="v", …`. Lenient about spaces and commas, and about a missing
 * `realm` (the CS client inserts a space after `oauth_signature=`, [CODE] a public C# client that hand-signs these requests).
 * Returns undefined when the header is not an OAuth header.
 */
export function parseOAuthHeader(header: string | undefined): OAuth1Params | undefined {
  if (!header) return undefined;
  const m = /^\s*OAuth\s+(.*)$/is.exec(header);
  if (!m) return undefined;
  const out: OAuth1Params = {};
  const re = /([A-Za-z0-9_\-.~%]+)\s*=\s*"([^"]*)"/g;
  for (let hit = re.exec(m[1]); hit; hit = re.exec(m[1])) {
    out[decodeURIComponent(hit[1])] = decodeURIComponent(hit[2].trim());
  }
  return out;
}

/** Inputs of the signature base string (RFC 5849 §3.4.1). */
export interface BaseStringInput {
  method: string;
  /** `scheme://host[:port]/path` as the client addressed it; the query is passed separately. */
  baseUri: string;
  /** Decoded name/value pairs from the query string, the OAuth header and a form body. */
  params: Array<[string, string]>;
}

/** Normalizes scheme/host case and drops a default port (RFC 5849 §3.4.1.2). */
export function normalizeBaseUri(scheme: string, hostHeader: string, path: string): string {
  const s = scheme.toLowerCase();
  let host = hostHeader.toLowerCase();
  if ((s === "https" && host.endsWith(":443")) || (s === "http" && host.endsWith(":80"))) host = host.replace(/:\d+$/, "");
  return `${s}://${host}${path}`;
}

/** RFC 5849 §3.4.1: METHOD & pct(base URI) & pct(sorted, encoded params). */
export function signatureBaseString(input: BaseStringInput): string {
  const pairs = input.params
    .filter(([k]) => k !== "oauth_signature" && k !== "realm")
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  const normalized = pairs.map(([k, v]) => `${k}=${v}`).join("&");
  return [input.method.toUpperCase(), rfc3986(input.baseUri), rfc3986(normalized)].join("&");
}

/** base64(HMAC-SHA1(pct(consumerSecret) & pct(tokenSecret), base)) (RFC 5849 §3.4.2). */
export function hmacSha1Signature(base: string, consumerSecret: string, tokenSecret: string): string {
  return createHmac("sha1", `${rfc3986(consumerSecret)}&${rfc3986(tokenSecret)}`).update(base).digest("base64");
}

/** Constant-time comparison of two base64 signatures. */
export function signaturesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
