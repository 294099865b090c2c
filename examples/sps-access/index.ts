import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { loadAccessFile, SpsLocalAccess, SpsLocalUser, SpsLocalUserGroup, type AccessFile } from "pulumi-pam";

// The namespace is explicit: the program reads the same keys whatever the project is named.
const config = new pulumi.Config("sps-access");
const access = loadAccessFile(path.resolve(__dirname, config.get("accessFile") ?? "access.yaml"));
/**
 * Passwords by user id, for users marked `password: managed` in the file:
 * `pulumi config set --secret --path 'sps-access:passwords.alice' ...`. Users without it keep whatever
 * password they have (adopted) or get a random one nobody knows (new; RADIUS users).
 */
const passwords = config.getSecretObject<Record<string, string>>("passwords");
const passwordOf = (u: AccessFile["users"][number]): pulumi.Output<string> | undefined =>
  u.password === "managed"
    ? pulumi.output(passwords).apply((p) => {
        const pw = p?.[u.id];
        if (!pw) throw new Error(`no password for user "${u.id}" (marked password: managed): set it with pulumi config set --secret --path 'sps-access:passwords.${u.id}' <password>`);
        return pw;
      })
    : undefined;

/** The default: the whole file is one SpsLocalAccess, so every `up` is one SPS transaction and one commit. */
function oneResource(file: AccessFile) {
  const team = new SpsLocalAccess("access", {
    users: Object.fromEntries(
      file.users.map((u) => {
        const password = passwordOf(u);
        return [u.id, { name: u.name, ...(password ? { password } : {}), ...(u.adopt ? { adopt: true } : {}) }];
      }),
    ),
    groups: Object.fromEntries(
      file.groups.map((g) => [
        g.id,
        {
          name: g.name,
          members: g.members, // user ids of this file: resolved to keys inside the same transaction
          ...(g.memberNames.length ? { memberNames: g.memberNames } : {}), // SPS usernames outside the file
          ...(g.adoptExisting ? { adoptExisting: true } : {}),
          ...(g.removeUnlistedMembers ? { removeUnlistedMembers: true } : {}),
        },
      ]),
    ),
  });
  return { userKeys: team.userKeys, groupMembers: team.groupMemberKeys };
}

/** The other way (`sps-access:mode: per-resource`): one SpsLocalUser / SpsLocalUserGroup per entry. */
function perObject(file: AccessFile) {
  const users = new Map<string, SpsLocalUser>();
  // Each resource is named by the stable id, so a rename of `name` is an in-place update of the same SPS user.
  for (const u of file.users) users.set(u.id, new SpsLocalUser(u.id, { name: u.name, password: passwordOf(u), adopt: u.adopt || undefined }));
  const groups = file.groups.map(
    (g) =>
      [g.id, new SpsLocalUserGroup(`group-${g.id}`, {
        name: g.name,
        // Member keys come from the user resources, which also orders users before their groups.
        members: g.members.map((m) => users.get(m)!.key),
        memberNames: g.memberNames.length ? g.memberNames : undefined,
        adoptExisting: g.adoptExisting || undefined,
        removeUnlistedMembers: g.removeUnlistedMembers || undefined,
      })] as const,
  );
  return {
    userKeys: pulumi.all([...users].map(([id, u]) => pulumi.all([id, u.key]))).apply((xs) => Object.fromEntries(xs)),
    groupMembers: pulumi.all(groups.map(([id, g]) => pulumi.all([id, g.memberKeys]))).apply((xs) => Object.fromEntries(xs)),
  };
}

const mode = config.get("mode") ?? "access";
if (mode !== "access" && mode !== "per-resource") {
  throw new Error(`sps-access:mode is "${mode}": use "access" (default, one SpsLocalAccess) or "per-resource" (one resource per user and group)`);
}
const result = mode === "access" ? oneResource(access) : perObject(access);

/** User id → SPS key of every managed user. */
export const userKeys = result.userKeys;
/** Group id → member keys as SPS holds them. */
export const groupMembers = result.groupMembers;
