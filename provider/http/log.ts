/**
 * Debug log hooks. Inside a dynamic provider, lines go to Pulumi's `log.debug` (shown with
 * `pulumi up --logtostderr -v=9` / `--debug`); in the CLI, to stderr when asked. The HTTP client
 * passes every line through its Redactor before calling the hook.
 */

/** Receives one already-redacted debug line. */
export type DebugLog = (message: string) => void;

/**
 * A hook that forwards to `pulumi.log.debug`. `@pulumi/pulumi` is required on first use, inside the
 * returned function, so that merely importing this module (or serializing a dynamic provider that
 * references it) does not load the SDK. Never throws: without an engine, or if the SDK is absent,
 * lines are dropped.
 */
export function pulumiDebugLog(): DebugLog {
  let debug: ((m: string) => unknown) | null | undefined;
  return (message: string) => {
    if (debug === undefined) {
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const pulumi = require("@pulumi/pulumi") as { log?: { debug?: (m: string) => unknown } };
        debug = typeof pulumi.log?.debug === "function" ? (m) => pulumi.log!.debug!(m) : null;
      } catch {
        debug = null;
      }
    }
    if (!debug) return;
    try {
      const r = debug(message);
      // log.debug returns a promise; a dead engine connection must not become an unhandled rejection.
      if (r && typeof (r as Promise<unknown>).catch === "function") (r as Promise<unknown>).catch(() => undefined);
    } catch {
      // Logging is best effort.
    }
  };
}

/** A hook that writes `[pulumi-pam] <line>` to stderr when `enabled`, and does nothing otherwise. */
export function stderrDebugLog(enabled: boolean): DebugLog {
  if (!enabled) return () => undefined;
  return (message: string) => {
    process.stderr.write(`[pulumi-pam] ${message}\n`);
  };
}
