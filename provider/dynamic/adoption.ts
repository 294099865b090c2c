/**
 * The adoption rules every resource that takes over an existing group follows (SPS usergroups, CyberArk
 * Vault groups, SpsLocalAccess), in one place so that they cannot drift apart. Documented for users in
 * docs/adoption.md. Members are compared through `key` (a name folded to lower case for PVWA, an SPS
 * user key as is).
 *
 * 1. Adopting never removes access silently: current members the program does not declare make the
 *    create fail, naming each one, unless the program sets `removeUnlistedMembers: true`.
 * 2. Releasing (delete of an adopted group) never deletes the group and never grants a right back: it
 *    removes only the members Pulumi added (declared now and not there before adoption); members that
 *    were there before adoption and are still members stay, and so does anyone added outside Pulumi.
 */

const identity = (s: string) => s;

/** Current members the program does not declare: they would lose the right if the group were adopted as declared. */
export function unlistedMembers(current: readonly string[], declared: readonly string[], key: (m: string) => string = identity): string[] {
  const want = new Set(declared.map(key));
  return current.filter((m) => !want.has(key(m)));
}

/**
 * The refusal of rule 1, or undefined when adoption may go ahead. `what` names the group
 * (`SPS local usergroup "ops"`); `names` are the unlisted members as a person reads them.
 */
export function adoptionRefusal(what: string, names: readonly string[], removeUnlistedMembers: boolean | undefined): string | undefined {
  if (!names.length || removeUnlistedMembers) return undefined;
  const list = names.map((n) => `"${n}"`).join(", ");
  return (
    `adopting ${what} would remove ${names.length === 1 ? "a member" : `${names.length} members`} the program does not declare: ${list}. ` +
    `Each would lose the right this group grants. Add ${names.length === 1 ? "it" : "them"} to the declared members to keep the access, ` +
    "or set removeUnlistedMembers: true to remove them on purpose"
  );
}

/**
 * Rule 2: the members to remove when an adopted group is released. `before` is the membership found
 * at adoption; null (state written before it was recorded) treats every declared member as added.
 */
export function membersToRelease(
  current: readonly string[],
  declared: readonly string[],
  before: readonly string[] | null | undefined,
  key: (m: string) => string = identity,
): string[] {
  const ours = new Set(declared.map(key));
  const kept = new Set((before ?? []).map(key));
  return current.filter((m) => ours.has(key(m)) && !kept.has(key(m)));
}
