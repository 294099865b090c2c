import { ApiError, ConnectionError, PamError, TimeoutError, type DebugLog } from "../http";
import { SpsClient } from "./client";
import type { SpsConnection, SpsTuning } from "./connection";
import { SpsCommitUnknownError, SpsLockHeldError, SpsRefusedError, SpsSessionLostError } from "./errors";
import { ReadWriteLock } from "./rw-lock";

/** Staging order inside one transaction: deletes free names before renames and creates reuse them. */
export type OperationKind = "delete" | "update" | "create";
const ORDER: Record<OperationKind, number> = { delete: 0, update: 1, create: 2 };

/** One configuration change, staged (possibly several times) and settled only after its commit. */
export interface StagedOperation<R> {
  kind: OperationKind;
  /**
   * Order among operations of the same kind: lower first for creates and updates, higher first for
   * deletes (users are priority 0 and groups 1, so a group can name users created in the same batch,
   * and a group is deleted before its members).
   */
  priority?: number;
  /** Shown in errors: `SPS local user "alice"`. */
  label: string;
  /**
   * All-or-nothing (SpsLocalAccess): committed in a transaction of its own, never split or bisected; a
   * refused commit fails the whole operation with SPS's error.
   */
  atomic?: boolean;
  /**
   * Stages the change in the open transaction and returns the result the caller gets after the commit.
   * Called again on every restage, so it must create fresh password objects each time. Adds the keys it
   * touched (object and password keys) to `touched`, which is how a commit error naming a key finds it.
   */
  stage(client: SpsClient, touched: Set<string>): Promise<R>;
  /** After a commit whose outcome is unknown: the result if the change is on SPS, undefined if not. */
  verify(client: SpsClient): Promise<R | undefined>;
}

interface Pending {
  op: StagedOperation<unknown>;
  resolve(v: unknown): void;
  reject(e: unknown): void;
  touched: Set<string>;
  result?: unknown;
}

/** Counters for tests and benchmarks. */
export interface CoordinatorStats {
  batches: number;
  commits: number;
  failedCommits: number;
  lockWaits: number;
  restages: number;
}

/** A commit error naming one object is that object's fault; 4xx validation errors are about items. */
function isItemError(e: unknown): boolean {
  if (e instanceof SpsRefusedError) return true;
  if (e instanceof ApiError) return e.status === 400 || e.status === 404 || e.status === 422;
  return false;
}

/** The request may have been applied: connection lost or timed out after sending. */
const isUnknownOutcome = (e: unknown) => e instanceof ConnectionError || e instanceof TimeoutError;

function withLabel(e: unknown, label: string): Error {
  const msg = e instanceof Error ? e.message : String(e);
  const err = new Error(`${label}: ${msg}`, { cause: e });
  if (PamError.isInstance(e)) Object.assign(err, { code: (e as PamError).code });
  return err;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Serializes and batches every configuration change to one SPS appliance:
 * one transaction at a time; operations arriving together are staged in one transaction and committed
 * once (group commit); a failed commit is rolled back and the culprit isolated (named by the error, or
 * by bisection) so that the other operations still succeed; a lock held elsewhere is waited for with
 * jittered backoff; a lost session is recovered by logging in again and restaging; a commit with an
 * unknown outcome is checked on SPS before anything is sent again.
 */
export class SpsCoordinator {
  readonly client: SpsClient;
  readonly stats: CoordinatorStats = { batches: 0, commits: 0, failedCommits: 0, lockWaits: 0, restages: 0 };
  private readonly lock = new ReadWriteLock();
  private queue: Pending[] = [];
  private timer?: NodeJS.Timeout;
  private firstArrival = 0;
  private running = false;
  /** True while a transaction of ours is open (for the exit handler). */
  transactionOpen = false;

  constructor(conn: SpsConnection, readonly tuning: SpsTuning, private readonly log: DebugLog = () => undefined) {
    this.client = new SpsClient(conn, { log, requestTimeoutMs: tuning.requestTimeoutMs });
  }

  /** Queues a change; resolves with its result once committed, rejects with the reason it was not. */
  submit<R>(op: StagedOperation<R>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ op, resolve: resolve as (v: unknown) => void, reject, touched: new Set() });
      this.schedule();
    });
  }

  /** Runs a read outside any transaction (queued behind an open one). */
  read<T>(fn: (client: SpsClient) => Promise<T>): Promise<T> {
    return this.lock.read(() => fn(this.client));
  }

  private schedule(): void {
    if (this.running) return; // the running batch reschedules when it ends
    if (this.timer) clearTimeout(this.timer);
    const now = Date.now();
    if (!this.firstArrival) this.firstArrival = now;
    const full = this.queue.length >= this.tuning.batchSize;
    const delay = full ? 0 : Math.max(0, Math.min(this.tuning.batchWindowMs, this.tuning.batchWindowCapMs - (now - this.firstArrival)));
    this.timer = setTimeout(() => this.fire(), delay);
  }

  private fire(): void {
    this.timer = undefined;
    this.firstArrival = 0;
    const batch = this.takeBatch();
    if (!batch.length) return;
    this.running = true;
    this.stats.batches++;
    void this.lock
      .write(() => this.attempt(batch, { relogins: 0 }))
      .finally(() => {
        this.running = false;
        if (this.queue.length) this.schedule();
      });
  }

  /** The next batch: an atomic operation alone, otherwise up to batchSize non-atomic ones in arrival order. */
  private takeBatch(): Pending[] {
    const first = this.queue.findIndex((p) => p.op.atomic);
    if (first === 0) return this.queue.splice(0, 1);
    const batch = this.queue.filter((p) => !p.op.atomic).slice(0, this.tuning.batchSize);
    this.queue = this.queue.filter((p) => !batch.includes(p));
    return batch;
  }

  /** Opens a transaction, waiting with full-jitter backoff while someone else holds the lock. */
  private async open(): Promise<void> {
    const started = Date.now();
    const limitMs = this.tuning.lockWaitTimeoutSeconds * 1000;
    let wait = this.tuning.lockRetryInitialMs;
    for (;;) {
      try {
        await this.client.openTransaction();
        this.transactionOpen = true;
        return;
      } catch (e) {
        if (!(e instanceof SpsLockHeldError)) throw e;
        const elapsed = Date.now() - started;
        if (elapsed >= limitMs) {
          throw new SpsLockHeldError(
            `another administrator holds the SPS configuration lock (web UI, console, or another REST client); waited ${Math.round(elapsed / 1000)} s ` +
              `(lockWaitTimeout ${this.tuning.lockWaitTimeoutSeconds} s). Ask them to commit or leave the configuration pages, or raise sps:lockWaitTimeout. Nothing was changed.`,
            { cause: e },
          );
        }
        this.stats.lockWaits++;
        this.log(`sps: configuration lock held elsewhere; retrying in up to ${wait} ms`);
        await sleep(Math.min(Math.random() * wait, limitMs - elapsed) + 1);
        wait = Math.min(wait * 2, this.tuning.lockRetryMaxMs);
      }
    }
  }

  private async rollbackQuietly(): Promise<void> {
    if (!this.transactionOpen) return;
    this.transactionOpen = false;
    try {
      await this.client.rollback();
    } catch (e) {
      // The session may be gone (then SPS dropped the transaction itself); nothing else to do.
      this.log(`sps: rollback failed: ${(e as Error).message}`);
    }
  }

  /** Stages and commits `items` in one transaction; never throws (every item is settled). */
  private async attempt(items: Pending[], state: { relogins: number }): Promise<void> {
    if (!items.length) return;
    const rank = (op: StagedOperation<unknown>) => ORDER[op.kind] * 1000 + (op.kind === "delete" ? -1 : 1) * (op.priority ?? 0);
    const ordered = [...items].sort((a, b) => rank(a.op) - rank(b.op));
    let staging: Pending | undefined;
    try {
      await this.open();
      for (const it of ordered) {
        staging = it;
        it.touched = new Set();
        it.result = await it.op.stage(this.client, it.touched);
      }
      staging = undefined;
      try {
        await this.client.commit();
        this.transactionOpen = false;
        this.stats.commits++;
      } catch (e) {
        this.stats.failedCommits++;
        if (isUnknownOutcome(e)) return await this.recoverUnknownCommit(items, state);
        throw e;
      }
      for (const it of items) it.resolve(it.result);
    } catch (e) {
      await this.rollbackQuietly();
      if (e instanceof SpsSessionLostError && state.relogins < 2) {
        state.relogins++;
        this.stats.restages++;
        this.log("sps: session lost during the transaction; logging in again and restaging the batch");
        try {
          await this.client.login();
        } catch (le) {
          return this.rejectAll(items, le);
        }
        return this.attempt(items, state);
      }
      if (!isItemError(e)) return this.rejectAll(items, e);
      // An item's own fault: at staging it is the item being staged; at commit the error may name it.
      const culprit = staging ?? items.find((it) => this.names(e, it));
      if (culprit) {
        culprit.reject(withLabel(e, culprit.op.label));
        return this.attempt(items.filter((it) => it !== culprit), state);
      }
      if (items.length === 1) return items[0].reject(withLabel(e, items[0].op.label));
      const mid = Math.ceil(items.length / 2);
      this.log(`sps: commit of ${items.length} changes failed without naming one; bisecting`);
      await this.attempt(items.slice(0, mid), state);
      await this.attempt(items.slice(mid), state);
    }
  }

  /** Does the SPS error name one of the keys this item touched (in `error.details`)? */
  private names(e: unknown, it: Pending): boolean {
    if (!(e instanceof ApiError) || e.details === undefined) return false;
    const text = JSON.stringify(e.details);
    return [...it.touched].some((k) => k.length >= 6 && text.includes(k));
  }

  /**
   * The connection broke during the commit. Never commit blindly again: if the transaction is still open
   * the commit did not happen, so commit again; if it is closed, ask SPS which changes are there and
   * restage only the missing ones in a fresh transaction.
   */
  private async recoverUnknownCommit(items: Pending[], state: { relogins: number }): Promise<void> {
    this.log("sps: connection lost during commit; checking what SPS applied");
    try {
      const status = await this.client.transactionStatus().catch(() => ({ status: "unknown" }));
      if (status.status === "open" && this.transactionOpen) {
        await this.client.commit();
        this.transactionOpen = false;
        this.stats.commits++;
        for (const it of items) it.resolve(it.result);
        return;
      }
      this.transactionOpen = false;
      const missing: Pending[] = [];
      for (const it of items) {
        const r = await it.op.verify(this.client);
        if (r === undefined) missing.push(it);
        else it.resolve(r);
      }
      if (missing.length) {
        this.stats.restages++;
        await this.attempt(missing, state);
      }
    } catch (e) {
      await this.rollbackQuietly();
      // We cannot tell whether SPS applied the commit: never guess. Each caller gets what it staged, so a
      // create can be recorded as partial and checked by the next up, instead of leaving an orphan.
      const why = e instanceof Error ? e.message : String(e);
      for (const it of items) {
        it.reject(
          new SpsCommitUnknownError(
            `${it.op.label}: the connection broke during the commit and SPS could not be read back (${why}); the change may have been applied. ` +
              "The next pulumi up checks it on SPS and completes it.",
            it.result,
            { cause: e },
          ),
        );
      }
    }
  }

  private rejectAll(items: Pending[], e: unknown): void {
    for (const it of items) it.reject(withLabel(e, it.op.label));
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    await this.client.close();
  }
}
