/** The session-actions JSON config file: one optional section per target, zod-validated and strict. */
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { SessionRunError } from "./types";

const str = z.string().min(1);
/** Shape of the config file: one optional section per target, each field as in the vendor connection. */
export const sessionConfigFileSchema = z
  .object({
    sps: z.object({ url: str, username: str, password: str, caCertificates: str, insecureSkipVerify: z.boolean(), allowHttp: z.boolean() }).partial().strict().optional(),
    cyberark: z
      .object({
        url: str,
        username: str,
        password: str,
        authMethod: z.enum(["CyberArk", "LDAP", "RADIUS"]),
        caCertificates: str,
        insecureSkipVerify: z.boolean(),
        allowHttp: z.boolean(),
        // Privilege Cloud (OAuth 2.0 client credentials of the Identity tenant).
        identityUrl: str,
        clientId: str,
        clientSecret: str,
      })
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

const SECRET_FIELDS = ["password", "clientSecret", "consumerSecret", "token", "tokenSecret"];

/**
 * Warns (like ssh does for keys) when a config file holding a secret can be read or written by group
 * or others: anyone who can read it has the appliance credentials, anyone who can write it can send
 * them elsewhere. POSIX modes only (Windows ACLs are not inspected).
 */
function warnIfExposed(file: string, raw: unknown, warn: (m: string) => void): void {
  if (process.platform === "win32" || !raw || typeof raw !== "object") return;
  const holdsSecret = Object.values(raw as Record<string, unknown>).some((sec) => sec && typeof sec === "object" && SECRET_FIELDS.some((k) => k in (sec as object)));
  if (!holdsSecret) return;
  let mode: number;
  try {
    mode = fs.statSync(file).mode & 0o777;
  } catch {
    return;
  }
  if ((mode & 0o077) !== 0) {
    warn(`config file ${file} holds secrets and is accessible by group or others (mode ${mode.toString(8).padStart(4, "0")}); restrict it with: chmod 600 ${file}`);
  }
}

/**
 * Reads and validates a config file. Errors name the file and the field, never a value. `warn`
 * receives the file-mode warning (default: `process.emitWarning`, code `PULUMI_PAM_CONFIG_FILE_MODE`).
 */
export function readSessionConfigFile(file: string, warn: (m: string) => void = (m) => process.emitWarning(m, { code: "PULUMI_PAM_CONFIG_FILE_MODE" })): SessionConfigFile {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? "not valid JSON";
    throw new SessionRunError("config", `config file ${file}: cannot be read (${why})`);
  }
  warnIfExposed(file, raw, warn);
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
