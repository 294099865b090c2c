import { spawn } from "child_process";
import * as path from "path";
import { TLS_DIR } from "../emulators/common/server";
import { createPvwaEmulator, type PvwaEmulator } from "../emulators/pvwa";
import { createSenhaseguraEmulator, type SenhaseguraEmulator } from "../emulators/senhasegura";
import { PVWA_SANDBOX_USERS, seedPvwaSandbox } from "../sandbox/pvwa";
import { SENHASEGURA_SANDBOX_CREDENTIALS } from "../sandbox/senhasegura";

/** The compiled CLI (built by `npx tsc -p tsconfig.json` before the tests). */
export const CLI = path.resolve(__dirname, "..", "..", "dist", "provider", "cli", "pam-session.js");

/** What one CLI run produced. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON lines. */
  lines(): Record<string, unknown>[];
}

/**
 * Runs `node dist/provider/cli/pam-session.js ...args` as a child process. Asynchronous on purpose:
 * the emulators answer from this process's event loop. The environment is `env` plus PATH only, so
 * the developer's own SPS_/CYBERARK_/SENHASEGURA_ variables never leak in.
 */
export function runCli(args: string[], env: Record<string, string> = {}, stdin?: string): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({
        code,
        stdout,
        stderr,
        lines: () =>
          stdout
            .split("\n")
            .filter((l) => l.trim() !== "")
            .map((l) => JSON.parse(l) as Record<string, unknown>),
      }),
    );
    child.stdin.end(stdin ?? "");
  });
}

/** Every form in which `secret` could leak (raw, base64, URL-encoded). */
export function leakForms(secret: string): string[] {
  return [secret, Buffer.from(secret).toString("base64").replace(/=+$/, ""), encodeURIComponent(secret)];
}

/** Asserts that no secret (in any form) appears in a run's stdout or stderr. */
export function expectNoSecrets(run: CliRun, secrets: string[]): void {
  const all = run.stdout + run.stderr;
  for (const s of secrets) for (const f of leakForms(s)) expect(all).not.toContain(f);
}

/** The CA that issued the emulators' TLS certificates. */
export const CA = path.join(TLS_DIR, "ca.pem");

/** A TLS PVWA emulator seeded like the sandbox, and the CLI environment of its operator. */
export async function startPvwaForCli(): Promise<{ emu: PvwaEmulator; env: Record<string, string> }> {
  const { operator } = PVWA_SANDBOX_USERS;
  const emu = await createPvwaEmulator({ tls: true, seed: (c) => seedPvwaSandbox(c, Date.now()) });
  return { emu, env: { CYBERARK_URL: emu.url, CYBERARK_USERNAME: operator.username, CYBERARK_PASSWORD: operator.password, CYBERARK_CA_CERTIFICATES: CA } };
}

type SenhaseguraSessions = NonNullable<Parameters<typeof createSenhaseguraEmulator>[0]>["sessions"];

/** A TLS senhasegura emulator holding `sessions`, with the sandbox's OAuth 2.0 client in the CLI environment. */
export async function startSenhaseguraForCli(sessions: SenhaseguraSessions): Promise<{ emu: SenhaseguraEmulator; env: Record<string, string> }> {
  const { clientId, clientSecret } = SENHASEGURA_SANDBOX_CREDENTIALS;
  const emu = await createSenhaseguraEmulator({ tls: true, oauth2Clients: [{ clientId, clientSecret }], sessions });
  return { emu, env: { SENHASEGURA_URL: emu.url, SENHASEGURA_CLIENT_ID: clientId, SENHASEGURA_CLIENT_SECRET: clientSecret, SENHASEGURA_CA_CERTIFICATES: CA } };
}
