/**
 * `npm run bench`: counts and ratios measured side by side in one run (never timed assertions in tests).
 * Latency model: BENCH_REQUEST_MS (default 20) per request, BENCH_COMMIT_MS (default 1500) per SPS commit.
 * Writes bench/results.json (keys documented in bench/README.md) and prints a table.
 */
import * as fs from "fs";
import * as path from "path";
import { resetCoordinators } from "../provider/sps/registry";
import { accessScenario } from "./access";
import { spsRefresh, spsUp, type LatencyModel } from "./sps";
import { cyberarkSuspendAll, senhaseguraList } from "./vendors";

const lat: LatencyModel = { requestMs: Number(process.env.BENCH_REQUEST_MS ?? 20), commitMs: Number(process.env.BENCH_COMMIT_MS ?? 1500) };
const fmt = (n: number, d = 2) => (Number.isInteger(n) ? String(n) : n.toFixed(d));
const verdict = (ok: boolean) => (ok ? "met" : "NOT MET");

interface PerResource { p8WallSeconds: number; p8Commits: number; p64WallSeconds: number; p64Commits: number }

/** The SpsLocalAccess rows, with the per-resource rows they are compared to (same latency model). */
async function accessRows(log: (m: string) => void, perResource: PerResource) {
  log("SpsLocalAccess: up of 200 users + 20 groups, update touching 20 users + 5 groups, refresh ...");
  const small = await accessScenario(lat, 200, 20, { touch: { users: 20, groups: 5 } });
  log("SpsLocalAccess: up of 2,000 users + 200 groups ...");
  const large = await accessScenario(lat, 2000, 200);
  return {
    up200: { ...small.up, speedupOverPerResourceP8: perResource.p8WallSeconds / small.up.wallSeconds, speedupOverPerResourceP64: perResource.p64WallSeconds / small.up.wallSeconds, perResource },
    update20Users5Groups: small.update,
    refresh200: small.refresh,
    up2000: large.up,
    refresh2000: large.refresh,
  };
}

/**
 * `BENCH_ONLY=access`: only the SpsLocalAccess rows, compared to the per-resource rows recorded in
 * results.json by the last full run (quicker while working on SpsLocalAccess; the full run measures both).
 */
async function accessOnly(log: (m: string) => void) {
  const file = path.join(__dirname, "results.json");
  const recorded = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : {};
  const perResource = { p8WallSeconds: recorded.spsUp?.wallSeconds, p8Commits: recorded.spsUp?.commits, p64WallSeconds: recorded.spsUpP64?.wallSeconds, p64Commits: recorded.spsUpP64?.commits };
  const spsLocalAccess = await accessRows(log, perResource);
  fs.writeFileSync(file, JSON.stringify({ ...recorded, spsLocalAccess }, null, 2) + "\n");
  process.stdout.write(JSON.stringify(spsLocalAccess, null, 2) + "\nwritten: bench/results.json (spsLocalAccess)\n");
}

async function main() {
  const log = (m: string) => process.stderr.write(`${m}\n`);
  log(`latency model: ${lat.requestMs} ms per request, ${lat.commitMs} ms per SPS commit`);
  if (process.env.BENCH_ONLY === "access") return accessOnly(log);

  log("SPS up, P = 8 ...");
  const p8 = await spsUp(lat, 8);
  log("SPS up, P = 64 ...");
  const p64 = await spsUp(lat, 64);
  log("SPS up, P = 8, one transaction per operation (baseline) ...");
  const baseline = await spsUp(lat, 8, { batchSize: 1 });
  log("SPS refresh of 200 users ...");
  const refresh = await spsRefresh(lat, 200);
  log("SPS up memory, N = 10 / 100 / 1000 users ...");
  const memory = [];
  for (const n of [10, 100, 1000]) {
    const before = process.memoryUsage().rss;
    const r = await spsUp({ requestMs: 0, commitMs: 0 }, 8, { users: n, groups: Math.max(1, n / 10) });
    memory.push({ n, harnessRssDeltaMb: (process.memoryUsage().rss - before) / 1048576, commits: r.commits, commitBound: r.commitBound });
  }
  const spsLocalAccess = await accessRows(log, { p8WallSeconds: p8.wallSeconds, p8Commits: p8.commits, p64WallSeconds: p64.wallSeconds, p64Commits: p64.commits });
  log("CyberArk: list 500 live sessions and suspend them all ...");
  const cyberark = await cyberarkSuspendAll(lat, 500, 8);
  log("senhasegura: list 10 / 100 / 1,000 / 10,000 sessions ...");
  const senhasegura = await senhaseguraList(lat);
  await resetCoordinators();

  const results = {
    latencyModel: lat,
    spsUp: { ...p8, baselineWallSeconds: baseline.wallSeconds, baselineCommits: baseline.commits, baselineRequests: baseline.requests, speedupOverBaseline: baseline.wallSeconds / p8.wallSeconds },
    spsUpP64: p64,
    spsUpBaseline: baseline,
    spsRefresh: refresh,
    spsMemory: memory,
    spsLocalAccess,
    cyberarkSuspendAll: cyberark,
    senhaseguraList: senhasegura,
  };
  fs.writeFileSync(path.join(__dirname, "results.json"), JSON.stringify(results, null, 2) + "\n");

  const rows: string[][] = [["scenario", "requests", "limit", "commits", "bound", "wall s", "limit s", "targets"]];
  for (const [name, r] of [["SPS up P=8", p8], ["SPS up P=64", p64]] as const) {
    const ok = r.commits === r.commitBound && r.requestsRatio <= 1.1 && r.wallRatio <= 1.2 && r.failures === 0;
    rows.push([name, String(r.requests), String(r.limitRequests), String(r.commits), String(r.commitBound), fmt(r.wallSeconds), fmt(r.limitWallSeconds),
      `${verdict(ok)} (req x${fmt(r.requestsRatio)}, wall x${fmt(r.wallRatio)})`]);
  }
  rows.push(["SPS up baseline", String(baseline.requests), "-", String(baseline.commits), "-", fmt(baseline.wallSeconds), "-", `P=8 coalesced is x${fmt(baseline.wallSeconds / p8.wallSeconds)} faster`]);
  rows.push(["SPS refresh 200", String(refresh.requests), String(refresh.limitRequests), "0", "0", fmt(refresh.wallSeconds), fmt(refresh.limitWallSeconds), verdict(refresh.requests <= refresh.limitRequests * 1.1)]);
  rows.push(["CyberArk list 500", String(cyberark.listRequests), "-", "-", "-", fmt(cyberark.listSeconds), "-", `${cyberark.listed} listed`]);
  rows.push(["CyberArk suspend 500", String(cyberark.suspendRequests), String(cyberark.sessions), "-", "-", fmt(cyberark.suspendSeconds), fmt(cyberark.limitSuspendSeconds), `${cyberark.suspended} done, concurrency ${cyberark.concurrency}`]);
  for (const s of senhasegura) rows.push([`senhasegura list ${s.n}`, String(s.requests), "-", "-", "-", fmt(s.seconds, 3), "-", `peak +${fmt(s.peakHeapDeltaMb)} MB, held ${fmt(s.bytesPerSession, 0)} B/session`]);
  const a = spsLocalAccess.up200;
  rows.push(["SpsLocalAccess up 200+20", String(a.requests), String(a.minRequests), String(a.commits), "1", fmt(a.wallSeconds), fmt(a.limitWallSeconds), `req x${fmt(a.requestsRatio)}, wall x${fmt(a.wallRatio)}; x${fmt(a.speedupOverPerResourceP8)} faster than P=8, x${fmt(a.speedupOverPerResourceP64)} than P=64`]);
  for (const m of memory) rows.push([`SPS up N=${m.n} memory`, "-", "-", String(m.commits), String(m.commitBound), "-", "-", `harness rss +${fmt(m.harnessRssDeltaMb)} MB`]);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) process.stdout.write(r.map((c, i) => c.padEnd(widths[i])).join("  ") + "\n");
  process.stdout.write(`\nwritten: bench/results.json\n`);
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${(e as Error).stack}\n`);
  process.exit(1);
});
