import { z } from "zod";
import type * as pulumi from "@pulumi/pulumi";
import type { SpsConnection } from "./connection-types";
import { envBool } from "../config/env";

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

const bool = (v: string | undefined, field: string): boolean | undefined => envBool(v, field);

const num = (v: string | undefined, field: string, min: number): number | undefined => {
  if (v === undefined || v === "") return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw new Error(`${field} must be a number >= ${min}, got "${v}"`);
  return n;
};

/** Connection defaults and tuning read from stack config and the environment, synchronously in `configure`. */
export interface SpsDefaults {
  connection: Partial<SpsConnection>;
  tuning: SpsTuning;
}

/** Reads `sps:*` stack config, falling back to `SPS_*` environment variables. Throws naming the bad key. */
export function spsDefaultsFrom(config: pulumi.dynamic.Config | undefined, env: NodeJS.ProcessEnv): SpsDefaults {
  const get = (k: string) => config?.get(`sps:${k}`);
  const drop = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
  const connection = drop({
    url: get("url") ?? env.SPS_URL,
    username: get("username") ?? env.SPS_USERNAME,
    password: get("password") ?? env.SPS_PASSWORD,
    caCertificates: get("caCertificates") ?? env.SPS_CA_CERTIFICATES,
    insecureSkipVerify: bool(get("insecureSkipVerify") ?? env.SPS_INSECURE_SKIP_VERIFY, "sps:insecureSkipVerify / SPS_INSECURE_SKIP_VERIFY"),
    allowHttp: bool(get("allowHttp") ?? env.SPS_ALLOW_HTTP, "sps:allowHttp / SPS_ALLOW_HTTP"),
  });
  const tuning: SpsTuning = {
    ...DEFAULT_TUNING,
    ...drop({
      lockWaitTimeoutSeconds: num(get("lockWaitTimeout"), "sps:lockWaitTimeout (seconds)", 0),
      batchWindowMs: num(get("batchWindowMs"), "sps:batchWindowMs", 0),
      batchWindowCapMs: num(get("batchWindowCapMs"), "sps:batchWindowCapMs", 0),
      batchSize: num(get("batchSize"), "sps:batchSize", 1),
      lockRetryInitialMs: num(get("lockRetryInitialMs"), "sps:lockRetryInitialMs", 1),
      lockRetryMaxMs: num(get("lockRetryMaxMs"), "sps:lockRetryMaxMs", 1),
      requestTimeoutMs: num(get("requestTimeoutMs") ?? env.SPS_REQUEST_TIMEOUT_MS, "sps:requestTimeoutMs / SPS_REQUEST_TIMEOUT_MS", 1),
    }),
  };
  return { connection, tuning };
}

/** Merges a resource's `connection` over the defaults and validates the result (errors name the source to set). */
export function resolveSpsConnection(input: SpsConnectionInput | undefined, defaults: Partial<SpsConnection>): SpsConnection {
  const merged = { ...defaults, ...Object.fromEntries(Object.entries(input ?? {}).filter(([, v]) => v !== undefined && v !== null)) };
  const r = completeSchema.safeParse(merged);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new Error(`SPS connection ${String(i.path[0] ?? "")} ${i.message}`.replace(/\s+/g, " ").trim());
  }
  return r.data;
}
