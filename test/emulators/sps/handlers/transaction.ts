import type { EmulatorResponse } from "../../common/server";
import type { AuthedHandler, SpsContext } from "../context";
import { badBody, MESSAGES, spsError } from "../errors";
import { PATHS } from "../model";
import type { RestSession } from "../sessions";

/**
 * The transaction status in the configured shape: `legacy` ([DOC] D-TXN) or `body` ([CODE] PS
 * 4eb61fa, with `meta.remaining_seconds` and a `meta.changes` link only when there are changes).
 * Choice ([UNK]): a session that does not hold the transaction sees `closed`.
 */
export function transactionStatus(ctx: SpsContext, session: RestSession): EmulatorResponse {
  const txn = ctx.store.txn?.sessionId === session.id ? ctx.store.txn : undefined;
  const status = txn ? "open" : "closed";
  if (ctx.opts.transactionShape === "legacy") {
    return { status: 200, body: { key: "transaction", meta: { href: PATHS.transaction, parent: "/api" }, transaction: { status } } };
  }
  const meta: Record<string, unknown> = { href: PATHS.transaction, parent: "/api", remaining_seconds: ctx.sessions.remainingSeconds(session) };
  if (txn && txn.changes.length > 0) meta.changes = `${PATHS.transaction}/changes`;
  return { status: 200, body: { key: "transaction", body: { status, commit_message: ctx.store.lastCommitMessage }, meta } };
}

/** `GET /api/transaction`. */
export const getTransaction: AuthedHandler = (_req, session, ctx) => transactionStatus(ctx, session);

/**
 * `POST /api/transaction`: 411 without `Content-Length` or a chunked body ([DOC] D-TXN); opens the
 * transaction and takes the global lock. Choice ([UNK]): 200 with the status object.
 */
export const openTransaction: AuthedHandler = (req, session, ctx) => {
  if (!req.hasLength) throw spsError(411, "LengthRequired", MESSAGES.lengthRequired, req.path);
  ctx.store.open(session, req.path);
  return transactionStatus(ctx, session);
};

/**
 * `PUT /api/transaction` `{"status":"commit"}` ([CODE] PS Save-SafeguardSpsTransaction); any other
 * status -> 400 (Choice: type `SyntacticError`). Choice ([UNK]): an optional `message` or
 * `commit_message` field becomes `body.commit_message`. `commitMs` delays before applying, so a
 * drop-after fault loses the answer of an applied commit.
 */
export const commitTransaction: AuthedHandler = async (req, session, ctx) => {
  const body = req.body as Record<string, unknown> | undefined;
  if (!body || typeof body !== "object" || Array.isArray(body)) throw badBody(req.path, "expected a JSON object");
  if (body.status !== "commit") throw spsError(400, "SyntacticError", MESSAGES.badStatus, req.path, { status: body.status ?? null });
  if (ctx.store.commitMs > 0) await ctx.opts.wait(ctx.store.commitMs);
  const message = typeof body.message === "string" ? body.message : typeof body.commit_message === "string" ? body.commit_message : undefined;
  ctx.store.commit(session, req.path, message);
  return transactionStatus(ctx, session);
};

/** `DELETE /api/transaction`: rollback, frees the lock. Choice ([UNK]): 200 even when nothing was open. */
export const rollbackTransaction: AuthedHandler = (_req, session, ctx) => {
  ctx.store.rollback(session);
  return transactionStatus(ctx, session);
};

/** `GET /api/transaction/changes` ([DOC] D-CHG; [CODE] PS reads `.changes`). Empty outside a transaction. */
export const getChanges: AuthedHandler = (_req, session, ctx) => {
  const txn = ctx.store.txn?.sessionId === session.id ? ctx.store.txn : undefined;
  return {
    status: 200,
    body: {
      changes: txn ? structuredClone(txn.changes) : [],
      meta: { href: `${PATHS.transaction}/changes`, parent: PATHS.transaction, transaction: PATHS.transaction },
    },
  };
};
