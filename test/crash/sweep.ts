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
import { discard, restore, save, type SavedStack } from "./fork";

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

/** The program's resources; `adopted` holds the SPS names the user chose to adopt (the named fix applied). */
function desired(fx: SpsFixture, p: Program, adopted: ReadonlySet<string> = new Set()): DesiredResource[] {
  return [
    ...Object.entries(p.users).map(([r, u]) => fx.user(r, u.password, { name: u.name, ...(adopted.has(u.name) ? { adopt: true } : {}) })),
    ...Object.entries(p.groups).map(([r, g]) => fx.group(r, g.members, { name: g.name, ...(adopted.has(g.name) ? { adoptExisting: true } : {}) })),
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

/**
 * The fix a failure names, as a user would apply it: the SPS objects to adopt (`set adopt: true` /
 * `set adoptExisting: true` on the resource of that name), a `pulumi refresh` first, or just another
 * `pulumi up`. Undefined when some failure does not name its object and a concrete fix.
 */
interface NamedFix {
  adopt: Set<string>;
  refresh: boolean;
  describe: string;
}
function namedFix(messages: string[]): NamedFix | undefined {
  const fix: NamedFix = { adopt: new Set(), refresh: false, describe: "" };
  const said: string[] = [];
  for (const m of messages) {
    const object = /SPS local (?:user|usergroup) "([^"]+)"/.exec(m)?.[1];
    if (!object) return undefined;
    if (/set adopt(Existing)?: true/.test(m)) {
      fix.adopt.add(object);
      said.push(`adopt ${object}`);
    } else if (/pulumi refresh/.test(m)) {
      fix.refresh = true;
      said.push(`pulumi refresh (${object})`);
    } else if (/run pulumi up again/.test(m)) said.push(`pulumi up again (${object})`);
    else return undefined;
  }
  fix.describe = [...new Set(said)].join(", ");
  return fix;
}

export interface SweepRow {
  plan: "create" | "update";
  k: number;
  variant: Variant;
  recovery: Recovery;
  request: string;
  outcome: string;
  ok: boolean;
}

let updateBaseline: Promise<SavedStack> | undefined;
/** The update plan starts from the create plan applied: made once, then forked for every crash point. */
function baselineFor(): Promise<SavedStack> {
  updateBaseline ??= (async () => {
    const fx = await spsFixture();
    try {
      const r = await fx.deployment().up(desired(fx, CREATE_PLAN));
      if (r.failures.length) throw new Error(`setup of the update plan failed: ${r.failures[0].message}`);
      return save(fx);
    } finally {
      await fx.close();
    }
  })();
  return updateBaseline;
}

const startOf = async (plan: "create" | "update"): Promise<SpsFixture> => (plan === "update" ? restore(await baselineFor()) : spsFixture());
const programOf = (plan: "create" | "update") => (plan === "create" ? CREATE_PLAN : UPDATE_PLAN);

/** The SPS requests (`METHOD /path`) an uninterrupted apply of `plan` sends: the sweep's k range. */
export async function requestSequence(plan: "create" | "update"): Promise<string[]> {
  const fx = await startOf(plan);
  try {
    const r = await fx.deployment().up(desired(fx, programOf(plan)));
    if (r.failures.length) throw new Error(`uninterrupted ${plan} plan failed: ${r.failures[0].message}`);
    return fx.emu.log.entries.map((e) => `${e.method} ${e.path}`);
  } finally {
    await fx.close();
  }
}

/** One crash point: the plan, the k-th request (counting only requests matching `match`), the variant. */
export interface CrashPointSpec {
  plan: "create" | "update";
  k: number;
  variant: Variant;
  /** Counts only the requests matching this ("METHOD /path"); default every request. */
  match?: RegExp;
}

/**
 * Kills the host at the crash point, then recovers once per `recoveries` entry, each from its own copy
 * of the crashed appliance and state (the crashed `up` runs once). Batch boundaries depend on arrival
 * timing, so the same k may name another request in another run; each row shows the request hit.
 */
export async function crashPoint(spec: CrashPointSpec, recoveries: readonly Recovery[]): Promise<SweepRow[]> {
  const { plan, k, variant, match = /./ } = spec;
  const fx = await startOf(plan);
  let saved: SavedStack;
  let req: string;
  try {
    const d = fx.deployment();
    fx.emu.faults.plan(match, { kind: variant === "before" ? "drop-before" : "drop-after", then: () => d.lastHost?.child.kill("SIGKILL") }, { after: k - 1 });
    await d.up(desired(fx, programOf(plan)));
    const hitAt = fx.emu.log.entries.findIndex((e) => e.status === -1);
    const hit = fx.emu.log.entries[hitAt];
    const counted = spec.match ? ` (k counts ${spec.match.source})` : "";
    req = hit ? `#${hitAt + 1} ${hit.method} ${hit.path.replace(/[0-9a-f]{20,}/g, "<key>")}${counted}` : `(none)${counted}`;
    fx.emu.faults.clear();
    // A killed host's session keeps its transaction and the lock until SPS expires it (20 minutes
    // idle): the clock is fast-forwarded past that, which ends every (idle) session.
    fx.emu.controls.advanceClock(SESSION_IDLE_MS + 60_000);
    fx.emu.controls.expireAllSessions();
    saved = save(fx);
  } finally {
    await fx.close();
  }
  try {
    const rows: SweepRow[] = [];
    for (const recovery of recoveries) {
      const outcome = await recover(saved, plan, recovery, !req.startsWith("(none)"));
      rows.push({ plan, k, variant, recovery, request: req, ...outcome });
    }
    return rows;
  } finally {
    discard(saved);
  }
}

/**
 * The recovery a user runs after the crash, judged. When it fails naming the fix, the fix is applied
 * as a user would (adopt the named objects, refresh, up again) and the result must then converge: a
 * named fix that does not work is a failure too.
 */
async function recover(saved: SavedStack, plan: "create" | "update", recovery: Recovery, crashed: boolean): Promise<{ outcome: string; ok: boolean }> {
  const fx = await restore(saved);
  const program = programOf(plan);
  try {
    if (recovery === "refresh+up") {
      const rr = await fx.deployment().refresh();
      if (rr.failures.length) return { outcome: `refresh failed: ${rr.failures[0].message}`, ok: false };
    }
    const again = await fx.deployment().up(desired(fx, program));
    let outcome = crashed ? "converged" : "converged (no crash)";
    if (again.failures.length) {
      const fix = namedFix(again.failures.map((f) => f.message));
      if (!fix) {
        const bad = again.failures.find((f) => !namedFix([f.message]))!;
        return { outcome: `FAILED without a fix: ${bad.name}: ${bad.message}`, ok: false };
      }
      if (fix.refresh) {
        const rr = await fx.deployment().refresh();
        if (rr.failures.length) return { outcome: `fix named (${fix.describe}) but its refresh failed: ${rr.failures[0].message}`, ok: false };
      }
      const fixed = await fx.deployment().up(desired(fx, program, fix.adopt));
      if (fixed.failures.length) return { outcome: `fix named (${fix.describe}) but the up after it failed: ${fixed.failures[0].name}: ${fixed.failures[0].message}`, ok: false };
      outcome = `fix named (${fix.describe}), applied: converged`;
    }
    const diverged = await divergence(fx, fx.deployment(), program);
    return diverged.length ? { outcome: `DIVERGED: ${diverged.join("; ")}`, ok: false } : { outcome, ok: true };
  } finally {
    await fx.close();
  }
}

/** Runs `fn` over `items` with at most `limit` in flight; results in input order. */
export async function pool<T, R>(items: readonly T[], limit: number, fn: (t: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export function formatTable(rows: SweepRow[]): string {
  const lines = rows.map(formatRow);
  return [`${"plan".padEnd(6)} ${"k".padStart(3)} ${"crash".padEnd(6)} ${"recovery".padEnd(10)} ${"request hit".padEnd(56)} outcome`, ...lines].join("\n");
}

export function formatRow(r: SweepRow): string {
  return `${r.plan.padEnd(6)} ${String(r.k).padStart(3)} ${r.variant.padEnd(6)} ${r.recovery.padEnd(10)} ${r.request.padEnd(56)} ${r.outcome}`;
}
