/**
 * Staging of one `SpsLocalAccess` operation inside the coordinator's transaction: read the SPS facts the
 * plan needs (staged view), plan, then write each object in order, one request at a time. Sequential on
 * purpose: how SPS treats concurrent writes inside one transaction is not documented, and a steady
 * request stream keeps the session (and transaction) from idling out even for thousands of objects.
 */
import { randomBytes } from "crypto";
import { ApiError } from "../http";
import { GROUPS, USERS, type SpsClient } from "./client";
import { SpsRefusedError } from "./errors";
import { factsNeeded, planAccess, type AccessDesired, type AccessRecord, type MemberRef, type SpsFacts, type SpsGroupFact, type Write } from "./local-access-plan";
import { passwordRefSchema, type UserItem } from "./schemas";
import { nameKey } from "../validation/names";

/** What one staging produced; the outputs are built from it after the commit. */
export interface AccessStaged {
  userKeys: Record<string, string>;
  groupKeys: Record<string, string>;
  /** Password object keys set in this transaction, by user id. */
  newPasswordKeys: Record<string, string>;
  /** Resolved member keys of the groups written in this transaction, by group id. */
  writtenMembers: Record<string, string[]>;
  adoptedGroups: Record<string, string[]>;
  /** Every key written, with the item it belongs to (how a commit error naming a key is explained). */
  items: Record<string, string>;
  writes: number;
}

export const passwordKeyOf = (u: UserItem): string | undefined => {
  const r = passwordRefSchema.safeParse(u.body.password);
  return r.success ? r.data : undefined;
};

/** A password nobody knows, for users that log in another way (RADIUS): 144 random bits plus every character class. */
export const randomPassword = () => `${randomBytes(18).toString("base64url")}-Aa9`;

async function readFacts(client: SpsClient, need: { users: boolean; groups: boolean }): Promise<SpsFacts> {
  const facts: SpsFacts = {};
  if (need.users) {
    const byName = new Map<string, string>();
    for (const k of await client.listKeys(USERS, true)) {
      const u = await client.getUser(k, true);
      if (u) byName.set(nameKey(u.body.name), u.key); // NFC/NFD twins are one name
    }
    facts.userKeyByName = byName;
  }
  if (need.groups) {
    const groups: SpsGroupFact[] = [];
    for (const k of await client.listKeys(GROUPS, true)) {
      const g = await client.getGroup(k, true);
      if (g) groups.push({ key: g.key, name: g.body.name, members: g.body.members });
    }
    facts.groups = groups;
  }
  return facts;
}

export function itemLabel(w: Write): string {
  const what = w.kind.endsWith("user") ? "user" : "group";
  const id = "id" in w && w.id !== undefined ? `${what}s.${w.id}` : `unmanaged ${what}`;
  return `${id} (SPS ${what} "${w.name}")`;
}

/**
 * Stages `d` against `old` in the open transaction. Every object it writes is claimed with `ctx.claim`
 * (ids as SpsLocalUser/SpsLocalUserGroup claim them), so an SPS object managed by two resources of one run
 * is refused naming both.
 */
export async function stageAccess(
  client: SpsClient, d: AccessDesired, old: AccessRecord, ctx: { claim: (ids: string[], label: string) => void; touched: Set<string> },
): Promise<AccessStaged> {
  const facts = await readFacts(client, factsNeeded(d, old));
  const plan = planAccess(d, old, facts);
  if (plan.errors.length) throw new SpsRefusedError(`SpsLocalAccess: nothing was staged:\n- ${plan.errors.join("\n- ")}`);
  const staged: AccessStaged = {
    userKeys: { ...plan.userKeys }, groupKeys: { ...plan.groupKeys }, newPasswordKeys: {}, writtenMembers: {},
    adoptedGroups: plan.adoptedGroups, items: {}, writes: 0,
  };
  const own = (key: string, w: Write) => {
    ctx.touched.add(key);
    staged.items[key] = itemLabel(w);
    const label = "id" in w && w.id !== undefined ? `SpsLocalAccess ${w.kind.endsWith("user") ? "users" : "groups"}.${w.id}` : `SpsLocalAccess (prune of "${w.name}")`;
    ctx.claim([`${w.kind.endsWith("user") ? "user" : "group"}-key:${key}`], label);
  };
  for (const [id, key] of Object.entries(plan.userKeys)) ctx.claim([`user:${d.users[id]?.name}`, `user-key:${key}`], `SpsLocalAccess users.${id}`);
  for (const [id, key] of Object.entries(plan.groupKeys)) ctx.claim([`group:${d.groups[id]?.name}`, `group-key:${key}`], `SpsLocalAccess groups.${id}`);
  const resolve = (refs: MemberRef[]) => refs.map((r) => ("key" in r ? r.key : staged.userKeys[r.userId]));
  const password = async (id: string, w: Write) => {
    const pw = await client.createPassword(d.passwords[id] ?? randomPassword()); // fresh on every (re)stage: single use
    ctx.touched.add(pw);
    staged.items[pw] = itemLabel(w);
    staged.newPasswordKeys[id] = pw;
    return pw;
  };
  const missing = (w: Write) =>
    new SpsRefusedError(
      `${itemLabel(w)}: key ${"key" in w ? w.key : "?"} is not on SPS (deleted outside Pulumi); run "pulumi refresh" so that the next "pulumi up" creates it again`,
    );

  for (const w of plan.writes) {
    staged.writes++;
    switch (w.kind) {
      case "delete-group":
        own(w.key, w);
        await client.deleteItem(GROUPS, w.key); // 404: already gone
        break;
      case "release-group":
      case "strip-group": {
        own(w.key, w);
        const cur = await client.getGroup(w.key, true);
        if (!cur) break;
        const members = w.kind === "release-group" ? cur.body.members.filter((k) => w.keep.includes(k)) : cur.body.members.filter((k) => !w.remove.includes(k));
        await client.putItem(GROUPS, w.key, { ...cur.body, members });
        break;
      }
      case "delete-user":
        own(w.key, w);
        await client.deleteItem(USERS, w.key);
        break;
      case "update-user": {
        own(w.key, w);
        const cur = await client.getUser(w.key, true);
        if (!cur) throw missing(w);
        const pw = w.setPassword ? await password(w.id, w) : passwordKeyOf(cur);
        const { password_created: _server, ...rest } = cur.body;
        await client.putItem(USERS, w.key, { ...rest, name: w.name, ...(pw === undefined ? {} : { password: pw }) });
        break;
      }
      case "create-user": {
        const pw = await password(w.id, w);
        const key = await client.createItem(USERS, { name: w.name, password: pw });
        own(key, w);
        staged.userKeys[w.id] = key;
        break;
      }
      case "update-group": {
        own(w.key, w);
        const cur = await client.getGroup(w.key, true);
        if (!cur) throw missing(w);
        const members = resolve(w.members);
        await client.putItem(GROUPS, w.key, { ...cur.body, name: w.name, members });
        staged.writtenMembers[w.id] = members;
        break;
      }
      case "create-group": {
        const members = resolve(w.members);
        const key = await client.createItem(GROUPS, { name: w.name, members });
        own(key, w);
        staged.groupKeys[w.id] = key;
        staged.writtenMembers[w.id] = members;
        break;
      }
    }
  }
  // A group adopted as it is (no write) holds what was declared: record it, or refresh reports drift.
  for (const [id, members] of Object.entries(plan.adoptedGroups)) {
    if (old.groupKeys[id] === undefined && staged.writtenMembers[id] === undefined) staged.writtenMembers[id] = [...members];
  }
  return staged;
}

/** How to fix a refusal, from SPS's message (its error types are not documented, so the text decides). */
function fixFor(label: string, message: string): string {
  const id = label.split(" ")[0];
  if (/already exists/i.test(message)) {
    return id.startsWith("users.")
      ? `set adopt: true on ${id} to take over the existing user (its password is left alone when password is omitted), rename it, or remove it`
      : id.startsWith("groups.")
        ? `set adoptExisting: true on ${id} to manage the existing group, rename it, or remove it`
        : "rename or remove it";
  }
  if (/members must refer|existing local user/i.test(message)) return `a member of ${id} no longer exists on SPS: run "pulumi refresh", then "pulumi up"`;
  return `fix ${id} or remove it from the resource, then run "pulumi up" again`;
}

/**
 * The error of a refused commit or staging, naming each item SPS named (id, SPS name, reason, fix).
 * `collisions` are creates whose names already exist on SPS (found by reading SPS after the refusal), so
 * every blocking item is named even when SPS reports only the first.
 */
export function explainRefusal(e: unknown, staged: AccessStaged | undefined, collisions: string[]): Error {
  const root = (e as { cause?: unknown })?.cause instanceof ApiError ? ((e as { cause: ApiError }).cause) : e;
  if (!(root instanceof ApiError) || root.status >= 500 || root.status === 401) return e as Error;
  const reason = root.vendorMessage ?? root.message;
  const text = JSON.stringify(root.details ?? "");
  const named = Object.entries(staged?.items ?? {}).filter(([k]) => k.length >= 6 && text.includes(k)).map(([, label]) => label);
  const lines = [...new Set(named)].map((label) => `- ${label}: ${reason} Fix: ${fixFor(label, reason)}.`);
  for (const c of collisions) if (!named.includes(c)) lines.push(`- ${c}: an object with this name already exists on SPS. Fix: ${fixFor(c, "already exists")}.`);
  if (!lines.length) lines.push(`- SPS did not say which item: ${reason}`);
  const err = new Error(
    `SpsLocalAccess: SPS refused the transaction (${root.vendorCode ?? root.status}), so nothing was applied and the state is unchanged:\n${lines.join("\n")}`,
    { cause: e },
  );
  return err;
}
