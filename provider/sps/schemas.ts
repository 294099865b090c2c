/**
 * zod schemas of the SPS REST answers we read. Responses are parsed leniently (unknown fields pass,
 * `.passthrough()`), so that new SPS versions do not break us; request bodies are built by code.
 */
import { z } from "zod";

const meta = z.object({ href: z.string().optional() }).passthrough();

/** `{"meta": {...}}` — login answer and bodies that carry only links (https://support.oneidentity.com/technical-documents/safeguard-for-privileged-sessions/7.1.1/rest-api-reference-guide/2). */
export const metaOnlySchema = z.object({ meta: meta.optional() }).passthrough();

/**
 * `GET /api/transaction`, both shapes (https://support.oneidentity.com/technical-documents/safeguard-for-privileged-sessions/6.9.3/rest-api-reference-guide/3 and
 * One Identity's safeguard-ps, https://github.com/OneIdentity/safeguard-ps): legacy
 * `{"transaction": {"status"}}` and newer `{"body": {"status", "commit_message"}, "meta": {"remaining_seconds"}}`.
 */
export const transactionStatusSchema = z
  .object({
    transaction: z.object({ status: z.string() }).passthrough().optional(),
    body: z.object({ status: z.string() }).passthrough().optional(),
    meta: z.object({ remaining_seconds: z.number().optional() }).passthrough().optional(),
  })
  .passthrough()
  .refine((t) => t.transaction?.status !== undefined || t.body?.status !== undefined, { message: "has no transaction status (neither body.status nor transaction.status)" })
  .transform((t) => ({ status: (t.body?.status ?? t.transaction?.status) as string, remainingSeconds: t.meta?.remaining_seconds }));

/** A collection: `{"items": [{"key", "meta": {"href"}}], "meta": {...}}` [DOC] seed. */
export const collectionSchema = z
  .object({ items: z.array(z.object({ key: z.string() }).passthrough()) })
  .passthrough()
  .transform((c) => c.items.map((i) => i.key));

/** A password reference: a key string, or `{"key", "meta": {"href"}}` as the SPS 7.0.3 REST reference renders it; both accepted. */
export const passwordRefSchema = z.union([z.string(), z.object({ key: z.string() }).passthrough()]).transform((r) => (typeof r === "string" ? r : r.key));

/** A local user item. Unknown body fields are kept so that a PUT preserves them. */
export const userItemSchema = z
  .object({
    key: z.string(),
    body: z
      .object({
        name: z.string(),
        password: z.unknown().optional(),
        password_created: z.number().nullable().optional(),
      })
      .passthrough(),
  })
  .passthrough();
export type UserItem = z.infer<typeof userItemSchema>;

/** A local usergroup item; `members` hold user keys [DOC] seed (POST instructions). */
export const groupItemSchema = z
  .object({
    key: z.string(),
    body: z.object({ name: z.string(), members: z.array(z.string()).default([]) }).passthrough(),
  })
  .passthrough();
export type GroupItem = z.infer<typeof groupItemSchema>;

/** POST answer: `{"key": "<new id>", "meta": {...}}` (https://support.oneidentity.com/technical-documents/safeguard-for-privileged-sessions/6.9.3/rest-api-reference-guide/17). */
export const createdSchema = z.object({ key: z.string().min(1) }).passthrough();

/**
 * `GET /api/configuration/aaa/settings`. Field names are not public [UNK]. Our choice: read
 * `body.backend.selection` (SPS renders choices as `{"selection": ...}`), tolerating a plain string, and
 * report "unknown" when absent rather than guessing.
 */
export const aaaSettingsSchema = z
  .object({ body: z.object({ backend: z.union([z.string(), z.object({ selection: z.string() }).passthrough()]).optional() }).passthrough().optional() })
  .passthrough()
  .transform((s) => {
    const b = s.body?.backend;
    const v = typeof b === "string" ? b : b?.selection;
    return (v ?? "unknown").toLowerCase();
  });

/** SPS error body: `{"error": {"type", "message", "details"}}`, as One Identity's safeguard-ps reads it. */
export const spsErrorSchema = z
  .object({ error: z.object({ type: z.string().optional(), message: z.string().optional(), details: z.unknown().optional() }).passthrough() })
  .passthrough();

/** Vendor error parser for the HTTP core. */
export function parseSpsError(body: unknown): { code?: string; message?: string; details?: unknown } | undefined {
  const r = spsErrorSchema.safeParse(body);
  if (!r.success) return undefined;
  return { code: r.data.error.type, message: r.data.error.message, details: r.data.error.details };
}
