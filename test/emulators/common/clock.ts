/** An injectable clock so that tests can expire sessions and tokens without waiting. */
export interface Clock {
  now(): number;
}

/**
 * A frozen clock: `now()` returns the same instant until a test moves it with `advance(ms)` or `set(ms)`.
 * Nothing an emulator derives from time (idle expiry, `remaining_seconds`, durations, timestamps)
 * depends on how fast the machine runs, so tests stay exact under CPU load.
 *
 * It starts at the wall time of its construction (not a fixed epoch) on purpose: clients check cookie
 * `expires` and OAuth timestamps against their own wall clock, and a clock years in the past would make
 * them drop every cookie.
 */
export class ManualClock implements Clock {
  private nowMs: number;
  constructor(startMs: number = Date.now()) {
    this.nowMs = startMs;
  }
  now(): number {
    return this.nowMs;
  }
  /** Moves time forward by `ms` (negative values are refused: expiry never runs backwards). */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new Error(`ManualClock.advance: expected ms >= 0, got ${ms}`);
    this.nowMs += ms;
  }
  /** Jumps to an absolute instant (ms since the epoch), forward or back. */
  set(ms: number): void {
    this.nowMs = ms;
  }
}

/**
 * How emulators wait in real time (per-request latency, `commitMs`, `delay` faults). Those waits exist
 * to open real concurrency windows and to give benchmarks something to measure; tests that check them
 * inject a recording `Wait` instead of timing the answer.
 */
export type Wait = (ms: number) => Promise<void>;

/** The default `Wait`: a real timer. */
export const realWait: Wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A `Wait` that resolves at once and records every requested delay in `calls` (in order). */
export function recordingWait(): Wait & { calls: number[] } {
  const calls: number[] = [];
  const wait = (async (ms: number) => {
    calls.push(ms);
  }) as Wait & { calls: number[] };
  wait.calls = calls;
  return wait;
}
