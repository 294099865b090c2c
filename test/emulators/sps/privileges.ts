/** One ACL row as `GET /api/configuration/aaa/acls` shows it ([DOC] D-ACL). */
export interface AclEntry {
  group: string;
  objects: string[];
  /** `write` means "read and write/perform", so it implies `read` ([DOC] D-ACT wording). */
  permission: "read" | "write";
}

/** ACL objects the emulator checks. [DOC] D-ACL for /special/basic, auth, searchmenu, changelog; D-ACT for active_sessions. */
export const ACL_OBJECTS = {
  basic: "/special/basic",
  auth: "/special/auth",
  search: "/special/searchmenu",
  changelog: "/special/changelog",
  http: "/special/pol_http",
  activeSessions: "/special/active_sessions",
} as const;

/**
 * Built-in groups and their ACLs. Names basic-view..http-write are [DOC] D-ACL; the bindings of
 * `http-*` and the two `active-sessions-*` groups are Choice (SPS ships more groups; these are the
 * ones the emulated endpoints need).
 */
export const BUILTIN_ACLS: AclEntry[] = [
  { group: "basic-view", objects: [ACL_OBJECTS.basic], permission: "read" },
  { group: "basic-write", objects: [ACL_OBJECTS.basic], permission: "write" },
  { group: "auth-view", objects: [ACL_OBJECTS.auth], permission: "read" },
  { group: "auth-write", objects: [ACL_OBJECTS.auth], permission: "write" },
  { group: "search", objects: [ACL_OBJECTS.search], permission: "read" },
  { group: "changelog", objects: [ACL_OBJECTS.changelog], permission: "read" },
  { group: "http-view", objects: [ACL_OBJECTS.http], permission: "read" },
  { group: "http-write", objects: [ACL_OBJECTS.http], permission: "write" },
  { group: "active-sessions-view", objects: [ACL_OBJECTS.activeSessions], permission: "read" },
  { group: "active-sessions-write", objects: [ACL_OBJECTS.activeSessions], permission: "write" },
];

/** Names of the built-in groups, in ACL order. */
export const BUILTIN_GROUPS: string[] = [...new Set(BUILTIN_ACLS.map((a) => a.group))];

/**
 * Whether a user in `groupNames` may `need` on `object`. The `admin` user has all privileges
 * ([DOC] seed page "admin ... has all possible privileges").
 */
export function hasPermission(
  userName: string,
  groupNames: string[],
  acls: AclEntry[],
  object: string,
  need: "read" | "write",
): boolean {
  if (userName === "admin") return true;
  return acls.some(
    (a) => groupNames.includes(a.group) && a.objects.includes(object) && (need === "read" || a.permission === "write"),
  );
}
