/** What this process does with open SPS transactions when it is interrupted. */

/** The part of a coordinator the interrupt handler needs. */
export interface Interruptible {
  readonly mayHoldTransaction: boolean;
  rollbackOpenTransactions(): Promise<void>;
}

// The key predates this module: kept so that an older copy of the package in the same process does not add a second handler.
const INSTALLED = Symbol.for("pulumi-pam.sps.exit-hook");

/** Our choice: how long rollbacks may delay the exit before the signal is re-raised anyway, ms. */
const ROLLBACK_GRACE_MS = 2000;

/**
 * Installs, once per process (also across copies of this package), a best-effort SIGINT/SIGTERM handler
 * (the engine interrupts the host when an update is cancelled): it rolls back any transaction a session
 * may hold so that web-UI administrators are not locked out until SPS's 20-minute expiry, then re-raises
 * the signal. With nothing open, the signal's default behaviour (exit) is kept. SIGKILL cannot be
 * caught: then the next run finds the lock held by a dead session and waits for SPS to expire it.
 */
export function rollBackOnInterrupt(coordinators: () => Interruptible[]): void {
  const g = globalThis as unknown as Record<symbol, boolean | undefined>;
  if (g[INSTALLED]) return;
  g[INSTALLED] = true;
  const onSignal = (signal: NodeJS.Signals) => {
    const open = coordinators().filter((c) => c.mayHoldTransaction);
    const exit = () => {
      process.removeListener("SIGINT", onSignal);
      process.removeListener("SIGTERM", onSignal);
      process.kill(process.pid, signal);
    };
    if (!open.length) return exit();
    const timeout = setTimeout(exit, ROLLBACK_GRACE_MS);
    void Promise.allSettled(open.map((c) => c.rollbackOpenTransactions())).then(() => {
      clearTimeout(timeout);
      exit();
    });
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
}
