#!/usr/bin/env node
/**
 * `pam-export`: reads an appliance and writes what a Pulumi program needs to adopt it, with no change
 * on the appliance (reads only, no transaction). Connection settings as for `pam-session`
 * (SPS_* / CYBERARK_* variables, `--config FILE`). Progress goes to stderr; secrets are never written.
 *
 *   pam-export sps --out access.yaml [--format yaml|json] [--include-builtin]
 *   pam-export cyberark --group <name> [--out FILE] [--format yaml|json]
 */
import * as fs from "fs";
import { parseArgs } from "util";
import { withCyberArkSession } from "../cyberark/client";
import { findGroupByName } from "../cyberark/groups";
import { AuthError, ConfigError, ConnectionError, Redactor } from "../http";
import { loadTargetConnection } from "../sessions";
import { connectionSecrets } from "../sessions/config";
import { formatAccessFile, type AccessFileInput } from "../sps/access-file";
import { GROUPS, SpsClient, USERS } from "../sps/client";
import type { GroupItem, UserItem } from "../sps/schemas";

// js-yaml ships no types: the one function used.
const yaml: { dump(value: unknown, opts?: Record<string, unknown>): string } = require("js-yaml");

export const HELP = `pam-export: write what a Pulumi program needs to adopt an existing appliance (reads only).

  pam-export sps --out access.yaml [--format yaml|json] [--include-builtin]
      All SPS local users (adopt: true, no password: passwords are left alone) and local usergroups
      (adoptExisting: true, with their current members), except the admin user and, unless
      --include-builtin, the built-in groups. Connection: SPS_URL, SPS_USERNAME, SPS_PASSWORD,
      SPS_CA_CERTIFICATES (or --config FILE, as for pam-session).
  pam-export cyberark --group <name> [--out FILE] [--format yaml|json]
      The members of a Vault group, for PsmSuspendPermission members. Connection: CYBERARK_* variables.

  --out FILE     write here (default: stdout)
  --format F     yaml (default) or json
  --config FILE  JSON connection file (the environment wins field by field)
Exit codes: 0 written, 2 usage or configuration, 4 login refused, 5 unreachable, 1 other failure.
`;

/**
 * SPS's built-in local usergroups (bound to the built-in ACLs; our choice of list, from the names the
 * SPS documentation shows). They are skipped unless --include-builtin: adopting them is rarely meant.
 */
export const SPS_BUILTIN_GROUPS = new Set([
  "basic-view", "basic-write", "auth-view", "auth-write", "search", "changelog",
  "http-view", "http-write", "active-sessions-view", "active-sessions-write",
]);

export interface ExportIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: NodeJS.ProcessEnv;
}

class UsageError extends Error {}

/** A stable access-file id from an appliance name: lower case, other characters as dashes, unique. */
export function idFor(name: string, prefix: string, taken: Set<string>): string {
  let base = name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  if (!/^[a-z]/.test(base)) base = `${prefix}-${base}`.replace(/-+$/, "");
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  taken.add(id);
  return id;
}

/** Reads every local user and group (committed configuration, no transaction) and builds the access file. */
export async function exportSps(client: SpsClient, opts: { includeBuiltin: boolean; progress: (s: string) => void }): Promise<AccessFileInput> {
  const userKeys = await client.listKeys(USERS);
  opts.progress(`reading ${userKeys.length} local users`);
  const users: UserItem[] = [];
  for (const k of userKeys) {
    const u = await client.getUser(k);
    if (u) users.push(u);
  }
  const groupKeys = await client.listKeys(GROUPS);
  opts.progress(`reading ${groupKeys.length} local usergroups`);
  const groups: GroupItem[] = [];
  for (const k of groupKeys) {
    const g = await client.getGroup(k);
    if (g) groups.push(g);
  }
  const taken = new Set<string>();
  const exported = users.filter((u) => u.body.name !== "admin").sort((a, b) => a.body.name.localeCompare(b.body.name));
  const idByKey = new Map(exported.map((u) => [u.key, idFor(u.body.name, "u", taken)]));
  const nameByKey = new Map(users.map((u) => [u.key, u.body.name]));
  const fileGroups: NonNullable<AccessFileInput["groups"]> = [];
  for (const g of groups.sort((a, b) => a.body.name.localeCompare(b.body.name))) {
    if (!opts.includeBuiltin && SPS_BUILTIN_GROUPS.has(g.body.name)) continue;
    const members: string[] = [];
    const memberNames: string[] = [];
    for (const k of g.body.members) {
      const id = idByKey.get(k);
      const name = nameByKey.get(k);
      if (id) members.push(id);
      else if (name) memberNames.push(name); // admin: not exported as a user, still a member
      else opts.progress(`warning: group "${g.body.name}" lists key ${k}, which is no local user; it is left out (adoption will name it)`);
    }
    fileGroups.push({ id: idFor(g.body.name, "g", taken), name: g.body.name, members, memberNames, adoptExisting: true });
  }
  return {
    users: exported.map((u) => ({ id: idByKey.get(u.key)!, name: u.body.name, adopt: true })),
    groups: fileGroups,
  };
}

function parse(argv: string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: "string" },
        format: { type: "string", default: "yaml" },
        "include-builtin": { type: "boolean", default: false },
        group: { type: "string" },
        config: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true as const };
  const target = positionals[0];
  if (positionals.length !== 1 || (target !== "sps" && target !== "cyberark")) throw new UsageError('give one target: "sps" or "cyberark"');
  if (values.format !== "yaml" && values.format !== "json") throw new UsageError(`--format must be "yaml" or "json", not "${values.format}"`);
  if (target === "cyberark" && !values.group) throw new UsageError("cyberark needs --group <Vault group name>");
  if (target === "sps" && values.group) throw new UsageError("--group applies to cyberark only");
  return { help: false as const, target, format: values.format as "yaml" | "json", out: values.out, includeBuiltin: values["include-builtin"]!, group: values.group, config: values.config };
}

/** Runs the CLI and returns its exit code. Never throws. */
export async function main(argv: string[], io: ExportIo): Promise<number> {
  const redactor = new Redactor();
  const err = (s: string) => io.stderr(redactor.text(s));
  let req: ReturnType<typeof parse>;
  try {
    req = parse(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(`pam-export: ${e.message}\nRun "pam-export --help" for usage.\n`);
    return 2;
  }
  if (req.help) {
    io.stdout(HELP);
    return 0;
  }
  const progress = (s: string) => err(`pam-export: ${s}\n`);
  try {
    let text: string;
    if (req.target === "sps") {
      const conn = loadTargetConnection("sps", { env: io.env, configFile: req.config });
      for (const s of connectionSecrets(conn)) redactor.add(s);
      const client = new SpsClient(conn);
      try {
        const file = await exportSps(client, { includeBuiltin: req.includeBuiltin, progress });
        text = formatAccessFile(file, req.format);
        progress(`${file.users!.length} users, ${file.groups!.length} groups (adopt: true, passwords left alone)`);
      } finally {
        await client.close();
      }
    } else {
      const conn = loadTargetConnection("cyberark", { env: io.env, configFile: req.config });
      for (const s of connectionSecrets(conn)) redactor.add(s);
      const g = await withCyberArkSession(conn, (c) => findGroupByName(c, req.group!, { includeMembers: true }));
      if (!g) throw Object.assign(new Error(`no Vault group is named "${req.group}"`), { exit: 1 });
      const members = (g.members ?? []).map((m) => ({ name: m.name })).sort((a, b) => a.name.localeCompare(b.name));
      const data = { groupName: g.groupName, adoptExisting: true, members };
      text = req.format === "json" ? JSON.stringify(data, null, 2) + "\n" : yaml.dump(data, { noRefs: true, lineWidth: 120 });
      progress(`${members.length} members of "${g.groupName}" (PVWA lists members by name only: add type: domain and domain for directory members)`);
    }
    if (req.out && req.out !== "-") {
      fs.writeFileSync(req.out, text);
      progress(`wrote ${req.out}`);
    } else io.stdout(text);
    return 0;
  } catch (e) {
    err(`pam-export: ${(e as Error).message}\n`);
    if (e instanceof ConfigError || (e as { kind?: string }).kind === "config") return 2;
    if (e instanceof AuthError || (e as { kind?: string }).kind === "auth") return 4;
    if (e instanceof ConnectionError || (e as { kind?: string }).kind === "connection") return 5;
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2), { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s), env: process.env }).then(
    (code) => (process.exitCode = code),
  );
}
