/**
 * Crash-point sweep: an `up` whose provider host is SIGKILLed at request boundary k (before the request
 * reaches SPS, or after SPS applied it but before the answer arrives), then a recovery (`up`, or
 * `refresh` then `up`) that must converge on the program or fail naming the object and the fix.
 */
import { request } from "undici";
import type { Deployment, DesiredResource } from "../harness/engine";
import { spsStateMismatches } from "../faults/sps-state";
import { SESSION_IDLE_MS } from "../emulators/sps";
import { committed, spsFixture, type SpsFixture } from "../sps/fixture";

export type Variant = "before" | "after";
export type Recovery = "up" | "refresh+up";

/** A program: users (name → password) and groups (name → member resource names). */
interface Program {
  users: Record<string, { name: string; password: string }>;
  groups: Record<string, { name: string; members: string[] }>;
}

const range = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i + 1));

/** 12 users and 3 groups (15 creates). */
export const CREATE_PLAN: Program = {
  users: Object.fromEntries(range(12, (i) => `u${i}`).map((r) => [r, { name: `cs-${r}`, password: `pw-${r}-one` }])),
  groups: {
    g1: { name: "cs-g1", members: ["u1", "u2", "u3", "u4"] },
    g2: { name: "cs-g2", members: ["u5", "u6", "u7", "u8"] },
    g3: { name: "cs-g3", members: ["u9", "u10"] },
  },
};

/**
 * From CREATE_PLAN: renames u1 and u2, changes u3's password, drops u11 and u12 and group g3 (deletes),
 * changes g1's and g2's members, adds u13..u15 and group g4 (about 14 operations).
 */
export const UPDATE_PLAN: Program = (() => {
  const users = { ...CREATE_PLAN.users };
  users.u1 = { ...users.u1, name: "cs-u1-renamed" };
  users.u2 = { ...users.u2, name: "cs-u2-renamed" };
  users.u3 = { ...users.u3, password: "pw-u3-two" };
  delete users.u11;
  delete users.u12;
  for (const r of ["u13", "u14", "u15"]) users[r] = { name: `cs-${r}`, password: `pw-${r}-one` };
  return {
    users,
    groups: {
      g1: { name: "cs-g1", members: ["u1", "u2", "u13"] },
      g2: { name: "cs-g2", members: ["u5", "u6", "u9", "u10"] },
      g4: { name: "cs-g4", members: ["u14", "u15"] },
    },
  };
})();

function desired(fx: SpsFixture, p: Program): DesiredResource[] {
  return [
    ...Object.entries(p.users).map(([r, u]) => fx.user(r, u.password, { name: u.name })),
    ...Object.entries(p.groups).map(([r, g]) => fx.group(r, g.members, { name: g.name })),
  ];
}

/** Everything that differs between SPS and the program (names, passwords, members, lock, state). */
async function divergence(fx: SpsFixture, d: Deployment, p: Program): Promise<string[]> {
  const out = spsStateMismatches(d, fx.emu);
  const c = committed(fx.emu, ["basic-view", "basic-write", "auth-view", "auth-write", "search", "changelog", "http-view", "http-write", "active-sessions-view", "active-sessions-write"]);
  const wantUsers = Object.values(p.users).map((u) => u.name).sort();
  if (JSON.stringify(Object.keys(c.users).sort()) !== JSON.stringify(wantUsers)) out.push(`users on SPS [${Object.keys(c.users).sort()}], program [${wantUsers}]`);
  for (const [r, g] of Object.entries(p.groups)) {
    const want = g.members.map((m) => p.users[m].name).sort();
    if (JSON.stringify(c.groups[g.name] ?? null) !== JSON.stringify(want)) out.push(`group ${r}: SPS members ${JSON.stringify(c.groups[g.name] ?? null)}, program ${JSON.stringify(want)}`);
  }
  const extraGroups = Object.keys(c.groups).filter((n) => !Object.values(p.groups).some((g) => g.name === n));
  if (extraGroups.length) out.push(`groups on SPS not in the program: ${extraGroups}`);
  if (fx.emu.snapshot().transaction.open) out.push(`transaction left open: ${JSON.stringify(fx.emu.snapshot().transaction)}`);
  for (const u of Object.values(p.users)) {
    // The password is checked the way a user notices it: by logging in.
    const r = await request(`${fx.emu.url}/api/authentication`, { headers: { authorization: `Basic ${Buffer.from(`${u.name}:${u.password}`).toString("base64")}` } });
    await r.body.text();
    if (r.statusCode !== 200) out.push(`user ${u.name}: cannot log in with the program's password (${r.statusCode})`);
  }
  return out;
}

/** A failure that tells the user what to do: names the object and a concrete fix. */
const namesFix = (m: string) => /SPS local (user|usergroup) "[^"]+"/.test(m) && /(set adopt: true|set adoptExisting: true|pulumi refresh|run pulumi up again)/.test(m);

export interface SweepRow {
  plan: "create" | "update";
  k: number;
  variant: Variant;
  recovery: Recovery;
  request: string;
  outcome: string;
  ok: boolean;
}

async function runPlanFromScratch(fx: SpsFixture, plan: "create" | "update"): Promise<void> {
  if (plan === "update") {
    const r = await fx.deployment().up(desired(fx, CREATE_PLAN));
    if (r.failures.length) throw new Error(`setup of the update plan failed: ${r.failures[0].message}`);
  }
}

/** The SPS requests (`METHOD /path`) an uninterrupted apply of `plan` sends: the sweep's k range. */
export async function requestSequence(plan: "create" | "update"): Promise<string[]> {
  const fx = await spsFixture();
  try {
    await runPlanFromScratch(fx, plan);
    fx.emu.log.clear();
    const r = await fx.deployment().up(desired(fx, plan === "create" ? CREATE_PLAN : UPDATE_PLAN));
    if (r.failures.length) throw new Error(`uninterrupted ${plan} plan failed: ${r.failures[0].message}`);
    return fx.emu.log.entries.map((e) => `${e.method} ${e.path}`);
  } finally {
    await fx.close();
  }
}

/**
 * One crash point: kill at the k-th request (or the k-th request matching `match`, "METHOD /path"),
 * recover, judge. Batch boundaries depend on arrival timing, so the same k may name another request in
 * another run; the table shows the one actually hit.
 */
export async function crashPoint(plan: "create" | "update", k: number, variant: Variant, recovery: Recovery, match: RegExp = /./): Promise<SweepRow> {
  const fx = await spsFixture();
  const program = plan === "create" ? CREATE_PLAN : UPDATE_PLAN;
  try {
    await runPlanFromScratch(fx, plan);
    fx.emu.log.clear();
    const d = fx.deployment();
    fx.emu.faults.plan(match, { kind: variant === "before" ? "drop-before" : "drop-after", then: () => d.lastHost?.child.kill("SIGKILL") }, { after: k - 1 });
    const crashed = await d.up(desired(fx, program));
    const hit = fx.emu.log.entries.find((e) => e.status === -1);
    const req = hit ? `${hit.method} ${hit.path.replace(/[0-9a-f]{20,}/g, "<key>")}` : "(none)";
    fx.emu.faults.clear();
    // A killed host's session keeps its transaction and the lock until SPS expires it (20 minutes idle).
    fx.emu.controls.advanceClock(SESSION_IDLE_MS + 60_000);
    if (recovery === "refresh+up") {
      const rr = await fx.deployment().refresh();
      if (rr.failures.length) return row(`refresh failed: ${rr.failures[0].message}`, false);
    }
    const again = await fx.deployment().up(desired(fx, program));
    if (again.failures.length) {
      const bad = again.failures.filter((f) => !namesFix(f.message));
      return bad.length ? row(`FAILED without a fix: ${bad[0].name}: ${bad[0].message}`, false) : row(`fix named: ${again.failures[0].message.slice(0, 140)}`, true);
    }
    const diverged = await divergence(fx, fx.deployment(), program);
    return diverged.length ? row(`DIVERGED: ${diverged.join("; ")}`, false) : row(crashed.failures.length ? "converged" : "converged (no crash)", true);

    function row(outcome: string, ok: boolean): SweepRow {
      return { plan, k, variant, recovery, request: req, outcome, ok };
    }
  } finally {
    await fx.close();
  }
}

export function formatTable(rows: SweepRow[]): string {
  const lines = rows.map((r) => `${r.plan.padEnd(6)} ${String(r.k).padStart(3)} ${r.variant.padEnd(6)} ${r.recovery.padEnd(10)} ${r.request.padEnd(52)} ${r.outcome}`);
  return [`${"plan".padEnd(6)} ${"k".padStart(3)} ${"crash".padEnd(6)} ${"recovery".padEnd(10)} ${"request".padEnd(52)} outcome`, ...lines].join("\n");
}
