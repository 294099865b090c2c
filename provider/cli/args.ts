/** Command-line parsing of `pam-session` (Node's `util.parseArgs`); every check runs before any request. */
import * as fs from "fs";
import { parseArgs } from "util";
import { normalizeIds } from "../sessions/ids";
import { SESSION_ACTIONS, SESSION_TARGETS, supports, type SessionAction, type SessionTargetName } from "../sessions/types";

/** Exit codes of `pam-session` (documented in docs/session-actions.md and `--help`). */
export const EXIT = {
  /** Every session done or already in the wanted state; list/dry-run succeeded. */
  ok: 0,
  /** An unexpected internal error (a bug): please report it. */
  internal: 1,
  /** Bad command line or configuration; nothing was sent. */
  usage: 2,
  /** At least one session was not-found, unsupported, denied or failed (or the list failed). */
  partial: 3,
  /** The appliance refused the login / credentials. */
  auth: 4,
  /** The appliance could not be reached (refused, DNS, TLS, connect timeout). */
  connection: 5,
} as const;

/** A command-line mistake; exit code {@link EXIT.usage}. */
export class UsageError extends Error {}

/** What the command line asks for. */
export interface CliRequest {
  command: "list" | SessionAction | "help";
  target?: SessionTargetName;
  ids: string[];
  json: boolean;
  dryRun: boolean;
  concurrency: number;
  configFile?: string;
  verbose: boolean;
}

const MAX_CONCURRENCY = 64;

/** Reads ids from a file or stdin (`-`): one per line, blank lines and `#` comments ignored. */
export function readIds(source: string, readStdin: () => string): string[] {
  let text: string;
  try {
    text = source === "-" ? readStdin() : fs.readFileSync(source, "utf8");
  } catch (e) {
    throw new UsageError(`--ids-from ${source}: cannot be read (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
  return text.split(/\r?\n/).map((l) => l.replace(/#.*$/, "").trim()).filter(Boolean);
}

/** Parses and validates `argv` (without node and script). Throws {@link UsageError}. */
export function parseCli(argv: string[], readStdin: () => string = () => fs.readFileSync(0, "utf8")): CliRequest {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        target: { type: "string", short: "t" },
        id: { type: "string", multiple: true },
        "ids-from": { type: "string" },
        json: { type: "boolean", default: false },
        "dry-run": { type: "boolean", default: false },
        concurrency: { type: "string" },
        config: { type: "string", short: "c" },
        verbose: { type: "boolean", short: "v", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (e) {
    // parseArgs names the unknown option; it never echoes values of known ones.
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values;
  const base = { json: v.json ?? false, dryRun: v["dry-run"] ?? false, verbose: v.verbose ?? false, configFile: v.config };
  if (v.help || parsed.positionals[0] === "help") return { command: "help", ids: [], concurrency: 1, ...base };
  if (parsed.positionals.length !== 1) throw new UsageError(parsed.positionals.length === 0 ? "missing command: list, suspend, resume or terminate" : `one command only, got: ${parsed.positionals.join(" ")}`);
  const command = parsed.positionals[0];
  if (command !== "list" && !(SESSION_ACTIONS as readonly string[]).includes(command)) throw new UsageError(`unknown command "${command}": use list, suspend, resume or terminate`);
  if (v.target === undefined) throw new UsageError("--target is required: sps, cyberark or senhasegura");
  if (!(SESSION_TARGETS as readonly string[]).includes(v.target)) throw new UsageError(`unknown target "${v.target}": use sps, cyberark or senhasegura`);
  const target = v.target as SessionTargetName;
  let concurrency = 4;
  if (v.concurrency !== undefined) {
    if (!/^\d+$/.test(v.concurrency) || Number(v.concurrency) < 1 || Number(v.concurrency) > MAX_CONCURRENCY) throw new UsageError(`--concurrency must be an integer from 1 to ${MAX_CONCURRENCY}`);
    concurrency = Number(v.concurrency);
  }
  const raw = [...(v.id ?? []), ...(v["ids-from"] !== undefined ? readIds(v["ids-from"], readStdin) : [])];
  if (command === "list") {
    if (raw.length > 0) throw new UsageError("list takes no --id or --ids-from");
    return { command, target, ids: [], concurrency, ...base };
  }
  const action = command as SessionAction;
  if (!supports(target, action)) {
    throw new UsageError(`${target} cannot ${action}: suspend and resume exist only for CyberArk PSM sessions; ${target} sessions can only be terminated`);
  }
  const ids = normalizeIds(raw);
  if (ids.length === 0) throw new UsageError(`${action} needs at least one session id: --id ID (repeatable) or --ids-from FILE|-`);
  return { command: action, target, ids, concurrency, ...base };
}

/** `pam-session --help`. */
export const HELP = `pam-session: list, suspend, resume or terminate live privileged sessions

Usage:
  pam-session <list|suspend|resume|terminate> --target <sps|cyberark|senhasegura>
              [--id ID ...] [--ids-from FILE|-] [--json] [--dry-run]
              [--concurrency N] [--config FILE] [--verbose]

Options:
  -t, --target T       sps (One Identity SPS), cyberark (PVWA/PSM) or senhasegura
      --id ID          a session id; repeat for several
      --ids-from F     read ids from file F, or stdin with "-" (one per line, # comments)
      --json           one JSON object per line on stdout
      --dry-run        check everything and print what would be done; send nothing
      --concurrency N  sessions acted on at once (default 4, at most ${MAX_CONCURRENCY})
  -c, --config F       JSON config file with "sps", "cyberark", "senhasegura" sections;
                       environment variables override its fields
  -v, --verbose        debug log of every request on stderr (secrets redacted)
  -h, --help           this text

Capabilities: suspend/resume: cyberark only (PSM); terminate: all three.

Connection (never on the command line):
  sps          SPS_URL SPS_USERNAME SPS_PASSWORD [SPS_CA_CERTIFICATES SPS_INSECURE_SKIP_VERIFY]
  cyberark     CYBERARK_URL CYBERARK_USERNAME CYBERARK_PASSWORD [CYBERARK_AUTH_METHOD
               CYBERARK_CA_CERTIFICATES CYBERARK_INSECURE_SKIP_VERIFY]
  senhasegura  SENHASEGURA_URL + SENHASEGURA_CLIENT_ID/SENHASEGURA_CLIENT_SECRET (OAuth 2.0) or
               SENHASEGURA_CONSUMER_KEY/_CONSUMER_SECRET/_TOKEN/_TOKEN_SECRET (OAuth 1.0a)
               [SENHASEGURA_PATH_PREFIX SENHASEGURA_CA_CERTIFICATES SENHASEGURA_INSECURE_SKIP_VERIFY]

Exit codes:
  0  every session done or already in the wanted state (list / dry run: success)
  1  internal error
  2  usage or configuration error (nothing was sent)
  3  partial failure: some session not-found, unsupported, denied or failed (or the list failed)
  4  authentication failure
  5  connection failure (refused, DNS, TLS, connect timeout)

Examples:
  pam-session list --target cyberark
  pam-session suspend --target cyberark --id 31_24 --id 31_25
  pam-session terminate --target sps --id 'svc/rpokH8fD9kx6CaxNLznKx2/ssh-policy:12' --json
  siem-export | pam-session terminate --target senhasegura --ids-from - --json --concurrency 8
  pam-session terminate --target sps --ids-from ids.txt --dry-run --config pam.json
`;
