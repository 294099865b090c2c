/** Command-line parsing of `pam-session` (Node's `util.parseArgs`); every check runs before any request. */
import * as fs from "fs";
import { parseArgs } from "util";
import { normalizeIds } from "../sessions/ids";
import { isValidTimeZone } from "../sessions/time";
import { SESSION_TARGETS, supports, type SessionAction, type SessionListFilter, type SessionTargetName } from "../sessions/types";

/** Exit codes of `pam-session` (documented in docs/session-actions.md and `--help`). */
export const EXIT = {
  /** Every session done or already in the wanted state; list/dry-run succeeded. */
  ok: 0,
  /** An unexpected internal error (a bug): please report it. */
  internal: 1,
  /** Bad command line or configuration (including a URL that does not serve the target's API); nothing was acted on. */
  usage: 2,
  /** At least one session was not-found, unsupported, denied or failed (or the list failed). */
  partial: 3,
  /** The appliance refused the login / credentials. */
  auth: 4,
  /** The appliance could not be reached (refused, DNS, TLS, connect timeout, connection closed before any answer). */
  connection: 5,
} as const;

/** A command-line mistake; exit code {@link EXIT.usage}. */
export class UsageError extends Error {}

/** What the command line asks for. */
export interface CliRequest {
  command: "list" | SessionAction | "help" | "version";
  target?: SessionTargetName;
  ids: string[];
  json: boolean;
  dryRun: boolean;
  concurrency: number;
  configFile?: string;
  verbose: boolean;
  /** `list` filters. */
  filter: SessionListFilter;
  /** `--timeout` / `PAM_SESSION_TIMEOUT`: deadline of each request, ms. */
  requestTimeoutMs?: number;
}

const MAX_CONCURRENCY = 64;

/** The vendors' own verbs for terminate: SPS "close", senhasegura "drop", and "stop". */
export const COMMAND_ALIASES: Readonly<Record<string, SessionAction>> = { close: "terminate", drop: "terminate", stop: "terminate" };

const OPTIONS = {
  target: { type: "string", short: "t" },
  id: { type: "string", multiple: true },
  "ids-from": { type: "string" },
  json: { type: "boolean", default: false },
  "dry-run": { type: "boolean", default: false },
  concurrency: { type: "string" },
  config: { type: "string", short: "c" },
  timeout: { type: "string" },
  user: { type: "string" },
  host: { type: "string" },
  protocol: { type: "string" },
  since: { type: "string" },
  verbose: { type: "boolean", short: "v", default: false },
  version: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

/** Reads ids from a file or stdin (`-`): one per line; blank lines and lines starting with `#` are skipped. */
export function readIds(source: string, readStdin: () => string): string[] {
  let text: string;
  try {
    text = source === "-" ? readStdin() : fs.readFileSync(source, "utf8");
  } catch (e) {
    throw new UsageError(`--ids-from ${source}: cannot be read (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
  // Only a whole-line comment: `#` inside an id (`svc/…/ssh#policy:4`) is part of the id.
  return text
    .split(/\r?\n/)
    .filter((l) => !/^\s*#/.test(l))
    .map((l) => l.trim())
    .filter(Boolean);
}

/** Levenshtein distance (small strings only). */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
}

/** The known word closest to `word`, when close enough to be a typo. */
export function closest(word: string, known: readonly string[]): string | undefined {
  let best: { w: string; d: number } | undefined;
  for (const w of known) {
    const d = distance(word.toLowerCase(), w.toLowerCase());
    if (!best || d < best.d) best = { w, d };
  }
  return best && best.d <= Math.max(2, Math.floor(best.w.length / 3)) ? best.w : undefined;
}

/** The unknown option of a parseArgs error, with a suggestion. Never echoes a value (`--x=value` is cut at `=`). */
function unknownOption(e: Error & { code?: string }): string {
  const m = /Unknown option '(-{1,2}[^'=]*)/.exec(e.message);
  if (e.code !== "ERR_PARSE_ARGS_UNKNOWN_OPTION" || !m) return e.message.replace(/=.*$/s, "");
  const name = m[1];
  const long = name.replace(/^-+/, "");
  const hint = closest(long, Object.keys(OPTIONS));
  return `unknown option ${name}${hint ? `; did you mean --${hint}?` : ""} (see --help)`;
}

/** `30` / `30s` / `500ms` / `2m` → ms. */
export function parseTimeout(text: string, what: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  const ms = m ? Number(m[1]) * (m[2] === "ms" ? 1 : m[2] === "m" ? 60_000 : 1000) : NaN;
  if (!Number.isFinite(ms) || ms < 1 || ms > 3_600_000) throw new UsageError(`${what} must be a duration from 1ms to 60m, e.g. 30 (seconds), 30s, 500ms or 2m`);
  return Math.round(ms);
}

/** `--since`: a duration back from now (`90s`, `30m`, `2h`, `1d`) or an ISO 8601 time with a zone. */
export function parseSince(text: string, now: number): Date {
  const rel = /^(\d+)(s|m|h|d)$/.exec(text.trim());
  if (rel) return new Date(now - Number(rel[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[rel[2] as "s"]);
  // A time without a zone would be read in this machine's zone: refuse the ambiguity.
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(text.trim())) {
    const d = new Date(text.trim());
    if (!Number.isNaN(d.getTime())) return d;
  }
  throw new UsageError(`--since must be a duration (90s, 30m, 2h, 1d) or an ISO 8601 time with a zone (2026-01-05T09:00:00Z or 2026-01-05T09:00:00+02:00)`);
}

/** The target name, case-insensitive. */
function targetOf(v: string): SessionTargetName {
  const t = v.trim().toLowerCase();
  if ((SESSION_TARGETS as readonly string[]).includes(t)) return t as SessionTargetName;
  const hint = closest(t, SESSION_TARGETS);
  throw new UsageError(`unknown target "${v}": use sps, cyberark or senhasegura${hint ? ` (did you mean ${hint}?)` : ""}`);
}

const COMMANDS = ["list", "suspend", "resume", "terminate", ...Object.keys(COMMAND_ALIASES), "help"];

/** Parses and validates `argv` (without node and script). Throws {@link UsageError}. */
export function parseCli(
  argv: string[],
  readStdin: () => string = () => fs.readFileSync(0, "utf8"),
  env: NodeJS.ProcessEnv = {},
  now: () => number = Date.now,
): CliRequest {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: OPTIONS });
  } catch (e) {
    // parseArgs names the unknown option; it never echoes values of known ones.
    throw new UsageError(unknownOption(e as Error));
  }
  const v = parsed.values;
  const base = { json: v.json ?? false, dryRun: v["dry-run"] ?? false, verbose: v.verbose ?? false, configFile: v.config, filter: {} as SessionListFilter };
  if (v.help || parsed.positionals[0]?.toLowerCase() === "help") return { command: "help", ids: [], concurrency: 1, ...base };
  if (v.version) return { command: "version", ids: [], concurrency: 1, ...base };
  const [word, ...positionalIds] = parsed.positionals;
  if (word === undefined) throw new UsageError("missing command: list, suspend, resume or terminate (aliases close, drop, stop)");
  const lower = word.toLowerCase();
  const command = (COMMAND_ALIASES[lower] ?? lower) as CliRequest["command"];
  if (command !== "list" && command !== "suspend" && command !== "resume" && command !== "terminate") {
    const hint = closest(lower, COMMANDS);
    throw new UsageError(`unknown command "${word}": use list, suspend, resume or terminate (aliases close, drop, stop)${hint ? `; did you mean ${hint}?` : ""}`);
  }
  if (v.target === undefined) throw new UsageError("--target is required: sps, cyberark or senhasegura");
  const target = targetOf(v.target);
  let concurrency = 4;
  if (v.concurrency !== undefined) {
    if (!/^\d+$/.test(v.concurrency) || Number(v.concurrency) < 1 || Number(v.concurrency) > MAX_CONCURRENCY) throw new UsageError(`--concurrency must be an integer from 1 to ${MAX_CONCURRENCY}`);
    concurrency = Number(v.concurrency);
  }
  const timeoutText = v.timeout ?? (env.PAM_SESSION_TIMEOUT?.trim() || undefined);
  const requestTimeoutMs = timeoutText === undefined ? undefined : parseTimeout(timeoutText, v.timeout !== undefined ? "--timeout" : "PAM_SESSION_TIMEOUT");
  const filterFlags = (["user", "host", "protocol", "since"] as const).filter((k) => v[k] !== undefined);
  const raw = [...positionalIds, ...(v.id ?? []), ...(v["ids-from"] !== undefined ? readIds(v["ids-from"], readStdin) : [])];
  if (command === "list") {
    if (raw.length > 0) throw new UsageError("list takes no session ids (positional, --id or --ids-from)");
    const filter: SessionListFilter = {
      ...(v.user !== undefined ? { user: v.user } : {}),
      ...(v.host !== undefined ? { host: v.host } : {}),
      ...(v.protocol !== undefined ? { protocol: v.protocol } : {}),
      ...(v.since !== undefined ? { since: parseSince(v.since, now()) } : {}),
    };
    return { ...base, command, target, ids: [], concurrency, filter, requestTimeoutMs };
  }
  if (filterFlags.length > 0) throw new UsageError(`--${filterFlags[0]} filters list only; ${command} takes session ids`);
  const action = command as SessionAction;
  if (!supports(target, action)) {
    throw new UsageError(`${target} cannot ${action}: suspend and resume exist only for CyberArk PSM sessions; ${target} sessions can only be terminated`);
  }
  const ids = normalizeIds(raw);
  if (ids.length === 0) throw new UsageError(`${action} needs at least one session id: as arguments, --id ID (repeatable) or --ids-from FILE|-`);
  return { ...base, command: action, target, ids, concurrency, requestTimeoutMs };
}

/** Checks the CLI-only environment settings (before any request). */
export function checkCliEnv(env: NodeJS.ProcessEnv): { senhaseguraTimeZone?: string } {
  const tz = env.SENHASEGURA_TIME_ZONE?.trim() || undefined;
  if (tz !== undefined && !isValidTimeZone(tz)) throw new UsageError(`SENHASEGURA_TIME_ZONE "${tz}" is not a time zone: use an IANA name (America/Sao_Paulo), UTC or an offset such as -03:00`);
  return { senhaseguraTimeZone: tz };
}

/** `pam-session --help`. */
export const HELP = `pam-session: list, suspend, resume or terminate live privileged sessions

Usage:
  pam-session list      -t <sps|cyberark|senhasegura> [--user U] [--host H] [--protocol P] [--since S]
  pam-session suspend   -t cyberark ID... [--id ID ...] [--ids-from FILE|-]
  pam-session resume    -t cyberark ID...
  pam-session terminate -t <sps|cyberark|senhasegura> ID... [--id ID ...] [--ids-from FILE|-]
  pam-session close | drop | stop ...   (aliases of terminate: SPS "close", senhasegura "drop")
  common: [--json] [--dry-run] [--concurrency N] [--timeout T] [--config FILE] [--verbose]
  pam-session --version | --help

Options:
  -t, --target T       sps (One Identity SPS), cyberark (PVWA/PSM or Privilege Cloud) or senhasegura
                       (case-insensitive)
      --id ID          a session id; repeat for several (ids may also follow the command)
      --ids-from F     read ids from file F, or stdin with "-" (one per line; lines starting with # are comments)
      --json           one JSON object per line on stdout; a run-level error is one object
                       {"error", "code", "exitCode"} on stdout
      --dry-run        check everything and print what would be done; send nothing
      --concurrency N  sessions acted on at once (default 4, at most ${MAX_CONCURRENCY})
      --timeout T      deadline of each request, retries included: 30 (seconds), 30s, 500ms, 2m
                       (env PAM_SESSION_TIMEOUT)
  -c, --config F       JSON config file with "sps", "cyberark", "senhasegura" sections;
                       environment variables override its fields (keep it chmod 600)
  -v, --verbose        debug log of every request on stderr (secrets redacted)
      --version        print the version
  -h, --help           this text

List filters (client-side, case-insensitive, combined):
      --user U         the session's user contains U
      --host H         the target host or account contains H (a host filter is --host, not --target:
                       -t/--target already selects the vendor)
      --protocol P     the protocol is P (ssh, rdp, ...)
      --since S        started within S (90s, 30m, 2h, 1d) or since an ISO 8601 time with a zone
  Times are ISO 8601 with an offset. senhasegura sends local time without a zone: set
  SENHASEGURA_TIME_ZONE (IANA name, UTC or -03:00); default the zone of this machine.

Capabilities: suspend/resume: cyberark only (PSM); terminate: all three.

Connection (never on the command line):
  sps          SPS_URL SPS_USERNAME SPS_PASSWORD [SPS_CA_CERTIFICATES SPS_INSECURE_SKIP_VERIFY]
  cyberark     CYBERARK_URL + CYBERARK_USERNAME/CYBERARK_PASSWORD (self-hosted PVWA) [CYBERARK_AUTH_METHOD]
               or CYBERARK_IDENTITY_URL/CYBERARK_CLIENT_ID/CYBERARK_CLIENT_SECRET (Privilege Cloud)
               [CYBERARK_CA_CERTIFICATES CYBERARK_INSECURE_SKIP_VERIFY]
  senhasegura  SENHASEGURA_URL + SENHASEGURA_CLIENT_ID/SENHASEGURA_CLIENT_SECRET (OAuth 2.0) or
               SENHASEGURA_CONSUMER_KEY/_CONSUMER_SECRET/_TOKEN/_TOKEN_SECRET (OAuth 1.0a)
               [SENHASEGURA_PATH_PREFIX SENHASEGURA_CA_CERTIFICATES SENHASEGURA_INSECURE_SKIP_VERIFY]

Exit codes:
  0  every session done or already in the wanted state (list / dry run: success)
  1  internal error
  2  usage or configuration error, or a URL that does not serve the target's API (nothing acted on)
  3  partial failure: some session not-found, unsupported, denied or failed (or the list failed)
  4  authentication failure
  5  connection failure (refused, DNS, TLS, connect timeout, closed before any answer)

Examples:
  pam-session list -t cyberark --user jdoe --since 2h
  pam-session suspend -t cyberark 31_24 31_25
  pam-session close -t sps 'svc/rpokH8fD9kx6CaxNLznKx2/ssh-policy:12' --json
  siem-export | pam-session drop -t senhasegura --ids-from - --json --concurrency 8 --timeout 20s
  CYBERARK_URL=https://acme.privilegecloud.cyberark.cloud CYBERARK_IDENTITY_URL=https://abc1234.id.cyberark.cloud \\
    CYBERARK_CLIENT_ID=svc-soar@cyberark.cloud.1234 CYBERARK_CLIENT_SECRET=... pam-session terminate -t cyberark 31_24
  pam-session terminate -t sps --ids-from ids.txt --dry-run --config pam.json
`;
