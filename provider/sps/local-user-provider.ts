/**
 * Implementation of `SpsLocalUser` (loaded by the provider shim at call time; see provider/dynamic/shim.ts).
 * Every write goes through the appliance's coordinator and settles only after its commit.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { applianceChanged, checkInputs, jsonSafe } from "../dynamic/inputs";
import type { ResourceState } from "../dynamic/resource-spec";
import { pathSegment } from "../http";
import { GROUPS, USERS, type SpsClient } from "./client";
import { spsConnectionInputSchema } from "./connection";
import type { StagedOperation } from "./coordinator";
import { passwordManaged, randomUnknownPassword, userExistsError } from "./adoption";
import { SpsRefusedError } from "./errors";
import { claimObjects, configureSps, effectiveUrl, targetFor, type SpsProviderContext } from "./context";
import { assertLocalUsersManageable } from "./ldap-guard";
import { explainNameTaken, partialCreateOnUnknownCommit } from "./partial-create";
import { withStoredConnection } from "./stored-connection";
import type { SpsLocalUserOutputs } from "./resource-specs";
import { passwordRefSchema, type UserItem } from "./schemas";
import { NAME_LIMITS, nameIssue, nameKey, nfcInputs } from "../validation/names";

export const configure = configureSps;

/** Inputs of SpsLocalUser, validated in `check` (strict: a misspelt input is an error, not ignored). */
export const localUserInputsSchema = z
  .object({
    name: z
      .string({ error: "is required: the SPS username" })
      .superRefine(nameIssue(NAME_LIMITS.spsUserName))
      .refine((n) => nameKey(n) !== "admin", "must not be \"admin\": the built-in admin user cannot be managed or deleted (SPS rule); use another name"),
    /** Omitted: the password is not managed (an adopted user's is never touched; a new user gets a random one nobody knows). */
    password: z.string({ error: "must be a string (pass a secret), or omitted to leave the password unmanaged" }).min(1, "must not be empty").optional(),
    adopt: z.boolean().optional(),
    connection: spsConnectionInputSchema.optional(),
    __resourceName: z.string().optional(),
    __provider: z.unknown().optional(),
  })
  .strict();
type Inputs = z.infer<typeof localUserInputsSchema>;

/** The state: the inputs as stored plus what SPS assigned (the outputs of the spec). */
export type LocalUserOutputs = ResourceState<Inputs, SpsLocalUserOutputs>;

const label = (name: string) => `SPS local user "${name}"`;
/** What one resource owns on SPS in a run: its username and, once known, its key. */
const userClaims = (name: string, key?: string) => [`user:${name}`, ...(key ? [`user-key:${key}`] : [])];

/**
 * The body to PUT back: the item's own body (unknown fields kept) minus the server-managed timestamp,
 * with the password reference written as a plain key (SPS may render it as an object).
 */
function bodyForPut(u: UserItem, name: string, passwordKey: string | undefined): Record<string, unknown> {
  const { password_created: _server, password: _ref, ...rest } = u.body;
  return passwordKey === undefined ? { ...rest, name } : { ...rest, name, password: passwordKey };
}

const passwordKeyOf = (u: UserItem): string | undefined => {
  const r = passwordRefSchema.safeParse(u.body.password);
  return r.success ? r.data : undefined;
};

function outputs(inputs: Inputs, key: string, ctx: SpsProviderContext | undefined, extra: Partial<LocalUserOutputs> = {}): LocalUserOutputs {
  return jsonSafe({
    name: inputs.name,
    password: inputs.password,
    adopt: inputs.adopt ?? false,
    connection: inputs.connection,
    key,
    url: effectiveUrl(inputs.connection, ctx) ?? null,
    passwordCreated: null,
    passwordKey: null,
    passwordInSync: true,
    passwordManaged: passwordManaged(inputs),
    adopted: false,
    ...extra,
  });
}

/** Outputs hold an omitted password as null (JSON has no undefined). */
const samePassword = (olds: LocalUserOutputs, news: Inputs) => (olds.password ?? undefined) === news.password;

export async function check(_olds: unknown, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  // NFC first: state and SPS only ever see one form of a name, so NFC/NFD twins are the same user.
  return checkInputs(localUserInputsSchema, nfcInputs(news, ["name"]));
}

export async function diff(_id: string, olds: LocalUserOutputs, news: Inputs, ctx: SpsProviderContext): Promise<pulumi.dynamic.DiffResult> {
  // Another appliance is another object: replace. Credentials alone are not a change, so an unknown
  // credential (preview) is none either; an unknown name or password compares unequal: an update.
  const replaces = applianceChanged(news.connection, olds.url, (c) => effectiveUrl(c, ctx)) ? ["connection"] : [];
  const changed = olds.name !== news.name || !samePassword(olds, news) || (passwordManaged(news) && olds.passwordInSync === false);
  claimObjects(news, ctx, userClaims(news.name, olds.key ?? _id), label(news.name), { lenient: true });
  return { changes: changed || replaces.length > 0, replaces, deleteBeforeReplace: false };
}

type Staged = { key: string; adopted: boolean; passwordKey: string | null };

function createOp(inputs: Inputs): StagedOperation<Staged> {
  return {
    kind: "create",
    priority: 0,
    label: label(inputs.name),
    async stage(client: SpsClient, touched: Set<string>) {
      // Looked up in the staged view before anything is written, so a name clash fails here, naming the fix, not at commit.
      const existing = [...(await client.stagedUsers()).values()].find((u) => nameKey(u.body.name) === nameKey(inputs.name));
      if (existing && !inputs.adopt) throw userExistsError(inputs.name, existing.key);
      if (existing) {
        touched.add(existing.key);
        // Adopted without a password: nothing to write, the password stays as it is.
        if (!passwordManaged(inputs)) return { key: existing.key, adopted: true, passwordKey: null };
        const pw = await client.createPassword(inputs.password!); // fresh on every (re)stage: single use
        touched.add(pw);
        await client.putItem(USERS, existing.key, bodyForPut(existing, inputs.name, pw));
        return { key: existing.key, adopted: true, passwordKey: pw };
      }
      const pw = await client.createPassword(inputs.password ?? randomUnknownPassword());
      touched.add(pw);
      const key = await client.createItem(USERS, { name: inputs.name, password: pw });
      touched.add(key);
      // An unmanaged password's key is not kept: nothing compares it.
      return { key, adopted: false, passwordKey: passwordManaged(inputs) ? pw : null };
    },
    async verify(client) {
      const u = await client.findUserByName(inputs.name);
      if (!u) return undefined;
      if (inputs.adopt) {
        // Adoption of a user that existed is idempotent: restage it unless it is plainly done.
        return passwordManaged(inputs) ? undefined : { key: u.key, adopted: true, passwordKey: null };
      }
      return { key: u.key, adopted: false, passwordKey: passwordManaged(inputs) ? passwordKeyOf(u) ?? null : null };
    },
  };
}

export async function create(inputs: Inputs, ctx: SpsProviderContext): Promise<pulumi.dynamic.CreateResult> {
  const target = targetFor(inputs.connection, ctx);
  claimObjects(inputs, ctx, userClaims(inputs.name), label(inputs.name));
  await assertLocalUsersManageable(target);
  const r = await target.coordinator
    .submit(createOp(inputs))
    .catch((e) => partialCreateOnUnknownCommit(e, inputs, (key) => outputs(inputs, key, ctx, { adopted: !!inputs.adopt })))
    .catch((e) => explainNameTaken(e, "local user", inputs.name, "adopt"));
  return { id: r.key, outs: outputs(inputs, r.key, ctx, { adopted: r.adopted, passwordKey: r.passwordKey }) };
}

function updateOp(key: string, olds: LocalUserOutputs, news: Inputs): StagedOperation<{ passwordKey: string | null }> {
  const newPassword = passwordChange(olds, news);
  let previousPasswordKey: string | undefined;
  return {
    kind: "update",
    priority: 0,
    label: label(news.name),
    async stage(client, touched) {
      const cur = await client.getUser(key, true);
      if (!cur) throw new SpsRefusedError(`user key ${key} is not on SPS (deleted outside Pulumi, or an earlier commit with an unknown outcome did not apply); run "pulumi refresh" to drop it from state, then "pulumi up" to create it`);
      touched.add(key);
      previousPasswordKey = passwordKeyOf(cur);
      if (!passwordManaged(news)) {
        // The password is not ours: write only a rename, and keep the reference SPS has.
        if (cur.body.name !== news.name) await client.putItem(USERS, key, bodyForPut(cur, news.name, previousPasswordKey));
        return { passwordKey: null };
      }
      let pw = previousPasswordKey;
      if (newPassword || !pw) {
        pw = await client.createPassword(news.password!);
        touched.add(pw);
      }
      await client.putItem(USERS, key, bodyForPut(cur, news.name, pw));
      return { passwordKey: pw };
    },
    async verify(client) {
      const u = await client.getUser(key);
      if (!u || nameKey(u.body.name) !== nameKey(news.name)) return undefined;
      if (!passwordManaged(news)) return { passwordKey: null };
      const seen = passwordKeyOf(u);
      return seen && (!newPassword || seen !== previousPasswordKey) ? { passwordKey: seen } : undefined;
    },
  };
}

/** A new password object is needed: the program sets a password that differs, or one changed on SPS. */
const passwordChange = (olds: LocalUserOutputs, news: Inputs) => passwordManaged(news) && (!samePassword(olds, news) || olds.passwordInSync === false);

export async function update(id: string, olds: LocalUserOutputs, news: Inputs, ctx: SpsProviderContext): Promise<pulumi.dynamic.UpdateResult> {
  const target = targetFor(news.connection, ctx);
  claimObjects(news, ctx, userClaims(news.name, id), label(news.name));
  await assertLocalUsersManageable(target);
  const passwordChanged = passwordChange(olds, news);
  const r = await target.coordinator.submit(updateOp(id, olds, news));
  return {
    outs: outputs(news, id, ctx, {
      adopted: olds.adopted ?? false,
      passwordCreated: passwordChanged ? null : olds.passwordCreated ?? null,
      passwordKey: r.passwordKey,
    }),
  };
}

export async function read(id: string, props: Partial<LocalUserOutputs>, ctx: SpsProviderContext): Promise<pulumi.dynamic.ReadResult> {
  pathSegment(id, "SpsLocalUser id (the SPS key)"); // a "." or ".." id would address the collection: refuse before logging in
  const u = await withStoredConnection(props.connection, ctx, (t) => t.coordinator.read((c) => c.getUser(id)));
  if (!u) return { id: "", props: {} }; // gone: the engine drops it from state
  const seen = u.body.password_created ?? null;
  const seenKey = passwordKeyOf(u) ?? null;
  // A password set on SPS is a new single-use password object, so its key differs from the one we set;
  // password_created is the fallback for state written before passwordKey existed.
  const managed = props.passwordManaged ?? props.password != null;
  const changedOutside =
    !managed ? false : props.passwordKey != null
      ? seenKey !== props.passwordKey
      : props.passwordCreated != null && seen != null && seen !== props.passwordCreated;
  const outs = jsonSafe<LocalUserOutputs>({
    ...props,
    name: u.body.name,
    key: u.key,
    url: props.url ?? effectiveUrl(props.connection, ctx) ?? null,
    // An unmanaged password is not watched at all: no baseline, so no password change shows as drift.
    passwordCreated: managed ? seen : null,
    passwordKey: managed ? props.passwordKey ?? null : null,
    passwordInSync: !managed || (props.passwordInSync !== false && !changedOutside),
    passwordManaged: managed,
    adopt: props.adopt ?? false,
    adopted: props.adopted ?? false,
  });
  return { id: u.key, props: outs };
}

function deleteOp(key: string, name: string): StagedOperation<true> {
  return {
    kind: "delete",
    priority: 0,
    label: label(name),
    async stage(client, touched) {
      touched.add(key);
      // In the same transaction, take the user out of every group that lists it, so no group keeps a
      // reference to a deleted user (a group being deleted in this batch is already gone from the view).
      for (const g of (await client.stagedGroups()).values()) {
        if (!g.body.members.includes(key)) continue;
        touched.add(g.key);
        await client.putItem(GROUPS, g.key, { ...g.body, members: g.body.members.filter((m) => m !== key) });
      }
      await client.deleteItem(USERS, key); // 404: already gone, which is what we want
      return true;
    },
    async verify(client) {
      return (await client.getUser(key)) ? undefined : true;
    },
  };
}

export async function del(id: string, props: LocalUserOutputs, ctx: SpsProviderContext): Promise<void> {
  if (props.name === "admin") throw new SpsRefusedError("the built-in SPS admin user cannot be deleted (SPS rule)");
  await withStoredConnection(props.connection, ctx, async (target) => {
    await assertLocalUsersManageable(target);
    await target.coordinator.submit(deleteOp(id, props.name));
  });
}
export { del as delete };

