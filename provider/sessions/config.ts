/**
 * Connection settings of the session-actions module: environment variables and/or a JSON config
 * file (config-file.ts, apart so that these public declarations need no zod). Choice: the environment
 * wins field by field over the file, so a file can hold the non-secret part (URL, CA) and the secret
 * come from the environment; neither is ever taken from the command line.
 */
import { CYBERARK_ENV, cyberArkConnectionFromEnv, type CyberArkConnection } from "../cyberark/connection";
import { mergeFields } from "../config/settings";
import { PamError } from "../http/errors";
import { SENHASEGURA_ENV, senhaseguraConnectionFromEnv, type SenhaseguraConnection } from "../senhasegura/connection";
import { SPS_ENV, spsConnectionFromEnv } from "../sps/connection";
import type { SpsConnection } from "../sps/connection-types";
import { readSessionConfigFile } from "./config-file";
import { SessionRunError, type SessionTargetName } from "./types";

/** The connection type of each target. */
export interface TargetConnections {
  sps: SpsConnection;
  cyberark: CyberArkConnection;
  senhasegura: SenhaseguraConnection;
}

/** Environment variable of each config-file field, per target (the vendors' own variable names). */
export const CONNECTION_ENV = {
  sps: SPS_ENV,
  cyberark: CYBERARK_ENV,
  senhasegura: SENHASEGURA_ENV,
} as const;

/**
 * The connection of `target` from the config file section (when given) overlaid with the
 * environment. Throws {@link SessionRunError} `config` naming the variable or field to set.
 */
export function loadTargetConnection<T extends SessionTargetName>(
  target: T,
  opts: { env?: NodeJS.ProcessEnv; configFile?: string; warn?: (m: string) => void } = {},
): TargetConnections[T] {
  const env = opts.env ?? process.env;
  const names = CONNECTION_ENV[target] as Record<string, string>;
  const section = (opts.configFile ? readSessionConfigFile(opts.configFile, opts.warn)[target] : undefined) ?? {};
  // Both layers in the variables' form, so that one reader (the vendor's) parses and names them.
  const fromFile = Object.fromEntries(Object.entries(section).filter(([field, v]) => names[field] && v !== undefined).map(([field, v]) => [names[field], String(v)]));
  const fromEnv = Object.fromEntries(Object.values(names).filter((name) => (env[name] ?? "").trim() !== "").map((name) => [name, env[name]]));
  const merged = mergeFields<Record<string, string>>(fromFile, fromEnv);
  try {
    if (target === "sps") return spsConnectionFromEnv(merged) as TargetConnections[T];
    if (target === "cyberark") return cyberArkConnectionFromEnv(merged) as TargetConnections[T];
    return senhaseguraConnectionFromEnv(merged) as TargetConnections[T];
  } catch (e) {
    const msg = PamError.isInstance(e) || e instanceof Error ? e.message : String(e);
    const src = opts.configFile ? ` (environment, or section "${target}" of ${opts.configFile})` : " (environment)";
    throw new SessionRunError("config", `${target} connection${src}: ${msg}`, { cause: e });
  }
}

/** Every secret value of a connection, for redacting CLI output. */
export function connectionSecrets(conn: object): string[] {
  const c = conn as Record<string, unknown>;
  return ["password", "clientSecret", "consumerSecret", "token", "tokenSecret"].map((k) => c[k]).filter((v): v is string => typeof v === "string" && v !== "");
}
