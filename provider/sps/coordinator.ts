import { ApiError, PamError, type DebugLog } from "../http";
import { batchDelay, selectBatch } from "./batching";
import type { SpsClient, TransactionClient } from "./client";
import type { SpsConnection, SpsTuning } from "./connection";
import { SpsCommitUnknownError, SpsRefusedError, SpsSessionLostError } from "./errors";
import { ReadWriteLock } from "./rw-lock";
import { realTimers, type Timers } from "./timers";
import { SessionTransactions, type StagedOperation, type StagingItem } from "./transaction";

export type { OperationKind, StagedOperation } from "./transaction";

interface Pending<C extends TransactionClient> extends StagingItem<C> {
  session: Session<C>;
  resolve(v: unknown): void;
  reject(e: unknown): void;
}

/** Shared by every attempt of one batch, bisection included: a batch never logs in more than twice. */
interface Budget {
  relogins: number;
  restages: number;
}
const MAX_RELOGINS = 2;
const MAX_RESTAGES = 1;

/** A commit error naming one object is that object's fault; 4xx validation errors are about items. */
function isItemError(e: unknown): boolean {
  if (e instanceof SpsRefusedError) return true;
  if (e instanceof ApiError) return e.status === 400 || e.status === 404 || e.status === 422;
  return false;
}

function withLabel(e: unknown, label: string, note = ""): Error {
  const msg = e instanceof Error ? e.message : String(e);
  const err = new Error(`${label}: ${msg}${note}`, { cause: e });
  if (PamError.isInstance(e)) Object.assign(err, { code: (e as PamError).code });
  return err;
}

/** One REST session (one set of credentials) on the appliance, as resources use it. */
export interface SpsSessionHandle<C extends TransactionClient = SpsClient> {
  readonly client: C;
  /** Queues a change; resolves with its result once committed, rejects with the reason it was not. */
  submit<R>(op: StagedOperation<R, C>): Promise<R>;
  /** Runs a read outside any transaction (queued behind an open one). */
  read<T>(fn: (client: C) => Promise<T>): Promise<T>;
  /**
   * Claims SPS objects for one resource of this run (ids such as `user:alice`, `user-key:<key>`):
   * throws naming both resources when another resource already claimed one of them.
   */
  claim(ids: string[], owner: string, label: string): void;
}

interface Session<C extends TransactionClient> extends SpsSessionHandle<C> {
  id: string;
  conn: SpsConnection;
  tx: SessionTransactions<C>;
}

export interface CoordinatorDeps<C extends TransactionClient> {
  /** A new, not yet logged-in REST session for `conn` (also used for read-backs in a fresh session). */
  newClient(conn: SpsConnection): C;
  timers?: Timers;
  log?: DebugLog;
}

/**
 * Serializes and batches every configuration change to one SPS appliance, whatever the credentials:
 * one transaction at a time on the appliance (SPS has one configuration lock); operations arriving
 * together are staged in one transaction of one session and committed once (group commit). This class
 * is the failure policy: a refused commit is pinned on its culprit (named by SPS, or found by
 * bisection) so the others still succeed; a lost session is logged in again and the batch restaged; a
 * commit with an unknown outcome is decided from committed state only. The mechanics of one
 * transaction are in SessionTransactions, the batching rule in batching.ts.
 */
export class SpsCoordinator<C extends TransactionClient = SpsClient> {
  private readonly lock = new ReadWriteLock();
  private readonly sessions = new Map<string, Session<C>>();
  private readonly claims = new Map<string, { owner: string; label: string }>();
  private queue: Pending<C>[] = [];
  private timer?: unknown;
  private window = { openedAt: 0, lastArrivalAt: 0 };
  private running = false;
  private readonly timers: Timers;
  private readonly log: DebugLog;

  constructor(readonly tuning: SpsTuning, private readonly deps: CoordinatorDeps<C>) {
    this.timers = deps.timers ?? realTimers;
    this.log = deps.log ?? (() => undefined);
  }

  /** The session for these credentials (`id` identifies them without holding the secret in clear). */
  session(conn: SpsConnection, id: string): SpsSessionHandle<C> {
    let s = this.sessions.get(id);
    if (!s) {
      const client = this.deps.newClient(conn);
      const session: Session<C> = {
        id, conn, client,
        tx: new SessionTransactions(client, this.tuning, this.timers, this.log),
        submit: (op) => this.submit(session, op),
        read: (fn) => this.lock.read(() => fn(client)),
        claim: (ids, owner, label) => this.claim(ids, owner, label),
      };
      this.sessions.set(id, session);
      s = session;
    }
    return s;
  }

  private claim(ids: string[], owner: string, label: string): void {
    for (const id of ids) {
      const held = this.claims.get(id);
      if (held && held.owner !== owner) {
        throw new SpsRefusedError(
          `${label} is already managed by resource "${held.owner}" in this program, and resource "${owner}" also manages or adopts it. ` +
            `One SPS object must have one owner: remove one of the two resources (or its adopt flag), or point them at different objects.`,
        );
      }
    }
    for (const id of ids) this.claims.set(id, { owner, label });
  }

  private submit<R>(session: Session<C>, op: StagedOperation<R, C>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const now = this.timers.now();
      if (!this.queue.length && !this.running) this.window.openedAt = now;
      this.window.lastArrivalAt = now;
      this.queue.push({ session, op: op as StagedOperation<unknown, C>, resolve: resolve as (v: unknown) => void, reject, touched: new Set() });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.running) return; // the running batch reschedules when it ends
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    const queued = this.queue.map((p) => ({ session: p.session.id, atomic: p.op.atomic }));
    const delay = batchDelay(this.tuning, queued, this.window, this.timers.now());
    this.timer = this.timers.setTimeout(() => this.fire(), delay);
  }

  private fire(): void {
    this.timer = undefined;
    const picked = new Set(selectBatch(this.queue.map((p) => ({ session: p.session.id, atomic: p.op.atomic })), this.tuning.batchSize));
    const batch = this.queue.filter((_, i) => picked.has(i));
    this.queue = this.queue.filter((_, i) => !picked.has(i));
    if (!batch.length) return;
    this.running = true;
    void this.lock
      .write(() => this.attempt(batch[0].session, batch, { relogins: 0, restages: 0 }))
      .finally(() => {
        this.running = false;
        // Operations that arrived during this commit wait a fresh window (the engine's next burst joins them).
        this.window = { openedAt: this.timers.now(), lastArrivalAt: this.timers.now() };
        if (this.queue.length) this.schedule();
      });
  }

  /** Stages and commits `items` in one transaction of `s`; never throws (every item is settled). Runs under the write lock. */
  private async attempt(s: Session<C>, items: Pending<C>[], budget: Budget): Promise<void> {
    if (!items.length) return;
    const out = await s.tx.run(items);
    if (out.kind === "committed") {
      for (const it of items) it.resolve(it.result);
      return;
    }
    if (out.kind === "unknown") return this.decideUnknown(s, items, out.error, budget);
    const e = out.error;
    if (out.cleanupError) {
      // Our own transaction may still be open: staging anything more in this batch would land on it.
      return this.rejectAll(items, e, ` (then: ${(out.cleanupError as Error).message})`);
    }
    if (e instanceof SpsSessionLostError && budget.relogins < MAX_RELOGINS) {
      // The cleanup's status read has already logged in again (a new session has no transaction).
      budget.relogins++;
      this.log("sps: session lost during the transaction; restaging the batch in a new session");
      return this.attempt(s, items, budget);
    }
    if (!isItemError(e)) return this.rejectAll(items, e);
    // An item's own fault: at staging it is the item being staged; at commit the error may name it.
    const culprit = (out.staging as Pending<C> | undefined) ?? items.find((it) => this.names(e, it));
    if (culprit) {
      culprit.reject(withLabel(e, culprit.op.label));
      return this.attempt(s, items.filter((it) => it !== culprit), budget);
    }
    if (items.length === 1) return items[0].reject(withLabel(e, items[0].op.label));
    // Bisection: an atomic operation is always a batch of its own (batching.ts), so halves never split one.
    const mid = Math.ceil(items.length / 2);
    this.log(`sps: commit of ${items.length} changes failed without naming one; bisecting`);
    await this.attempt(s, items.slice(0, mid), budget);
    await this.attempt(s, items.slice(mid), budget);
  }

  /** Does the SPS error name one of the keys this item touched (in `error.details`)? */
  private names(e: unknown, it: Pending<C>): boolean {
    if (!(e instanceof ApiError) || e.details === undefined) return false;
    const text = JSON.stringify(e.details);
    return [...it.touched].some((k) => k.length >= 6 && text.includes(k));
  }

  /**
   * The commit's answer was lost. Decided from committed state only, never from the staging session's
   * staged view: first bring the staging session back to "no transaction" (if its transaction was still
   * open, the commit did not happen); if SPS cannot even say that, read back in a fresh session. What
   * cannot be decided is reported as unknown (a create becomes a partial create), never as success.
   */
  private async decideUnknown(s: Session<C>, items: Pending<C>[], cause: unknown, budget: Budget): Promise<void> {
    this.log("sps: the commit's answer was lost; deciding from committed state");
    let reader: C = s.client;
    let fresh: C | undefined;
    let sessionClean = true;
    try {
      const { leftover } = await s.tx.ensureClosed("after a commit with an unknown outcome");
      // Still open: the commit has not been applied yet, but a timed-out commit may still be on its way.
      // In a new session that late commit finds no transaction of its session to apply.
      if (leftover) await s.client.login();
    } catch {
      sessionClean = false;
      fresh = this.deps.newClient(s.conn);
      reader = fresh;
    }
    const missing: Pending<C>[] = [];
    try {
      const login = fresh ? fresh.login() : Promise.resolve();
      for (const it of items) {
        let r: unknown;
        try {
          await login;
          r = await it.op.verify(reader);
        } catch (ve) {
          it.reject(this.unknownError(it, ve));
          continue;
        }
        if (r === undefined) missing.push(it);
        else it.resolve(r);
      }
    } finally {
      await fresh?.close().catch(() => undefined);
    }
    if (!missing.length) return;
    if (sessionClean && budget.restages < MAX_RESTAGES) {
      budget.restages++;
      return this.attempt(s, missing, budget);
    }
    this.rejectAll(missing, cause, " (read back on SPS: the change is not there. Nothing changed: run pulumi up again.)");
  }

  private unknownError(it: Pending<C>, readError: unknown): SpsCommitUnknownError {
    const why = readError instanceof Error ? readError.message : String(readError);
    // Each caller gets what it staged, so a create can be recorded as partial and checked by the next up.
    return new SpsCommitUnknownError(
      `${it.op.label}: the connection broke during the commit and SPS could not be read back (${why}); the change may have been applied. ` +
        "The next pulumi up checks it on SPS and completes it.",
      it.result,
      { cause: readError },
    );
  }

  private rejectAll(items: Pending<C>[], e: unknown, note = ""): void {
    for (const it of items) it.reject(withLabel(e, it.op.label, note));
  }

  /** Best effort when the process is interrupted: roll back any transaction a session may hold (outside the write lock: the process is ending). */
  async rollbackOpenTransactions(): Promise<void> {
    const open = [...this.sessions.values()].filter((s) => s.tx.mayHoldTransaction);
    await Promise.allSettled(open.map((s) => s.client.rollback()));
  }

  /** True when some session may hold a transaction (the interrupt handler's question). */
  get mayHoldTransaction(): boolean {
    return [...this.sessions.values()].some((s) => s.tx.mayHoldTransaction);
  }

  async close(): Promise<void> {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    await Promise.all([...this.sessions.values()].map((s) => s.client.close()));
  }
}
