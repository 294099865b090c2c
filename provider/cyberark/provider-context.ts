/**
 * Connection handling of the CyberArk dynamic resources: stack config `cyberark:*`, falling back to the
 * `CYBERARK_*` variables the client already reads, overridden field by field by a resource's
 * `connection` input. Nothing here runs at module load (the dynamic-provider host imports modules eagerly).
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { envBool, envInt } from "../config/env";
import { normalizeApplianceUrl, withCredentialFallback } from "../dynamic/stored-credentials";
import { pulumiDebugLog } from "../dynamic/debug-log";
import { asApiError } from "./errors";
import { validateCyberArkConnection, type CyberArkAuthMethod, type CyberArkConnection } from "./config";
import { withCyberArkSession, type CyberArkClient } from "./client";

/** The per-resource `connection` input: every field optional; each overrides config and environment. */
export function cyberArkConnectionInputSchema() {
  return z
    .object({
      url: z.string().regex(/^https?:\/\//i, "must be an http(s) URL such as https://pvwa.example.com").optional(),
      username: z.string().min(1, "must not be empty").optional(),
      password: z.string().min(1, "must not be empty").optional(),
      authMethod: z.enum(["CyberArk", "LDAP", "RADIUS"], { error: 'must be "CyberArk", "LDAP" or "RADIUS"' }).optional(),
      caCertificates: z.string().min(1, "must be PEM text or a file path").optional(),
      insecureSkipVerify: z.boolean().optional(),
      // Privilege Cloud (OAuth 2.0 client credentials of the Identity tenant).
      identityUrl: z.string().regex(/^https?:\/\//i, "must be an http(s) URL such as https://<tenant>.id.cyberark.cloud").optional(),
      clientId: z.string().min(1, "must not be empty").optional(),
      clientSecret: z.string().min(1, "must not be empty").optional(),
      allowHttp: z.boolean().optional(),
      requestTimeoutMs: z.number().int().positive().optional(),
    })
    .strict();
}
/** See {@link cyberArkConnectionInputSchema}. */
export type CyberArkConnectionInput = Partial<CyberArkConnection>;

/** What `configure` leaves for the CRUD methods: connection defaults, or the error to rethrow. */
export interface CyberArkProviderContext {
  defaults?: Partial<CyberArkConnection>;
  error?: string;
}

const AUTH: Record<string, CyberArkAuthMethod> = { cyberark: "CyberArk", ldap: "LDAP", radius: "RADIUS" };

const bool = envBool;

/**
 * Reads `cyberark:url|username|password|authMethod|caCertificates|insecureSkipVerify`, each falling back
 * to CYBERARK_URL, CYBERARK_USERNAME, CYBERARK_PASSWORD, CYBERARK_AUTH_METHOD, CYBERARK_CA_CERTIFICATES,
 * CYBERARK_INSECURE_SKIP_VERIFY; for Privilege Cloud `cyberark:identityUrl|clientId|clientSecret`
 * (secret) falling back to CYBERARK_IDENTITY_URL, CYBERARK_CLIENT_ID, CYBERARK_CLIENT_SECRET. Partial results are fine here: completeness is checked per resource.
 * Throws naming the bad key; values are never echoed except for the non-secret enums.
 */
export function cyberArkDefaultsFrom(config: pulumi.dynamic.Config | undefined, env: NodeJS.ProcessEnv): Partial<CyberArkConnection> {
  const get = (k: string, envName: string) => {
    const v = config?.get(`cyberark:${k}`) ?? env[envName];
    return v === undefined || v.trim() === "" ? undefined : v;
  };
  const am = get("authMethod", "CYBERARK_AUTH_METHOD");
  const authMethod = am === undefined ? undefined : AUTH[am.trim().toLowerCase()];
  if (am !== undefined && !authMethod) throw new Error(`cyberark:authMethod / CYBERARK_AUTH_METHOD must be CyberArk, LDAP or RADIUS, got "${am}"`);
  const out: Partial<CyberArkConnection> = {
    url: get("url", "CYBERARK_URL")?.trim(),
    username: get("username", "CYBERARK_USERNAME"),
    password: get("password", "CYBERARK_PASSWORD"),
    authMethod,
    caCertificates: get("caCertificates", "CYBERARK_CA_CERTIFICATES"),
    insecureSkipVerify: bool(get("insecureSkipVerify", "CYBERARK_INSECURE_SKIP_VERIFY"), "cyberark:insecureSkipVerify / CYBERARK_INSECURE_SKIP_VERIFY"),
    // Privilege Cloud.
    identityUrl: get("identityUrl", "CYBERARK_IDENTITY_URL")?.trim(),
    clientId: get("clientId", "CYBERARK_CLIENT_ID"),
    clientSecret: get("clientSecret", "CYBERARK_CLIENT_SECRET"),
    allowHttp: bool(get("allowHttp", "CYBERARK_ALLOW_HTTP"), "cyberark:allowHttp / CYBERARK_ALLOW_HTTP"),
    requestTimeoutMs: envInt(get("requestTimeoutMs", "CYBERARK_REQUEST_TIMEOUT_MS"), "cyberark:requestTimeoutMs / CYBERARK_REQUEST_TIMEOUT_MS", { min: 1 }),
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined)) as Partial<CyberArkConnection>;
}

/** `configure` of the CyberArk implementation modules: synchronous (the host races concurrent first calls). */
export function configureCyberArk(req: pulumi.dynamic.ConfigureRequest | undefined): CyberArkProviderContext {
  try {
    return { defaults: cyberArkDefaultsFrom(req?.config, process.env) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

const WHERE: Record<string, string> = {
  url: "connection.url, stack config cyberark:url or CYBERARK_URL",
  username: "connection.username, cyberark:username or CYBERARK_USERNAME",
  password: "connection.password, the secret cyberark:password (pulumi config set --secret) or CYBERARK_PASSWORD",
  identityUrl: "connection.identityUrl, cyberark:identityUrl or CYBERARK_IDENTITY_URL",
  clientId: "connection.clientId, cyberark:clientId or CYBERARK_CLIENT_ID",
  clientSecret: "connection.clientSecret, the secret cyberark:clientSecret (pulumi config set --secret) or CYBERARK_CLIENT_SECRET",
};

const SELF_HOSTED = ["username", "password", "authMethod"];
const PLATFORM = ["identityUrl", "clientId", "clientSecret"];

/** Merges a resource's `connection` over the defaults and validates it. Errors name where to set the field, never its value. */
export function resolveCyberArkConnection(input: CyberArkConnectionInput | undefined | null, ctx: CyberArkProviderContext | undefined): CyberArkConnection {
  if (ctx?.error) throw new Error(`invalid CyberArk provider configuration: ${ctx.error}`);
  const defaults: Record<string, unknown> = { ...(ctx?.defaults ?? cyberArkDefaultsFrom(undefined, process.env)) };
  const given = Object.entries(input ?? {}).filter(([, v]) => v !== undefined && v !== null);
  // A resource that names one credential set drops the other set of the stack defaults (never mixed).
  if (given.some(([k]) => PLATFORM.includes(k))) for (const k of SELF_HOSTED) delete defaults[k];
  if (given.some(([k]) => k === "username" || k === "password")) for (const k of PLATFORM) delete defaults[k];
  const merged: Record<string, unknown> = { ...defaults, ...Object.fromEntries(given) };
  const platform = PLATFORM.some((k) => merged[k] !== undefined);
  for (const k of ["url", ...(platform ? PLATFORM : ["username", "password"])]) {
    if (merged[k] === undefined) throw new Error(`CyberArk connection ${k} is not set: give ${WHERE[k]}${k === "username" ? " (or, for Privilege Cloud, identityUrl, clientId and clientSecret)" : ""}`);
  }
  return validateCyberArkConnection(merged);
}

/** The PVWA a resource lives on, normalised (another PVWA means another Vault group: replace). */
export function effectiveCyberArkUrl(input: CyberArkConnectionInput | undefined | null, ctx: CyberArkProviderContext | undefined): string | undefined {
  const url = input?.url ?? ctx?.defaults?.url ?? process.env.CYBERARK_URL;
  return url?.trim().replace(/\/+$/, "").replace(/\/passwordvault$/i, "").toLowerCase();
}

/**
 * One logon per provider operation, logoff in `finally` (via withCyberArkSession; Privilege Cloud:
 * one platform token per operation, no logoff). Choice: no cross-operation token cache: a resource
 * operation makes a handful of calls, and a cached token could outlive PVWA's idle timeout between operations.
 */
export function withPvwa<T>(conn: CyberArkConnection, fn: (client: CyberArkClient) => Promise<T>): Promise<T> {
  return withCyberArkSession(conn, fn, { log: pulumiDebugLog() });
}

/**
 * Runs `fn` with the connection stored in a resource's outputs (refresh, delete); when PVWA refuses those
 * credentials at logon (403 PASWS013E, or 401) because they were rotated since, retries with the stack
 * config's, then the environment's credentials (see provider/dynamic/stored-credentials.ts).
 */
export function withStoredCyberArkConnection<T>(
  connection: CyberArkConnectionInput | undefined,
  ctx: CyberArkProviderContext | undefined,
  fn: (conn: CyberArkConnection) => Promise<T>,
): Promise<T> {
  const env = cyberArkDefaultsFrom(undefined, process.env);
  const defaults = ctx?.defaults ?? env;
  const refused = (e: unknown) => {
    const a = asApiError(e);
    return a !== undefined && (a.status === 401 || (a.status === 403 && (a.vendorCode ?? "").toUpperCase() === "PASWS013E"));
  };
  // The environment last: refresh and destroy are configured with the stack config of the last up.
  const fallbacks = [defaults, { url: env.url ?? defaults.url, username: env.username ?? defaults.username, password: env.password }];
  return withCredentialFallback(connection, fallbacks, refused, async (c) => fn(resolveCyberArkConnection(c, ctx)), {
    vendor: "CyberArk PVWA",
    normalizeUrl: (u) => normalizeApplianceUrl(u).replace(/\/passwordvault$/, ""),
    where: "cyberark:url, cyberark:username and cyberark:password (or CYBERARK_URL, CYBERARK_USERNAME, CYBERARK_PASSWORD)",
  });
}
