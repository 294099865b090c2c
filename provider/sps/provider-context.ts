import type * as pulumi from "@pulumi/pulumi";
import { normalizeApplianceUrl, withCredentialFallback } from "../dynamic/stored-credentials";
import { pulumiDebugLog } from "../dynamic/debug-log";
import { resolveSpsConnection, spsDefaultsFrom, type SpsConnection, type SpsConnectionInput, type SpsDefaults } from "./connection";
import type { SpsSessionHandle } from "./coordinator";
import { SpsCommitUnknownError, SpsRefusedError } from "./errors";
import { coordinatorFor } from "./registry";

/** What `configure` leaves for the CRUD methods: config defaults, or the error to rethrow. */
export interface SpsProviderContext {
  defaults?: SpsDefaults;
  error?: string;
}

/** Reads `sps:*` config synchronously (before any await: the host races concurrent first calls). */
export function configureSps(req: pulumi.dynamic.ConfigureRequest | undefined): SpsProviderContext {
  try {
    return { defaults: spsDefaultsFrom(req?.config, process.env) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** The effective connection of a resource and its session on the appliance's coordinator. */
export interface SpsTarget {
  conn: SpsConnection;
  coordinator: SpsSessionHandle;
}

export function targetFor(connection: SpsConnectionInput | undefined, ctx: SpsProviderContext | undefined): SpsTarget {
  if (ctx?.error) throw new Error(`invalid SPS provider configuration: ${ctx.error}`);
  const defaults = ctx?.defaults ?? spsDefaultsFrom(undefined, process.env);
  const conn = resolveSpsConnection(connection ?? undefined, defaults.connection);
  return { conn, coordinator: coordinatorFor(conn, defaults.tuning, pulumiDebugLog()) };
}

/** Runs `fn` against the connection stored in a resource's outputs, retrying with the stack config's, then the environment's credentials when SPS refuses rotated ones. */
export function withStoredConnection<T>(
  connection: SpsConnectionInput | undefined,
  ctx: SpsProviderContext | undefined,
  fn: (target: SpsTarget) => Promise<T>,
): Promise<T> {
  const env = spsDefaultsFrom(undefined, process.env).connection;
  const defaults = ctx?.defaults?.connection ?? env;
  // SPS answers a refused login with 401 (the coordinator keeps the code when it labels the error).
  const refused = (e: unknown) => (e as { code?: string }).code === "HTTP_UNAUTHORIZED";
  // The environment last: refresh and destroy are configured with the stack config of the last up.
  const fallbacks = [defaults, { url: env.url ?? defaults.url, username: env.username ?? defaults.username, password: env.password }];
  return withCredentialFallback(connection, fallbacks, refused, (c) => fn(targetFor(c, ctx)), {
    vendor: "SPS",
    normalizeUrl: normalizeApplianceUrl,
    where: "sps:url, sps:username and sps:password (or SPS_URL, SPS_USERNAME, SPS_PASSWORD)",
  });
}

/** The appliance URL a resource lives on, normalised (a change of it means another appliance: replace). */
export function effectiveUrl(connection: SpsConnectionInput | undefined, ctx: SpsProviderContext | undefined): string | undefined {
  const url = connection?.url ?? ctx?.defaults?.connection.url ?? process.env.SPS_URL;
  return url?.replace(/\/+$/, "").toLowerCase();
}

/**
 * Claims SPS objects for one resource of this run (one owner per object: two resources adopting or
 * managing one user would overwrite each other on every up). `owner` is the Pulumi resource name the
 * resource classes pass as the hidden input `__resourceName`; older programs without it are named by label.
 * In diff (no request is sent) a connection that cannot be resolved yet skips the claim: create/update claim again.
 */
export function claimObjects(
  inputs: { connection?: SpsConnectionInput; __resourceName?: string },
  ctx: SpsProviderContext | undefined,
  ids: string[],
  label: string,
  o: { lenient?: boolean } = {},
): void {
  let target: SpsTarget;
  try {
    target = targetFor(inputs.connection, ctx);
  } catch (e) {
    if (o.lenient) return;
    throw e;
  }
  target.coordinator.claim(ids, inputs.__resourceName ?? label, label);
}

/**
 * A create refused because the name is taken (SPS's commit validation): say how to take the object over.
 * After an interrupted run this is the expected case: the create committed, but the run died before
 * Pulumi recorded it.
 */
export function explainNameTaken(e: unknown, what: string, name: string, adoptInput: string): never {
  const msg = e instanceof Error ? e.message : String(e);
  if (!/already exists/i.test(msg)) throw e;
  const err = new Error(
    `${msg} An SPS ${what} named "${name}" already exists outside this stack's state (for example created by an earlier run that was interrupted before it recorded it). ` +
      `To manage it, set ${adoptInput}: true on this resource and run pulumi up again; or delete it on SPS first.`,
    { cause: e },
  );
  throw Object.assign(err, { code: (e as { code?: string }).code });
}

const BACKEND = Symbol.for("pulumi-pam.sps.backend-checked");

/**
 * Local users cannot be managed while SPS authenticates against LDAP (SPS guide, "Manage users locally"):
 * their accounts are disabled, not deleted. Checked once per coordinator, before any user write.
 */
export async function assertLocalUsersManageable(target: SpsTarget): Promise<void> {
  const c = target.coordinator as SpsSessionHandle & { [BACKEND]?: Promise<string> };
  c[BACKEND] ??= c.read((client) => client.authBackend());
  let backend: string;
  try {
    backend = await c[BACKEND]!;
  } catch (e) {
    c[BACKEND] = undefined; // do not cache a failed read
    throw e;
  }
  if (backend === "ldap") {
    throw new SpsRefusedError(
      `SPS at ${target.conn.url} authenticates users with LDAP, so local users cannot be managed (SPS disables them while LDAP is on). ` +
        "Switch Users & Access Control > Login options to local or RADIUS, or remove the SpsLocalUser resources.",
    );
  }
}

/**
 * Turns an unknown commit outcome of a create into a partial create (an error carrying `id`, `properties`
 * and `reasons`, which the host turns into ErrorResourceInitFailed): the engine keeps the resource in state under the key
 * SPS gave it and calls update on the next up, which finds the object (the commit was applied) and completes
 * it, so no orphan is left. `properties` must carry `__provider`: the host adds it only to successful results.
 */
export function partialCreateOnUnknownCommit(e: unknown, inputs: { __provider?: unknown }, outputsFor: (key: string) => object): never {
  const staged = e instanceof SpsCommitUnknownError ? (e.staged as { key?: unknown } | undefined) : undefined;
  if (typeof staged?.key !== "string") throw e;
  const err = new Error((e as Error).message) as Error & { id: string; properties: object; reasons: string[] };
  err.id = staged.key;
  err.properties = { ...outputsFor(staged.key), __provider: inputs.__provider };
  err.reasons = [(e as Error).message];
  throw err;
}
