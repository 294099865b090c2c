import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { loadAccessFile, SpsLocalUser, SpsLocalUserGroup } from "pulumi-pam";

// The namespace is explicit: the program reads the same keys whatever the project is named.
const config = new pulumi.Config("sps-access");
const access = loadAccessFile(path.resolve(__dirname, config.get("accessFile") ?? "access.yaml"));
/**
 * Passwords by user id, for users marked `password: managed` in the file:
 * `pulumi config set --secret --path 'sps-access:passwords.alice' ...`. Users without it keep whatever
 * password they have (adopted) or get a random one nobody knows (new; RADIUS users).
 */
const passwords = config.getSecretObject<Record<string, string>>("passwords");

const users = new Map<string, SpsLocalUser>();
for (const u of access.users) {
  const password =
    u.password === "managed"
      ? pulumi.output(passwords).apply((p) => {
          const pw = p?.[u.id];
          if (!pw) throw new Error(`no password for user "${u.id}" (marked password: managed): set it with pulumi config set --secret --path 'sps-access:passwords.${u.id}' <password>`);
          return pw;
        })
      : undefined;
  // The resource is named by the stable id, so a rename of `name` is an in-place update of the same SPS user.
  users.set(u.id, new SpsLocalUser(u.id, { name: u.name, password, adopt: u.adopt || undefined }));
}

const groups = access.groups.map(
  (g) =>
    new SpsLocalUserGroup(`group-${g.id}`, {
      name: g.name,
      // Member keys come from the user resources, which also orders users before their groups.
      members: g.members.map((m) => users.get(m)!.key),
      memberNames: g.memberNames.length ? g.memberNames : undefined,
      adoptExisting: g.adoptExisting || undefined,
      removeUnlistedMembers: g.removeUnlistedMembers || undefined,
    }),
);

/** Username → SPS key of every managed user. */
export const userKeys = pulumi.all([...users.values()].map((u) => pulumi.all([u.name, u.key]))).apply((xs) => Object.fromEntries(xs));
/** Group name → member keys as SPS holds them. */
export const groupMembers = pulumi.all(groups.map((g) => pulumi.all([g.name, g.memberKeys]))).apply((xs) => Object.fromEntries(xs));
