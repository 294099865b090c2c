/**
 * The access file: who exists on SPS and who is in which local usergroup, as a team reviews it in a PR.
 * One format shared by the sps-access example, `pam-export sps` and `SpsLocalAccess` users.
 * Passwords never go in the file: `password: managed` only says that the program supplies one (from
 * secret stack config), and an omitted password means the user's password is not managed at all.
 */
import * as fs from "fs";
import { accessFileSchema } from "./access-file-schema";

// js-yaml ships no types; these are the two functions used (js-yaml 4 API).
const yaml: { load(text: string): unknown; dump(value: unknown, opts?: Record<string, unknown>): string } = require("js-yaml");

/** One user of a validated access file. */
export interface AccessFileUser {
  /** Stable resource id: renaming `name` keeps the SPS user (same key); changing `id` replaces it. */
  id: string;
  /** The SPS username. */
  name: string;
  /** `managed`: the program sets the password (from secret config). Omitted: the password is never touched. */
  password?: "managed";
  /** Take over an existing SPS user of this name. */
  adopt: boolean;
}

/** One group of a validated access file. */
export interface AccessFileGroup {
  id: string;
  name: string;
  /** Ids of users in this file. */
  members: string[];
  /** Usernames of SPS users this file does not declare (resolved on SPS when applied). */
  memberNames: string[];
  /** Manage an existing group of this name. */
  adoptExisting: boolean;
  /** With adoptExisting: remove current members the file does not list (otherwise adoption refuses). */
  removeUnlistedMembers: boolean;
}

/** A validated access file (defaults filled: lists are arrays, flags are booleans; `password` stays optional). */
export interface AccessFile {
  users: AccessFileUser[];
  groups: AccessFileGroup[];
}

/** A user as {@link formatAccessFile} accepts it: defaults may be omitted. */
export type AccessFileUserInput = Omit<AccessFileUser, "adopt"> & { adopt?: boolean };
/** A group as {@link formatAccessFile} accepts it: defaults may be omitted. */
export type AccessFileGroupInput = Pick<AccessFileGroup, "id" | "name"> & Partial<Omit<AccessFileGroup, "id" | "name">>;
/** What {@link formatAccessFile} accepts: defaults may be omitted. */
export interface AccessFileInput {
  users?: AccessFileUserInput[];
  groups?: AccessFileGroupInput[];
}

/** Validates access-file text (YAML or JSON: YAML is a superset). `source` names the file in errors. */
export function parseAccessFile(text: string, source = "access file"): AccessFile {
  let raw: unknown;
  try {
    raw = yaml.load(text);
  } catch (e) {
    throw new Error(`cannot read access file ${source}: ${(e as Error).message}`);
  }
  const r = accessFileSchema.safeParse(raw ?? {});
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  - ${i.path.length ? i.path.join(".") : "(file)"}: ${i.message}`);
    throw new Error(`invalid access file ${source}:\n${lines.join("\n")}`);
  }
  return r.data as AccessFile;
}

/** Reads and validates an access file; errors name the file and every offending path. */
export function loadAccessFile(file: string): AccessFile {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new Error(`cannot read access file ${file}: ${(e as Error).message}`);
  }
  return parseAccessFile(text, file);
}

/**
 * Serializes an access file (validated first, so what is written always loads back), leaving out
 * defaults (empty lists, false flags) so that the file stays as short as a hand-written one.
 */
export function formatAccessFile(data: AccessFileInput, format: "yaml" | "json" = "yaml"): string {
  const f = accessFileSchema.parse(data);
  const compact = {
    users: f.users.map((u) => ({ id: u.id, name: u.name, ...(u.password ? { password: u.password } : {}), ...(u.adopt ? { adopt: true } : {}) })),
    groups: f.groups.map((g) => ({
      id: g.id,
      name: g.name,
      ...(g.members.length ? { members: g.members } : {}),
      ...(g.memberNames.length ? { memberNames: g.memberNames } : {}),
      ...(g.adoptExisting ? { adoptExisting: true } : {}),
      ...(g.removeUnlistedMembers ? { removeUnlistedMembers: true } : {}),
    })),
  };
  if (format === "json") return JSON.stringify(compact, null, 2) + "\n";
  // flowLevel 3 writes member lists inline ([a, b]) as the checked-in example does; noRefs: no YAML anchors.
  return yaml.dump(compact, { noRefs: true, flowLevel: 3, lineWidth: 120, sortKeys: false });
}
