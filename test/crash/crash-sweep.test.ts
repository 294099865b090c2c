/**
 * Crash-point sweep through the harness. `npm test` runs a stratified subset (the login, a staging
 * write, the last commit; both crash variants; both recoveries); `npm run
 * test:crash` (CRASH_SWEEP=full) runs every request boundary of both plans and prints the whole table.
 */
import * as fs from "fs";
import { crashPoint, formatTable, requestSequence, type Recovery, type SweepRow, type Variant } from "./sweep";

const FULL = process.env.CRASH_SWEEP === "full";
jest.setTimeout(FULL ? 3 * 60 * 60 * 1000 : 10 * 60 * 1000);


describe(`SPS crash-point sweep (${FULL ? "full" : "stratified subset"})`, () => {
  it("converges, or fails naming the object and the fix, at every crash point", async () => {
    const rows: SweepRow[] = [];
    for (const plan of ["create", "update"] as const) {
      const seq = await requestSequence(plan);
      const n = seq.length;
      const points: { k: number; variant: Variant; recovery: Recovery; match?: RegExp }[] = [];
      if (FULL) {
        // A few past the end of the uninterrupted run: batch boundaries (so request counts) vary by timing.
        for (let k = 1; k <= n + 3; k++) for (const variant of ["before", "after"] as const) for (const recovery of ["up", "refresh+up"] as const) points.push({ k, variant, recovery });
      } else {
        // Stratified: the login (create plan), a staging write of the first batch, the last commit
        // (applied, answer lost); both variants and both recoveries appear.
        const staging = seq.findIndex((r) => r.startsWith("POST /api/configuration/")) + 1;
        const commits = seq.filter((r) => r === "PUT /api/transaction").length;
        if (plan === "create") points.push({ k: 1, variant: "after", recovery: "up" });
        points.push({ k: staging + 2, variant: "before", recovery: "refresh+up" });
        // The create plan's last commit and the update plan's first (renames, password change) applied, answer lost.
        points.push({ k: plan === "create" ? commits : 1, variant: "after", recovery: plan === "create" ? "up" : "refresh+up", match: /^PUT \/api\/transaction$/ });
      }
      for (const p of points) {
        const r = await crashPoint(plan, p.k, p.variant, p.recovery, p.match);
        rows.push(r);
        if (FULL) process.stdout.write(`${formatTable([r]).split("\n")[1]}\n`);
      }
    }
    const table = formatTable(rows);
    // eslint-disable-next-line no-console
    console.log(table);
    if (FULL && process.env.CRASH_SWEEP_TABLE) fs.writeFileSync(process.env.CRASH_SWEEP_TABLE, `${table}\n`);
    expect(rows.filter((r) => !r.ok).map((r) => `${r.plan} k=${r.k} ${r.variant} ${r.recovery} ${r.request}: ${r.outcome}`)).toEqual([]);
  });
});
