import * as fs from "fs";
import { z } from "zod";

// js-yaml ships no types and this example keeps its dependencies to what it needs: the one function used.
const yaml: { load(text: string): unknown } = require("js-yaml");

const id = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/, "must be lower-case letters, digits and dashes (it names the Pulumi resource: keep it stable)");

/** The access file: who exists on SPS and who is in which local usergroup. */
export const accessFileSchema = z
  .object({
    users: z
      .array(
        z
          .object({
            /** Stable resource id: renaming `name` keeps the SPS user (same key); changing `id` replaces it. */
            id,
            /** The SPS username. */
            name: z.string().min(1, "must not be empty"),
          })
          .strict(),
      )
      .default([]),
    groups: z
      .array(
        z
          .object({
            id,
            name: z.string().min(1, "must not be empty"),
            /** Ids of users in this file. */
            members: z.array(id).default([]),
            /** SPS usernames managed elsewhere (resolved on SPS when applied). */
            externalMembers: z.array(z.string().min(1)).default([]),
          })
          .strict(),
      )
      .default([]),
  })
  .strict()
  .superRefine((f, ctx) => {
    const dup = (xs: string[]) => xs.filter((x, i) => xs.indexOf(x) !== i);
    for (const d of new Set(dup(f.users.map((u) => u.id)))) ctx.addIssue({ code: "custom", path: ["users"], message: `user id "${d}" appears twice` });
    for (const d of new Set(dup(f.users.map((u) => u.name)))) ctx.addIssue({ code: "custom", path: ["users"], message: `username "${d}" appears twice` });
    for (const d of new Set(dup(f.groups.map((g) => g.id)))) ctx.addIssue({ code: "custom", path: ["groups"], message: `group id "${d}" appears twice` });
    const known = new Set(f.users.map((u) => u.id));
    f.groups.forEach((g, i) =>
      g.members.forEach((m, j) => {
        if (!known.has(m)) ctx.addIssue({ code: "custom", path: ["groups", i, "members", j], message: `"${m}" is not a user id in this file (use externalMembers for users managed elsewhere)` });
      }),
    );
  });

/** A validated access file. */
export type AccessFile = z.infer<typeof accessFileSchema>;

/** Reads and validates an access file (YAML or JSON); errors name the file and every offending path. */
export function loadAccessFile(file: string): AccessFile {
  let raw: unknown;
  try {
    raw = yaml.load(fs.readFileSync(file, "utf8")); // YAML is a superset of JSON
  } catch (e) {
    throw new Error(`cannot read access file ${file}: ${(e as Error).message}`);
  }
  const r = accessFileSchema.safeParse(raw ?? {});
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  - ${i.path.length ? i.path.join(".") : "(file)"}: ${i.message}`);
    throw new Error(`invalid access file ${file}:\n${lines.join("\n")}`);
  }
  return r.data;
}
