import type { EmulatorRequest, EmulatorResponse } from "../../common/server";
import type { SpsContext } from "../context";
import { unauthenticated } from "../errors";
import { sha256Hex } from "../model";
import { httpDate } from "../render";
import { SESSION_IDLE_MS, type RestSession } from "../sessions";

/** Choice ([UNK], emulator choice): realm text of the Basic challenge. */
export const BASIC_REALM = 'Basic realm="Safeguard for Privileged Sessions"';

/** Decodes `Authorization: Basic base64(user:pass)` (UTF-8, [DOC] D-AUTH7). */
function parseBasic(header: string | undefined): { user: string; pass: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? "");
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], "base64").toString("utf8");
  const i = decoded.indexOf(":");
  if (i < 0) return undefined;
  return { user: decoded.slice(0, i), pass: decoded.slice(i + 1) };
}

/**
 * `Set-Cookie: session_id=<hex>; expires=<now+20min RFC1123>; Path=/; Secure` ([DOC] D-AUTH7,
 * D-AUTH705; attribute set [INF] from [CODE] JV). `Secure` only over TLS (tough-cookie#382).
 */
export function sessionCookie(ctx: SpsContext, s: RestSession): string {
  const expires = httpDate(ctx.clock.now() + SESSION_IDLE_MS);
  return `session_id=${s.id}; expires=${expires}; Path=/${ctx.opts.tls ? "; Secure" : ""}`;
}

/** Which local accounts may log in under each backend. */
function loginAllowed(ctx: SpsContext, userName: string): boolean {
  // [DOC] seed page: with LDAP the local accounts are disabled. Choice: `admin` stays usable
  // (the appliance's recovery account); the emulator has no LDAP/RADIUS server, so under RADIUS
  // local passwords stand in for the RADIUS check.
  return ctx.store.backend !== "ldap" || userName === "admin";
}

/**
 * `GET /api/authentication`: Basic credentials -> 200 `{"meta":{...}}` + the session cookie
 * ([DOC] D-AUTH705); otherwise 401 with `WWW-Authenticate: Basic` ([INF] from [CODE] JV's
 * non-preemptive client). `login_method` is accepted and ignored.
 */
export function login(req: EmulatorRequest, ctx: SpsContext): EmulatorResponse {
  const creds = parseBasic(req.headers.authorization);
  const user = creds && ctx.store.userByName(creds.user);
  const pwd = user && ctx.store.committed.passwords.get(user.passwordKey);
  if (!creds || !user || !pwd || pwd.sha256 !== sha256Hex(creds.pass) || !loginAllowed(ctx, user.name)) {
    throw unauthenticated(req.path, { "www-authenticate": BASIC_REALM });
  }
  const session = ctx.sessions.create(user.name, ctx.store.groupsOf(user.key));
  return {
    status: 200,
    headers: { "set-cookie": sessionCookie(ctx, session) },
    body: { meta: { href: "/api/authentication", parent: "/api" } },
  };
}

/**
 * `GET /api/authentication/login_methods`, anonymous (7.1+, [DOC] D-AUTH7; safeguard-ps reads
 * `.login_methods`). Choice: entries `{name, type}`; the list follows the backend.
 */
export function loginMethods(_req: EmulatorRequest, ctx: SpsContext): EmulatorResponse {
  const methods = [{ name: "local", type: "password" }];
  if (ctx.store.backend !== "local") methods.push({ name: ctx.store.backend, type: "password" });
  return {
    status: 200,
    body: { login_methods: methods, meta: { href: "/api/authentication/login_methods", parent: "/api/authentication" } },
  };
}
