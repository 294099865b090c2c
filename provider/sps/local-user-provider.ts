/**
 * Implementation of `SpsLocalUser` (loaded by the provider shim at call time; see provider/dynamic/shim.ts).
 * Every write goes through the appliance's coordinator and settles only after its commit.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { applianceChanged, checkInputs, jsonSafe } from "../dynamic/inputs";
import { pathSegment } from "../http";
import { USERS, type SpsClient } from "./client";
import { spsConnectionInputSchema, type SpsConnectionInput } from "./connection";
import type { StagedOperation } from "./coordinator";
import { SpsRefusedError } from "./errors";
import { assertLocalUsersManageable, claimObjects, configureSps, explainNameTaken, effectiveUrl, partialCreateOnUnknownCommit, targetFor, withStoredConnection, type SpsProviderContext } from "./provider-context";
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
    password: z.string({ error: "is required: the user's password (pass a secret)" }).min(1, "must not be empty"),
    adopt: z.boolean().optional(),
    connection: spsConnectionInputSchema.optional(),
    __resourceName: z.string().optional(),
    __provider: z.unknown().optional(),
  })
  .strict();
type Inputs = z.infer<typeof localUserInputsSchema>;

/** Outputs: the inputs plus what SPS assigned. `passwordInSync` turns false when refresh sees the password changed on SPS. */
export interface LocalUserOutputs {
  name: string;
  password?: string;
  adopt?: boolean;
  connection?: SpsConnectionInput;
  key: string;
  url: string | null;
  /** SPS's `password_created` (UNIX seconds) as last seen; null until the first read after a password change. */
  passwordCreated: number | null;
  /**
   * Key of the SPS password object this provider set (a reference, not the secret). Password objects are
   * single-use and cannot be changed (SPS "Passwords stored on SPS"), so any password change on SPS shows as another key.
   */
  passwordKey: string | null;
  passwordInSync: boolean;
  adopted: boolean;
}

const label = (name: string) => `SPS local user "${name}"`;
/** What one resource owns on SPS in a run: its username and, once known, its key. */
const userClaims = (name: string, key?: string) => [`user:${name}`, ...(key ? [`user-key:${key}`] : [])];

/** The body to PUT back: the item's own body (unknown fields kept) minus the server-managed timestamp. */
function bodyForPut(u: UserItem, name: string, passwordKey: string): Record<string, unknown> {
  const { password_created: _server, ...rest } = u.body;
  return { ...rest, name, password: passwordKey };
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
    adopted: false,
    ...extra,
  });
}

export async function check(_olds: unknown, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  // NFC first: state and SPS only ever see one form of a name, so NFC/NFD twins are the same user.
  return checkInputs(localUserInputsSchema, nfcInputs(news, ["name"]));
}

export async function diff(_id: string, olds: LocalUserOutputs, news: Inputs, ctx: SpsProviderContext): Promise<pulumi.dynamic.DiffResult> {
  // Another appliance is another object: replace. Credentials alone are not a change, so an unknown
  // credential (preview) is none either; an unknown name or password compares unequal: an update.
  const replaces = applianceChanged(news.connection, olds.url, (c) => effectiveUrl(c, ctx)) ? ["connection"] : [];
  const changed = olds.name !== news.name || olds.password !== news.password || olds.passwordInSync === false;
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
      const existing = inputs.adopt ? await client.findUserByName(inputs.name, true) : undefined;
      const pw = await client.createPassword(inputs.password); // fresh on every (re)stage: a password object is single-use
      touched.add(pw);
      if (existing) {
        touched.add(existing.key);
        await client.putItem(USERS, existing.key, bodyForPut(existing, inputs.name, pw));
        return { key: existing.key, adopted: true, passwordKey: pw };
      }
      const key = await client.createItem(USERS, { name: inputs.name, password: pw });
      touched.add(key);
      return { key, adopted: false, passwordKey: pw };
    },
    async verify(client) {
      // Adoption is idempotent to restage; a created user is found by name.
      if (inputs.adopt) return undefined;
      const u = await client.findUserByName(inputs.name);
      return u ? { key: u.key, adopted: false, passwordKey: passwordKeyOf(u) ?? null } : undefined;
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

function updateOp(key: string, olds: LocalUserOutputs, news: Inputs): StagedOperation<{ passwordKey: string }> {
  const newPassword = olds.password !== news.password || olds.passwordInSync === false;
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
      let pw = previousPasswordKey;
      if (newPassword || !pw) {
        pw = await client.createPassword(news.password);
        touched.add(pw);
      }
      await client.putItem(USERS, key, bodyForPut(cur, news.name, pw));
      return { passwordKey: pw };
    },
    async verify(client) {
      const u = await client.getUser(key);
      const seen = u ? passwordKeyOf(u) : undefined;
      const applied = u && u.body.name === news.name && seen && (!newPassword || seen !== previousPasswordKey);
      return applied ? { passwordKey: seen } : undefined;
    },
  };
}

export async function update(id: string, olds: LocalUserOutputs, news: Inputs, ctx: SpsProviderContext): Promise<pulumi.dynamic.UpdateResult> {
  const target = targetFor(news.connection, ctx);
  claimObjects(news, ctx, userClaims(news.name, id), label(news.name));
  await assertLocalUsersManageable(target);
  const passwordChanged = olds.password !== news.password || olds.passwordInSync === false;
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
  // password_created ([DOC] seed) is the fallback for state written before passwordKey existed.
  const changedOutside =
    props.passwordKey != null
      ? seenKey !== props.passwordKey
      : props.passwordCreated != null && seen != null && seen !== props.passwordCreated;
  const outs = jsonSafe({
    ...props,
    name: u.body.name,
    key: u.key,
    url: props.url ?? effectiveUrl(props.connection, ctx) ?? null,
    passwordCreated: seen,
    passwordKey: props.passwordKey ?? null,
    passwordInSync: props.passwordInSync !== false && !changedOutside,
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

