import { createHash } from "crypto";
import type { DebugLog } from "../http";
import { SpsClient } from "./client";
import type { SpsConnection, SpsTuning } from "./connection";
import { SpsCoordinator, type SpsSessionHandle } from "./coordinator";
import { rollBackOnInterrupt } from "./interrupt";

const REGISTRY = Symbol.for("pulumi-pam.sps.coordinators.v2");

type Registry = Map<string, SpsCoordinator>;

/**
 * The process-wide coordinators, one per appliance. Kept on `globalThis` under a `Symbol.for` key, not in
 * a module variable: the user and group providers are deserialized separately by the host, and two
 * copies of this package (source and installed) must still share one coordinator, or they would fight
 * over SPS's single configuration lock.
 */
function registry(): Registry {
  const g = globalThis as unknown as Record<symbol, Registry | undefined>;
  return (g[REGISTRY] ??= new Map());
}

/**
 * The appliance a URL names: scheme, lower-case host, explicit port, path without trailing slashes.
 * `https://SPS.example.com/` and `https://sps.example.com:443` are one appliance, so one lock holder.
 */
export function applianceKey(url: string): string {
  try {
    const u = new URL(url);
    const port = u.port || (u.protocol === "https:" ? "443" : u.protocol === "http:" ? "80" : "");
    return `${u.protocol}//${u.hostname.toLowerCase()}:${port}${u.pathname.replace(/\/+$/, "")}`;
  } catch {
    return url.replace(/\/+$/, "").toLowerCase();
  }
}

/**
 * The session handle for `conn`: one coordinator per appliance whatever the credentials (each set of
 * credentials gets its own REST session inside it, and every transaction of every session is serialized).
 * The tuning of the first caller for an appliance applies.
 */
export function coordinatorFor(conn: SpsConnection, tuning: SpsTuning, log?: DebugLog): SpsSessionHandle {
  const id = applianceKey(conn.url);
  const reg = registry();
  let c = reg.get(id);
  if (!c) {
    c = new SpsCoordinator<SpsClient>(tuning, { newClient: (cn) => new SpsClient(cn, { log, requestTimeoutMs: tuning.requestTimeoutMs }), log });
    reg.set(id, c);
    rollBackOnInterrupt(allCoordinators);
  }
  // The credentials identify the session; only a digest is kept as the map key.
  const credentials = createHash("sha256").update(`${conn.username}\0${conn.password}\0${conn.caCertificates ?? ""}\0${conn.insecureSkipVerify ?? false}`).digest("hex");
  return c.session(conn, credentials);
}

/** All live coordinators. */
export function allCoordinators(): SpsCoordinator[] {
  return [...registry().values()];
}

/** Closes and forgets every coordinator (tests, benchmarks). */
export async function resetCoordinators(): Promise<void> {
  const reg = registry();
  const all = [...reg.values()];
  reg.clear();
  await Promise.all(all.map((c) => c.close()));
}
