/**
 * `npm run sandbox`: starts every vendor emulator over HTTPS on fixed loopback ports with demo
 * data, prints `NAME=value` lines (stdout carries nothing else; the banner goes to stderr) and runs
 * until SIGINT/SIGTERM. Each vendor adds its starter to STARTERS (one import + one entry).
 */
import { startSandboxSps } from "./sps";
import { startSandboxSenhasegura } from "./senhasegura";
import { startSandboxPvwa } from "./pvwa";

/** A vendor sandbox starter (see test/sandbox/<vendor>.ts). */
export type SandboxStarter = () => Promise<{ env: Record<string, string>; close(): Promise<void> }>;

export const STARTERS: SandboxStarter[] = [startSandboxSps, startSandboxPvwa, startSandboxSenhasegura];

/** Starts all starters; on any failure closes those already started and rethrows. */
export async function startAll(starters: SandboxStarter[] = STARTERS) {
  const started: Awaited<ReturnType<SandboxStarter>>[] = [];
  try {
    for (const s of starters) started.push(await s());
  } catch (e) {
    await Promise.allSettled(started.map((s) => s.close()));
    throw e;
  }
  return {
    env: Object.assign({}, ...started.map((s) => s.env)) as Record<string, string>,
    close: async () => {
      await Promise.allSettled(started.map((s) => s.close()));
    },
  };
}

async function main(): Promise<void> {
  const sandbox = await startAll();
  for (const [k, v] of Object.entries(sandbox.env)) process.stdout.write(`${k}=${v}\n`);
  process.stderr.write("pulumi-pam sandbox running (test certificates, demo credentials); Ctrl-C to stop\n");
  const stop = () => {
    void sandbox.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`sandbox failed: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  });
}
