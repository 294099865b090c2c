import type { EmulatorRequest, EmulatorResponse } from "../../common/server";
import type { AuthedHandler, SpsContext } from "../context";
import { badBody, notFound, unauthorized } from "../errors";
import { PATHS } from "../model";
import { ACL_OBJECTS, hasPermission } from "../privileges";
import { groupBody, renderCollection, renderItem, userBody } from "../render";
import type { RestSession } from "../sessions";
import type { GroupInput, UserInput } from "../store";

/**
 * Users and groups need the `/special/auth` ACL (Choice: the D-ACL binding of auth-view/auth-write;
 * reads need read, writes need write).
 */
export function requireAuthAcl(ctx: SpsContext, session: RestSession, path: string, need: "read" | "write"): void {
  if (!hasPermission(session.userName, session.groups, ctx.store.acls, ACL_OBJECTS.auth, need)) throw unauthorized(path);
}

/** `GET /api/configuration/aaa/local_database` ([DOC] seed page sample, verbatim links). */
export const getLocalDatabase: AuthedHandler = (req, session, ctx) => {
  requireAuthAcl(ctx, session, req.path, "read");
  return {
    status: 200,
    body: renderCollection(PATHS.localDb, ["groups", "users"], {
      first: PATHS.acls,
      last: PATHS.settings,
      next: PATHS.settings,
      previous: PATHS.acls,
      parent: PATHS.aaa,
    }),
  };
};

type Kind = "users" | "groups";
const COLLECTION_LINKS: Record<Kind, { first: string; last: string; next: string | null; previous: string | null }> = {
  // [DOC] seed page users sample: first groups, last users, next null, previous groups.
  users: { first: PATHS.groups, last: PATHS.users, next: null, previous: PATHS.groups },
  // [INF] the mirror image for groups (first sibling, so previous is null).
  groups: { first: PATHS.groups, last: PATHS.users, next: PATHS.users, previous: null },
};

const base = (kind: Kind) => (kind === "users" ? PATHS.users : PATHS.groups);

/** Collection GET: `items[{key, meta:{href}}]` in insertion order. */
export const listCollection = (kind: Kind): AuthedHandler => (req, session, ctx) => {
  requireAuthAcl(ctx, session, req.path, "read");
  const keys = [...ctx.store.view(session)[kind].keys()];
  return { status: 200, body: renderCollection(base(kind), keys, { ...COLLECTION_LINKS[kind], parent: PATHS.localDb }) };
};

/** Item GET: `{body, key, meta}`; unknown key -> 404 NotFound ([DOC] seed page). */
export const getItem = (kind: Kind): AuthedHandler => (req, session, ctx) => {
  requireAuthAcl(ctx, session, req.path, "read");
  const view = ctx.store.view(session);
  const key = req.params.key;
  const body =
    kind === "users"
      ? view.users.has(key) && userBody(view.users.get(key)!, ctx.opts.passwordRender)
      : view.groups.has(key) && groupBody(view.groups.get(key)!);
  if (!body) throw notFound(req.path);
  return { status: 200, body: renderItem(base(kind), [...view[kind].keys()], key, body) };
};

function plainObject(req: EmulatorRequest): Record<string, unknown> {
  const b = req.body;
  if (!b || typeof b !== "object" || Array.isArray(b)) throw badBody(req.path, "expected a JSON object");
  return b as Record<string, unknown>;
}

/** Reads a user body. `password` may be the key string or the rendered `{key, meta}` reference ([INF]). */
function parseUser(req: EmulatorRequest): UserInput {
  const { name, password, password_created: _ignored, ...extra } = plainObject(req);
  if (typeof name !== "string" || name.length === 0) throw badBody(req.path, "name must be a non-empty string");
  const passwordKey =
    typeof password === "string" ? password : password && typeof password === "object" ? (password as { key?: unknown }).key : undefined;
  if (typeof passwordKey !== "string" || passwordKey.length === 0) throw badBody(req.path, "password must reference a password object");
  return { name, passwordKey, extra };
}

/** Reads a group body; Choice: a missing `members` means an empty list. */
function parseGroup(req: EmulatorRequest): GroupInput {
  const { name, members = [], ...extra } = plainObject(req);
  if (typeof name !== "string" || name.length === 0) throw badBody(req.path, "name must be a non-empty string");
  if (!Array.isArray(members) || members.some((m) => typeof m !== "string")) throw badBody(req.path, "members must be a list of user keys");
  return { name, members: members as string[], extra };
}

/** Write answer: the object's key and links (Choice, [UNK]; shape per D-PWD "includes the key"). */
function written(kind: Kind, key: string, status: number): EmulatorResponse {
  return { status, body: { key, meta: { href: `${base(kind)}/${key}`, parent: base(kind), transaction: PATHS.transaction } } };
}

/** POST: stage a new object. Choice: 201. Checks run 403 -> 400 -> transaction (409 / lock). */
export const createItem = (kind: Kind): AuthedHandler => (req, session, ctx) => {
  requireAuthAcl(ctx, session, req.path, "write");
  const input = kind === "users" ? parseUser(req) : parseGroup(req);
  const txn = ctx.store.writable(session, req.path);
  const key = kind === "users" ? ctx.store.createUser(txn, input as UserInput) : ctx.store.createGroup(txn, input as GroupInput);
  return written(kind, key, 201);
};

/** PUT: replace the whole object ([CODE] PS GET -> edit -> PUT). Checks run 403 -> 404 -> 400 -> transaction. */
export const replaceItem = (kind: Kind): AuthedHandler => (req, session, ctx) => {
  requireAuthAcl(ctx, session, req.path, "write");
  const key = req.params.key;
  if (!ctx.store.view(session)[kind].has(key)) throw notFound(req.path);
  const input = kind === "users" ? parseUser(req) : parseGroup(req);
  const txn = ctx.store.writable(session, req.path);
  if (kind === "users") ctx.store.replaceUser(txn, key, input as UserInput);
  else ctx.store.replaceGroup(txn, key, input as GroupInput);
  return written(kind, key, 200);
};

/** DELETE: answer is only the meta object ([DOC] seed page "Delete usergroup"). */
export const deleteItem = (kind: Kind): AuthedHandler => (req, session, ctx) => {
  requireAuthAcl(ctx, session, req.path, "write");
  const key = req.params.key;
  if (!ctx.store.view(session)[kind].has(key)) throw notFound(req.path);
  const txn = ctx.store.writable(session, req.path);
  if (kind === "users") ctx.store.deleteUser(txn, key);
  else ctx.store.deleteGroup(txn, key);
  return { status: 200, body: { meta: { href: `${base(kind)}/${key}`, parent: base(kind) } } };
};
