import type { AuthedHandler } from "../context";
import { badBody, methodNotAllowed, notFound } from "../errors";
import { PATHS, sha256Hex } from "../model";
import { requireAuthAcl } from "./local-database";

/**
 * `POST /api/configuration/passwords` with `{"plain": "..."}` or the SHA-256 hex of the password
 * ([DOC] D-PWD; the field name `hash` is [INF]). Answers the new `key` ([DOC] D-PWD). Choice: a
 * config write like any other (transaction rules of the profile apply), 201, `/special/auth` write.
 */
export const createPassword: AuthedHandler = (req, session, ctx) => {
  requireAuthAcl(ctx, session, req.path, "write");
  const b = req.body as Record<string, unknown> | undefined;
  if (!b || typeof b !== "object" || Array.isArray(b)) throw badBody(req.path, "expected a JSON object");
  const hasPlain = "plain" in b;
  const hasHash = "hash" in b;
  if (hasPlain === hasHash) throw badBody(req.path, "give exactly one of plain or hash");
  let digest: string;
  if (hasPlain) {
    if (typeof b.plain !== "string" || b.plain.length === 0) throw badBody(req.path, "plain must be a non-empty string");
    digest = sha256Hex(b.plain);
  } else {
    if (typeof b.hash !== "string" || !/^[0-9a-fA-F]{64}$/.test(b.hash)) throw badBody(req.path, "hash must be a SHA-256 hex digest");
    digest = b.hash.toLowerCase();
  }
  const txn = ctx.store.writable(session, req.path);
  const key = ctx.store.createPassword(txn, digest);
  return { status: 201, body: { key, meta: { href: `${PATHS.passwords}/${key}`, parent: PATHS.passwords, transaction: PATHS.transaction } } };
};

/**
 * `GET /api/configuration/passwords/<key>`: the object without its secret ([DOC] D-PWD shows
 * "properties"; Choice: an empty body, neither plain text nor hash).
 */
export const getPassword: AuthedHandler = (req, session, ctx) => {
  requireAuthAcl(ctx, session, req.path, "read");
  const key = req.params.key;
  if (!ctx.store.view(session).passwords.has(key)) throw notFound(req.path);
  return { status: 200, body: { body: {}, key, meta: { href: `${PATHS.passwords}/${key}`, parent: PATHS.passwords, transaction: PATHS.transaction } } };
};

/** Listing, PUT and DELETE are not permitted ([DOC] D-PWD; 405 is [INF]). */
export const passwordsNotAllowed: AuthedHandler = (req) => {
  throw methodNotAllowed(req.path, req.method);
};
