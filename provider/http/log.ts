/**
 * Debug log hooks. The HTTP client passes every line through its Redactor before calling the hook it
 * was given (`HttpClientOptions.log`). The HTTP core knows no sink of its own: the CLI passes
 * {@link stderrDebugLog}; inside a dynamic provider, `provider/dynamic/debug-log.ts` supplies one that
 * forwards to Pulumi's `log.debug`, so nothing here ever loads the Pulumi SDK.
 */

/** Receives one already-redacted debug line. */
export type DebugLog = (message: string) => void;

/** A hook that writes `[pulumi-pam] <line>` to stderr when `enabled`, and does nothing otherwise. */
export function stderrDebugLog(enabled: boolean): DebugLog {
  if (!enabled) return () => undefined;
  return (message: string) => {
    process.stderr.write(`[pulumi-pam] ${message}\n`);
  };
}
