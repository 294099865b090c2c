/**
 * The zod schema of the per-resource CyberArk `connection` input. Kept apart from connection.ts so that the
 * public declarations (reached from pulumi-pam/sessions) reference no zod types: they do not compile under
 * Pulumi's template tsconfig.
 */
import { z } from "zod";

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
