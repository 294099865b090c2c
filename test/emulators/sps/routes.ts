import { Router } from "../common/router";
import type { EmulatorRequest, EmulatorResponse, Handler } from "../common/server";
import type { AuthedHandler, SpsContext } from "./context";
import { MESSAGES, methodNotAllowed, notFound, spsError, unauthenticated } from "./errors";
import * as aaa from "./handlers/aaa";
import * as active from "./handlers/active-sessions";
import * as auth from "./handlers/authentication";
import * as db from "./handlers/local-database";
import * as pwd from "./handlers/passwords";
import * as txn from "./handlers/transaction";
import { PATHS } from "./model";
import type { RestSession } from "./sessions";

/** The `session_id` value from a Cookie header. */
export function sessionIdFrom(req: EmulatorRequest): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === "session_id") return v.join("=");
  }
  return undefined;
}

const WRITE_METHODS = new Set(["POST", "PUT", "DELETE", "PATCH"]);

/**
 * SPS 7.5+ rule, opt-in ([CODE] safeguard-ps 5e9be64): browser-like User-Agents must send X-Token on
 * writes. Choice ([UNK] how SPS classifies browsers and what it answers): `Mozilla/` prefix, any
 * non-empty X-Token, 403 `Unauthorized`.
 */
function checkXToken(ctx: SpsContext, req: EmulatorRequest): void {
  if (!ctx.opts.requireXTokenForBrowserUA || !WRITE_METHODS.has(req.method)) return;
  if (/^Mozilla\//i.test(req.headers["user-agent"] ?? "") && !req.headers["x-token"]) {
    throw spsError(403, "Unauthorized", MESSAGES.xTokenMissing, req.path, { path: req.path });
  }
}

/** Wraps a handler behind the cookie gate ([DOC] D-AUTH7: every other /api/* request needs the session cookie). */
function gate(ctx: SpsContext, h: AuthedHandler): Handler {
  return async (req) => {
    const session = ctx.sessions.touch(sessionIdFrom(req));
    if (!session) throw unauthenticated(req.path);
    checkXToken(ctx, req);
    const out = await h(req, session, ctx);
    return ctx.opts.reissueCookie ? withCookie(ctx, session, out) : out;
  };
}

function withCookie(ctx: SpsContext, session: RestSession, out: EmulatorResponse): EmulatorResponse {
  return { ...out, headers: { ...(out.headers ?? {}), "set-cookie": auth.sessionCookie(ctx, session) } };
}

/** Builds the SPS router: routes -> handlers -> store. */
export function buildRoutes(ctx: SpsContext): Handler {
  const anonymous = (ok: Handler): Handler => ok;
  const rejectMethod: AuthedHandler = (req) => {
    throw methodNotAllowed(req.path, req.method);
  };
  const router = new Router({
    // Choice: unknown paths answer 401 before 404 when there is no live session (the gate comes first).
    notFound: (req) => {
      if (!ctx.sessions.touch(sessionIdFrom(req))) throw unauthenticated(req.path);
      throw notFound(req.path);
    },
    methodNotAllowed: (req) => {
      if (!ctx.sessions.touch(sessionIdFrom(req))) throw unauthenticated(req.path);
      throw methodNotAllowed(req.path, req.method);
    },
  });
  const r = (method: string, path: string, h: AuthedHandler) => router.on(method, path, gate(ctx, h));

  router.on("GET", "/api/authentication", anonymous((req) => auth.login(req, ctx)));
  router.on("GET", "/api/authentication/login_methods", anonymous((req) => auth.loginMethods(req, ctx)));

  r("GET", PATHS.transaction, txn.getTransaction);
  r("POST", PATHS.transaction, txn.openTransaction);
  r("PUT", PATHS.transaction, txn.commitTransaction);
  r("DELETE", PATHS.transaction, txn.rollbackTransaction);
  r("GET", `${PATHS.transaction}/changes`, txn.getChanges);

  r("GET", PATHS.aaa, aaa.getAaa);
  r("GET", PATHS.acls, aaa.getAcls);
  for (const m of ["POST", "PUT", "DELETE"]) r(m, PATHS.acls, rejectMethod); // [DOC] D-ACL: not editable via REST.
  r("GET", PATHS.settings, aaa.getSettings);
  r("GET", PATHS.localDb, db.getLocalDatabase);

  for (const kind of ["users", "groups"] as const) {
    const base = kind === "users" ? PATHS.users : PATHS.groups;
    r("GET", base, db.listCollection(kind));
    r("POST", base, db.createItem(kind));
    r("GET", `${base}/:key`, db.getItem(kind));
    r("PUT", `${base}/:key`, db.replaceItem(kind));
    r("DELETE", `${base}/:key`, db.deleteItem(kind));
  }

  r("POST", PATHS.passwords, pwd.createPassword);
  r("GET", `${PATHS.passwords}/:key`, pwd.getPassword);
  for (const m of ["GET", "PUT", "DELETE"]) r(m, PATHS.passwords, pwd.passwordsNotAllowed);
  for (const m of ["PUT", "DELETE", "POST"]) r(m, `${PATHS.passwords}/:key`, pwd.passwordsNotAllowed);

  r("DELETE", "/api/active-sessions", active.closeActiveSession);
  for (const m of ["GET", "POST", "PUT"]) r(m, "/api/active-sessions", rejectMethod); // [DOC] seed: DELETE only.
  r("GET", "/api/audit/sessions", active.listAuditSessions);
  r("GET", "/api/audit/sessions/:key", active.getAuditSession);

  return router.handle;
}
