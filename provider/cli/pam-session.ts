#!/usr/bin/env node
/**
 * `pam-session`: list, suspend, resume or terminate live privileged sessions on SPS, CyberArk and
 * senhasegura from scripts and SIEM playbooks. See `--help` and docs/session-actions.md.
 */
import { PamError, Redactor, type DebugLog } from "../http";
import { VERSION } from "../version";
import {
  createSessionTarget,
  loadTargetConnection,
  SessionRunError,
  SUCCESS_OUTCOMES,
  type SessionTargetName,
  type SessionAction,
  type SessionResult,
  type SessionTarget,
} from "../sessions";
import { CONNECTION_ENV, connectionSecrets } from "../sessions/config";
import { checkCliEnv, EXIT, HELP, parseCli, UsageError, type CliRequest } from "./args";
import { jsonLine, resultsTable, sessionsTable, summary } from "./output";

/** Where the CLI writes and what it reads; injectable for in-process use. */
export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: NodeJS.ProcessEnv;
  readStdin?: () => string;
}

const RUN_EXIT = { auth: EXIT.auth, connection: EXIT.connection, config: EXIT.usage } as const;

/** Runs the CLI and returns its exit code. Never throws. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  // Redaction happens here, where output is written: the connection's secrets (known once it is
  // loaded) and, once the target exists, what its clients learned (tokens, cookies).
  const redactor = new Redactor();
  let target: SessionTarget | undefined;
  const redact = (s: string) => (target ? target.redact(redactor.text(s)) : redactor.text(s));
  const out = (s: string) => io.stdout(redact(s));
  const err = (s: string) => io.stderr(redact(s));
  // Known before parsing, so that even a usage error is one JSON object for a playbook.
  const jsonWanted = argv.includes("--json");
  /** A run-level error: one JSON object on stdout with --json, a line on stderr otherwise. */
  const fail = (message: string, code: string, exitCode: number, hint = ""): number => {
    if (jsonWanted) out(jsonLine({ error: message, code, exitCode }));
    else err(`pam-session: ${message}\n${hint}`);
    return exitCode;
  };
  let req: CliRequest;
  let cliEnv: ReturnType<typeof checkCliEnv>;
  try {
    req = parseCli(argv, io.readStdin, io.env);
    cliEnv = checkCliEnv(io.env);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    return fail(e.message, "USAGE", EXIT.usage, 'Run "pam-session --help" for usage.\n');
  }
  if (req.command === "help") {
    out(HELP);
    return EXIT.ok;
  }
  if (req.command === "version") {
    out(`pam-session ${VERSION}\n`);
    return EXIT.ok;
  }
  const targetName = req.target!;
  try {
    const conn = loadTargetConnection(targetName, { env: io.env, configFile: req.configFile, warn: (m) => err(`pam-session: warning: ${m}\n`) });
    for (const s of connectionSecrets(conn)) redactor.add(s);
    const log: DebugLog | undefined = req.verbose ? (m) => err(`[pam-session] ${m}\n`) : undefined;
    if (req.dryRun) return dryRun(req, out, err);
    target = createSessionTarget(targetName, conn, { log, requestTimeoutMs: req.requestTimeoutMs, senhaseguraTimeZone: cliEnv.senhaseguraTimeZone });
    if (req.command === "list") {
      const sessions = await target.list(req.filter);
      out(req.json ? sessions.map(jsonLine).join("") : sessionsTable(sessions));
      return EXIT.ok;
    }
    return await act(target, req.command, req, out, err);
  } catch (e) {
    // Redacted before cliWords rewrites it: a rewrite inside a secret would hide it from the redactor.
    const text = (m: unknown) => cliWords(redact(String(m)), targetName);
    if (SessionRunError.isInstance(e)) return fail(text(e.message), e.code, RUN_EXIT[e.kind]);
    if (PamError.isInstance(e)) {
      // A vendor error outside the per-session results (the list): the request did not succeed.
      return fail(text(e.message), e.code, EXIT.partial);
    }
    return fail(`internal error: ${text((e as Error)?.message ?? e)}`, "INTERNAL", EXIT.internal);
  } finally {
    await target?.close();
  }
}

/**
 * In CLI context a user sets environment variables, not Pulumi config keys or connection fields:
 * `sps:caCertificates` and a bare `caCertificates:` field become `SPS_CA_CERTIFICATES`.
 */
export function cliWords(message: string, target: SessionTargetName): string {
  const names = CONNECTION_ENV[target] as Record<string, string>;
  let m = message;
  for (const [field, envName] of Object.entries(names)) {
    m = m.replace(new RegExp(`\\b${target}:${field}\\b(\\s*/\\s*${envName})?`, "g"), envName);
    m = m.replace(new RegExp(`(^|[\\s(:])(?:connection\\.)?${field}(?=:| is | must )`, "g"), `$1${envName}`);
  }
  return m;
}

function dryRun(req: CliRequest, out: (s: string) => void, err: (s: string) => void): number {
  if (req.command === "list") {
    err(`pam-session: dry run: would list active sessions on ${req.target}\n`);
    return EXIT.ok;
  }
  const rows = req.ids.map((sessionId) => ({ target: req.target!, sessionId, action: req.command as SessionAction, dryRun: true, detail: `would ${req.command} session ${sessionId}` }));
  out(req.json ? rows.map(jsonLine).join("") : rows.map((r) => `dry run: ${r.detail} on ${r.target}\n`).join(""));
  err(`pam-session: dry run: ${rows.length} session(s), nothing sent\n`);
  return EXIT.ok;
}

async function act(target: SessionTarget, action: SessionAction, req: CliRequest, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const total = req.ids.length;
  let finished = 0;
  const results: SessionResult[] = await target.run(action, req.ids, {
    concurrency: req.concurrency,
    onResult: (r) => {
      finished++;
      // JSON lines stream as results arrive (completion order), for playbooks reading stdout live.
      if (req.json) out(jsonLine(r));
      if (total > 1) err(`pam-session: [${finished}/${total}] ${r.action} ${r.sessionId}: ${r.outcome}\n`);
    },
  });
  if (!req.json) out(resultsTable(results));
  if (total > 1) err(`pam-session: ${summary(results)}\n`);
  return results.every((r) => SUCCESS_OUTCOMES.has(r.outcome)) ? EXIT.ok : EXIT.partial;
}

if (require.main === module) {
  main(process.argv.slice(2), { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s), env: process.env }).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`pam-session: internal error: ${(e as Error)?.message ?? e}\n`);
      process.exitCode = EXIT.internal;
    },
  );
}
