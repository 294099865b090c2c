/** What a planned fault does to one matching request. */
export type FaultAction =
  /** Answer with this status and body (JSON unless `contentType` is given) instead of the handler. */
  | { kind: "status"; status: number; body?: unknown; contentType?: string; headers?: Record<string, string> }
  /** Answer with an HTML page, as IIS, a proxy or an API gateway does. */
  | { kind: "html"; status: number; html?: string }
  /** Destroy the socket before answering, without running the handler; then run `then` (e.g. kill the client). */
  | { kind: "drop-before"; then?: () => void }
  /** Run the handler (its effects are applied), then destroy the socket instead of answering; then run `then`. */
  | { kind: "drop-after"; then?: () => void }
  /** Wait this long before handling (for client timeouts). */
  | { kind: "delay"; ms: number }
  /** Run `fn` (e.g. an emulator control such as expiring sessions), then handle the request normally. */
  | { kind: "call"; fn: () => void };

interface PlannedFault {
  match: string | RegExp;
  action: FaultAction;
  remaining: number;
  /** Skip this many matching requests before the fault starts to apply. */
  skip: number;
}

/**
 * Fault plan: `failNext("POST /api/transaction", 503)` or `plan(match, action, {times, after})`.
 * A string matches "METHOD /path" by prefix (case-sensitive); a RegExp is tested against it.
 */
export class Faults {
  private planned: PlannedFault[] = [];

  plan(match: string | RegExp, action: FaultAction, opts: { times?: number; after?: number } = {}): void {
    this.planned.push({ match, action, remaining: opts.times ?? 1, skip: opts.after ?? 0 });
  }

  /** The next `times` matching requests get `status` (with an optional vendor body). */
  failNext(match: string | RegExp, status: number, body?: unknown, times = 1): void {
    this.plan(match, { kind: "status", status, body }, { times });
  }

  clear(): void {
    this.planned = [];
  }

  /** Consumes and returns the fault for this request, if any. */
  take(method: string, path: string): FaultAction | undefined {
    const key = `${method} ${path}`;
    for (const f of this.planned) {
      const hit = typeof f.match === "string" ? key.startsWith(f.match) : f.match.test(key);
      if (!hit || f.remaining <= 0) continue;
      if (f.skip > 0) {
        f.skip--;
        continue;
      }
      f.remaining--;
      this.planned = this.planned.filter((p) => p.remaining > 0);
      return f.action;
    }
    return undefined;
  }
}
