/**
 * Crash-point sweep through the harness (see README.md here). `npm test` runs a stratified subset:
 * crash points picked by request kind (login, staging write, transaction open, commits), both crash
 * variants and both recoveries. `npm run test:crash` (CRASH_SWEEP=full) runs every request boundary
 * of both plans (or CRASH_SWEEP_PLAN=create|update), a few crash points at a time
 * (CRASH_SWEEP_CONCURRENCY, default 3), optionally one shard of them (CRASH_SWEEP_SHARD=i/n), and writes the table to CRASH_SWEEP_TABLE (rows appended as
 * they finish, so a cancelled run leaves what it did; sorted with a summary at the end).
 */
import * as fs from "fs";
import { crashPoint, formatRow, formatTable, pool, requestSequence, type CrashPointSpec, type Recovery, type SweepRow } from "./sweep";

const FULL = process.env.CRASH_SWEEP === "full";
const CONCURRENCY = Math.max(1, Number(process.env.CRASH_SWEEP_CONCURRENCY ?? 3));
const SHARD = /^(\d+)\/(\d+)$/.exec(process.env.CRASH_SWEEP_SHARD ?? "1/1");
if (!SHARD || Number(SHARD[1]) < 1 || Number(SHARD[1]) > Number(SHARD[2])) throw new Error(`CRASH_SWEEP_SHARD must be i/n with 1 <= i <= n, got ${process.env.CRASH_SWEEP_SHARD}`);
const TABLE = FULL ? process.env.CRASH_SWEEP_TABLE : undefined;
jest.setTimeout(FULL ? 3 * 60 * 60 * 1000 : 10 * 60 * 1000);

/** Every request boundary, both variants, both recoveries; a few past the end (request counts vary with batch timing). */
async function fullPoints(): Promise<Point[]> {
  const out: Point[] = [];
  const plans = (["create", "update"] as const).filter((p) => !process.env.CRASH_SWEEP_PLAN || process.env.CRASH_SWEEP_PLAN === p);
  const lengths = await Promise.all(plans.map(async (plan) => ({ plan, n: (await requestSequence(plan)).length })));
  for (const { plan, n } of lengths) {
    process.stdout.write(`${plan} plan: ${n} SPS requests uninterrupted\n`);
    for (let k = 1; k <= n + 2; k++) for (const variant of ["before", "after"] as const) out.push({ plan, k, variant, recoveries: ["up", "refresh+up"] });
  }
  return out;
}

/**
 * Stratified by request kind, so batch boundaries (which move with timing) do not change what is hit:
 * k counts only the requests of that kind. Both variants and both recoveries appear, and each plan's
 * commits with the answer lost (the create plan's second: groups wait for users, so there always is one;
 * the update plan's first: renames and the password change).
 */
const SUBSET: Point[] = [
  { plan: "create", k: 1, variant: "after", recoveries: ["up"], match: /^GET \/api\/authentication$/ },
  { plan: "create", k: 2, variant: "before", recoveries: ["refresh+up"], match: /^POST \/api\/configuration\// },
  { plan: "create", k: 2, variant: "after", recoveries: ["up"], match: /^PUT \/api\/transaction$/ },
  { plan: "update", k: 1, variant: "after", recoveries: ["refresh+up"], match: /^PUT \/api\/transaction$/ },
  { plan: "update", k: 1, variant: "before", recoveries: ["up"], match: /^POST \/api\/transaction$/ },
];

/** A crash point and the recoveries tried from it (each from its own copy of the crashed appliance). */
type Point = CrashPointSpec & { recoveries: Recovery[] };

describe(`SPS crash-point sweep (${FULL ? "full" : "stratified subset"})`, () => {
  it("converges, or fails naming the object and a fix that works, at every crash point", async () => {
    const [shard, shards] = [Number(SHARD![1]), Number(SHARD![2])];
    const points = FULL ? (await fullPoints()).filter((_, i) => i % shards === shard - 1) : SUBSET;
    if (TABLE) fs.writeFileSync(TABLE, `${formatTable([])}\n`);
    let done = 0;
    const rows: SweepRow[] = (
      await pool(points, CONCURRENCY, async (p) => {
        const rs = await crashPoint(p, p.recoveries);
        if (FULL) for (const r of rs) process.stdout.write(`[${++done}/${points.length * 2}] ${formatRow(r)}\n`);
        if (TABLE) fs.appendFileSync(TABLE, rs.map((r) => `${formatRow(r)}\n`).join(""));
        return rs;
      })
    ).flat();
    const table = formatTable(rows);
    // eslint-disable-next-line no-console
    console.log(table);
    if (TABLE) fs.writeFileSync(TABLE, `${table}\n\n${summary(rows)}${shards > 1 ? ` (shard ${shard}/${shards})` : ""}\n`);
    expect(rows.filter((r) => !r.ok).map(formatRow)).toEqual([]);
    // A subset point that hit nothing would test nothing.
    if (!FULL) expect(rows.filter((r) => r.request.startsWith("(none)")).map(formatRow)).toEqual([]);
  });
});

/** Counts per plan x variant x recovery x outcome kind. */
function summary(rows: SweepRow[]): string {
  const kind = (o: string) => (o.startsWith("converged (no crash)") ? "no crash" : o.startsWith("converged") ? "converged" : o.startsWith("fix named (") && o.endsWith("converged") ? "fix named, applied, converged" : "NOT OK");
  const counts = new Map<string, number>();
  for (const r of rows) {
    const key = `${r.plan.padEnd(6)} ${r.variant.padEnd(6)} ${r.recovery.padEnd(10)} ${kind(r.outcome)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [`summary (${rows.length} crash points)`, ...[...counts].sort().map(([k, n]) => `${k.padEnd(60)} ${n}`)].join("\n");
}
