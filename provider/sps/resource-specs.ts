/**
 * The specs of the SPS resources (see provider/dynamic/resource-spec.ts): type, implementation module,
 * outputs and secrets, used by the classes, their implementations and the test harness. No zod here.
 */
import { resourceSpec } from "../dynamic/resource-spec";
import { CONNECTION_SECRET_FIELDS } from "../dynamic/inputs";

/** What SPS assigned to a {@link SpsLocalUser}, as its outputs. */
export interface SpsLocalUserOutputs {
  /** The SPS key of the user (also the resource id). */
  key: string;
  /** SPS `password_created` (UNIX seconds) as last read; null until the first refresh after a create or password change. */
  passwordCreated: number | null;
  /**
   * Key of the SPS password object Pulumi set (a reference, not the secret); another key on SPS means drift.
   * SPS password objects are single use and never change (SPS "Passwords stored on SPS"), so any password
   * change made on SPS shows as another key.
   */
  passwordKey: string | null;
  /** False when a refresh saw the password changed on SPS; the next `up` sets it again. */
  passwordInSync: boolean;
  /** False when `password` is omitted: Pulumi never sets, compares or reports the password. */
  passwordManaged: boolean;
  /** True when an existing user was adopted. */
  adopted: boolean;
  /** The appliance URL the user lives on. */
  url: string | null;
}

export const SPS_LOCAL_USER = resourceSpec<SpsLocalUserOutputs>()({
  type: "SpsLocalUser",
  impl: "sps/local-user-provider",
  outputs: ["key", "passwordCreated", "passwordKey", "passwordInSync", "passwordManaged", "adopted", "url"],
  secretOutputs: ["password", "connection"],
  secretInputs: { password: true, connection: CONNECTION_SECRET_FIELDS },
});

/** What SPS holds for a {@link SpsLocalUserGroup}, as its outputs. */
export interface SpsLocalUserGroupOutputs {
  /** The SPS key of the group (also the resource id). */
  key: string;
  /** The member keys SPS holds, as last read. */
  memberKeys: string[];
  /** False when a refresh saw the membership or name changed outside Pulumi. */
  membersInSync: boolean;
  /** True when an existing group was adopted: delete keeps the group and removes only the members Pulumi added. */
  adopted: boolean;
  /** The member keys found at adoption (those still members stay on delete), or null. */
  adoptedMembers: string[] | null;
  /** The appliance URL the group lives on. */
  url: string | null;
}

export const SPS_LOCAL_USER_GROUP = resourceSpec<SpsLocalUserGroupOutputs>()({
  type: "SpsLocalUserGroup",
  impl: "sps/local-user-group-provider",
  outputs: ["key", "memberKeys", "membersInSync", "adopted", "adoptedMembers", "url"],
  secretOutputs: ["connection"],
  secretInputs: { connection: CONNECTION_SECRET_FIELDS },
});

/** What SPS assigned to the users and groups of a {@link SpsLocalAccess}, as its outputs. */
export interface SpsLocalAccessOutputs {
  /** User id → SPS key. */
  userKeys: Record<string, string>;
  /** Group id → SPS key. */
  groupKeys: Record<string, string>;
  /** User id → false when a refresh saw the password changed on SPS (the next `up` sets it again). */
  passwordInSync: Record<string, boolean>;
  /** User id → false when Pulumi does not manage the password (omitted: left alone, or random when created). */
  passwordManaged: Record<string, boolean>;
  /** Group id → false when a refresh saw the membership changed on SPS. */
  membersInSync: Record<string, boolean>;
  /** Group id → member keys as Pulumi set them. */
  groupMemberKeys: Record<string, string[]>;
  /** What prune deleted in the last operation (name → key). */
  pruned: { users: Record<string, string>; groups: Record<string, string> };
  /** The appliance URL the users and groups live on. */
  url: string | null;
}

export const SPS_LOCAL_ACCESS = resourceSpec<SpsLocalAccessOutputs>()({
  type: "SpsLocalAccess",
  impl: "sps/local-access-provider",
  outputs: ["userKeys", "groupKeys", "passwordInSync", "passwordManaged", "membersInSync", "groupMemberKeys", "pruned", "url"],
  // The class splits the passwords out of `users` into `passwords`, so user names stay visible in diffs.
  secretOutputs: ["passwords", "connection"],
  secretInputs: { passwords: true, connection: CONNECTION_SECRET_FIELDS },
});
