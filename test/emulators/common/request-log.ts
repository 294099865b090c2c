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
}
