import { SpsRefusedError } from "./errors";

const CLAIMS = Symbol.for("pulumi-pam.sps.claims");

interface Claim {
  label: string;
  owner: object;
}

/**
 * Which resource of this run manages each SPS object. One provider host serves one `pulumi` operation, so
 * the process is the run; kept on `globalThis` like the coordinators, so that every deserialized provider
 * (SpsLocalUser, SpsLocalUserGroup, SpsLocalAccess) sees the same table.
 */
function claims(): Map<string, Claim> {
  const g = globalThis as unknown as Record<symbol, Map<string, Claim> | undefined>;
  return (g[CLAIMS] ??= new Map());
}

/**
 * Records that `owner` (one operation of one resource, described by `label`) manages the SPS object `key`
 * on `appliance`. A second owner of the same object in the same run is refused naming both: two resources
 * managing one object would overwrite each other on every `up`.
 */
export function claim(appliance: string, key: string, label: string, owner: object): void {
  const id = `${appliance}|${key}`;
  const table = claims();
  const held = table.get(id);
  if (!held) {
    table.set(id, { label, owner });
    return;
  }
  if (held.owner === owner) return;
  throw new SpsRefusedError(
    `${label} and ${held.label} both manage the SPS object with key ${key} in this run; give each SPS object one owner (remove it from one of the two resources)`,
  );
}

/** The appliance part of a claim: the normalised URL (one appliance, whatever the credentials). */
export const applianceKey = (url: string): string => url.replace(/\/+$/, "").toLowerCase();

/** Forgets every claim (tests and benchmarks that run several operations in one process). */
export function resetClaims(): void {
  claims().clear();
}
