/**
 * SPS-specific adoption and password rules shared by SpsLocalUser, SpsLocalUserGroup and
 * SpsLocalAccess: the unknown password of a user whose password is not managed, and the conflict
 * messages that name the input to set. The member rules themselves are in provider/dynamic/adoption.ts.
 */
import { randomBytes } from "crypto";
import { SpsRefusedError } from "./errors";

/**
 * A strong password nobody knows, for a new user whose password the program does not manage (RADIUS
 * users, users who log in another way): 192 random bits, plus one character of each class so that a
 * password policy asking for upper, lower, digit and symbol accepts it. It goes only into the SPS
 * password object's body (the client redacts it); it is never returned, logged or stored in state.
 */
export function randomUnknownPassword(): string {
  return `${randomBytes(24).toString("base64url")}Aa1!`;
}

/** True when the program manages this user's password (a `password` input is given). */
export const passwordManaged = (inputs: { password?: string | null }): boolean => inputs.password != null;

/** A create collides with an existing local user: name the input that adopts it, and what adoption does to the password. */
export function userExistsError(name: string, key: string): SpsRefusedError {
  return new SpsRefusedError(
    `a local user named "${name}" already exists on SPS (key ${key}). To manage it, set adopt: true; ` +
      "its password is left alone when password is omitted (set password to manage it from then on). Or choose another name. " +
      "If an interrupted earlier run of this stack created it, adopting it is right (an adopted user is deleted by pulumi destroy like any other).",
  );
}

/** A create collides with an existing local usergroup: name the input that adopts it. */
export function groupExistsError(name: string, key: string): SpsRefusedError {
  return new SpsRefusedError(
    `a local usergroup named "${name}" already exists on SPS (key ${key}). To manage it, set adoptExisting: true ` +
      "(adoption refuses if the group has members you do not declare, unless removeUnlistedMembers: true). Or choose another name. " +
      "If an interrupted earlier run of this stack created it: adopting keeps the group on SPS at pulumi destroy (adoption never removes access); " +
      "to let this stack own it fully, delete the group on SPS and run pulumi up again instead.",
  );
}
