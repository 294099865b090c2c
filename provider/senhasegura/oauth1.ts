/**
 * OAuth 1.0a HMAC-SHA1 request signing per RFC 5849 §3.4, as senhasegura A2A expects it (vendor A2A
 * API documentation): protocol parameters in the `Authorization` header, secrets never sent.
 */
import { createHmac, randomBytes } from "crypto";

/** The four values of an OAuth 1.0a A2A authorization (consumer key and secret, token and token secret). */
export interface OAuth1Credentials {
  consumerKey: string;
  consumerSecret: string;
  token: string;
  tokenSecret: string;
}

/** What is signed. */
export interface OAuth1Request {
  method: string;
  /** Absolute URL as sent (query included). */
  url: string;
  /** Form-urlencoded body parameters; signed only for such bodies (RFC 5849 §3.4.1.3.1). */
  form?: Record<string, string> | Array<[string, string]>;
}

/** Fixed values for tests; fresh ones otherwise. */
export interface OAuth1SignOptions {
  /** Unix seconds (default: now). */
  timestamp?: string;
  /** Default: 16 random bytes, hex. */
  nonce?: string;
}

/** The signing result: header value plus its intermediate values (for tests and debugging). */
export interface OAuth1Signature {
  /** `OAuth oauth_consumer_key="…", …, oauth_signature="…"`. */
  header: string;
  baseString: string;
  signature: string;
}

/** RFC 3986 §2.3 percent-encoding (RFC 5849 §3.6): only `A-Za-z0-9-._~` stay; `%20`, never `+`. */
export function percentEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Base string URI (RFC 5849 §3.4.1.2): lower-case scheme and host, default port dropped, no query. */
export function baseStringUri(url: URL): string {
  const scheme = url.protocol.toLowerCase();
  const defaultPort = (scheme === "https:" && url.port === "443") || (scheme === "http:" && url.port === "80");
  // WHATWG URL already drops default ports and lower-cases the host; keep the check for clarity.
  const port = url.port && !defaultPort ? `:${url.port}` : "";
  return `${scheme}//${url.hostname.toLowerCase()}${port}${url.pathname}`;
}

/** Normalized parameters (RFC 5849 §3.4.1.3.2): encode, sort by name then value, join. */
export function normalizeParameters(pairs: Array<[string, string]>): string {
  return pairs
    .map(([k, v]) => [percentEncode(k), percentEncode(v)])
    .sort(([ak, av], [bk, bv]) => (ak === bk ? (av < bv ? -1 : av > bv ? 1 : 0) : ak < bk ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
}

/** Signs one request with HMAC-SHA1 and returns the `Authorization` header value. */
export function signOAuth1(req: OAuth1Request, creds: OAuth1Credentials, opts: OAuth1SignOptions = {}): OAuth1Signature {
  const url = new URL(req.url);
  const oauth: Record<string, string> = {
    oauth_consumer_key: creds.consumerKey,
    oauth_nonce: opts.nonce ?? randomBytes(16).toString("hex"),
    oauth_signature_method: "HMAC-SHA1",
    oauth_timestamp: opts.timestamp ?? String(Math.floor(Date.now() / 1000)),
    oauth_token: creds.token,
    oauth_version: "1.0",
  };
  const pairs: Array<[string, string]> = [...url.searchParams.entries(), ...Object.entries(oauth)];
  if (req.form) pairs.push(...(Array.isArray(req.form) ? req.form : Object.entries(req.form)));
  const baseString = [req.method.toUpperCase(), baseStringUri(url), normalizeParameters(pairs)].map(percentEncode).join("&");
  const key = `${percentEncode(creds.consumerSecret)}&${percentEncode(creds.tokenSecret)}`;
  const signature = createHmac("sha1", key).update(baseString).digest("base64");
  const header =
    "OAuth " +
    Object.entries({ ...oauth, oauth_signature: signature })
      .map(([k, v]) => `${percentEncode(k)}="${percentEncode(v)}"`)
      .join(", ");
  return { header, baseString, signature };
}
