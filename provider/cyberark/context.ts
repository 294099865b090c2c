/**
 * What the CyberArk implementation module shares per deserialized provider: the stack config read in
 * `configure`, a resource's effective connection, and one PVWA session per provider operation.
 * Nothing here runs at module load (the dynamic-provider host imports modules eagerly).
 */
import type * as pulumi from "@pulumi/pulumi";
import { pulumiDebugLog } from "../dynamic/debug-log";
import { ConfigError } from "../http";
import { withCyberArkSession, type CyberArkClient } from "./client";
import { cyberArkDefaultsFrom, resolveCyberArkConnection, type CyberArkConnection, type CyberArkConnectionInput } from "./connection";

/** What `configure` leaves for the CRUD methods: connection defaults, or the error to rethrow. */
export interface CyberArkProviderContext {
  defaults?: Partial<CyberArkConnection>;
  error?: ConfigError;
}

/** `configure` of the CyberArk implementation modules: synchronous (the host races concurrent first calls). */
export function configureCyberArk(req: pulumi.dynamic.ConfigureRequest | undefined): CyberArkProviderContext {
  try {
    return { defaults: cyberArkDefaultsFrom(req?.config, process.env) };
  } catch (e) {
    return { error: e instanceof ConfigError ? e : new ConfigError("cyberark", (e as Error).message) };
  }
}

/** The stack defaults of `ctx`, or the environment's when the provider was not configured; rethrows a configure error. */
export function cyberArkDefaults(ctx: CyberArkProviderContext | undefined): Partial<CyberArkConnection> {
  if (ctx?.error) throw new ConfigError(ctx.error.field, `${ctx.error.message.slice(ctx.error.field.length + 2)} (invalid CyberArk provider configuration)`);
  return ctx?.defaults ?? cyberArkDefaultsFrom(undefined, process.env);
}

/** A resource's connection: its `connection` input over the stack config over the environment, validated. */
export function connectionFor(input: CyberArkConnectionInput | undefined | null, ctx: CyberArkProviderContext | undefined): CyberArkConnection {
  return resolveCyberArkConnection(input, cyberArkDefaults(ctx));
}

/** The PVWA a resource lives on, normalised (another PVWA means another Vault group: replace). */
export function effectiveCyberArkUrl(input: CyberArkConnectionInput | undefined | null, ctx: CyberArkProviderContext | undefined): string | undefined {
  const url = input?.url ?? ctx?.defaults?.url ?? process.env.CYBERARK_URL;
  return url?.trim().replace(/\/+$/, "").replace(/\/passwordvault$/i, "").toLowerCase();
}

/**
 * One logon per provider operation, logoff in `finally` (via withCyberArkSession; Privilege Cloud:
 * one platform token per operation, no logoff). Choice: no cross-operation token cache: a resource
 * operation makes a handful of calls, and a cached token could outlive PVWA's idle timeout between operations.
 */
export function withPvwa<T>(conn: CyberArkConnection, fn: (client: CyberArkClient) => Promise<T>): Promise<T> {
  return withCyberArkSession(conn, fn, { log: pulumiDebugLog() });
}
