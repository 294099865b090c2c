/**
 * How to reach an SPS appliance: the connection type, the per-resource input schema, the settings table
 * (stack config `sps:*` and `SPS_*` variables) and the resolve functions that the dynamic providers and
 * the session-actions module share. Precedence: see provider/config/settings.ts.
 */
import { z } from "zod";
import type * as pulumi from "@pulumi/pulumi";
import type { SpsConnection } from "./connection-types";
import { envOnly, mergeFields, readSettings, stackThenEnv, type SettingsTable } from "../config/settings";
import { ConfigError } from "../http/errors";

export type { SpsConnection };

/** Tuning of the transaction coordinator (stack config `sps:*`; see README "SPS transactions"). */
export interface SpsTuning {
  /** Seconds to wait for a configuration lock held by someone else (default 300). */
  lockWaitTimeoutSeconds: number;
  /** Quiet window that gathers concurrent operations into one transaction, ms (default 50). */
  batchWindowMs: number;
  /** Cap of the gathering window from the first arrival, ms (default 250). */
  batchWindowCapMs: number;
  /** Most operations per transaction (default 256); 1 gives one transaction per operation. */
  batchSize: number;
  /** First wait after a lock conflict, ms (default 1000; doubles up to lockRetryMaxMs, full jitter). */
  lockRetryInitialMs: number;
  /** Longest wait between lock retries, ms (default 15000). */
  lockRetryMaxMs: number;
  /**
   * Deadline of each SPS request, retries included, ms (`sps:requestTimeoutMs` / `SPS_REQUEST_TIMEOUT_MS`).
   * Choice: unset by default, so only the HTTP core's per-phase timeouts apply (connect 10 s, headers 30 s).
   */
  requestTimeoutMs?: number;
}

export const DEFAULT_TUNING: SpsTuning = {
  lockWaitTimeoutSeconds: 300,
  batchWindowMs: 50,
  batchWindowCapMs: 250,
  batchSize: 256,
  lockRetryInitialMs: 1000,
  lockRetryMaxMs: 15000,
};

/** Where each connection field is set outside the program: stack config `sps:<config>`, variable `<env>`. */
export const SPS_SETTINGS: SettingsTable<SpsConnection> = {
  url: { config: "url", env: "SPS_URL" },
  username: { config: "username", env: "SPS_USERNAME" },
  password: { config: "password", env: "SPS_PASSWORD" },
  caCertificates: { config: "caCertificates", env: "SPS_CA_CERTIFICATES" },
  insecureSkipVerify: { config: "insecureSkipVerify", env: "SPS_INSECURE_SKIP_VERIFY", kind: "bool" },
  allowHttp: { config: "allowHttp", env: "SPS_ALLOW_HTTP", kind: "bool" },
};

/** The coordinator's tuning keys (stack config only, except the request deadline). */
const TUNING_SETTINGS: SettingsTable<SpsTuning> = {
  lockWaitTimeoutSeconds: { config: "lockWaitTimeout", kind: "int", min: 0 },
  batchWindowMs: { config: "batchWindowMs", kind: "int", min: 0 },
  batchWindowCapMs: { config: "batchWindowCapMs", kind: "int", min: 0 },
  batchSize: { config: "batchSize", kind: "int", min: 1 },
  lockRetryInitialMs: { config: "lockRetryInitialMs", kind: "int", min: 1 },
  lockRetryMaxMs: { config: "lockRetryMaxMs", kind: "int", min: 1 },
  requestTimeoutMs: { config: "requestTimeoutMs", env: "SPS_REQUEST_TIMEOUT_MS", kind: "int", min: 1 },
};

/** Environment variable of each connection field (the session-actions config file uses the same field names). */
export const SPS_ENV = Object.fromEntries(Object.entries(SPS_SETTINGS).map(([k, s]) => [k, s!.env!])) as Record<keyof SpsConnection, string>;

/** The per-resource `connection` input: every field optional, each overrides config and environment. */
export const spsConnectionInputSchema = z
  .object({
    url: z.string().url("must be an http(s) URL such as https://sps.example.com").optional(),
    username: z.string().min(1, "must not be empty").optional(),
    password: z.string().min(1, "must not be empty").optional(),
    caCertificates: z.string().min(1, "must be PEM text or a file path").optional(),
    insecureSkipVerify: z.boolean().optional(),
    allowHttp: z.boolean().optional(),
  })
  .strict();
export type SpsConnectionInput = z.infer<typeof spsConnectionInputSchema>;

const completeSchema = z.object({
  url: z
    .string({ error: "is not set: give the resource's connection.url, stack config sps:url or SPS_URL" })
    .url("must be an http(s) URL such as https://sps.example.com"),
  username: z.string({ error: "is not set: give connection.username, sps:username or SPS_USERNAME" }).min(1),
  password: z.string({ error: "is not set: give connection.password, the secret sps:password (pulumi config set --secret) or SPS_PASSWORD" }).min(1),
  caCertificates: z.string().optional(),
  insecureSkipVerify: z.boolean().optional(),
  allowHttp: z.boolean().optional(),
});

/** Connection defaults and tuning read from stack config and the environment, synchronously in `configure`. */
export interface SpsDefaults {
  connection: Partial<SpsConnection>;
  tuning: SpsTuning;
}

/** Reads `sps:*` stack config, falling back to `SPS_*` environment variables. Throws ConfigError naming the bad key. */
export function spsDefaultsFrom(config: pulumi.dynamic.Config | undefined, env: NodeJS.ProcessEnv): SpsDefaults {
  const lookup = stackThenEnv("sps", config, env);
  return {
    connection: readSettings(SPS_SETTINGS, lookup),
    tuning: { ...DEFAULT_TUNING, ...readSettings(TUNING_SETTINGS, lookup) },
  };
}

/** Merges a resource's `connection` over the defaults and validates the result (ConfigError naming the source to set). */
export function resolveSpsConnection(input: SpsConnectionInput | undefined, defaults: Partial<SpsConnection>): SpsConnection {
  const r = completeSchema.safeParse(mergeFields<SpsConnection>(defaults, input));
  if (!r.success) {
    const i = r.error.issues[0];
    throw new ConfigError(String(i.path[0] ?? "connection"), i.message.replace(/\s+/g, " ").trim());
  }
  return r.data;
}

/**
 * Reads an {@link SpsConnection} from `SPS_URL`, `SPS_USERNAME`, `SPS_PASSWORD`, `SPS_CA_CERTIFICATES`,
 * `SPS_INSECURE_SKIP_VERIFY`, `SPS_ALLOW_HTTP`. Throws ConfigError naming the variable to set.
 */
export function spsConnectionFromEnv(env: NodeJS.ProcessEnv = process.env): SpsConnection {
  // Outside Pulumi the user sets variables: name them, not the stack config keys.
  const help = { SPS_URL: 'give the SPS address, e.g. "https://sps.example.com"', SPS_USERNAME: "give the SPS user name", SPS_PASSWORD: "give the password of that user" };
  for (const [name, fix] of Object.entries(help)) if (env[name] === undefined || env[name]!.trim() === "") throw new ConfigError(name, `is not set; ${fix}`);
  return resolveSpsConnection(undefined, readSettings(SPS_SETTINGS, envOnly(env)));
}
