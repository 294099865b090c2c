import { EmulatorError } from "../../common/errors";
import type { EmulatorRequest, EmulatorResponse } from "../../common/server";
import { answerError, pvwaError, type PvwaContext } from "../context";
import type { PvwaAuthMethod, VaultAuthorization, VaultUser } from "../store";

const METHODS: Record<string, PvwaAuthMethod> = { cyberark: "CyberArk", ldap: "LDAP", radius: "RADIUS" };

/**
 * `POST /API/auth/{type}/Logon` ([DOC] https://docs.cyberark.com/PAS/Latest/en/Content/SDK/CyberArk%20Authentication%20-%20Logon_v10.htm). Success is a bare JSON string
 * with `application/json; charset=utf-8`.
 */
export function logon(ctx: PvwaContext, req: EmulatorRequest): EmulatorResponse {
  // Choice: Privilege Cloud service users get tokens from the Identity tenant; the PVWA logon is not served to them.
  if (ctx.behaviour.privilegeCloud) throw new EmulatorError(401, {});
  const method = METHODS[req.params.type.toLowerCase()];
  // [DOC] EPV mock: an unknown type gets 401 with `{}`. Choice: Windows (IIS integrated auth) is not emulated and answers the same.
  if (!method) throw new EmulatorError(401, {});
  const body = (req.body ?? {}) as Record<string, unknown>;
  const username = typeof body.username === "string" ? body.username : "";
  const password = typeof body.password === "string" ? body.password : "";
  // [UNK] The code for a missing field is not in the stored record. Choice: PVWA's generic PASWS167E text.
  if (!username || !password) throw pvwaError(400, "PASWS167E", "There are some invalid parameters.");
  const user = ctx.store.user(username);
  if (!user || user.password !== password || !user.authMethods.includes(method)) {
    // [DOC]: bad credentials are 403 PASWS013E.
    throw pvwaError(403, "PASWS013E", `Authentication failure for User [${username}].`);
  }
  if (user.suspended) {
    // [CODE] ROYAL: PASWS268E "Your user [] has been suspended…". Choice: the tail of the text.
    throw pvwaError(403, "PASWS268E", `Your user [${user.username}] has been suspended. Contact your system administrator.`);
  }
  const now = ctx.clock.now();
  const concurrent = body.concurrentSession === true || body.concurrentSession === "true";
  if (!concurrent && ctx.behaviour.nonConcurrentLogonEndsOthers) {
    for (const t of [...ctx.store.tokens.values()]) if (t.username === user.username) ctx.store.tokens.delete(t.token);
  }
  const token = ctx.store.issueToken(user.username, now, concurrent);
  return { status: 200, body: token, contentType: "application/json; charset=utf-8" };
}

/**
 * The caller behind the `Authorization` header: the raw token ([DOC]). A `Bearer` prefix is
 * refused like an unknown token ([INF]: catches clients that send ISPSS-style headers).
 * Each use refreshes the idle timer.
 */
export function requireCaller(ctx: PvwaContext, req: EmulatorRequest): VaultUser {
  const raw = tokenOf(ctx, req);
  const rec = raw ? ctx.store.tokens.get(raw) : undefined;
  if (!rec || (rec.expiresAt !== undefined) !== ctx.behaviour.privilegeCloud) throw answerError(ctx.behaviour.invalidToken);
  const now = ctx.clock.now();
  const idle = rec.expiresAt === undefined && now - rec.lastUsedAt > ctx.behaviour.tokenIdleTimeoutMs;
  const absolute = (ctx.behaviour.tokenAbsoluteTimeoutMs !== undefined && now - rec.issuedAt > ctx.behaviour.tokenAbsoluteTimeoutMs) || (rec.expiresAt !== undefined && now >= rec.expiresAt);
  const user = ctx.store.user(rec.username);
  if (idle || absolute || !user) {
    ctx.store.tokens.delete(rec.token);
    throw answerError(ctx.behaviour.invalidToken);
  }
  rec.lastUsedAt = now;
  return user;
}

/**
 * The token of the `Authorization` header: raw for self-hosted PVWA (a `Bearer` prefix is refused,
 * which catches clients sending platform-style headers), `Bearer <token>` only in Privilege Cloud mode.
 */
function tokenOf(ctx: PvwaContext, req: EmulatorRequest): string | undefined {
  const raw = (req.headers.authorization ?? "").trim();
  const bearer = /^bearer\s+(\S+)$/i.exec(raw);
  if (ctx.behaviour.privilegeCloud) return bearer?.[1];
  return raw && !bearer && !/^bearer\s/i.test(raw) ? raw : undefined;
}

/** Throws the configured 403 unless `user` holds `auth` ([DOC] the "Audit users" and "Add/Update Users" Vault authorizations). */
export function requireAuthorization(ctx: PvwaContext, user: VaultUser, auth: VaultAuthorization): void {
  if (!user.authorizations.includes(auth)) throw answerError(ctx.behaviour.missingAuthorization);
}

/** `POST /API/Auth/Logoff`: 200 `{"LogoffUrl":""}` and the token is gone ([CODE] POSTMAN). */
export function logoff(ctx: PvwaContext, req: EmulatorRequest): EmulatorResponse {
  requireCaller(ctx, req);
  ctx.store.tokens.delete(tokenOf(ctx, req) ?? "");
  return { status: 200, body: { LogoffUrl: "" } };
}

/** `GET /API/LoginsInfo`, the token-validity probe ([CODE] aiobastion; [DOC] EPV mock body). */
export function loginsInfo(ctx: PvwaContext, req: EmulatorRequest): EmulatorResponse {
  requireCaller(ctx, req);
  const t = ctx.store.tokens.get(tokenOf(ctx, req) ?? "");
  const at = Math.floor((t?.issuedAt ?? ctx.clock.now()) / 1000);
  return { status: 200, body: { LastSuccessLoginTime: at, LastSuccessLoginIP: "127.0.0.1", FailedLogins: 0, LastFailLoginTime: 0, LastFailLoginIP: "" } };
}
