/** SPS benchmark scenarios: `up` of users + groups through the harness, and refresh. */
import { spsLocalUserGroupProvider, spsLocalUserProvider } from "../provider/sps/resources";
import { createSpsEmulator, type SpsEmulator } from "../test/emulators/sps";
import { Deployment, type DesiredResource } from "../test/harness/engine";
import { freshStateFile, repoHostCwd, serializeProvider } from "../test/harness/serialize";
import { ref, secret } from "../test/harness/values";

export interface LatencyModel {
  requestMs: number;
  commitMs: number;
}

const ADMIN = { name: "admin", password: "bench-admin-pw-1" };

async function emulator(lat: LatencyModel): Promise<SpsEmulator> {
  return createSpsEmulator({ users: [ADMIN], latencyMs: lat.requestMs, commitMs: lat.commitMs });
}

function deployment(emu: SpsEmulator, parallelism: number, extra: Record<string, string> = {}): Deployment {
  return new Deployment({
    stateFile: freshStateFile("bench"),
    hostCwd: repoHostCwd(),
    project: "bench",
    parallelism,
    config: { "sps:url": emu.url, "sps:allowHttp": "true", "sps:username": ADMIN.name, "sps:password": secret(ADMIN.password), ...extra },
  });
}

/** 200 users, 20 groups of 10 members (two dependency waves). */
async function desired(users: number, groups: number): Promise<{ list: DesiredResource[]; waves: number[] }> {
  const up = await serializeProvider(spsLocalUserProvider);
  const gp = await serializeProvider(spsLocalUserGroupProvider);
  const list: DesiredResource[] = [];
  for (let i = 0; i < users; i++) {
    const name = `bench-user-${i}`;
    list.push({ name, type: "pulumi-nodejs:dynamic/pam:SpsLocalUser", provider: up, additionalSecretOutputs: ["password", "connection"], inputs: { name, password: secret(`pw-${i}-bench`) } });
  }
  const per = Math.max(1, Math.floor(users / groups));
  for (let g = 0; g < groups; g++) {
    const members = Array.from({ length: per }, (_, j) => ref(`bench-user-${(g * per + j) % users}`, "key"));
    list.push({ name: `bench-group-${g}`, type: "pulumi-nodejs:dynamic/pam:SpsLocalUserGroup", provider: gp, additionalSecretOutputs: ["connection"], inputs: { name: `bench-group-${g}`, members } });
  }
  return { list, waves: [users, groups] };
}

const commitsOf = (emu: SpsEmulator) => emu.log.entries.filter((e) => e.method === "PUT" && e.path === "/api/transaction" && e.status === 200).length;

export interface SpsUpResult {
  parallelism: number;
  users: number;
  groups: number;
  requests: number;
  commits: number;
  commitBound: number;
  limitRequests: number;
  requestsRatio: number;
  wallSeconds: number;
  limitWallSeconds: number;
  wallRatio: number;
  failures: number;
}

/** One `up` from empty; the limit is the commit bound of bench/README.md (Σ over waves of ⌈N_wave / P⌉). */
export async function spsUp(lat: LatencyModel, parallelism: number, opts: { users?: number; groups?: number; batchSize?: number } = {}): Promise<SpsUpResult> {
  const users = opts.users ?? 200;
  const groups = opts.groups ?? 20;
  const emu = await emulator(lat);
  try {
    const { list, waves } = await desired(users, groups);
    const d = deployment(emu, parallelism, opts.batchSize ? { "sps:batchSize": String(opts.batchSize) } : {});
    const t0 = performance.now();
    const r = await d.up(list);
    const wallSeconds = (performance.now() - t0) / 1000;
    const batchCap = Math.min(parallelism, opts.batchSize ?? Infinity);
    const commitBound = waves.reduce((s, n) => s + Math.ceil(n / batchCap), 0);
    // 1 login + per object (user: POST password + POST user; group: POST group) + open and commit per batch.
    const limitRequests = 1 + users * 2 + groups + 2 * commitBound;
    const limitWallSeconds = (limitRequests * lat.requestMs + commitBound * lat.commitMs) / 1000;
    const requests = emu.log.entries.length;
    return {
      parallelism, users, groups, requests, commits: commitsOf(emu), commitBound, limitRequests,
      requestsRatio: requests / limitRequests, wallSeconds, limitWallSeconds, wallRatio: wallSeconds / limitWallSeconds, failures: r.failures.length,
    };
  } finally {
    await emu.close();
  }
}

/** Refresh of N users created beforehand (reads only: 1 login + N GETs at the limit). */
export async function spsRefresh(lat: LatencyModel, users = 200, parallelism = 8) {
  const emu = await emulator({ ...lat, commitMs: 0 });
  try {
    const { list } = await desired(users, 0);
    const d = deployment(emu, parallelism);
    const created = await d.up(list);
    if (created.failures.length) throw new Error(`refresh setup failed: ${created.failures[0].message}`);
    emu.log.clear();
    const t0 = performance.now();
    const r = await d.refresh();
    const wallSeconds = (performance.now() - t0) / 1000;
    const limitRequests = 1 + users;
    return { users, parallelism, requests: emu.log.entries.length, limitRequests, wallSeconds, limitWallSeconds: (limitRequests * lat.requestMs) / 1000 / Math.min(parallelism, users), failures: r.failures.length };
  } finally {
    await emu.close();
  }
}
