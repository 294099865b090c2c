/** Clock and timers of the coordinator (a seam: unit tests pass fake ones and never wait in real time). */
export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** Uniform in [0, 1): jitter of backoff waits. */
  random(): number;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  random: () => Math.random(),
};

export const sleep = (t: Timers, ms: number): Promise<void> => new Promise((r) => t.setTimeout(r, ms));

/** Full-jitter exponential backoff: the wait before retry `attempt` (1-based). */
export const backoff = (t: Timers, attempt: number, initialMs: number, maxMs: number): number =>
  Math.floor(t.random() * Math.min(maxMs, initialMs * 2 ** (attempt - 1))) + 1;
