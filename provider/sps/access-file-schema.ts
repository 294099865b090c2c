/**
 * The zod schema of the access file (see access-file.ts). Kept apart so that the public declarations of
 * access-file.ts reach no zod types: they do not compile under Pulumi's template tsconfig.
 */
import { z } from "zod";

const id = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/, "must be lower-case letters, digits and dashes (it names the Pulumi resource: keep it stable)");

export const userSchema = z
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

export const groupObjectSchema = z
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

// The hand-written public types in access-file.ts must stay what the schema produces and accepts.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const accessFileTypesMatch: Same<z.infer<typeof accessFileSchema>, import("./access-file").AccessFile> = true;
export const accessFileInputMatches: Same<z.input<typeof userSchema>, import("./access-file").AccessFileUserInput> = true;
export const accessFileGroupInputMatches: Same<z.input<typeof groupObjectSchema>, import("./access-file").AccessFileGroupInput> = true;
