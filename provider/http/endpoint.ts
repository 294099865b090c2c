/**
 * Where and how the client connects: the base URL (scheme, no credentials, no query), the TLS trust
 * (CA bundle or explicit skip, never both) and the warnings a weakened connection must raise.
 */
import { ConfigError } from "./errors";
import { redactUrl } from "./redact";
import { loadCaCertificates, type TlsOptions } from "./tls";

/** The validated base URL; plain http:// only with `allowHttp`. */
export function parseBaseUrl(baseUrl: unknown, vendor: string, allowHttp: boolean): URL {
  const fix = 'give an absolute http(s) URL such as "https://sps.example.com" or "https://pvwa.example.com/PasswordVault"';
  if (typeof baseUrl !== "string" || baseUrl.trim() === "") throw new ConfigError("baseUrl", `is required; ${fix}`);
  let url: URL;
  try {
    url = new URL(baseUrl.trim());
  } catch {
    throw new ConfigError("baseUrl", `"${redactUrl(baseUrl)}" is not a valid URL; ${fix}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new ConfigError("baseUrl", `scheme ${url.protocol} is not supported; ${fix}`);
  if (url.protocol === "http:" && !allowHttp) {
    throw new ConfigError(
      "baseUrl",
      `plain http:// is refused: credentials and tokens would cross the network unencrypted; use https://, ` +
        `or opt in explicitly for a test or lab appliance (${vendor}:allowHttp / ${vendor.toUpperCase()}_ALLOW_HTTP, or allowHttp: true in the connection)`,
    );
  }
  if (url.username || url.password) throw new ConfigError("baseUrl", "must not contain credentials; pass them through the provider's credential options");
  if (url.search || url.hash) throw new ConfigError("baseUrl", `must not contain a query or fragment; ${fix}`);
  return url;
}

/** The CA bundle to trust, or undefined for the system store; refuses a bundle combined with skipping verification. */
export function resolveCa(opts: TlsOptions): string | undefined {
  if (opts.caCertificates !== undefined && opts.insecureSkipVerify) {
    throw new ConfigError("insecureSkipVerify", "cannot be combined with caCertificates; trust the CA (preferred) or skip verification, not both");
  }
  return opts.caCertificates === undefined ? undefined : loadCaCertificates(opts.caCertificates);
}

/** The warnings (message and process-warning code) for a connection with verification off or without TLS. */
export function insecureTransportWarnings(vendor: string, url: URL, insecureSkipVerify: boolean | undefined): { warning: string; code: string }[] {
  const out: { warning: string; code: string }[] = [];
  if (insecureSkipVerify && url.protocol === "https:") {
    out.push({
      warning: `${vendor}: TLS certificate verification is DISABLED for ${url.origin} (insecureSkipVerify: true); use caCertificates instead outside tests`,
      code: "PULUMI_PAM_INSECURE_TLS",
    });
  }
  if (url.protocol === "http:") {
    out.push({
      warning: `${vendor}: plain http:// is used for ${url.origin} (allowHttp: true): credentials and tokens cross the network unencrypted; use https:// outside tests`,
      code: "PULUMI_PAM_INSECURE_HTTP",
    });
  }
  return out;
}
