/** A fake SPS (one lock, staged copies per session) and fake timers for the coordinator's unit tests. */
import { ApiError, AuthError, ConflictError, ConnectionError } from "../../provider/http";
import type { TransactionClient } from "../../provider/sps/client";
import { DEFAULT_TUNING, type SpsTuning } from "../../provider/sps/connection";
import { SpsLockHeldError, SpsSessionLostError } from "../../provider/sps/errors";
import type { Timers } from "../../provider/sps/timers";
import type { StagedOperation } from "../../provider/sps/transaction";

/** Timers that only move when the test runs them; promises settle between timer callbacks. */
export class FakeTimers implements Timers {
  private t = 0;
  private seq = 0;
  private q: { at: number; fn: () => void; id: number }[] = [];
  now = () => this.t;
  random = () => 0.5;
  setTimeout = (fn: () => void, ms: number) => {
    const id = ++this.seq;
    this.q.push({ at: this.t + Math.max(0, ms), fn, id });
    return id;
  };
  clearTimeout = (h: unknown) => {
    this.q = this.q.filter((x) => x.id !== h);
  };
  /** Settles pending promises, then fires timers in time order until none is left. */
  async runAll(): Promise<void> {
    for (let i = 0; i < 100_000; i++) {
      await new Promise((r) => setImmediate(r));
      if (!this.q.length) return;
      this.q.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.q.shift()!;
      this.t = Math.max(this.t, next.at);
      next.fn();
    }
    throw new Error("timers never went quiet");
  }
}

const conn = (method: string, path: string) =>
  new ConnectionError({ code: "CONNECTION_RESET", vendor: "sps", method, path, detail: "connection reset" });
const api = (Cls: typeof ApiError, status: number, method: string, path: string, vendorCode?: string, details?: unknown) =>
  new Cls({ vendor: "sps", method, path, status, vendorCode, details });

type Method = "login" | "status" | "open" | "commit" | "rollback" | "stage" | "read";
/** `drop-after`: the request is applied, then the answer is lost. */
export type Fault = "drop-before" | "drop-after" | "503" | "401" | "400" | { lockedBy: "other" };

/** The appliance: committed names, one transaction (holder session + staged names), other sessions' lock. */
export class FakeSps {
  committed = new Set<string>();
  txn?: { session: string; staged: Set<string> };
  otherLock = false;
  log: string[] = [];
  /** Commits that fail validation when they contain one of these names (error names it or not). */
  refuse = new Map<string, { names: boolean }>();
  private faults: { method: Method; fault: Fault; times: number; skip: number }[] = [];

  /** The next `times` requests of `method`, after skipping `after` of them, meet `fault`. */
  fail(method: Method, fault: Fault, times = 1, after = 0): void {
    this.faults.push({ method, fault, times, skip: after });
  }
  take(method: Method): Fault | undefined {
    const f = this.faults.find((x) => x.method === method && x.times > 0);
    if (!f) return undefined;
    if (f.skip > 0) {
      f.skip--;
      return undefined;
    }
    f.times--;
    return f.fault;
  }
}

let clients = 0;

/** One REST session on the fake appliance (implements the coordinator's TransactionClient seam). */
export class FakeClient implements TransactionClient {
  sessionGeneration = 0;
  private id = `c${++clients}`;
  private loggedIn = false;
  constructor(readonly sps: FakeSps) {}
  private get session() {
    return `${this.id}:${this.sessionGeneration}`;
  }
  private ours() {
    return this.sps.txn?.session === this.session ? this.sps.txn : undefined;
  }
  /** Runs a request: faults first, then `apply` (before or after which an answer may be lost). */
  private async req<T>(method: Method, path: string, apply: () => T): Promise<T> {
    this.sps.log.push(`${method}${this.loggedIn ? "" : "(no session)"}`);
    const f = this.sps.take(method);
    if (f === "drop-before") throw conn(method, path);
    if (f === "503") throw api(ApiError, 503, method, path, "ServiceUnavailable");
    if (f === "401") this.expire();
    if (typeof f === "object") this.sps.otherLock = true;
    if (!this.loggedIn && method !== "login") throw api(AuthError, 401, method, path, "Unauthenticated");
    const r = apply();
    if (f === "drop-after") throw conn(method, path);
    return r;
  }
  /** The session ends on SPS (idle expiry): its transaction and lock go with it. */
  expire(): void {
    this.loggedIn = false;
    if (this.ours()) this.sps.txn = undefined;
  }
  async login(): Promise<void> {
    if (this.ours()) this.sps.txn = undefined; // the old session's transaction is not ours any more
    await this.req("login", "/api/authentication", () => {
      this.loggedIn = true;
      this.sessionGeneration++;
    });
  }
  async transactionStatus(): Promise<{ status: string }> {
    if (!this.loggedIn) await this.login();
    try {
      return await this.req("status", "/api/transaction", () => ({ status: this.ours() ? "open" : "closed" }));
    } catch (e) {
      if (!(e instanceof AuthError)) throw e;
      await this.login();
      return { status: "closed" };
    }
  }
  private write<T>(method: Method, path: string, apply: () => T): Promise<T> {
    return this.req(method, path, apply).catch((e) => {
      if (e instanceof AuthError) throw new SpsSessionLostError("session lost", { cause: e });
      throw e;
    });
  }
  async openTransaction(): Promise<void> {
    if (!this.loggedIn) await this.login();
    await this.write("open", "/api/transaction", () => {
      if (this.ours()) return;
      if (this.sps.txn || this.sps.otherLock) throw new SpsLockHeldError("SPS refused to open a transaction because the configuration lock is held", { cause: api(ConflictError, 409, "POST", "/api/transaction") });
      this.sps.txn = { session: this.session, staged: new Set() };
    });
  }
  async commit(): Promise<void> {
    await this.write("commit", "/api/transaction", () => {
      const t = this.ours();
      if (!t) throw api(ConflictError, 409, "PUT", "/api/transaction", "NoTransaction");
      for (const [name, o] of this.sps.refuse) {
        if (t.staged.has(name)) throw api(ApiError, 400, "PUT", "/api/transaction", "SemanticError", o.names ? { path: `users/${name}` } : undefined);
      }
      for (const n of t.staged) this.sps.committed.add(n);
      this.sps.txn = undefined;
    });
  }
  async rollback(): Promise<void> {
    await this.write("rollback", "/api/transaction", () => {
      if (this.ours()) this.sps.txn = undefined;
    });
  }
  /** Stages a name in this session's transaction (what a resource's stage() does). */
  stage(name: string): Promise<void> {
    return this.write("stage", "/api/configuration/x", () => {
      const t = this.ours();
      if (!t) throw api(ConflictError, 409, "POST", "/api/configuration/x", "NoTransaction");
      t.staged.add(name);
    });
  }
  /** What this session reads: its staged view inside its transaction, else the committed state. */
  sees(name: string): Promise<boolean> {
    return this.req("read", "/api/configuration/x", () => this.sps.committed.has(name) || !!this.ours()?.staged.has(name));
  }
  async close(): Promise<void> {}
}

/** An operation creating `name` (its key touched is the name itself). */
export function createOp(name: string, o: { atomic?: boolean } = {}): StagedOperation<string, FakeClient> {
  return {
    kind: "create",
    label: `fake "${name}"`,
    atomic: o.atomic,
    async stage(client, touched) {
      touched.add(name);
      await client.stage(name);
      return name;
    },
    async verify(client) {
      return (await client.sees(name)) ? name : undefined;
    },
  };
}

export const tuning = (o: Partial<SpsTuning> = {}): SpsTuning => ({ ...DEFAULT_TUNING, batchWindowMs: 50, batchWindowCapMs: 250, lockRetryInitialMs: 100, lockRetryMaxMs: 1000, lockWaitTimeoutSeconds: 10, ...o });
