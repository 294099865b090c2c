import { createHash } from "crypto";
import type { DebugLog } from "../http";
import { appliance, type SpsConnection, type SpsTuning } from "./connection";
import { SpsCoordinator } from "./coordinator";

const REGISTRY = Symbol.for("pulumi-pam.sps.coordinators");
const EXIT_HOOK = Symbol.for("pulumi-pam.sps.exit-hook");

type Registry = Map<string, SpsCoordinator>;

/**
 * The process-wide coordinators, one per appliance and user. Kept on `globalThis` under a
 * `Symbol.for` key, not in a module variable: the user and group providers are deserialized separately
 * by the host, and two copies of this package (source and installed) must still share one coordinator,
 * or they would fight over SPS's single configuration lock.
 */
function registry(): Registry {
  const g = globalThis as unknown as Record<symbol, Registry | undefined>;
  return (g[REGISTRY] ??= new Map());
}

/** The coordinator for `conn` (created on first use; a changed password gets its own session). */
export function coordinatorFor(conn: SpsConnection, tuning: SpsTuning, log?: DebugLog): SpsCoordinator {
  const secretTag = createHash("sha256").update(conn.password).digest("hex").slice(0, 12);
  const id = `${appliance(conn)}|${secretTag}`;
  const reg = registry();
  let c = reg.get(id);
  if (!c) {
    c = new SpsCoordinator(conn, tuning, log);
    reg.set(id, c);
    installExitHook();
  }
  return c;
}

/** All live coordinators (tests and benchmarks read their stats). */
export function allCoordinators(): SpsCoordinator[] {
  return [...registry().values()];
}

/** Closes and forgets every coordinator (tests). */
export async function resetCoordinators(): Promise<void> {
  const reg = registry();
  const all = [...reg.values()];
  reg.clear();
  await Promise.all(all.map((c) => c.close()));
}

/**
 * Best effort on SIGINT/SIGTERM (the engine interrupts the host when an update is cancelled): roll back
 * any open transaction so that web-UI administrators are not locked out until SPS's 20-minute expiry.
 * With nothing open, the signal's default behaviour (exit) is kept.
 */
function installExitHook(): void {
  const g = globalThis as unknown as Record<symbol, boolean | undefined>;
  if (g[EXIT_HOOK]) return;
  g[EXIT_HOOK] = true;
  const onSignal = (signal: NodeJS.Signals) => {
    const open = allCoordinators().filter((c) => c.transactionOpen);
    const exit = () => {
      process.removeListener("SIGINT", onSignal);
      process.removeListener("SIGTERM", onSignal);
      process.kill(process.pid, signal);
    };
    if (!open.length) return exit();
    const timeout = setTimeout(exit, 2000);
    void Promise.allSettled(open.map((c) => c.client.rollback())).then(() => {
      clearTimeout(timeout);
      exit();
    });
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
}
