import type { ManualClock } from "../common/clock";
import type { Faults } from "../common/faults";
import type { RequestLog } from "../common/request-log";
import { startEmulatorServer } from "../common/server";
import type { SpsContext } from "./context";
import { buildControls, takeSnapshot, type SpsControls, type SpsSnapshot } from "./controls";
import { newKey } from "./model";
import { resolveOptions, type SpsEmulatorOptions } from "./options";
import { RecordedSessions } from "./recorded-sessions";
import { buildRoutes } from "./routes";
import { SessionTable } from "./sessions";
import { ConfigStore } from "./store";

export type { SpsControls, SpsSnapshot } from "./controls";
export type { SpsAuthBackend, SpsEmulatorOptions, SpsLockConflict, SpsProfile, SpsSeedUserOption } from "./options";
export { DEFAULT_ADMIN, DEFAULT_LOCK_CONFLICT } from "./options";
export type { AclEntry } from "./privileges";
export { BUILTIN_GROUPS } from "./privileges";
export type { SeedActiveSession, TerminationFailure } from "./recorded-sessions";
export { SESSION_IDLE_MS } from "./sessions";

/** A running SPS emulator. */
export interface SpsEmulator {
  /** Base URL, `http(s)://127.0.0.1:<port>`. */
  url: string;
  close(): Promise<void>;
  /** The clock session expiry reads; `clock.advance(ms)` moves it. */
  clock: ManualClock;
  /** Fault plan of the kit (`faults.failNext("PUT /api/transaction", 503)`). */
  faults: Faults;
  /** Request log: every commit attempt is a `PUT /api/transaction` entry with its `status`. */
  log: RequestLog;
  /** Mutable per-request latency (`latency.ms = 5`). */
  latency: { ms: number };
  controls: SpsControls;
  /** Committed state as plain data. */
  snapshot(): SpsSnapshot;
}

/**
 * Starts a stateful One Identity SPS REST API emulator (authentication, transactions, local users
 * and groups, passwords, ACLs, active sessions) on 127.0.0.1. See README.md for every choice made
 * where the public record is [INF] or [UNK].
 */
export async function createSpsEmulator(options: SpsEmulatorOptions = {}): Promise<SpsEmulator> {
  const opts = resolveOptions(options);
  const clock = opts.clock;
  const store = new ConfigStore(opts, clock);
  const sessions = new SessionTable(clock, (s) => store.endSession(s.id));
  const recorded = new RecordedSessions(newKey, () => store.nowSeconds());
  const ctx: SpsContext = { opts, clock, store, sessions, recorded };

  for (const u of opts.users) {
    const key = store.seedUser(u.name, u.password);
    for (const g of u.groups ?? []) {
      const group = [...store.committed.groups.values()].find((x) => x.name === g);
      if (!group) throw new Error(`seed user ${u.name}: unknown group ${g}`);
      group.members.push(key);
    }
  }

  const server = await startEmulatorServer({ handle: buildRoutes(ctx), tls: opts.tls, port: opts.port, latencyMs: opts.latencyMs, wait: opts.wait });
  return {
    url: server.url,
    close: () => server.close(),
    clock,
    faults: server.faults,
    log: server.log,
    latency: server.latency,
    controls: buildControls(ctx, server.faults),
    snapshot: () => takeSnapshot(ctx),
  };
}
