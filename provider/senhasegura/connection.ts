/**
 * How to reach a senhasegura PAM Core appliance: the connection type, its validation, the settings
 * table (`SENHASEGURA_*` variables; there is no senhasegura dynamic resource, so no stack config) and
 * the function that reads it. Validated with zod before any request; messages name the field or
 * variable and the fix, never a secret value.
 */
import { z } from "zod";
import { envOnly, readSettings, type SettingsTable } from "../config/settings";
import { ConfigError } from "../http/errors";
import type { TimeoutOptions } from "../http/timeouts";

/**
 * Default path prefix of the session operations. Choice: `/iso`, the family every public client
 * uses and the v3.32 session-drop documentation shows; v3.33+ docs write `/api/pam`
 * (or `/api`), so appliances behind the API gateway need `pathPrefix` set.
 */
export const DEFAULT_PATH_PREFIX = "/iso";

/** Token endpoint of the A2A OAuth 2.0 documentation (the same on every documented version). */
export const DEFAULT_TOKEN_PATH = "/iso/oauth2/token";

/** How to reach and authenticate to one appliance. Give OAuth 2.0 OR OAuth 1.0a credentials. */
export interface SenhaseguraConnection {
  /** `https://<appliance>` (a path such as `/senhasegura` in front of the API is kept). */
  url: string;
  /** Prefix of the session routes: `/iso` (default), `/api` or `/api/pam`, depending on the appliance version (senhasegura A2A documentation). */
  pathPrefix?: string;
  /** OAuth 2.0 token endpoint path (default `/iso/oauth2/token`). */
  tokenPath?: string;
  /** OAuth 2.0 client credentials (vendor-recommended). */
  clientId?: string;
  /** Secret: registered with the redactor. */
  clientSecret?: string;
  /** OAuth 1.0a consumer key. */
  consumerKey?: string;
  /** OAuth 1.0a consumer secret (signing key only, never sent). */
  consumerSecret?: string;
  /** OAuth 1.0a token (`oauth_token`). */
  token?: string;
  /** OAuth 1.0a token secret (signing key only, never sent). */
  tokenSecret?: string;
  /** PEM text or a file path of the CA bundle that signed the appliance certificate. */
  caCertificates?: string;
  /** Skip TLS verification (tests only; prefer caCertificates). */
  insecureSkipVerify?: boolean;
  /** Accept a plain `http://` url (explicit opt-in; labs only: credentials and tokens cross the network unencrypted). */
  allowHttp?: boolean;
  /** Per-phase timeouts; the vendor says the session list can take minutes on big appliances, so bodies get long timeouts. */
  timeouts?: TimeoutOptions;
  /** Overall deadline of each request, retries included, ms (default {@link DEFAULT_SENHASEGURA_REQUEST_TIMEOUT_MS}). */
  requestTimeoutMs?: number;
}

/** Default overall request deadline (our choice: 10 minutes, since the unpaged session list may take minutes). */
export const DEFAULT_SENHASEGURA_REQUEST_TIMEOUT_MS = 600_000;

/** Which credential set a validated connection uses. */
export type SenhaseguraAuthKind = "oauth2" | "oauth1";

const prefixRe = /^(\/[A-Za-z0-9._~-]+)*$/;

function connectionSchema() {
  const opt = z.string().trim().min(1).optional();
  return z
    .object({
      url: z.string().trim().url(),
      pathPrefix: z.string().regex(prefixRe, "must look like /iso, /api or /api/pam").optional(),
      tokenPath: z.string().regex(/^(\/[A-Za-z0-9._~-]+)+$/, "must be a path such as /iso/oauth2/token").optional(),
      clientId: opt,
      clientSecret: opt,
      consumerKey: opt,
      consumerSecret: opt,
      token: opt,
      tokenSecret: opt,
      caCertificates: opt,
      insecureSkipVerify: z.boolean().optional(),
      allowHttp: z.boolean().optional(),
      requestTimeoutMs: z.number().int().positive().optional(),
      timeouts: z.object({ connectMs: z.number().positive().optional(), headersMs: z.number().positive().optional(), bodyMs: z.number().positive().optional() }).strict().optional(),
    })
    .strict();
}

/**
 * Validates a connection and says which credentials it uses. Choice: when both sets are complete,
 * OAuth 2.0 wins (vendor-recommended; the sandbox prints both). A half-given set is an error.
 */
export function validateSenhaseguraConnection(conn: SenhaseguraConnection, names: Partial<Record<keyof SenhaseguraConnection, string>> = {}): {
  connection: SenhaseguraConnection;
  auth: SenhaseguraAuthKind;
} {
  const name = (k: keyof SenhaseguraConnection) => names[k] ?? k;
  const parsed = connectionSchema().safeParse(conn);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    const key = String(i.path[0] ?? "connection") as keyof SenhaseguraConnection;
    const fix =
      key === "url" ? 'give the appliance URL, e.g. "https://pam.example.com"' : i.code === "unrecognized_keys" ? `unknown setting(s): ${(i as { keys?: string[] }).keys?.join(", ")}` : i.message;
    throw new ConfigError(name(key), `is invalid: ${fix}`);
  }
  const c = parsed.data as SenhaseguraConnection;
  if (!/^https?:\/\//i.test(c.url)) throw new ConfigError(name("url"), 'must be an http(s) URL, e.g. "https://pam.example.com"');
  const o2 = [c.clientId, c.clientSecret];
  const o1 = [c.consumerKey, c.consumerSecret, c.token, c.tokenSecret];
  const complete2 = o2.every(Boolean);
  const complete1 = o1.every(Boolean);
  if (complete2) return { connection: c, auth: "oauth2" };
  if (complete1) return { connection: c, auth: "oauth1" };
  const missing = (keys: Array<keyof SenhaseguraConnection>) => keys.filter((k) => !c[k]).map(name).join(", ");
  if (o2.some(Boolean)) throw new ConfigError(name(c.clientId ? "clientSecret" : "clientId"), `is missing; OAuth 2.0 needs both ${name("clientId")} and ${name("clientSecret")}`);
  if (o1.some(Boolean)) {
    const m = missing(["consumerKey", "consumerSecret", "token", "tokenSecret"]);
    throw new ConfigError(m.split(", ")[0], `is missing; OAuth 1.0a needs all of ${m} as well`);
  }
  throw new ConfigError(name("clientId"), `credentials are missing; set ${name("clientId")} and ${name("clientSecret")} (OAuth 2.0) or ${missing(["consumerKey", "consumerSecret", "token", "tokenSecret"])} (OAuth 1.0a)`);
}

type EnvField = Exclude<keyof SenhaseguraConnection, "timeouts" | "tokenPath">;

/** Where each connection field is set outside the program (every value trimmed). */
export const SENHASEGURA_SETTINGS: SettingsTable<Pick<SenhaseguraConnection, EnvField>> = {
  url: { env: "SENHASEGURA_URL", kind: "trimmed" },
  pathPrefix: { env: "SENHASEGURA_PATH_PREFIX", kind: "trimmed" },
  clientId: { env: "SENHASEGURA_CLIENT_ID", kind: "trimmed" },
  clientSecret: { env: "SENHASEGURA_CLIENT_SECRET", kind: "trimmed" },
  consumerKey: { env: "SENHASEGURA_CONSUMER_KEY", kind: "trimmed" },
  consumerSecret: { env: "SENHASEGURA_CONSUMER_SECRET", kind: "trimmed" },
  token: { env: "SENHASEGURA_TOKEN", kind: "trimmed" },
  tokenSecret: { env: "SENHASEGURA_TOKEN_SECRET", kind: "trimmed" },
  caCertificates: { env: "SENHASEGURA_CA_CERTIFICATES", kind: "trimmed" },
  insecureSkipVerify: { env: "SENHASEGURA_INSECURE_SKIP_VERIFY", kind: "bool" },
  allowHttp: { env: "SENHASEGURA_ALLOW_HTTP", kind: "bool" },
  requestTimeoutMs: { env: "SENHASEGURA_REQUEST_TIMEOUT_MS", kind: "int", min: 1 },
};

/** Environment variable of each setting. */
export const SENHASEGURA_ENV = Object.fromEntries(Object.entries(SENHASEGURA_SETTINGS).map(([k, s]) => [k, s!.env!])) as Record<EnvField, string>;

/**
 * Reads a connection from `SENHASEGURA_*` variables (see {@link SENHASEGURA_ENV}); empty values
 * count as unset. Throws {@link ConfigError} naming the variable and the fix.
 */
export function senhaseguraConnectionFromEnv(env: Record<string, string | undefined> = process.env): SenhaseguraConnection {
  if ((env[SENHASEGURA_ENV.url] ?? "").trim() === "") throw new ConfigError(SENHASEGURA_ENV.url, 'is not set; export SENHASEGURA_URL="https://<appliance>"');
  const conn = readSettings(SENHASEGURA_SETTINGS, envOnly(env)) as SenhaseguraConnection;
  validateSenhaseguraConnection(conn, SENHASEGURA_ENV);
  return conn;
}
