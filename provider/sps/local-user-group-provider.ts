/**
 * Implementation of `SpsLocalUserGroup` (loaded by the provider shim at call time). The group owns its
 * membership: `members` in SPS hold user keys, and users never edit groups,
 * so two resources never fight over one list.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { applianceChanged, checkInputs, hasUnknown, jsonSafe } from "../dynamic/inputs";
import type { ResourceState } from "../dynamic/resource-spec";
import { pathSegment } from "../http";
import { GROUPS, type SpsClient } from "./client";
import { spsConnectionInputSchema } from "./connection";
import type { StagedOperation } from "./coordinator";
import { adoptionRefusal, membersToRelease, unlistedMembers } from "../dynamic/adoption";
import { groupExistsError } from "./adoption";
import { SpsRefusedError } from "./errors";
import { claimObjects, configureSps, effectiveUrl, targetFor, type SpsProviderContext } from "./context";
import { explainNameTaken, partialCreateOnUnknownCommit } from "./partial-create";
import { withStoredConnection } from "./stored-connection";
import type { SpsLocalUserGroupOutputs } from "./resource-specs";
import type { GroupItem } from "./schemas";
import { NAME_LIMITS, nameIssue, nameKey, nfcInputs } from "../validation/names";

export const configure = configureSps;

const uniqueList = (what: string, nameMax?: number) =>
  z.array(nameMax === undefined ? z.string().min(1, `entries must not be empty`) : z.string().superRefine(nameIssue(nameMax))).superRefine((xs, ctx) => {
    const seen = new Set<string>();
    for (const x of xs) {
      if (seen.has(x)) ctx.addIssue({ code: "custom", message: `lists ${what} "${x}" twice; list each member once` });
      seen.add(x);
    }
  });

/** Inputs of SpsLocalUserGroup (strict). */
export const localUserGroupInputsSchema = z
  .object({
    name: z
      .string({ error: "is required: the SPS usergroup name" })
      .superRefine(nameIssue(NAME_LIMITS.spsGroupName)),
    members: uniqueList("user key").optional(),
    memberNames: uniqueList("username", NAME_LIMITS.spsUserName).optional(),
    adoptExisting: z.boolean().optional(),
    /** With adoptExisting: remove current members that are not declared (otherwise adoption refuses, naming them). */
    removeUnlistedMembers: z.boolean().optional(),
    connection: spsConnectionInputSchema.optional(),
    __resourceName: z.string().optional(),
    __provider: z.unknown().optional(),
  })
  .strict();
type Inputs = z.infer<typeof localUserGroupInputsSchema>;

/** The state: the inputs as stored (lists and flags defaulted) plus what SPS holds (the outputs of the spec). */
export type LocalUserGroupOutputs = ResourceState<Inputs, SpsLocalUserGroupOutputs, "members" | "memberNames" | "adoptExisting" | "removeUnlistedMembers">;

const label = (name: string) => `SPS local usergroup "${name}"`;
/** What one resource owns on SPS in a run: its group name and, once known, its key. */
const groupClaims = (name: string, key?: string) => [`group:${name}`, ...(key ? [`group-key:${key}`] : [])];
const sorted = (xs: string[]) => [...xs].sort();
const sameSet = (a: string[], b: string[]) => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));

export async function check(_olds: unknown, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  // NFC first: NFC/NFD twins are one name (and a member listed in both forms is listed twice).
  return checkInputs(localUserGroupInputsSchema, nfcInputs(news, ["name", "memberNames"]));
}

export async function diff(_id: string, olds: LocalUserGroupOutputs, news: Inputs, ctx: SpsProviderContext): Promise<pulumi.dynamic.DiffResult> {
  const replaces = applianceChanged(news.connection, olds.url, (c) => effectiveUrl(c, ctx)) ? ["connection"] : [];
  // Membership is updated in place, so an unknown list or member (preview) is an update.
  const changed =
    olds.name !== news.name ||
    hasUnknown(news.members) ||
    hasUnknown(news.memberNames) ||
    !sameSet(olds.members ?? [], news.members ?? []) ||
    !sameSet(olds.memberNames ?? [], news.memberNames ?? []) ||
    olds.membersInSync === false;
  claimObjects(news, ctx, groupClaims(news.name, olds.key ?? _id), label(news.name), { lenient: true });
  return { changes: changed || replaces.length > 0, replaces, deleteBeforeReplace: false };
}

/**
 * Member keys to store: the given keys plus usernames resolved in the transaction's staged view (so a
 * user created in the same batch is found), through an index built once per transaction.
 */
async function resolveMembers(client: SpsClient, inputs: Inputs): Promise<string[]> {
  const keys = [...(inputs.members ?? [])];
  const names = inputs.memberNames ?? [];
  if (names.length) {
    const byName = await client.stagedUserKeysByName();
    for (const n of names) {
      const k = byName.get(nameKey(n));
      if (!k) throw new SpsRefusedError(`memberNames: no SPS local user is named "${n}"; create it first (or list its key in members)`);
      if (!keys.includes(k)) keys.push(k);
    }
  }
  return keys;
}

type Staged = { key: string; memberKeys: string[]; adopted: boolean; adoptedMembers: string[] | null };

/** Member keys as a person reads them: usernames from the staged view, the key when no user has it. */
async function describeMembers(client: SpsClient, keys: string[]): Promise<string[]> {
  const users = await client.stagedUsers();
  return keys.map((k) => users.get(k)?.body.name ?? `key ${k}`);
}

function createOp(inputs: Inputs): StagedOperation<Staged> {
  return {
    kind: "create",
    priority: 1,
    label: label(inputs.name),
    async stage(client, touched) {
      const memberKeys = await resolveMembers(client, inputs);
      // Looked up in the staged view before anything is written, so a clash fails here, naming the fix.
      const existing = [...(await client.stagedGroups()).values()].find((g) => nameKey(g.body.name) === nameKey(inputs.name));
      if (existing && !inputs.adoptExisting) throw groupExistsError(inputs.name, existing.key);
      if (existing) {
        const before = existing.body.members;
        const refusal = adoptionRefusal(label(inputs.name), await describeMembers(client, unlistedMembers(before, memberKeys)), inputs.removeUnlistedMembers);
        if (refusal) throw new SpsRefusedError(refusal);
        touched.add(existing.key);
        // Already exactly as declared: adopt without writing anything.
        if (!sameSet(before, memberKeys)) await client.putItem(GROUPS, existing.key, { ...existing.body, name: inputs.name, members: memberKeys });
        return { key: existing.key, memberKeys, adopted: true, adoptedMembers: before };
      }
      const key = await client.createItem(GROUPS, { name: inputs.name, members: memberKeys });
      touched.add(key);
      return { key, memberKeys, adopted: false, adoptedMembers: null };
    },
    async verify(client) {
      if (inputs.adoptExisting) return undefined; // adoption restages safely
      const g = await client.findGroupByName(inputs.name);
      return g ? { key: g.key, memberKeys: g.body.members, adopted: false, adoptedMembers: null } : undefined;
    },
  };
}

function outputs(inputs: Inputs, s: Staged, ctx: SpsProviderContext | undefined): LocalUserGroupOutputs {
  return jsonSafe({
    name: inputs.name,
    members: inputs.members ?? [],
    memberNames: inputs.memberNames ?? [],
    adoptExisting: inputs.adoptExisting ?? false,
    removeUnlistedMembers: inputs.removeUnlistedMembers ?? false,
    connection: inputs.connection,
    key: s.key,
    url: effectiveUrl(inputs.connection, ctx) ?? null,
    memberKeys: s.memberKeys,
    membersInSync: true,
    adopted: s.adopted,
    adoptedMembers: s.adoptedMembers,
  });
}

export async function create(inputs: Inputs, ctx: SpsProviderContext): Promise<pulumi.dynamic.CreateResult> {
  const target = targetFor(inputs.connection, ctx);
  claimObjects(inputs, ctx, groupClaims(inputs.name), label(inputs.name));
  const r = await target.coordinator
    .submit(createOp(inputs))
    .catch((e) => partialCreateOnUnknownCommit(e, inputs, (key) => outputs(inputs, { key, memberKeys: [], adopted: !!inputs.adoptExisting, adoptedMembers: null }, ctx)))
    .catch((e) => explainNameTaken(e, "local usergroup", inputs.name, "adoptExisting"));
  return { id: r.key, outs: outputs(inputs, r, ctx) };
}

export async function update(id: string, olds: LocalUserGroupOutputs, news: Inputs, ctx: SpsProviderContext): Promise<pulumi.dynamic.UpdateResult> {
  const target = targetFor(news.connection, ctx);
  claimObjects(news, ctx, groupClaims(news.name, id), label(news.name));
  const r = await target.coordinator.submit<Staged>({
    kind: "update",
    priority: 1,
    label: label(news.name),
    async stage(client, touched) {
      const cur = await client.getGroup(id, true);
      if (!cur) throw new SpsRefusedError(`group key ${id} is not on SPS (deleted outside Pulumi, or an earlier commit with an unknown outcome did not apply); run "pulumi refresh", then "pulumi up" to create it`);
      touched.add(id);
      const memberKeys = await resolveMembers(client, news);
      await client.putItem(GROUPS, id, { ...cur.body, name: news.name, members: memberKeys });
      return { key: id, memberKeys, adopted: olds.adopted ?? false, adoptedMembers: olds.adoptedMembers ?? null };
    },
    async verify(client) {
      const g = await client.getGroup(id);
      return g && nameKey(g.body.name) === nameKey(news.name) ? { key: id, memberKeys: g.body.members, adopted: olds.adopted ?? false, adoptedMembers: olds.adoptedMembers ?? null } : undefined;
    },
  });
  return { outs: outputs(news, r, ctx) };
}

export async function read(id: string, props: Partial<LocalUserGroupOutputs>, ctx: SpsProviderContext): Promise<pulumi.dynamic.ReadResult> {
  pathSegment(id, "SpsLocalUserGroup id (the SPS key)"); // a "." or ".." id would address the collection: refuse before logging in
  const g: GroupItem | undefined = await withStoredConnection(props.connection, ctx, (t) => t.coordinator.read((c) => c.getGroup(id)));
  if (!g) return { id: "", props: {} };
  const inSync = props.memberKeys === undefined || (sameSet(props.memberKeys, g.body.members) && (props.name === undefined || nameKey(props.name) === nameKey(g.body.name)));
  return {
    id: g.key,
    props: jsonSafe<LocalUserGroupOutputs>({
      ...props,
      name: g.body.name,
      key: g.key,
      url: props.url ?? effectiveUrl(props.connection, ctx) ?? null,
      members: props.members ?? g.body.members,
      memberNames: props.memberNames ?? [],
      adoptExisting: props.adoptExisting ?? false,
      removeUnlistedMembers: props.removeUnlistedMembers ?? false,
      memberKeys: g.body.members,
      membersInSync: props.membersInSync !== false && inSync,
      adopted: props.adopted ?? false,
      adoptedMembers: props.adoptedMembers ?? null,
    }),
  };
}

/** The keys this group's inputs declare, resolved in the staged view (usernames that no longer resolve are skipped). */
async function declaredKeys(client: SpsClient, props: LocalUserGroupOutputs): Promise<string[]> {
  const names = props.memberNames ?? [];
  const byName = names.length ? await client.stagedUserKeysByName() : new Map<string, string>();
  return [...(props.members ?? []), ...names.flatMap((n) => byName.get(nameKey(n)) ?? [])];
}

/**
 * Deletes a group Pulumi created. An adopted group is released instead: the group stays, the members
 * Pulumi added are removed, members it had before adoption stay, and nobody is added back
 * (provider/dynamic/adoption.ts, docs/adoption.md).
 */
export async function del(id: string, props: LocalUserGroupOutputs, ctx: SpsProviderContext): Promise<void> {
  let expected: string[] | undefined;
  await withStoredConnection(props.connection, ctx, (target) => target.coordinator.submit<true>({
    kind: "delete",
    priority: 1,
    label: label(props.name),
    async stage(client, touched) {
      touched.add(id);
      if (!props.adopted) {
        await client.deleteItem(GROUPS, id);
        return true;
      }
      const cur = (await client.stagedGroups()).get(id);
      if (!cur) return true;
      const remove = new Set(membersToRelease(cur.body.members, await declaredKeys(client, props), props.adoptedMembers));
      expected = cur.body.members.filter((k) => !remove.has(k));
      if (remove.size) await client.putItem(GROUPS, id, { ...cur.body, members: expected });
      return true;
    },
    async verify(client) {
      const g = await client.getGroup(id);
      if (!props.adopted) return g ? undefined : true;
      return !g || (expected !== undefined && sameSet(g.body.members, expected)) ? true : undefined;
    },
  }));
}
export { del as delete };
