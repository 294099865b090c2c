/** One request as an emulator saw it, for assertions. Bodies are stored with secrets redacted. */
export interface LoggedRequest {
  seq: number;
  at: number;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
  status?: number;
}

const SECRET_KEYS = /^(plain|password|secret|client_secret|token|hash|authorization|cookie|oauth_signature)$/i;

/** Deep copy of `value` with the values of secret-looking keys replaced by "[redacted]". */
export function redactBody(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactBody);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, SECRET_KEYS.test(k) ? "[redacted]" : redactBody(v)]),
    );
  }
  return value;
}

export class RequestLog {
  readonly entries: LoggedRequest[] = [];
  private seq = 0;
  add(e: Omit<LoggedRequest, "seq">): LoggedRequest {
    const entry = { ...e, seq: ++this.seq };
    this.entries.push(entry);
    return entry;
  }
  clear(): void {
    this.entries.length = 0;
  }
  /** Entries whose "METHOD /path" matches `pattern` (string prefix or RegExp). */
  find(pattern: string | RegExp): LoggedRequest[] {
    return this.entries.filter((e) => {
      const key = `${e.method} ${e.path}`;
      return typeof pattern === "string" ? key.startsWith(pattern) : pattern.test(key);
    });
  }
  count(pattern: string | RegExp): number {
    return this.find(pattern).length;
  }

  private waiters: { pattern: string | RegExp; n: number; resolve: (e: LoggedRequest[]) => void }[] = [];

  /** Records the outcome of `entry` (its status; -1 = connection dropped) and wakes `answered()` waiters. */
  settle(entry: LoggedRequest, status: number): void {
    entry.status = status;
    for (const w of [...this.waiters]) {
      const done = this.answeredEntries(w.pattern);
      if (done.length >= w.n) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(done);
      }
    }
  }

  /**
   * Resolves once `n` requests matching `pattern` have been answered (or dropped), counting those already
   * answered: a test awaits the emulator finishing a delayed request instead of sleeping for it.
   */
  answered(pattern: string | RegExp, n = 1): Promise<LoggedRequest[]> {
    const done = this.answeredEntries(pattern);
    if (done.length >= n) return Promise.resolve(done);
    return new Promise((resolve) => this.waiters.push({ pattern, n, resolve }));
  }

  private answeredEntries(pattern: string | RegExp): LoggedRequest[] {
    return this.find(pattern).filter((e) => e.status !== undefined);
  }
}
