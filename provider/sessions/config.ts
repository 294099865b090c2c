/**
 * Connection settings of the session-actions module: environment variables and/or a JSON config
 * file (zod-validated, strict). Choice: the environment wins field by field over the file, so a file
 * can hold the non-secret part (URL, CA) and the secret come from the environment; neither is ever
 * taken from the command line.
 */
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { CYBERARK_ENV, cyberArkConnectionFromEnv, type CyberArkConnection } from "../cyberark/config";
import { PamError } from "../http";
import { SENHASEGURA_ENV, senhaseguraConnectionFromEnv, type SenhaseguraConnection } from "../senhasegura/config";
import { spsConnectionFromEnv } from "../sps/active-sessions";
import type { SpsConnection } from "../sps/connection";
import { SessionRunError, type SessionTargetName } from "./types";

/** The connection type of each target. */
export interface TargetConnections {
  sps: SpsConnection;
  cyberark: CyberArkConnection;
  senhasegura: SenhaseguraConnection;
}

/** Environment variable of each config-file field, per target (the vendors' own variable names). */
export const CONNECTION_ENV = {
  sps: { url: "SPS_URL", username: "SPS_USERNAME", password: "SPS_PASSWORD", caCertificates: "SPS_CA_CERTIFICATES", insecureSkipVerify: "SPS_INSECURE_SKIP_VERIFY", allowHttp: "SPS_ALLOW_HTTP" },
  cyberark: CYBERARK_ENV,
  senhasegura: SENHASEGURA_ENV,
} as const;

const str = z.string().min(1);
/** Shape of the config file: one optional section per target, each field as in the vendor connection. */
export const sessionConfigFileSchema = z
  .object({
    sps: z.object({ url: str, username: str, password: str, caCertificates: str, insecureSkipVerify: z.boolean(), allowHttp: z.boolean() }).partial().strict().optional(),
    cyberark: z
      .object({ url: str, username: str, password: str, authMethod: z.enum(["CyberArk", "LDAP", "RADIUS"]), caCertificates: str, insecureSkipVerify: z.boolean(), allowHttp: z.boolean() })
      .partial()
      .strict()
      .optional(),
    senhasegura: z
      .object({
        url: str,
        pathPrefix: str,
        clientId: str,
        clientSecret: str,
        consumerKey: str,
        consumerSecret: str,
        token: str,
        tokenSecret: str,
        caCertificates: str,
        insecureSkipVerify: z.boolean(),
        allowHttp: z.boolean(),
      })
      .partial()
      .strict()
      .optional(),
  })
  .strict();

/** The parsed config file. */
export type SessionConfigFile = z.infer<typeof sessionConfigFileSchema>;

/** Reads and validates a config file. Errors name the file and the field, never a value. */
export function readSessionConfigFile(file: string): SessionConfigFile {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? "not valid JSON";
    throw new SessionRunError("config", `config file ${file}: cannot be read (${why})`);
  }
  const r = sessionConfigFileSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    const where = i.path.join(".") || "(top level)";
    const what = i.code === "unrecognized_keys" ? `unknown field(s) ${i.keys.join(", ")}` : i.code === "invalid_type" ? `has the wrong type (expected ${i.expected})` : "is invalid";
    throw new SessionRunError("config", `config file ${file}: ${where} ${what}`);
  }
  // A relative CA path is relative to the file, not to the working directory.
  for (const section of Object.values(r.data)) {
    const s = section as { caCertificates?: string } | undefined;
    if (s?.caCertificates && !s.caCertificates.includes("-----BEGIN") && !path.isAbsolute(s.caCertificates)) {
      s.caCertificates = path.resolve(path.dirname(file), s.caCertificates);
    }
  }
  return r.data;
}

/**
 * The connection of `target` from the config file section (when given) overlaid with the
 * environment. Throws {@link SessionRunError} `config` naming the variable or field to set.
 */
export function loadTargetConnection<T extends SessionTargetName>(target: T, opts: { env?: NodeJS.ProcessEnv; configFile?: string } = {}): TargetConnections[T] {
  const env = opts.env ?? process.env;
  const names = CONNECTION_ENV[target] as Record<string, string>;
  const section = (opts.configFile ? readSessionConfigFile(opts.configFile)[target] : undefined) ?? {};
  const merged: Record<string, string | undefined> = {};
  for (const [field, value] of Object.entries(section)) if (names[field] && value !== undefined) merged[names[field]] = String(value);
  for (const name of Object.values(names)) if (env[name] !== undefined && env[name]!.trim() !== "") merged[name] = env[name];
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
