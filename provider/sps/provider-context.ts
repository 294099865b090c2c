import type * as pulumi from "@pulumi/pulumi";
import { normalizeApplianceUrl, withCredentialFallback } from "../dynamic/stored-credentials";
import { pulumiDebugLog } from "../http";
import { resolveSpsConnection, spsDefaultsFrom, type SpsConnection, type SpsConnectionInput, type SpsDefaults } from "./connection";
import type { SpsCoordinator } from "./coordinator";
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

/** The effective connection of a resource and its coordinator. */
export interface SpsTarget {
  conn: SpsConnection;
  coordinator: SpsCoordinator;
}

export function targetFor(connection: SpsConnectionInput | undefined, ctx: SpsProviderContext | undefined): SpsTarget {
  if (ctx?.error) throw new Error(`invalid SPS provider configuration: ${ctx.error}`);
  const defaults = ctx?.defaults ?? spsDefaultsFrom(undefined, process.env);
  const conn = resolveSpsConnection(connection ?? undefined, defaults.connection);
  return { conn, coordinator: coordinatorFor(conn, defaults.tuning, pulumiDebugLog()) };
}

/** Runs `fn` against the connection stored in a resource's outputs, retrying with the stack's credentials when SPS refuses rotated ones. */
export function withStoredConnection<T>(
  connection: SpsConnectionInput | undefined,
  ctx: SpsProviderContext | undefined,
  fn: (target: SpsTarget) => Promise<T>,
): Promise<T> {
  const defaults = ctx?.defaults?.connection ?? spsDefaultsFrom(undefined, process.env).connection;
  // SPS answers a refused login with 401 (the coordinator keeps the code when it labels the error).
  const refused = (e: unknown) => (e as { code?: string }).code === "HTTP_UNAUTHORIZED";
  return withCredentialFallback(connection, defaults, refused, (c) => fn(targetFor(c, ctx)), {
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

const BACKEND = Symbol.for("pulumi-pam.sps.backend-checked");

/**
 * Local users cannot be managed while SPS authenticates against LDAP (SPS guide, "Manage users locally"):
 * their accounts are disabled, not deleted. Checked once per coordinator, before any user write.
 */
export async function assertLocalUsersManageable(target: SpsTarget): Promise<void> {
  const c = target.coordinator as SpsCoordinator & { [BACKEND]?: Promise<string> };
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
 * and `reasons`, which the dynamic-provider host turns into a partial-create failure): the engine keeps the resource in state under the key
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
