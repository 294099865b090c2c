/**
 * The batching policy of the SPS coordinator, as pure functions (no timers, no I/O): when the next
 * transaction starts and which queued operations go into it.
 */

export interface BatchPolicy {
  /** Quiet window: the batch starts this long after the latest arrival... */
  batchWindowMs: number;
  /** ...but no later than this long after the first arrival of the window. */
  batchWindowCapMs: number;
  /** Most operations per transaction. */
  batchSize: number;
}

/** What the policy needs to know about one queued operation. */
export interface QueuedOp {
  /** Which REST session (credentials) stages it: one transaction belongs to one session. */
  session: string;
  /** Must commit alone: never mixed with other operations (see StagedOperation.atomic). */
  atomic?: boolean;
}

/** The current gathering window: when it opened and when the latest operation arrived. */
export interface GatheringWindow {
  /**
   * When the window opened: the first arrival, or, for operations that arrived while a commit was
   * running, the end of that commit (they wait a fresh window, so that the engine's next burst, released
   * by that commit, joins them).
   */
  openedAt: number;
  lastArrivalAt: number;
}

/** Milliseconds from `now` until the next batch should start (0: now). */
export function batchDelay(policy: BatchPolicy, queued: readonly QueuedOp[], window: GatheringWindow, now: number): number {
  if (queued.length === 0) return Infinity;
  if (selectBatch(queued, policy.batchSize).length >= policy.batchSize) return 0; // full: waiting gains nothing
  if (queued[0].atomic) return 0; // commits alone: nothing can join it
  const at = Math.min(window.lastArrivalAt + policy.batchWindowMs, window.openedAt + policy.batchWindowCapMs);
  return Math.max(0, at - now);
}

/**
 * Indexes (into `queued`, FIFO) of the operations of the next batch: the oldest operation decides the
 * session; an atomic operation goes alone; otherwise up to `batchSize` non-atomic operations of that
 * session, oldest first. Operations of other sessions keep their place for a later batch.
 */
export function selectBatch(queued: readonly QueuedOp[], batchSize: number): number[] {
  if (queued.length === 0) return [];
  if (queued[0].atomic) return [0];
  const session = queued[0].session;
  const out: number[] = [];
  for (let i = 0; i < queued.length && out.length < batchSize; i++) {
    if (queued[i].session === session && !queued[i].atomic) out.push(i);
  }
  return out;
}
