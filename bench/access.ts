/** SpsLocalAccess benchmark scenarios: one resource for a whole team, through the harness (real provider host). */
import * as fs from "fs";
import { spsLocalAccessProvider } from "../provider/sps/local-access-resource";
import { createSpsEmulator, type SpsEmulator } from "../test/emulators/sps";
import { Deployment, type DesiredResource } from "../test/harness/engine";
import { freshStateFile, repoHostCwd, serializeProvider } from "../test/harness/serialize";
import { secret } from "../test/harness/values";
import type { LatencyModel } from "./sps";

const ADMIN = { name: "admin", password: "bench-admin-pw-1" };

function deployment(emu: SpsEmulator, stateFile: string): Deployment {
  return new Deployment({
    stateFile, hostCwd: repoHostCwd(), project: "bench", parallelism: 8,
    config: { "sps:url": emu.url, "sps:allowHttp": "true", "sps:username": ADMIN.name, "sps:password": secret(ADMIN.password) },
  });
}

/** `users` users and `groups` groups of users/groups members each; `touch` renames/changes passwords of the first users and regroups the first groups. */
async function team(users: number, groups: number, touch = { users: 0, groups: 0 }): Promise<DesiredResource> {
  const u: Record<string, { name: string }> = {};
  const pw: Record<string, string> = {};
  for (let i = 0; i < users; i++) {
    u[`u${i}`] = { name: i < touch.users && i % 2 ? `bench-user-${i}-renamed` : `bench-user-${i}` };
    pw[`u${i}`] = i < touch.users && i % 2 === 0 ? `pw-${i}-bench-new` : `pw-${i}-bench`;
  }
  const per = Math.max(1, Math.floor(users / groups));
  const g: Record<string, { name: string; members: string[] }> = {};
  for (let j = 0; j < groups; j++) {
    const members = Array.from({ length: per }, (_, k) => `u${(j * per + k) % users}`);
    g[`g${j}`] = { name: `bench-group-${j}`, members: j < touch.groups ? members.slice(1) : members };
  }
  const provider = await serializeProvider(spsLocalAccessProvider);
  return { name: "team", type: "pulumi-nodejs:dynamic/pam:SpsLocalAccess", provider, additionalSecretOutputs: ["passwords", "connection"], inputs: { users: u, passwords: secret(pw), groups: g } };
}

const commitsOf = (emu: SpsEmulator) => emu.log.entries.filter((e) => e.method === "PUT" && e.path === "/api/transaction" && e.status === 200).length;
const writesOf = (emu: SpsEmulator) => emu.log.entries.filter((e) => e.method !== "GET" && !e.path.startsWith("/api/transaction")).length;

/** Peak RSS of a process in MB (Linux /proc), or null elsewhere. */
function peakRssMb(pid: number | undefined): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** `up` from empty, then (optionally) an update touching some objects, then a refresh. */
export async function accessScenario(lat: LatencyModel, users: number, groups: number, opts: { touch?: { users: number; groups: number } } = {}) {
  const emu = await createSpsEmulator({ users: [ADMIN], latencyMs: lat.requestMs, commitMs: lat.commitMs });
  try {
    const stateFile = freshStateFile("bench-access");
    const desired = await team(users, groups);
    const t0 = performance.now();
    const session = await deployment(emu, stateFile).begin();
    await session.register(desired).catch(() => undefined);
    const hostPeakRssMb = peakRssMb(session.host.child.pid);
    const r = await session.finish();
    const wallSeconds = (performance.now() - t0) / 1000;
    // 1 login + 1 aaa/settings read + per user (POST password + POST user) + per group (POST group) + open + commit.
    const minRequests = 1 + 1 + users * 2 + groups + 2;
    const up = {
      users, groups, requests: emu.log.entries.length, minRequests, requestsRatio: emu.log.entries.length / minRequests, commits: commitsOf(emu),
      wallSeconds, limitWallSeconds: (minRequests * lat.requestMs + lat.commitMs) / 1000, wallRatio: 0, hostPeakRssMb, failures: r.failures.length,
    };
    up.wallRatio = up.wallSeconds / up.limitWallSeconds;
    let update;
    if (opts.touch) {
      emu.log.clear();
      const u = await deployment(emu, stateFile).up([await team(users, groups, opts.touch)]);
      update = { touchedUsers: opts.touch.users, touchedGroups: opts.touch.groups, commits: commitsOf(emu), writes: writesOf(emu), requests: emu.log.entries.length, failures: u.failures.length };
    }
    emu.log.clear();
    const t1 = performance.now();
    const rf = await deployment(emu, stateFile).refresh();
    const refresh = {
      objects: users + groups, requests: emu.log.entries.length, transactions: emu.log.entries.filter((e) => e.path.startsWith("/api/transaction")).length,
      limitRequests: 1 + users + groups, wallSeconds: (performance.now() - t1) / 1000, failures: rf.failures.length,
    };
    return { up, update, refresh };
  } finally {
    await emu.close();
  }
}
