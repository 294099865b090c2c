import { z } from "zod";
import { envBool, envInt, SettingError } from "../config/env";
import { ConfigError } from "../http";

/** Logon methods of the PVWA Gen2 API this package supports (PVWA REST API "Logon"). */
export type CyberArkAuthMethod = "CyberArk" | "LDAP" | "RADIUS";

/** How to reach and log on to a CyberArk PVWA. */
export interface CyberArkConnection {
  /** PVWA address, e.g. `https://pvwa.example.com` or `https://pvwa.example.com/PasswordVault`. */
  url: string;
  /** Vault user name (bare name for LDAP users, no `DOMAIN\`; [CODE] psPAS #62). */
  username: string;
  /** Password; registered as a secret and never written to logs or errors. */
  password: string;
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
    username: z.string().min(1),
    password: z.string().min(1),
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
  authMethod: 'use one of "CyberArk", "LDAP", "RADIUS"',
  caCertificates: "give PEM text or the path of a PEM file",
  insecureSkipVerify: "use true or false",
  allowHttp: "use true or false (true only for a test or lab PVWA served over plain http)",
  requestTimeoutMs: "give a positive whole number of milliseconds",
};

/** Validates a connection (strict: unknown fields are refused). Throws ConfigError naming the field; values are never echoed. */
export function validateCyberArkConnection(conn: unknown): CyberArkConnection {
  const r = connectionSchema.safeParse(conn);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = issue.path.length ? String(issue.path[0]) : "connection";
  if (issue.code === "unrecognized_keys") throw new ConfigError(field, `unknown field(s) ${issue.keys.join(", ")}; allowed: ${Object.keys(FIX).join(", ")}`);
  throw new ConfigError(field, `is missing or invalid; ${FIX[field] ?? "see CyberArkConnection"}`);
}

/** Environment variable of each connection field. */
export const CYBERARK_ENV = {
  url: "CYBERARK_URL",
  username: "CYBERARK_USERNAME",
  password: "CYBERARK_PASSWORD",
  authMethod: "CYBERARK_AUTH_METHOD",
  caCertificates: "CYBERARK_CA_CERTIFICATES",
  insecureSkipVerify: "CYBERARK_INSECURE_SKIP_VERIFY",
  allowHttp: "CYBERARK_ALLOW_HTTP",
  requestTimeoutMs: "CYBERARK_REQUEST_TIMEOUT_MS",
} as const;

/**
 * Reads a {@link CyberArkConnection} from CYBERARK_URL, CYBERARK_USERNAME, CYBERARK_PASSWORD,
 * CYBERARK_AUTH_METHOD (CyberArk|LDAP|RADIUS, case-insensitive, default CyberArk),
 * CYBERARK_CA_CERTIFICATES (PEM or file path), CYBERARK_INSECURE_SKIP_VERIFY and CYBERARK_ALLOW_HTTP (true/false/1/0/yes/no/on/off)
 * and CYBERARK_REQUEST_TIMEOUT_MS (milliseconds).
 * Throws ConfigError whose field is the variable name and whose message says how to fix it.
 */
export function cyberArkConnectionFromEnv(env: Record<string, string | undefined> = process.env): CyberArkConnection {
  const get = (k: keyof typeof CYBERARK_ENV) => {
    const v = env[CYBERARK_ENV[k]];
    return v === undefined || v.trim() === "" ? undefined : v;
  };
  for (const k of ["url", "username", "password"] as const) {
    if (get(k) === undefined) throw new ConfigError(CYBERARK_ENV[k], `is not set; ${FIX[k]}`);
  }
  let authMethod: CyberArkAuthMethod | undefined;
  const am = get("authMethod");
  if (am !== undefined) {
    authMethod = AUTH_METHODS[am.trim().toLowerCase()];
    if (!authMethod) throw new ConfigError(CYBERARK_ENV.authMethod, `"${am}" is not supported; ${FIX.authMethod} (or leave it unset for CyberArk)`);
  }
  let insecureSkipVerify: boolean | undefined;
  let allowHttp: boolean | undefined;
  let requestTimeoutMs: number | undefined;
  try {
    insecureSkipVerify = envBool(get("insecureSkipVerify"), CYBERARK_ENV.insecureSkipVerify);
    allowHttp = envBool(get("allowHttp"), CYBERARK_ENV.allowHttp);
    requestTimeoutMs = envInt(get("requestTimeoutMs"), CYBERARK_ENV.requestTimeoutMs, { min: 1 });
  } catch (e) {
    if (e instanceof SettingError) throw new ConfigError(e.setting, e.message.slice(e.setting.length + 1));
    throw e;
  }
  const conn = {
    url: get("url")!.trim(),
    username: get("username")!,
    password: get("password")!,
    ...(authMethod ? { authMethod } : {}),
    ...(get("caCertificates") ? { caCertificates: get("caCertificates") } : {}),
    ...(insecureSkipVerify !== undefined ? { insecureSkipVerify } : {}),
    ...(allowHttp !== undefined ? { allowHttp } : {}),
    ...(requestTimeoutMs !== undefined ? { requestTimeoutMs } : {}),
  };
  try {
    return validateCyberArkConnection(conn);
  } catch (e) {
    if (e instanceof ConfigError && e.field in CYBERARK_ENV) {
      throw new ConfigError(CYBERARK_ENV[e.field as keyof typeof CYBERARK_ENV], `is invalid; ${FIX[e.field]}`);
    }
    throw e;
  }
}
