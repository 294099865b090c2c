import { createHash, randomBytes } from "crypto";

/** A local user as stored. */
export interface UserRecord {
  key: string;
  name: string;
  /** Key of the referenced password object. */
  passwordKey: string;
  /** UNIX seconds when the password reference last changed ([DOC] seed page `password_created`). */
  passwordCreated: number;
  /** Unknown body fields a client sent, kept so that PUT round-trips them. */
  extra: Record<string, unknown>;
}

/** A local usergroup as stored. Choice: `members` hold user keys (see README). */
export interface GroupRecord {
  key: string;
  name: string;
  members: string[];
  builtin: boolean;
  extra: Record<string, unknown>;
}

/** A password object: only a SHA-256 hex digest is kept, never the plain text. */
export interface PasswordRecord {
  key: string;
  sha256: string;
  /**
   * The user key that first referenced this object in a committed config. Objects are single-use
   * ([DOC] D-PWD: a password object serves one purpose only), so the binding outlives the reference.
   */
  boundTo?: string;
}

/** One configuration tree (committed, or a transaction's staged copy). Maps keep insertion order. */
export interface ConfigData {
  users: Map<string, UserRecord>;
  groups: Map<string, GroupRecord>;
  passwords: Map<string, PasswordRecord>;
}

/** One changelog entry ([DOC] D-CHG). */
export interface ChangeEntry {
  type: "create" | "delete" | "replace" | "reorder";
  path: string;
  new_value?: unknown;
  old_value?: unknown;
}

/** Deep copy for copy-on-write staging. */
export function cloneConfig(c: ConfigData): ConfigData {
  return {
    users: new Map([...c.users].map(([k, u]) => [k, { ...u, extra: structuredClone(u.extra) }])),
    groups: new Map([...c.groups].map(([k, g]) => [k, { ...g, members: [...g.members], extra: structuredClone(g.extra) }])),
    passwords: new Map([...c.passwords].map(([k, p]) => [k, { ...p }])),
  };
}

/** An empty configuration. */
export const emptyConfig = (): ConfigData => ({ users: new Map(), groups: new Map(), passwords: new Map() });

/** Opaque 22-char lowercase hex key ([DOC] D-INTRO57: keys look like `46785097158061f46c63d0`). */
export const newKey = (): string => randomBytes(11).toString("hex");

/** SHA-256 hex of a password, the form the hash variant of POST /api/configuration/passwords carries. */
export const sha256Hex = (plain: string): string => createHash("sha256").update(plain, "utf8").digest("hex");

/** API paths of the local database. */
export const PATHS = {
  aaa: "/api/configuration/aaa",
  localDb: "/api/configuration/aaa/local_database",
  users: "/api/configuration/aaa/local_database/users",
  groups: "/api/configuration/aaa/local_database/groups",
  acls: "/api/configuration/aaa/acls",
  settings: "/api/configuration/aaa/settings",
  passwords: "/api/configuration/passwords",
  transaction: "/api/transaction",
} as const;
