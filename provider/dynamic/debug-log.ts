/**
 * The debug sink of provider operations: Pulumi's `log.debug` (shown with `pulumi up --logtostderr -v=9`
 * or `--debug`). It lives here, beside the other dynamic-provider code, so that the HTTP core and the
 * session API (CLI) never depend on the Pulumi SDK; vendor provider contexts pass it to their clients.
 */
import type { DebugLog } from "../http/log";

/**
 * A hook that forwards to `pulumi.log.debug`. `@pulumi/pulumi` is required on first use, inside the
 * returned function, so that importing this module (or serializing a dynamic provider that references
 * it) does not load the SDK. Never throws: without an engine, or if the SDK is absent, lines are dropped.
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
