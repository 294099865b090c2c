import { ConnectionError, TimeoutError, type DebugLog } from "../http";
import type { TransactionClient } from "./client";
import type { SpsTuning } from "./connection";
import { SpsLockHeldError, SpsSessionLostError } from "./errors";
import { backoff, sleep, type Timers } from "./timers";

/** Staging order inside one transaction: deletes free names before renames and creates reuse them. */
export type OperationKind = "delete" | "update" | "create";
const ORDER: Record<OperationKind, number> = { delete: 0, update: 1, create: 2 };

/** One configuration change, staged (possibly several times) and settled only after its commit. */
export interface StagedOperation<R, C = import("./client").SpsClient> {
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
   * The operation stages several objects that must be committed together: it is committed in a
   * transaction of its own, never bisected or split, and a refused commit fails it whole with SPS's error.
   */
  atomic?: boolean;
  /**
   * Stages the change in the open transaction and returns the result the caller gets after the commit.
   * Called again on every restage, so it must create fresh password objects each time. Adds the keys it
   * touched (object and password keys) to `touched`, which is how a commit error naming a key finds it.
   * Invariant: stage never calls back into the coordinator (it runs under the coordinator's write lock).
   */
  stage(client: C, touched: Set<string>): Promise<R>;
  /**
   * After a commit whose outcome is unknown: the result if the change is on SPS, undefined if not. The
   * client it gets reads COMMITTED state (a fresh session, or the staging session after its transaction
   * was rolled back), never a staged view. An atomic operation answers a result only if all of it is there.
   */
  verify(client: C): Promise<R | undefined>;
}

/** One operation as the transaction runner sees it. */
export interface StagingItem<C> {
  op: StagedOperation<unknown, C>;
  touched: Set<string>;
  result?: unknown;
}

/** How one attempt at a transaction ended. */
export type TransactionOutcome<C> =
  | { kind: "committed" }
  /** SPS answered: nothing of the batch was applied. `staging` is the item whose staging failed, if any. */
  | { kind: "failed"; error: unknown; staging?: StagingItem<C>; cleanupError?: unknown }
  /** The commit was sent and its answer lost: SPS may or may not have applied it. */
  | { kind: "unknown"; error: unknown };

/** The commit request may have been applied: the connection broke or it timed out after sending. */
export const isUnknownOutcome = (e: unknown): boolean => e instanceof ConnectionError || e instanceof TimeoutError;

/** Attempts (each with the HTTP core's own retries) to roll back a transaction of this session. */
export const ROLLBACK_ATTEMPTS = 8;

/**
 * Opening, staging and committing one transaction on one REST session, and clearing what a failed
 * attempt left behind. Knows nothing of batches, culprits or bisection (the coordinator's failure policy).
 *
 * Invariants (enforced here):
 * - Transaction state is read from SPS (`GET /api/transaction`) before anything is staged and after
 *   every error; `mayHoldTransaction` only says whether the interrupt handler (interrupt.ts) should try a rollback.
 * - Nothing is staged onto a transaction this attempt did not open: a leftover of this session is rolled
 *   back first, and a login in the middle (another session) aborts the attempt.
 * - Every method runs under the coordinator's write lock (callers guarantee it).
 */
export class SessionTransactions<C extends TransactionClient> {
  /** True from the moment we ask SPS to open until SPS confirms the transaction closed. */
  mayHoldTransaction = false;

  constructor(
    readonly client: C,
    private readonly tuning: SpsTuning,
    private readonly timers: Timers,
    private readonly log: DebugLog,
  ) {}

  /**
   * Makes sure this session has no open transaction, reading it from SPS; rolls a leftover back, with
   * backoff, logging in again when the session is gone (its transaction is then gone too). Returns
   * whether a leftover was found. Throws when SPS cannot be brought to say "closed".
   */
  async ensureClosed(why: string): Promise<{ leftover: boolean }> {
    let leftover = false;
    let last: unknown;
    for (let attempt = 1; attempt <= ROLLBACK_ATTEMPTS; attempt++) {
      try {
        const { status } = await this.client.transactionStatus();
        if (status !== "open") {
          this.mayHoldTransaction = false;
          return { leftover };
        }
        leftover = true;
        this.log(`sps: this session still has an open transaction (${why}); rolling it back`);
        await this.client.rollback();
        continue; // confirm with GET /api/transaction
      } catch (e) {
        last = e;
        if (e instanceof SpsSessionLostError) continue; // the next status read logs in again
      }
      if (attempt < ROLLBACK_ATTEMPTS) await sleep(this.timers, backoff(this.timers, attempt, this.tuning.lockRetryInitialMs, this.tuning.lockRetryMaxMs));
    }
    const msg = last instanceof Error ? last.message : String(last);
    throw new SpsLockHeldError(
      `could not make sure this provider's own SPS session has no open transaction (${why}; ${ROLLBACK_ATTEMPTS} attempts): ${msg}. ` +
        "If one is open it holds the configuration lock until SPS ends the session (20 minutes without requests); the next operation of this run rolls it back first. Nothing was committed.",
      { cause: last },
    );
  }

  /** Opens a transaction, waiting with full-jitter backoff while another session holds the lock. */
  private async open(): Promise<number> {
    const started = this.timers.now();
    const limitMs = this.tuning.lockWaitTimeoutSeconds * 1000;
    let ownLeftovers = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        this.mayHoldTransaction = true;
        await this.client.openTransaction();
        return this.client.sessionGeneration;
      } catch (e) {
        // Whatever the error, the POST may have opened it: find out before anything else.
        const { leftover } = await this.ensureClosed("after a refused or failed open");
        if (leftover && ++ownLeftovers <= 3) {
          // Our own: a transaction this session opened earlier (or this POST opened before its answer was lost).
          this.log("sps: the configuration lock was held by this session's own leftover transaction; rolled it back, opening again");
          continue;
        }
        if (!(e instanceof SpsLockHeldError)) throw e;
        const elapsed = this.timers.now() - started;
        if (elapsed >= limitMs) {
          throw new SpsLockHeldError(
            `another administrator holds the SPS configuration lock (web UI, console, another REST client, or an interrupted earlier run whose session SPS ends after 20 minutes without requests); ` +
              `waited ${Math.round(elapsed / 1000)} s (lockWaitTimeout ${this.tuning.lockWaitTimeoutSeconds} s). Ask them to commit or leave the configuration pages, or raise sps:lockWaitTimeout. Nothing was changed.`,
            { cause: e },
          );
        }
        const wait = Math.min(backoff(this.timers, attempt, this.tuning.lockRetryInitialMs, this.tuning.lockRetryMaxMs), limitMs - elapsed + 1);
        this.log(`sps: configuration lock held by another session; retrying in ${wait} ms`);
        await sleep(this.timers, wait);
      }
    }
  }

  /** One attempt: clean state, open, stage every item in order, commit. Never throws. */
  async run(items: StagingItem<C>[]): Promise<TransactionOutcome<C>> {
    const rank = (op: StagedOperation<unknown, C>) => ORDER[op.kind] * 1000 + (op.kind === "delete" ? -1 : 1) * (op.priority ?? 0);
    const ordered = [...items].sort((a, b) => rank(a.op) - rank(b.op));
    let staging: StagingItem<C> | undefined;
    let generation = -1;
    const sameSession = () => {
      if (this.client.sessionGeneration !== generation) throw new SpsSessionLostError("the SPS session changed during the transaction (a login in the middle); its staged changes are gone");
    };
    try {
      await this.ensureClosed("before staging");
      generation = await this.open();
      for (const it of ordered) {
        sameSession();
        staging = it;
        it.touched = new Set();
        it.result = await it.op.stage(this.client, it.touched);
      }
      staging = undefined;
      sameSession();
    } catch (error) {
      return this.failed(error, staging);
    }
    try {
      await this.client.commit();
    } catch (error) {
      if (isUnknownOutcome(error)) return { kind: "unknown", error };
      return this.failed(error, undefined);
    }
    this.mayHoldTransaction = false; // SPS answered the commit: the transaction is closed
    return { kind: "committed" };
  }

  private async failed(error: unknown, staging: StagingItem<C> | undefined): Promise<TransactionOutcome<C>> {
    try {
      await this.ensureClosed("after a failed attempt");
      return { kind: "failed", error, staging };
    } catch (cleanupError) {
      return { kind: "failed", error, staging, cleanupError };
    }
  }
}
