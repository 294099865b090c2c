import type { AuthedHandler } from "../context";
import { badBody, notFound, spsError, unauthorized } from "../errors";
import { ACL_OBJECTS, hasPermission } from "../privileges";
import { TERMINATION_FAILURES, type RecordedSession } from "../recorded-sessions";

const ACTIVE_PATH = "/api/active-sessions";
const AUDIT_PATH = "/api/audit/sessions";

/** [DOC] seed page texts for the two client-side errors. */
const ID_MISSING = 'No session ID is given in the "id" query parameter.';
const NOT_FOUND = "No session could be found for the given session ID.";

/**
 * `DELETE /api/active-sessions?id=<id>` ([DOC] seed page "Active sessions"). The caller needs read
 * and write/perform on `/special/active_sessions`. Choice (order [UNK]): 403, then 400
 * `SessionIdMissing`, 404 `SessionCouldNotBeFound` (unknown or no longer active), injected
 * 500/503/504 failures, else 200 with a meta object (success body [UNK]). The id arrives
 * percent-decoded from the query string.
 */
export const closeActiveSession: AuthedHandler = (req, session, ctx) => {
  if (!hasPermission(session.userName, session.groups, ctx.store.acls, ACL_OBJECTS.activeSessions, "write")) throw unauthorized(req.path);
  const id = req.query.id;
  if (!id) throw spsError(400, "SessionIdMissing", ID_MISSING, req.path);
  const rec = ctx.recorded.findById(id);
  if (!rec || !rec.active) throw spsError(404, "SessionCouldNotBeFound", NOT_FOUND, req.path, { id });
  const failure = ctx.recorded.takeFailure();
  if (failure) {
    const f = TERMINATION_FAILURES[failure];
    throw spsError(f.status, failure, f.message, req.path, { id });
  }
  rec.active = false;
  return { status: 200, body: { meta: { href: ACTIVE_PATH, parent: "/api" } } };
};

/**
 * Audit body of a recorded session. [DOC] D-AUDIT names `active`, `protocol`, `client`; Choice:
 * the full closable id is exposed as `session_id` ([UNK] where SPS exposes it; emulator choice).
 */
function auditBody(r: RecordedSession) {
  return {
    active: r.active,
    client: { ...r.client },
    protocol: r.protocol,
    server: { ...r.server },
    session_id: r.id,
    start_time: r.startTime,
    user: { server_username: r.user },
  };
}

function requireSearch(ctx: Parameters<AuthedHandler>[2], session: Parameters<AuthedHandler>[1], path: string): void {
  // Choice: the `search` group's /special/searchmenu read privilege ([DOC] D-ACL binding) gates audit reads.
  if (!hasPermission(session.userName, session.groups, ctx.store.acls, ACL_OBJECTS.search, "read")) throw unauthorized(path);
}

function nonNegativeInt(raw: string | undefined, fallback: number, path: string, name: string): number {
  if (raw === undefined || raw === "") return fallback;
  if (!/^\d+$/.test(raw)) throw badBody(path, `${name} must be a non-negative integer`);
  return Number(raw);
}

/**
 * Minimal `GET /api/audit/sessions` ([DOC] D-AUDIT): `limit` (default 500), `offset`,
 * `match_count`, `fields` in meta, query-string paging links. Only `q=active:true|false` filters
 * ([INF] from D-AUDIT; other Lucene queries are not emulated and match everything).
 */
export const listAuditSessions: AuthedHandler = (req, session, ctx) => {
  requireSearch(ctx, session, req.path);
  const limit = nonNegativeInt(req.query.limit, 500, req.path, "limit");
  const offset = nonNegativeInt(req.query.offset, 0, req.path, "offset");
  const fields = req.query.fields ?? "";
  const m = /^active:(true|false)$/.exec(req.query.q ?? "");
  const all = [...ctx.recorded.byKey.values()].filter((r) => !m || r.active === (m[1] === "true"));
  const page = all.slice(offset, offset + limit);
  const link = (o: number) => `${AUDIT_PATH}?limit=${limit}&offset=${o}&fields=${encodeURIComponent(fields)}`;
  const lastOffset = limit > 0 ? Math.max(0, Math.floor((all.length - 1) / limit) * limit) : 0;
  return {
    status: 200,
    body: {
      items: page.map((r) => ({ key: r.key, body: auditBody(r), meta: { href: `${AUDIT_PATH}/${r.key}` } })),
      meta: {
        fields,
        first: link(0),
        href: AUDIT_PATH,
        last: link(lastOffset),
        limit,
        match_count: all.length,
        next: limit > 0 && offset + limit < all.length ? link(offset + limit) : null,
        offset,
        parent: "/api/audit",
        previous: offset > 0 ? link(Math.max(0, offset - limit)) : null,
      },
    },
  };
};

/** `GET /api/audit/sessions/<key>` -> `body.active` etc. ([DOC] D-AUDIT). */
export const getAuditSession: AuthedHandler = (req, session, ctx) => {
  requireSearch(ctx, session, req.path);
  const r = ctx.recorded.byKey.get(req.params.key);
  if (!r) throw notFound(req.path);
  return { status: 200, body: { body: auditBody(r), key: r.key, meta: { href: `${AUDIT_PATH}/${r.key}`, parent: AUDIT_PATH } } };
};
