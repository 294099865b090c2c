/**
 * Retry policy: which requests may be repeated, and how long to wait.
 *
 * Only idempotent reads are retried by default. PUT and DELETE are NOT: on SPS a
 * `PUT /api/transaction {"status":"commit"}` commits the configuration, and a repeated DELETE of a
 * session may answer 404 for a success. Callers that know a write is safe pass `retrySafe`; after an
 * ambiguous write they should read back, never resend.
 */

/** Retry tuning; all fields optional. */
export interface RetryOptions {
  /** Attempts in total, including the first (default 3; 1 disables retries). */
  maxAttempts?: number;
  /** First backoff ceiling in ms (default 250); doubles each attempt. */
  baseDelayMs?: number;
  /** Backoff ceiling in ms (default 8000). Does not cap a server's `Retry-After`. */
  maxDelayMs?: number;
  /** Total time budget for all attempts and waits, in ms (default 30000). */
  maxTotalMs?: number;
}

/** {@link RetryOptions} with defaults applied. */
export type RetryPolicy = Required<RetryOptions>;

/** Defaults of {@link RetryOptions}. */
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 250, maxDelayMs: 8000, maxTotalMs: 30000 };

/** Methods retried without the caller's say-so. */
const ALWAYS_RETRYABLE_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS"]);

/** Whether a request with this method may be sent more than once. */
export function mayRetryMethod(method: string, retrySafe: boolean | undefined): boolean {
  return retrySafe === true || ALWAYS_RETRYABLE_METHODS.has(method.toUpperCase());
}

/** Exponential backoff with full jitter: a uniform wait in [0, min(max, base·2^(attempt-1))). */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Milliseconds asked by a `Retry-After` header (delta-seconds or an HTTP date), or undefined when
 * absent or unparseable. A date in the past means "now" (0).
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** Validates and fills {@link RetryOptions}; returns the name of the first bad field instead when invalid. */
export function resolveRetry(opts: RetryOptions | undefined): RetryPolicy | { bad: string } {
  const p = { ...DEFAULT_RETRY, ...stripUndefined(opts ?? {}) };
  if (!Number.isInteger(p.maxAttempts) || p.maxAttempts < 1) return { bad: "retry.maxAttempts" };
  for (const k of ["baseDelayMs", "maxDelayMs", "maxTotalMs"] as const) {
    if (!Number.isFinite(p[k]) || p[k] < 0) return { bad: `retry.${k}` };
  }
  return p;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
