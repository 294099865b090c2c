/**
 * How to reach a CyberArk PVWA (self-hosted or Privilege Cloud): the connection type and its validation,
 * the per-resource input schema, the settings table (stack config `cyberark:*` and `CYBERARK_*`
 * variables) and the resolve functions the dynamic provider and the session-actions module share.
 * Precedence: see provider/config/settings.ts.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { envOnly, mergeFields, readSettings, stackThenEnv, type SettingsTable } from "../config/settings";
import { ConfigError } from "../http/errors";

/** Logon methods of the PVWA Gen2 API this package supports. */
export type CyberArkAuthMethod = "CyberArk" | "LDAP" | "RADIUS";

/**
 * How to reach and log on to a CyberArk PVWA: self-hosted (`username` + `password`, PVWA logon) or
 * CyberArk Privilege Cloud (`identityUrl` + `clientId` + `clientSecret`, OAuth 2.0 client credentials
 * against the Identity tenant). Exactly one of the two credential sets.
 */
export interface CyberArkConnection {
  /**
   * PVWA address, e.g. `https://pvwa.example.com`, `https://pvwa.example.com/PasswordVault`, or for
   * Privilege Cloud `https://<subdomain>.privilegecloud.cyberark.cloud`.
   */
  url: string;
  /** Vault user name (bare name for LDAP users, no `DOMAIN\`; [CODE] psPAS #62). Self-hosted only. */
  username?: string;
  /** Password; registered as a secret and never written to logs or errors. Self-hosted only. */
  password?: string;
  /** Privilege Cloud: the Identity tenant, e.g. `https://<tenant>.id.cyberark.cloud`. */
  identityUrl?: string;
  /** Privilege Cloud: the OAuth 2.0 client id of the service user. */
  clientId?: string;
  /** Privilege Cloud: its client secret; a secret, never logged. */
  clientSecret?: string;
  /** Logon endpoint; default "CyberArk". */
  authMethod?: CyberArkAuthMethod;
  /** PEM text or path of a PEM file with the CA(s) that sign the PVWA certificate. */
  caCertificates?: string;
  /** Skip TLS verification (tests only; cannot be combined with caCertificates). */
  insecureSkipVerify?: boolean;
  /** Accept a plain `http://` url (explicit opt-in; labs only: the password and token cross the network unencrypted). */
  allowHttp?: boolean;
  /** Overall deadline of each request, retries included, ms (default: the HTTP core's, 120 s). */
  requestTimeoutMs?: number;
}

const AUTH_METHODS: Record<string, CyberArkAuthMethod> = { cyberark: "CyberArk", ldap: "LDAP", radius: "RADIUS" };

const connectionSchema = z
  .object({
    url: z.string().trim().min(1).regex(/^https?:\/\//i),
    username: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    identityUrl: z.string().trim().min(1).regex(/^https?:\/\//i).optional(),
    clientId: z.string().min(1).optional(),
    clientSecret: z.string().min(1).optional(),
    authMethod: z.enum(["CyberArk", "LDAP", "RADIUS"]).optional(),
    caCertificates: z.string().min(1).optional(),
    insecureSkipVerify: z.boolean().optional(),
    allowHttp: z.boolean().optional(),
    requestTimeoutMs: z.number().int().positive().optional(),
  })
  .strict();

const FIX: Record<string, string> = {
  url: 'give the PVWA address, e.g. "https://pvwa.example.com"',
  username: "give the Vault user name that logs on to PVWA",
  password: "give the password of that user",
  identityUrl: 'give the Identity tenant address, e.g. "https://<tenant>.id.cyberark.cloud"',
  clientId: "give the OAuth 2.0 client id of the Privilege Cloud service user",
  clientSecret: "give the client secret of that service user",
  authMethod: 'use one of "CyberArk", "LDAP", "RADIUS"',
  caCertificates: "give PEM text or the path of a PEM file",
  insecureSkipVerify: "use true or false",
  allowHttp: "use true or false (true only for a test or lab PVWA served over plain http)",
  requestTimeoutMs: "give a positive whole number of milliseconds",
};

/** Validates a connection (strict: unknown fields are refused). Throws ConfigError naming the field; values are never echoed. */
export function validateCyberArkConnection(conn: unknown): CyberArkConnection {
  const r = connectionSchema.safeParse(conn);
  if (r.success) return checkCredentialSet(r.data);
  const issue = r.error.issues[0];
  const field = issue.path.length ? String(issue.path[0]) : "connection";
  if (issue.code === "unrecognized_keys") throw new ConfigError(field, `unknown field(s) ${issue.keys.join(", ")}; allowed: ${Object.keys(FIX).join(", ")}`);
  throw new ConfigError(field, `is missing or invalid; ${FIX[field] ?? "see CyberArkConnection"}`);
}

// ---- CyberArk Privilege Cloud (OAuth 2.0 client credentials) -------------------------------------

const PLATFORM_FIELDS = ["identityUrl", "clientId", "clientSecret"] as const;

/** True when the connection is for Privilege Cloud (platform token) rather than a PVWA logon. */
export function isPrivilegeCloud(conn: Pick<CyberArkConnection, "identityUrl" | "clientId" | "clientSecret">): boolean {
  return PLATFORM_FIELDS.some((k) => conn[k] !== undefined);
}

/**
 * Exactly one credential set: mixing them would send a password or a client secret where it does not
 * belong, so it is refused rather than one silently winning. Messages name fields, never values.
 */
function checkCredentialSet(c: CyberArkConnection): CyberArkConnection {
  if (isPrivilegeCloud(c)) {
    const missing = PLATFORM_FIELDS.find((k) => c[k] === undefined);
    if (missing) throw new ConfigError(missing, `is missing; Privilege Cloud needs identityUrl, clientId and clientSecret: ${FIX[missing]}`);
    const extra = (["username", "password", "authMethod"] as const).find((k) => c[k] !== undefined);
    if (extra) throw new ConfigError(extra, "cannot be combined with Privilege Cloud client credentials (identityUrl, clientId, clientSecret); set one credential set only");
    return c;
  }
  for (const k of ["username", "password"] as const) if (c[k] === undefined) throw new ConfigError(k, `is missing or invalid; ${FIX[k]} (or, for Privilege Cloud, give identityUrl, clientId and clientSecret)`);
  return c;
}

// ---- stack config and environment ------------------------------------------------------------

/** A CYBERARK_AUTH_METHOD / cyberark:authMethod value, case-insensitive. */
function parseAuthMethod(raw: string, setting: string): CyberArkAuthMethod {
  const m = AUTH_METHODS[raw.trim().toLowerCase()];
  if (!m) throw new ConfigError(setting, `"${raw}" is not supported; ${FIX.authMethod} (or leave it unset for CyberArk)`);
  return m;
}

/** Where each connection field is set outside the program: stack config `cyberark:<config>`, variable `<env>`. */
export const CYBERARK_SETTINGS: SettingsTable<CyberArkConnection> = {
  url: { config: "url", env: "CYBERARK_URL", kind: "trimmed" },
  username: { config: "username", env: "CYBERARK_USERNAME" },
  password: { config: "password", env: "CYBERARK_PASSWORD" },
  authMethod: { config: "authMethod", env: "CYBERARK_AUTH_METHOD", parse: parseAuthMethod },
  caCertificates: { config: "caCertificates", env: "CYBERARK_CA_CERTIFICATES" },
  insecureSkipVerify: { config: "insecureSkipVerify", env: "CYBERARK_INSECURE_SKIP_VERIFY", kind: "bool" },
  identityUrl: { config: "identityUrl", env: "CYBERARK_IDENTITY_URL", kind: "trimmed" },
  clientId: { config: "clientId", env: "CYBERARK_CLIENT_ID" },
  clientSecret: { config: "clientSecret", env: "CYBERARK_CLIENT_SECRET" },
  allowHttp: { config: "allowHttp", env: "CYBERARK_ALLOW_HTTP", kind: "bool" },
  requestTimeoutMs: { config: "requestTimeoutMs", env: "CYBERARK_REQUEST_TIMEOUT_MS", kind: "int", min: 1 },
};

/** Environment variable of each connection field. */
export const CYBERARK_ENV = Object.fromEntries(Object.entries(CYBERARK_SETTINGS).map(([k, s]) => [k, s!.env!])) as Record<keyof typeof CYBERARK_SETTINGS & string, string>;

/**
 * Reads a {@link CyberArkConnection} from CYBERARK_URL, CYBERARK_USERNAME, CYBERARK_PASSWORD,
 * CYBERARK_AUTH_METHOD (CyberArk|LDAP|RADIUS, case-insensitive, default CyberArk),
 * CYBERARK_CA_CERTIFICATES (PEM or file path), CYBERARK_INSECURE_SKIP_VERIFY and CYBERARK_ALLOW_HTTP (true/false/1/0/yes/no/on/off)
 * and CYBERARK_REQUEST_TIMEOUT_MS (milliseconds); for Privilege Cloud CYBERARK_IDENTITY_URL, CYBERARK_CLIENT_ID, CYBERARK_CLIENT_SECRET.
 * Throws ConfigError whose field is the variable name and whose message says how to fix it.
 */
export function cyberArkConnectionFromEnv(env: Record<string, string | undefined> = process.env): CyberArkConnection {
  const set = (k: keyof typeof CYBERARK_ENV) => (env[CYBERARK_ENV[k]] ?? "").trim() !== "";
  const platform = PLATFORM_FIELDS.some(set);
  for (const k of ["url", ...(platform ? PLATFORM_FIELDS : (["username", "password"] as const))] as const) {
    if (!set(k)) throw new ConfigError(CYBERARK_ENV[k], `is not set; ${FIX[k]}${k === "username" ? ` (or, for Privilege Cloud, set ${CYBERARK_ENV.identityUrl}, ${CYBERARK_ENV.clientId} and ${CYBERARK_ENV.clientSecret})` : ""}`);
  }
  const conn = readSettings(CYBERARK_SETTINGS, envOnly(env));
  try {
    return validateCyberArkConnection(conn);
  } catch (e) {
    if (e instanceof ConfigError && e.field in CYBERARK_ENV) {
      const why = e.message.slice(e.field.length + 2);
      throw new ConfigError(CYBERARK_ENV[e.field as keyof typeof CYBERARK_ENV], why.startsWith("is missing or invalid") ? `is invalid; ${FIX[e.field]}` : why);
    }
    throw e;
  }
}

/**
 * Reads `cyberark:*` stack config, each field falling back to its CYBERARK_* variable (see {@link CYBERARK_SETTINGS}).
 * Partial results are fine here: completeness is checked per resource. Throws ConfigError naming the bad key;
 * values are never echoed except for the non-secret enums and flags.
 */
export function cyberArkDefaultsFrom(config: pulumi.dynamic.Config | undefined, env: NodeJS.ProcessEnv): Partial<CyberArkConnection> {
  return readSettings(CYBERARK_SETTINGS, stackThenEnv("cyberark", config, env));
}

// ---- the resource input -------------------------------------------------------------------------

/** The per-resource `connection` input (validated by cyberArkConnectionInputSchema in connection-schema.ts). */
export type CyberArkConnectionInput = Partial<CyberArkConnection>;

const WHERE: Record<string, string> = {
  url: "connection.url, stack config cyberark:url or CYBERARK_URL",
  username: "connection.username, cyberark:username or CYBERARK_USERNAME",
  password: "connection.password, the secret cyberark:password (pulumi config set --secret) or CYBERARK_PASSWORD",
  identityUrl: "connection.identityUrl, cyberark:identityUrl or CYBERARK_IDENTITY_URL",
  clientId: "connection.clientId, cyberark:clientId or CYBERARK_CLIENT_ID",
  clientSecret: "connection.clientSecret, the secret cyberark:clientSecret (pulumi config set --secret) or CYBERARK_CLIENT_SECRET",
};

const SELF_HOSTED_FIELDS = ["username", "password", "authMethod"] as const;

/**
 * Merges a resource's `connection` over the defaults (stack config over environment) and validates it.
 * A resource that names one credential set drops the other set of the defaults (never mixed).
 * Throws ConfigError naming where to set the field, never its value.
 */
export function resolveCyberArkConnection(input: CyberArkConnectionInput | undefined | null, defaults: Partial<CyberArkConnection>): CyberArkConnection {
  const base: Partial<CyberArkConnection> = { ...defaults };
  const given = mergeFields<CyberArkConnection>(input);
  if (PLATFORM_FIELDS.some((k) => given[k] !== undefined)) for (const k of SELF_HOSTED_FIELDS) delete base[k];
  if (given.username !== undefined || given.password !== undefined) for (const k of PLATFORM_FIELDS) delete base[k];
  const merged = mergeFields<CyberArkConnection>(base, given);
  for (const k of ["url", ...(isPrivilegeCloud(merged) ? PLATFORM_FIELDS : (["username", "password"] as const))] as const) {
    if (merged[k] === undefined) throw new ConfigError(k, `is not set: give ${WHERE[k]}${k === "username" ? " (or, for Privilege Cloud, identityUrl, clientId and clientSecret)" : ""}`);
  }
  return validateCyberArkConnection(merged);
}
