import { ManualClock, type Wait } from "../common/clock";
import type { Faults } from "../common/faults";
import type { RequestLog } from "../common/request-log";
import { startEmulatorServer } from "../common/server";
import { createControls, type PvwaControls } from "./controls";
import { defaultBehaviour, type PvwaBehaviour } from "./options";
import { pvwaHandler } from "./routes";
import { PvwaStore } from "./store";

export type { PvwaControls, SeedGroup, SeedSession, SeedUser } from "./controls";
export type { PvwaBehaviour, PvwaErrorAnswer } from "./options";
export type { ActionAuditEntry, LiveSessionOptions, SessionKind } from "./store";

/** Options of {@link createPvwaEmulator}. */
export interface PvwaEmulatorOptions {
  /** Serve HTTPS with the test certificate (test/fixtures/tls). Default false. */
  tls?: boolean;
  /** Fixed port (the sandbox); default random. */
  port?: number;
  /** Extra latency per request in ms (benchmarks); default 0. */
  latencyMs?: number;
  /** How latency and `delay` faults wait; default a real timer. */
  wait?: Wait;
  /** Clock for token expiry and session times; default a ManualClock frozen at start-up (move it with `advance`). */
  clock?: ManualClock;
  /** Overrides of the behaviour switches (see {@link PvwaBehaviour} for the defaults). */
  behaviour?: Partial<PvwaBehaviour>;
  /** Seeds users, groups, sessions and Options state before the server starts. */
  seed?: (controls: PvwaControls) => void;
}

/** A running PVWA emulator. `url` is the host root; the API lives under `<url>/PasswordVault/API`. */
export interface PvwaEmulator {
  url: string;
  controls: PvwaControls;
  store: PvwaStore;
  faults: Faults;
  log: RequestLog;
  clock: ManualClock;
  latency: { ms: number };
  close(): Promise<void>;
}

/**
 * Starts a CyberArk PVWA emulator (logon/logoff, LiveSessions and their actions, UserGroups, server
 * version) with per-instance state. Sources: README.md "Sources and tags".
 */
export async function createPvwaEmulator(opts: PvwaEmulatorOptions = {}): Promise<PvwaEmulator> {
  const store = new PvwaStore();
  const behaviour: PvwaBehaviour = { ...defaultBehaviour(), ...(opts.behaviour ?? {}) };
  const clock = opts.clock ?? new ManualClock();
  const controls = createControls(store, behaviour, clock);
  opts.seed?.(controls);
  const server = await startEmulatorServer({ handle: pvwaHandler({ store, behaviour, clock }), tls: opts.tls, port: opts.port, latencyMs: opts.latencyMs, wait: opts.wait });
  return { url: server.url, controls, store, faults: server.faults, log: server.log, clock, latency: server.latency, close: server.close };
}
