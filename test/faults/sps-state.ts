import { BUILTIN_GROUPS, type SpsEmulator } from "../emulators/sps";
import type { Deployment } from "../harness/engine";
import { unwrapSecrets } from "../harness/values";
import { GROUP_TYPE, USER_TYPE } from "../sps/fixture";

/** Objects that exist on SPS but are not Pulumi's (seeded by a test); they are not orphans. */
export interface UnmanagedSps {
  users?: string[];
  groups?: string[];
}

/**
 * Every way the harness state and the emulator's committed state disagree, as readable lines
 * (empty when they match). Checked: each user/group in state exists on SPS under its id with the
 * name (and, for groups, exactly the member keys) the state records; no name exists twice on SPS;
 * no user or group exists on SPS that the state does not hold (an orphan), except `admin`, built-in
 * groups and the `unmanaged` names.
 */
export function spsStateMismatches(deployment: Deployment, emu: SpsEmulator, unmanaged: UnmanagedSps = {}): string[] {
  const snap = emu.snapshot();
  const out: string[] = [];
  const users = new Map(snap.users.map((u) => [u.key, u]));
  const groups = new Map(snap.groups.map((g) => [g.key, g]));
  const stateIds = new Set<string>();
  for (const r of deployment.state.values()) {
    const outs = unwrapSecrets(r.outputs) as { name?: string; memberKeys?: string[] };
    stateIds.add(r.id);
    if (r.type === USER_TYPE) {
      const u = users.get(r.id);
      if (!u) out.push(`user ${r.name}: id ${r.id} is not on SPS`);
      else if (u.name !== outs.name) out.push(`user ${r.name}: SPS name "${u.name}", state name "${outs.name}"`);
    } else if (r.type === GROUP_TYPE) {
      const g = groups.get(r.id);
      if (!g) out.push(`group ${r.name}: id ${r.id} is not on SPS`);
      else {
        if (g.name !== outs.name) out.push(`group ${r.name}: SPS name "${g.name}", state name "${outs.name}"`);
        const want = [...(outs.memberKeys ?? [])].sort().join(",");
        const have = [...g.members].sort().join(",");
        if (want !== have) out.push(`group ${r.name}: SPS members [${have}], state memberKeys [${want}]`);
      }
    }
  }
  const dupes = (names: string[]) => names.filter((n, i) => names.indexOf(n) !== i);
  for (const n of dupes(snap.users.map((u) => u.name))) out.push(`user name "${n}" exists twice on SPS`);
  for (const n of dupes(snap.groups.map((g) => g.name))) out.push(`group name "${n}" exists twice on SPS`);
  const freeUsers = new Set(["admin", ...(unmanaged.users ?? [])]);
  const freeGroups = new Set<string>([...BUILTIN_GROUPS, ...(unmanaged.groups ?? [])]);
  for (const u of snap.users) if (!stateIds.has(u.key) && !freeUsers.has(u.name)) out.push(`orphan user "${u.name}" (${u.key}) on SPS`);
  for (const g of snap.groups) if (!stateIds.has(g.key) && !freeGroups.has(g.name)) out.push(`orphan group "${g.name}" (${g.key}) on SPS`);
  return out;
}

/** Fails the test with every mismatch between harness state and SPS's committed state. */
export function assertStateMatchesSps(deployment: Deployment, emu: SpsEmulator, unmanaged: UnmanagedSps = {}): void {
  expect(spsStateMismatches(deployment, emu, unmanaged)).toEqual([]);
}
