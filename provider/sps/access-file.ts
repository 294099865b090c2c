/**
 * The access file: who exists on SPS and who is in which local usergroup, as a team reviews it in a PR.
 * One format shared by the sps-access example, `pam-export sps` and `SpsLocalAccess` users.
 * Passwords never go in the file: `password: managed` only says that the program supplies one (from
 * secret stack config), and an omitted password means the user's password is not managed at all.
 */
import * as fs from "fs";
import { z } from "zod";

// js-yaml ships no types; these are the two functions used (js-yaml 4 API).
const yaml: { load(text: string): unknown; dump(value: unknown, opts?: Record<string, unknown>): string } = require("js-yaml");

const id = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/, "must be lower-case letters, digits and dashes (it names the Pulumi resource: keep it stable)");

const userSchema = z
  .object({
    /** Stable resource id: renaming `name` keeps the SPS user (same key); changing `id` replaces it. */
    id,
    /** The SPS username. */
    name: z.string().min(1, "must not be empty"),
    /** `managed`: the program sets the password (from secret config). Omitted: the password is never touched. */
    password: z
      .literal("managed", { error: 'must be "managed" or omitted: the password itself goes in secret stack config, never in this file' })
      .optional(),
    /** Take over an existing SPS user of this name. */
    adopt: z.boolean().default(false),
  })
  .strict();

const groupObjectSchema = z
  .object({
    id,
    name: z.string().min(1, "must not be empty"),
    /** Ids of users in this file. */
    members: z.array(id).default([]),
    /** Usernames of SPS users this file does not declare (resolved on SPS when applied). */
    memberNames: z.array(z.string().min(1, "entries must not be empty")).default([]),
    /** Manage an existing group of this name. */
    adoptExisting: z.boolean().default(false),
    /** With adoptExisting: remove current members the file does not list (otherwise adoption refuses). */
    removeUnlistedMembers: z.boolean().default(false),
  })
  .strict();

// `externalMembers` was the first name of `memberNames`; files using it keep working.
const groupSchema = z.preprocess((g) => {
  if (!g || typeof g !== "object" || !("externalMembers" in g) || "memberNames" in g) return g;
  const { externalMembers, ...rest } = g as Record<string, unknown>;
  return { ...rest, memberNames: externalMembers };
}, groupObjectSchema);

/** The access file schema (zod); errors carry the path of every offending entry. */
export const accessFileSchema = z
  .object({ users: z.array(userSchema).default([]), groups: z.array(groupSchema).default([]) })
  .strict()
  .superRefine((f, ctx) => {
    const dup = (xs: string[]) => [...new Set(xs.filter((x, i) => xs.indexOf(x) !== i))];
    for (const d of dup(f.users.map((u) => u.id))) ctx.addIssue({ code: "custom", path: ["users"], message: `user id "${d}" appears twice` });
    for (const d of dup(f.users.map((u) => u.name))) ctx.addIssue({ code: "custom", path: ["users"], message: `username "${d}" appears twice` });
    for (const d of dup(f.groups.map((g) => g.id))) ctx.addIssue({ code: "custom", path: ["groups"], message: `group id "${d}" appears twice` });
    for (const d of dup(f.groups.map((g) => g.name))) ctx.addIssue({ code: "custom", path: ["groups"], message: `group name "${d}" appears twice` });
    const idByName = new Map(f.users.map((u) => [u.name, u.id]));
    const known = new Set(f.users.map((u) => u.id));
    f.groups.forEach((g, i) => {
      g.members.forEach((m, j) => {
        if (!known.has(m)) ctx.addIssue({ code: "custom", path: ["groups", i, "members", j], message: `"${m}" is not a user id in this file (use memberNames for users managed elsewhere)` });
      });
      for (const d of dup(g.members)) ctx.addIssue({ code: "custom", path: ["groups", i, "members"], message: `lists "${d}" twice` });
      g.memberNames.forEach((n, j) => {
        const uid = idByName.get(n);
        if (uid) ctx.addIssue({ code: "custom", path: ["groups", i, "memberNames", j], message: `"${n}" is a user of this file: list its id "${uid}" in members instead` });
      });
      for (const d of dup(g.memberNames)) ctx.addIssue({ code: "custom", path: ["groups", i, "memberNames"], message: `lists "${d}" twice` });
      if (g.removeUnlistedMembers && !g.adoptExisting)
        ctx.addIssue({ code: "custom", path: ["groups", i, "removeUnlistedMembers"], message: "applies only with adoptExisting: true (a group Pulumi creates has no unlisted members)" });
    });
  });

/** A validated access file (defaults filled: lists are arrays, flags are booleans; `password` stays optional). */
export type AccessFile = z.infer<typeof accessFileSchema>;
export type AccessFileUser = AccessFile["users"][number];
export type AccessFileGroup = AccessFile["groups"][number];
/** What {@link formatAccessFile} accepts: defaults may be omitted. */
export interface AccessFileInput {
  users?: z.input<typeof userSchema>[];
  groups?: z.input<typeof groupObjectSchema>[];
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
  return r.data;
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
