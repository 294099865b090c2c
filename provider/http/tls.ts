/**
 * TLS choices.
 *
 * - Verification is on by default.
 * - Choice: when `caCertificates` is set, ONLY that bundle is trusted (Node's `ca` option replaces
 *   the built-in roots). PAM appliances almost always use a private CA, and trusting
 *   exactly the appliance CA is the stricter reading. To trust public roots too, append them to the
 *   bundle (e.g. `tls.rootCertificates.join("\n")`).
 * - `insecureSkipVerify: true` is the only way to skip verification; the client warns (see client.ts).
 */
import * as fs from "fs";
import { ConfigError } from "./errors";

/** TLS options shared by every vendor client. */
export interface TlsOptions {
  /** PEM text of the CA certificate(s) to trust, OR a path to a PEM file. When set, only these CAs are trusted. */
  caCertificates?: string;
  /** Disable certificate verification (testing only; logs a warning). Cannot be combined with `caCertificates`. */
  insecureSkipVerify?: boolean;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;

/** The PEM text for `caCertificates` (PEM text or a file path), or a {@link ConfigError} naming the fix. */
export function loadCaCertificates(value: string): string {
  if (PEM_CERT.test(value)) return value;
  if (value.trim() === "") throw new ConfigError("caCertificates", "is empty; give the CA certificate as PEM text or a path to a PEM file");
  if (value.includes("-----BEGIN")) {
    throw new ConfigError("caCertificates", "looks like PEM but holds no complete CERTIFICATE block; give the CA certificate (not a key), BEGIN and END lines included");
  }
  let text: string;
  try {
    text = fs.readFileSync(value, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "read error";
    throw new ConfigError("caCertificates", `cannot read the file "${value}" (${code}); give PEM text or a readable path to a PEM file`);
  }
  if (!PEM_CERT.test(text)) {
    throw new ConfigError("caCertificates", `the file "${value}" holds no PEM CERTIFICATE block; export the appliance CA certificate in PEM (Base64) format`);
  }
  return text;
}

/** OpenSSL/Node codes that mean "the server certificate could not be verified". */
const VERIFY_CODES = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_UNTRUSTED",
  "CERT_SIGNATURE_FAILURE",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_REVOKED",
  "INVALID_CA",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "HOSTNAME_MISMATCH",
]);

/** Whether an error code is a certificate verification failure. */
export function isTlsVerifyCode(code: string | undefined): boolean {
  return code !== undefined && VERIFY_CODES.has(code);
}

/** The user-facing explanation of a certificate verification failure, with the fix. */
export function tlsVerifyDetail(code: string, origin: string, caConfigured: boolean): string {
  const what =
    code === "ERR_TLS_CERT_ALTNAME_INVALID" || code === "HOSTNAME_MISMATCH"
      ? `the TLS certificate of ${origin} does not match the host name (${code}); use the host name the certificate was issued for`
      : code === "CERT_HAS_EXPIRED" || code === "CERT_NOT_YET_VALID"
        ? `the TLS certificate of ${origin} is not valid now (${code}); renew it or check the clocks`
        : `the TLS certificate of ${origin} is not trusted (${code})`;
  const fix = caConfigured
    ? "; the configured caCertificates bundle does not verify it: set caCertificates to the CA that issued the appliance certificate (PEM text or file path)"
    : "; set caCertificates to the appliance's CA certificate (PEM text or file path), or, for tests only, insecureSkipVerify: true";
  return what + fix;
}
