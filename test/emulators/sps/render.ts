import type { GroupRecord, UserRecord } from "./model";
import { PATHS } from "./model";

/** Links of a single object or collection ([DOC] D-INTRO57 "Message format"). Missing neighbours are null. */
export interface SpsMeta {
  first: string | null;
  href: string;
  last: string | null;
  next: string | null;
  parent: string | null;
  previous: string | null;
  transaction: string;
}

/** `body.password` as read: seed shape `{key, meta:{href}}` or, by option, the plain key ([UNK]: D-USR does not show it). */
export function renderPasswordRef(key: string, mode: "reference" | "key"): unknown {
  return mode === "key" ? key : { key, meta: { href: `${PATHS.passwords}/${key}` } };
}

/** A user's body ([DOC] seed page: name, password, password_created). Unknown fields round-trip. */
export function userBody(u: UserRecord, mode: "reference" | "key"): Record<string, unknown> {
  return { ...u.extra, name: u.name, password: renderPasswordRef(u.passwordKey, mode), password_created: u.passwordCreated };
}

/** A group's body ([DOC] D-GRP sample `{"members": [], "name": "http-write"}`). */
export function groupBody(g: GroupRecord): Record<string, unknown> {
  return { ...g.extra, members: [...g.members], name: g.name };
}

/**
 * An item of a config list: `first/last/next/previous` walk the parent list in insertion order
 * (ordering is [INF]; emulator choice: insertion order).
 */
export function renderItem(parent: string, keys: string[], key: string, body: unknown) {
  const i = keys.indexOf(key);
  const href = (k: string | undefined) => (k === undefined ? null : `${parent}/${k}`);
  const meta: SpsMeta = {
    first: href(keys[0]),
    href: `${parent}/${key}`,
    last: href(keys[keys.length - 1]),
    next: href(keys[i + 1]),
    parent,
    previous: i > 0 ? href(keys[i - 1]) : null,
    transaction: PATHS.transaction,
  };
  return { body, key, meta };
}

/** A collection: `items[{key, meta:{href}}]` plus the collection's own sibling links. */
export function renderCollection(
  href: string,
  itemKeys: string[],
  siblings: { first: string | null; last: string | null; next: string | null; previous: string | null; parent: string | null },
  itemHref: (key: string) => string = (k) => `${href}/${k}`,
) {
  return {
    items: itemKeys.map((key) => ({ key, meta: { href: itemHref(key) } })),
    meta: { first: siblings.first, href, last: siblings.last, next: siblings.next, parent: siblings.parent, previous: siblings.previous, transaction: PATHS.transaction },
  };
}

/** HTTP-date (RFC 1123) as cookies carry it ([CODE] JV parses `EEE, d MMM yyyy HH:mm:ss z`). */
export const httpDate = (ms: number): string => new Date(ms).toUTCString();
