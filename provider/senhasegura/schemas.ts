/**
 * Response models of the senhasegura A2A API. Lenient on purpose (our choice: the documented
 * samples disagree between versions):
 * English or Portuguese keys, optional `code`/`tenant`/`detail`/`exception`, ids as strings or
 * numbers, `remote_session` vs `remote_sessions`, and a possibly nested envelope.
 * Schemas are built inside functions: nothing at module level that a serialized stub could reach.
 */
import { z } from "zod";

/** `true`, "true", 1 or "1" → true (flags arrive as booleans in every sample; be tolerant anyway). */
const flag = () => z.union([z.boolean(), z.string(), z.number()]).transform((v) => v === true || v === "true" || v === 1 || v === "1");
const num = () => z.union([z.number(), z.string()]).transform((v) => Number(v));
const text = () => z.union([z.string(), z.number()]).transform(String);

/** The `response` block with its English/Portuguese twins (`message`/`mensagem`, `error`/`erro`; https://docs.senhasegura.io/docs/api-default-request). */
export function responseBlockSchema() {
  return z
    .object({
      status: num().optional(),
      message: z.string().nullish(),
      mensagem: z.string().nullish(),
      error: flag().optional(),
      erro: flag().optional(),
      error_code: num().optional(),
      cod_erro: num().optional(),
      detail: z.unknown().optional(),
    })
    .loose();
}

/** The common envelope; `code` and `tenant` optional by version, `exception` only on errors. */
export function envelopeSchema() {
  return z
    .object({
      code: num().optional(),
      response: responseBlockSchema().optional(),
      tenant: z.string().nullish(),
      exception: z.object({ code: num().optional(), message: z.string().nullish(), detail: z.unknown().optional() }).loose().nullish(),
    })
    .loose();
}

/** A parsed envelope. */
export type Envelope = z.infer<ReturnType<typeof envelopeSchema>>;

/** One session record as sent (https://docs.senhasegura.io/docs/api-get-list-all-remote-sessions; PT `credencial`/`dispositivo` in v3.32). */
export function rawSessionSchema() {
  return z
    .object({
      id: text(),
      session_id: text(),
      user: z.string().nullish(),
      origin_ip: z.string().nullish(),
      credential: z.string().nullish(),
      credencial: z.string().nullish(),
      device: z.string().nullish(),
      dispositivo: z.string().nullish(),
      protocol: z.string().nullish(),
      proxy: z.string().nullish(),
      start: z.string().nullish(),
      end: z.string().nullish(),
      time: z.string().nullish(),
      prevent_purge: z.string().nullish(),
      request: z.unknown().optional(),
      ITSM: z.unknown().optional(),
    })
    .loose();
}

/** A raw session record. */
export type RawSession = z.infer<ReturnType<typeof rawSessionSchema>>;

/** An envelope (not a session) inside the list: has `response` or a session container, no `session_id`. */
function isNestedEnvelope(x: unknown): x is Record<string, unknown> {
  return !!x && typeof x === "object" && !("session_id" in x) && ("response" in x || "remote_sessions" in x || "remote_session" in x);
}

/**
 * Flattens the session container: an array, or (v3.33 sample) an object holding a second envelope
 * with its own `remote_sessions`; a nested envelope inside the array is unwrapped. Anything else
 * stays, so that a record without `session_id` fails the schema instead of vanishing.
 */
function sessionItems(v: unknown): unknown[] {
  if (Array.isArray(v)) {
    return v.flatMap((x) => (isNestedEnvelope(x) ? sessionItems(x.remote_sessions ?? x.remote_session ?? []) : [x]));
  }
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if ("session_id" in o) return [o];
    return sessionItems(o.remote_sessions ?? o.remote_session ?? []);
  }
  return [];
}

/** List or get body: envelope plus sessions under `remote_sessions` or `remote_session` (https://docs.senhasegura.io/docs/api-get-list-a-remote-session). */
export function sessionsBodySchema() {
  return envelopeSchema().transform((env, ctx) => {
    const raw = env as Record<string, unknown>;
    const container = raw.remote_sessions ?? raw.remote_session;
    const items = sessionItems(container);
    const parsed = z.array(rawSessionSchema()).safeParse(items);
    if (!parsed.success) {
      for (const i of parsed.error.issues) ctx.addIssue({ code: "custom", message: i.message, path: ["remote_sessions", ...i.path] });
      return z.NEVER;
    }
    return { envelope: env, sessions: parsed.data, hadContainer: container !== undefined };
  });
}

/** OAuth 2.0 token answer (https://docs.senhasegura.io/v4/docs/en/how-to-authenticate-an-application-in-a2a); `token_type` case varies ("bearer" in senhasegura-rs). */
export function tokenSchema() {
  return z
    .object({
      access_token: z.string().min(1),
      token_type: z.string().optional(),
      expires_in: num().optional(),
    })
    .loose();
}

/**
 * Error-body model for the HTTP core: the senhasegura envelope (code from `exception.code`), the
 * league token error (`error`/`message`) or Kong's `{message}` (documented drop errors:
 * https://docs.senhasegura.io/docs/api-del-terminate-remote-session).
 */
export function parseSenhaseguraError(body: unknown): { code?: string; message?: string; details?: unknown } | undefined {
  if (!body || typeof body !== "object") return undefined;
  const o = body as Record<string, unknown>;
  const env = envelopeSchema().safeParse(o);
  if (env.success && env.data.response) {
    const r = env.data.response;
    const exc = env.data.exception;
    return {
      code: exc?.code !== undefined && !Number.isNaN(exc.code) ? String(exc.code) : undefined,
      message: r.message ?? r.mensagem ?? exc?.message ?? undefined,
      details: exc ? { exception: { code: exc.code, message: exc.message } } : undefined,
    };
  }
  if (typeof o.error === "string") return { code: o.error, message: typeof o.message === "string" ? o.message : (o.error_description as string | undefined) };
  if (typeof o.message === "string") return { message: o.message };
  return undefined;
}
