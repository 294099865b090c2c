import { ManualClock, type Wait } from "../common/clock";
import type { Faults } from "../common/faults";
import type { RequestLog } from "../common/request-log";
import { startEmulatorServer } from "../common/server";
import { createControls, type PvwaControls } from "./controls";
import { defaultBehaviour, type PvwaBehaviour } from "./options";
import { identityHandler, type PrivilegeCloudOptions } from "./identity";
import { pvwaHandler } from "./routes";
import { PvwaStore } from "./store";

export type { PvwaControls, SeedGroup, SeedSession, SeedUser } from "./controls";
export type { PvwaBehaviour, PvwaErrorAnswer } from "./options";
export type { ActionAuditEntry, LiveSessionOptions, SessionKind } from "./store";
export type { PlatformClient, PrivilegeCloudOptions } from "./identity";

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
  /**
   * Privilege Cloud mode: an Identity token endpoint on a second port (`identity.url`), PVWA accepts
   * only `Bearer <platform token>` and serves no logon. Tokens expire after `tokenTtlSec` on the clock.
   */
  privilegeCloud?: PrivilegeCloudOptions;
}

/** The Identity tenant of the Privilege Cloud mode. */
export interface IdentityEmulator {
  url: string;
  log: RequestLog;
  faults: Faults;
  /** Tokens issued so far. */
  readonly issued: number;
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
  /** Set in Privilege Cloud mode. */
  identity?: IdentityEmulator;
  close(): Promise<void>;
}

/**
 * Starts a CyberArk PVWA emulator (logon/logoff, LiveSessions and their actions, UserGroups, server
 * version) with per-instance state, optionally in Privilege Cloud mode with its Identity token endpoint.
 * Sources: README.md "Sources and tags".
 */
export async function createPvwaEmulator(opts: PvwaEmulatorOptions = {}): Promise<PvwaEmulator> {
  const store = new PvwaStore();
  const behaviour: PvwaBehaviour = { ...defaultBehaviour(), ...(opts.behaviour ?? {}), privilegeCloud: opts.privilegeCloud !== undefined };
  const clock = opts.clock ?? new ManualClock();
  const controls = createControls(store, behaviour, clock);
  opts.seed?.(controls);
  const ctx = { store, behaviour, clock };
  const server = await startEmulatorServer({ handle: pvwaHandler(ctx), tls: opts.tls, port: opts.port, latencyMs: opts.latencyMs, wait: opts.wait });
  if (!opts.privilegeCloud) return { url: server.url, controls, store, faults: server.faults, log: server.log, clock, latency: server.latency, close: server.close };
  const issued = { count: 0 };
  const idp = await startEmulatorServer({ handle: identityHandler(ctx, opts.privilegeCloud, issued), tls: opts.tls });
  const identity: IdentityEmulator = { url: idp.url, log: idp.log, faults: idp.faults, get issued() { return issued.count; } };
  const close = async () => {
    await Promise.all([server.close(), idp.close()]);
  };
  return { url: server.url, controls, store, faults: server.faults, log: server.log, clock, latency: server.latency, identity, close };
}
