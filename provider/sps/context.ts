/**
 * What the SPS implementation modules share per deserialized provider: the stack config read in
 * `configure`, and a resource's target (its effective connection and its session on the appliance's
 * coordinator).
 */
import type * as pulumi from "@pulumi/pulumi";
import { pulumiDebugLog } from "../dynamic/debug-log";
import { ConfigError } from "../http";
import { resolveSpsConnection, spsDefaultsFrom, type SpsConnection, type SpsConnectionInput, type SpsDefaults } from "./connection";
import type { SpsSessionHandle } from "./coordinator";
import { coordinatorFor } from "./registry";

/** What `configure` leaves for the CRUD methods: config defaults, or the error to rethrow. */
export interface SpsProviderContext {
  defaults?: SpsDefaults;
  error?: ConfigError;
}

/** Reads `sps:*` config synchronously (before any await: the host races concurrent first calls). */
export function configureSps(req: pulumi.dynamic.ConfigureRequest | undefined): SpsProviderContext {
  try {
    return { defaults: spsDefaultsFrom(req?.config, process.env) };
  } catch (e) {
    return { error: e instanceof ConfigError ? e : new ConfigError("sps", (e as Error).message) };
  }
}

/** The stack defaults of `ctx`, or the environment's when the provider was not configured; rethrows a configure error. */
export function spsDefaults(ctx: SpsProviderContext | undefined): SpsDefaults {
  if (ctx?.error) throw new ConfigError(ctx.error.field, `${ctx.error.message.slice(ctx.error.field.length + 2)} (invalid SPS provider configuration)`);
  return ctx?.defaults ?? spsDefaultsFrom(undefined, process.env);
}

/** The effective connection of a resource and its session on the appliance's coordinator. */
export interface SpsTarget {
  conn: SpsConnection;
  coordinator: SpsSessionHandle;
}

export function targetFor(connection: SpsConnectionInput | undefined, ctx: SpsProviderContext | undefined): SpsTarget {
  const defaults = spsDefaults(ctx);
  const conn = resolveSpsConnection(connection ?? undefined, defaults.connection);
  return { conn, coordinator: coordinatorFor(conn, defaults.tuning, pulumiDebugLog()) };
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
