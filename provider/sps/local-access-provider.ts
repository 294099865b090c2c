/**
 * Implementation of `SpsLocalAccess` (loaded by the provider shim at call time): a whole team's local users
 * and groups as one resource, applied as one atomic transaction and one commit per operation.
 */
import type * as pulumi from "@pulumi/pulumi";
import { randomUUID } from "crypto";
import { z } from "zod";
import { applianceChanged, checkInputs, hasUnknown, isUnknown, jsonSafe } from "../dynamic/inputs";
import { nameKey } from "../validation/names";
import type { ResourceState } from "../dynamic/resource-spec";
import { GROUPS, USERS, type SpsClient } from "./client";
import { spsConnectionInputSchema, type SpsConnectionInput } from "./connection";
import type { StagedOperation } from "./coordinator";
import { SpsCommitUnknownError } from "./errors";
import { changedItems, emptyRecord, PROTECTED_USERS, type AccessDesired, type AccessGroup, type AccessRecord, type AccessUser, type PruneList } from "./local-access-plan";
import { explainRefusal, passwordKeyOf, stageAccess, type AccessStaged } from "./local-access-stage";
import type { SpsLocalAccessOutputs } from "./resource-specs";
import { configureSps, effectiveUrl, targetFor, type SpsProviderContext, type SpsTarget } from "./context";
import { assertLocalUsersManageable } from "./ldap-guard";
import { withStoredConnection } from "./stored-connection";

export const configure = configureSps;

const name = (what: string) =>
  z
    .string({ error: `is required: the SPS ${what} name` })
    .min(1, "must not be empty")
    .max(128, "must be at most 128 characters")
    .refine((n) => n.trim() === n, "must not start or end with white space");
const idKey = z.string().min(1, "ids must not be empty").max(128, "ids must be at most 128 characters");
const uniqueList = z.array(z.string().min(1, "entries must not be empty")).superRefine((xs, ctx) => {
  const dup = xs.find((x, i) => xs.indexOf(x) !== i);
  if (dup !== undefined) ctx.addIssue({ code: "custom", message: `lists "${dup}" twice; list each member once` });
});
const pruneListSchema = z.object({ users: z.record(z.string(), z.string()), groups: z.record(z.string(), z.string()) }).strict();

/** The fields of the inputs, without the checks across them (preview validates only what is known). */
const localAccessFieldsSchema = z
  .object({
    users: z
      .record(idKey, z.object({
        name: name("user").refine((n) => !PROTECTED_USERS.has(n), "must not be \"admin\": the built-in admin user cannot be managed or deleted (SPS rule)"),
        adopt: z.boolean().optional(),
      }).strict())
      .default({}),
    passwords: z.record(idKey, z.string().min(1, "must not be empty (omit the password to leave it alone)")).default({}),
    groups: z
      .record(idKey, z.object({
        name: name("usergroup"),
        members: uniqueList.optional(),
        memberNames: uniqueList.optional(),
        adoptExisting: z.boolean().optional(),
        removeUnlistedMembers: z.boolean().optional(),
      }).strict())
      .default({}),
    prune: z.boolean().optional(),
    /** Computed by check when prune is on: what this operation deletes (visible in preview). */
    pruned: pruneListSchema.optional(),
    connection: spsConnectionInputSchema.optional(),
    __resourceName: z.string().optional(),
    __provider: z.unknown().optional(),
  })
  .strict();

/** Inputs on the wire (the resource class splits the passwords out of `users` into the secret `passwords`). */
export const localAccessInputsSchema = localAccessFieldsSchema.superRefine((v, ctx) => {
  const dupNames = (items: Record<string, { name: string }>, path: string) => {
    const seen = new Map<string, string>();
    for (const [id, x] of Object.entries(items)) {
      const other = seen.get(x.name);
      if (other !== undefined) ctx.addIssue({ code: "custom", path: [path, id, "name"], message: `"${x.name}" is also the name of ${path}.${other}; SPS names are unique` });
      seen.set(x.name, id);
    }
  };
  dupNames(v.users, "users");
  dupNames(v.groups, "groups");
  for (const id of Object.keys(v.passwords)) {
    if (!(id in v.users)) ctx.addIssue({ code: "custom", path: ["passwords", id], message: `has no user "${id}" in users` });
  }
  const userNames = new Map(Object.entries(v.users).map(([id, u]) => [u.name, id]));
  for (const [id, g] of Object.entries(v.groups)) {
    for (const m of g.members ?? []) {
      if (!(m in v.users)) ctx.addIssue({ code: "custom", path: ["groups", id, "members"], message: `lists "${m}", which is not an id in users; use memberNames for SPS users outside this resource` });
    }
    for (const n of g.memberNames ?? []) {
      const uid = userNames.get(n);
      if (uid !== undefined) ctx.addIssue({ code: "custom", path: ["groups", id, "memberNames"], message: `lists "${n}", which is users.${uid} of this resource; list "${uid}" in members instead` });
    }
  }
});
type Inputs = z.infer<typeof localAccessInputsSchema>;

/** The state: the inputs as stored, what SPS assigned (the outputs of the spec) and the record the next plan starts from. */
export type LocalAccessOutputs = ResourceState<Inputs, SpsLocalAccessOutputs, "prune"> & AccessRecord;

const emptyPrune = (): PruneList => ({ users: {}, groups: {} });

function desiredOf(i: Inputs): AccessDesired {
  return { users: i.users, passwords: i.passwords, groups: i.groups, pruned: i.pruned };
}

function recordOf(o: Partial<LocalAccessOutputs> | undefined): AccessRecord {
  return { ...emptyRecord(), ...Object.fromEntries(Object.entries(o ?? {}).filter(([k, v]) => k in emptyRecord() && v != null)) } as AccessRecord;
}

/**
 * Built-in usergroups named in the SPS documentation (Users & Access Control, usergroup privileges).
 * Never pruned; groups any ACL names are not pruned either (read from /api/configuration/aaa/acls).
 */
const BUILTIN_GROUPS = new Set(["basic-view", "basic-write", "auth-view", "auth-write", "search", "changelog", "http-view", "http-write"]);
const aclsSchema = z.object({ body: z.array(z.object({ group: z.string() }).passthrough()) }).passthrough().transform((a) => a.body.map((x) => x.group));

/** Undeclared local users and groups (outside any transaction): what `prune` would delete. */
async function findPrunable(client: SpsClient, keep: { users: Set<string>; groups: Set<string> }): Promise<PruneList> {
  const out = emptyPrune();
  for (const k of await client.listKeys(USERS)) {
    const u = await client.getUser(k);
    if (u && !PROTECTED_USERS.has(u.body.name) && !keep.users.has(nameKey(u.body.name))) out.users[u.body.name] = u.key;
  }
  const aclGroups = new Set(await client.read({ method: "GET", path: "/api/configuration/aaa/acls", schema: aclsSchema }));
  for (const k of await client.listKeys(GROUPS)) {
    const g = await client.getGroup(k);
    if (g && !BUILTIN_GROUPS.has(g.body.name) && !aclGroups.has(g.body.name) && !keep.groups.has(nameKey(g.body.name))) out.groups[g.body.name] = g.key;
  }
  return out;
}

export async function check(olds: Record<string, unknown> | undefined, news: Record<string, unknown>, ctx?: SpsProviderContext): Promise<pulumi.dynamic.CheckResult> {
  if (news.pruned !== undefined) return { inputs: news, failures: [{ property: "pruned", reason: "is computed by the provider (what prune deletes); do not set it" }] };
  // An unknown in users, passwords or groups (preview) leaves the checks across them to the apply.
  const crossKnown = !["users", "passwords", "groups"].some((k) => hasUnknown(news[k]));
  const checked = checkInputs(crossKnown ? localAccessInputsSchema : localAccessFieldsSchema, news);
  if (checked.failures?.length || news.prune !== true || ["users", "groups", "connection"].some((k) => hasUnknown(news[k]))) return checked;
  const i = localAccessInputsSchema.parse(news);
  const old = (olds ?? {}) as Partial<Inputs>;
  // Names declared now or before (a rename's old name is still ours until the update applies it).
  const keep = { users: new Set<string>(), groups: new Set<string>() };
  for (const u of [...Object.values(i.users), ...Object.values(old.users ?? {})]) keep.users.add(nameKey(u.name));
  for (const g of [...Object.values(i.groups), ...Object.values(old.groups ?? {})]) {
    keep.groups.add(nameKey(g.name));
    for (const n of g.memberNames ?? []) keep.users.add(nameKey(n));
  }
  const target = targetFor(i.connection, ctx);
  const pruned = await target.coordinator.read((c) => findPrunable(c, keep));
  return { inputs: { ...news, pruned } };
}

const urlOf = (i: { connection?: SpsConnectionInput }, ctx: SpsProviderContext | undefined) => effectiveUrl(i.connection, ctx) ?? null;

/** Keys in `news.pruned` that no earlier operation of this resource deleted. */
const newPrunes = (news: PruneList | undefined, olds: PruneList | undefined) => {
  const done = new Set([...Object.values(olds?.users ?? {}), ...Object.values(olds?.groups ?? {})]);
  return [...Object.values(news?.users ?? {}), ...Object.values(news?.groups ?? {})].filter((k) => !done.has(k));
};

/** `v` with an unknown (preview) at each of `flags` replaced by `old`'s value: flags that never change an existing object. */
function settleFlags(items: unknown, olds: Record<string, object> | undefined, flags: string[]): unknown {
  if (!items || typeof items !== "object" || isUnknown(items)) return items;
  return Object.fromEntries(Object.entries(items as Record<string, unknown>).map(([id, x]) => {
    if (!x || typeof x !== "object" || olds?.[id] === undefined) return [id, x];
    const o = { ...(x as Record<string, unknown>) };
    for (const f of flags) if (isUnknown(o[f])) o[f] = (olds[id] as Record<string, unknown>)[f];
    return [id, o];
  }));
}

export async function diff(_id: string, olds: LocalAccessOutputs, news: Inputs, ctx: SpsProviderContext): Promise<pulumi.dynamic.DiffResult> {
  // Another appliance is another set of objects: replace (an unknown URL in preview may be one). Credentials alone are no change.
  const replaces = applianceChanged(news.connection, olds.url, (c) => effectiveUrl(c, ctx)) ? ["connection"] : [];
  // adopt / adoptExisting / removeUnlistedMembers only act when an object is taken over, so an unknown one
  // on an existing object is no change; any other unknown (a name, a password, a member, prune) is an update.
  const d = {
    users: settleFlags(news.users, olds.users, ["adopt"]),
    passwords: news.passwords,
    groups: settleFlags(news.groups, olds.groups, ["adoptExisting", "removeUnlistedMembers"]),
    prune: news.prune,
    pruned: news.pruned,
  };
  if (hasUnknown(d)) return { changes: true, replaces, deleteBeforeReplace: false };
  const items = changedItems(desiredOf(localAccessInputsSchema.parse(d)), recordOf(olds));
  const changes = items.users.length + items.groups.length > 0 || newPrunes(news.pruned, olds.pruned).length > 0;
  return { changes: changes || replaces.length > 0, replaces, deleteBeforeReplace: false };
}

function outputsOf(i: Inputs, old: AccessRecord, s: AccessStaged, ctx: SpsProviderContext | undefined): LocalAccessOutputs {
  const passwordKeys: Record<string, string | null> = {};
  const groupMemberKeys: Record<string, string[]> = {};
  for (const id of Object.keys(i.users)) passwordKeys[id] = s.newPasswordKeys[id] ?? (old.userKeys[id] !== undefined ? old.passwordKeys[id] ?? null : null);
  for (const id of Object.keys(i.groups)) groupMemberKeys[id] = s.writtenMembers[id] ?? old.groupMemberKeys[id] ?? [];
  const all = <T>(ids: string[], v: T) => Object.fromEntries(ids.map((id) => [id, v]));
  return jsonSafe({
    users: i.users, passwords: i.passwords, groups: i.groups, prune: i.prune ?? false, pruned: i.pruned ?? emptyPrune(), connection: i.connection,
    userKeys: s.userKeys, groupKeys: s.groupKeys, passwordKeys,
    passwordInSync: all(Object.keys(i.users), true),
    passwordManaged: Object.fromEntries(Object.keys(i.users).map((id) => [id, i.passwords[id] !== undefined])),
    groupMemberKeys, membersInSync: all(Object.keys(i.groups), true), adoptedGroups: s.adoptedGroups,
    url: urlOf(i, ctx),
  });
}

/**
 * Submits one atomic operation: staged and committed in a transaction of its own; a refused commit fails
 * the whole operation, explained per item.
 */
async function apply(target: SpsTarget, kind: "create" | "update" | "delete", d: AccessDesired, old: AccessRecord, owner: string): Promise<AccessStaged> {
  let last: AccessStaged | undefined;
  // The coordinator's one claim table (claims are synchronous and take no lock, so stage may make them).
  const claim = (ids: string[], label: string) => target.coordinator.claim(ids, owner, label);
  const op: StagedOperation<AccessStaged> = {
    kind,
    atomic: true,
    label: "SpsLocalAccess",
    async stage(client, touched) {
      last = undefined;
      last = await stageAccess(client, d, old, { claim, touched });
      return last;
    },
    // After a commit with an unknown outcome (read outside the transaction): applied when every created or
    // renamed object is found under its name; not applied when none is; anything else stays unknown.
    async verify(client) {
      if (!last) return undefined;
      const s = last;
      const users = new Map<string, { name: string; pw?: string }>();
      for (const k of await client.listKeys(USERS)) {
        const u = await client.getUser(k);
        if (u) users.set(u.key, { name: u.body.name, pw: passwordKeyOf(u) });
      }
      const groups = new Map<string, string>();
      for (const k of await client.listKeys(GROUPS)) {
        const g = await client.getGroup(k);
        if (g) groups.set(g.key, g.body.name);
      }
      // Only what this transaction wrote tells whether it was applied.
      const checks: boolean[] = [];
      for (const [id, k] of Object.entries(s.userKeys)) {
        if (!(k in s.items)) continue;
        const u = users.get(k);
        checks.push(!!u && u.name === d.users[id]?.name && (s.newPasswordKeys[id] === undefined || u.pw === s.newPasswordKeys[id]));
      }
      for (const [id, k] of Object.entries(s.groupKeys)) if (k in s.items) checks.push(groups.get(k) === d.groups[id]?.name);
      if (checks.length && checks.every(Boolean)) return s;
      if (checks.length && !checks.some(Boolean)) return undefined;
      if (!checks.length) return undefined; // only deletions: restaging them is idempotent (404 is success)
      throw new Error(`${checks.filter(Boolean).length} of ${checks.length} written objects are on SPS as staged`);
    },
  };
  try {
    return await target.coordinator.submit(op);
  } catch (e) {
    if (e instanceof SpsCommitUnknownError || (e as { cause?: unknown }).cause instanceof SpsCommitUnknownError) throw e;
    throw explainRefusal(e, last, await collisions(target, d, old).catch(() => []));
  }
}

/** Creates whose names already exist on SPS (read after a refusal, outside any transaction). */
async function collisions(target: SpsTarget, d: AccessDesired, old: AccessRecord): Promise<string[]> {
  const newUsers = Object.entries(d.users).filter(([id, u]) => old.userKeys[id] === undefined && !u.adopt);
  const newGroups = Object.entries(d.groups).filter(([id, g]) => old.groupKeys[id] === undefined && !g.adoptExisting);
  if (!newUsers.length && !newGroups.length) return [];
  return target.coordinator.read(async (c) => {
    const out: string[] = [];
    const taken = async (coll: string, get: (k: string) => Promise<{ body: { name: string } } | undefined>) => {
      const s = new Set<string>();
      for (const k of await c.listKeys(coll)) {
        const x = await get(k);
        if (x) s.add(x.body.name);
      }
      return s;
    };
    if (newUsers.length) {
      const names = await taken(USERS, (k) => c.getUser(k));
      for (const [id, u] of newUsers) if (names.has(u.name)) out.push(`users.${id} (SPS user "${u.name}")`);
    }
    if (newGroups.length) {
      const names = await taken(GROUPS, (k) => c.getGroup(k));
      for (const [id, g] of newGroups) if (names.has(g.name)) out.push(`groups.${id} (SPS group "${g.name}")`);
    }
    return out;
  });
}

export async function create(news: Inputs, ctx: SpsProviderContext): Promise<pulumi.dynamic.CreateResult> {
  const i = localAccessInputsSchema.parse(news);
  const target = targetFor(i.connection, ctx);
  await assertLocalUsersManageable(target);
  const old = emptyRecord();
  const id = `sps-local-access-${randomUUID()}`;
  try {
    const s = await apply(target, "create", desiredOf(i), old, i.__resourceName ?? "SpsLocalAccess");
    return { id, outs: outputsOf(i, old, s, ctx) };
  } catch (e) {
    // Unknown commit outcome: keep what was staged in state, so the next up checks those keys on SPS.
    const staged = ((e as { cause?: unknown }).cause instanceof SpsCommitUnknownError ? (e as { cause: SpsCommitUnknownError }).cause : e instanceof SpsCommitUnknownError ? e : undefined)?.staged as AccessStaged | undefined;
    if (!staged?.userKeys) throw e;
    const err = new Error((e as Error).message) as Error & { id: string; properties: object; reasons: string[] };
    err.id = id;
    err.properties = { ...outputsOf(i, old, staged, ctx), __provider: news.__provider };
    err.reasons = [(e as Error).message];
    throw err;
  }
}

export async function update(_id: string, olds: LocalAccessOutputs, news: Inputs, ctx: SpsProviderContext): Promise<pulumi.dynamic.UpdateResult> {
  const i = localAccessInputsSchema.parse(news);
  const target = targetFor(i.connection, ctx);
  await assertLocalUsersManageable(target);
  const old = recordOf(olds);
  const s = await apply(target, "update", desiredOf(i), old, i.__resourceName ?? "SpsLocalAccess");
  return { outs: outputsOf(i, old, s, ctx) };
}

/** Runs `fn` over `items` with at most `n` in flight (refresh reads, outside any transaction). */
async function pool<T>(items: T[], n: number, fn: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

/** Refresh: one GET per declared object, outside any transaction; drift is reported per item. */
export async function read(id: string, props: Partial<LocalAccessOutputs>, ctx: SpsProviderContext): Promise<pulumi.dynamic.ReadResult> {
  const o = { ...recordOf(props), ...props } as LocalAccessOutputs;
  const users: Record<string, AccessUser> = {};
  const groups: Record<string, AccessGroup> = {};
  const userKeys: Record<string, string> = {};
  const groupKeys: Record<string, string> = {};
  const passwordInSync: Record<string, boolean> = {};
  const membersInSync: Record<string, boolean> = {};
  const passwordKeys: Record<string, string | null> = {};
  const groupMemberKeys: Record<string, string[]> = {};
  await withStoredConnection(props.connection, ctx, (t) => t.coordinator.read(async (c) => {
    await pool(Object.entries(o.userKeys), 8, async ([uid, key]) => {
      const u = await c.getUser(key);
      if (!u) return; // deleted outside Pulumi: dropped, so the next up creates it again
      userKeys[uid] = key;
      users[uid] = { ...(o.users[uid] ?? { name: u.body.name }), name: u.body.name };
      passwordKeys[uid] = o.passwordKeys[uid] ?? null;
      const managed = o.passwordManaged?.[uid] ?? o.passwords?.[uid] !== undefined;
      const seen = passwordKeyOf(u) ?? null;
      passwordInSync[uid] = o.passwordInSync[uid] !== false && (!managed || passwordKeys[uid] === null || seen === passwordKeys[uid]);
    });
    await pool(Object.entries(o.groupKeys), 8, async ([gid, key]) => {
      const g = await c.getGroup(key);
      if (!g) return;
      groupKeys[gid] = key;
      groups[gid] = { ...(o.groups[gid] ?? { name: g.body.name }), name: g.body.name };
      const had = o.groupMemberKeys[gid] ?? [];
      groupMemberKeys[gid] = had;
      membersInSync[gid] = o.membersInSync[gid] !== false && had.length === g.body.members.length && had.every((k) => g.body.members.includes(k));
    });
  }));
  // Keep the declaration order of the recorded maps (stable outputs, no spurious diffs).
  const ordered = <T>(ref: Record<string, unknown>, m: Record<string, T>) => Object.fromEntries(Object.keys(ref).filter((k) => k in m).map((k) => [k, m[k]]));
  return {
    id,
    props: jsonSafe({
      ...props,
      users: ordered(o.users, users), groups: ordered(o.groups, groups),
      userKeys: ordered(o.userKeys, userKeys), groupKeys: ordered(o.groupKeys, groupKeys),
      passwordKeys: ordered(o.userKeys, passwordKeys), passwordInSync: ordered(o.userKeys, passwordInSync),
      groupMemberKeys: ordered(o.groupKeys, groupMemberKeys), membersInSync: ordered(o.groupKeys, membersInSync),
      url: props.url ?? urlOf(props, ctx),
    }),
  };
}

/** Destroy: every user and group of the resource in one transaction; adopted groups are released, not deleted. */
export async function del(_id: string, props: LocalAccessOutputs, ctx: SpsProviderContext): Promise<void> {
  const old = recordOf(props);
  if (!Object.keys(old.userKeys).length && !Object.keys(old.groupKeys).length) return;
  await withStoredConnection(props.connection, ctx, async (target) => {
    await assertLocalUsersManageable(target);
    await apply(target, "delete", { users: {}, passwords: {}, groups: {} }, old, (props as { __resourceName?: string }).__resourceName ?? "SpsLocalAccess");
  });
}
export { del as delete };
