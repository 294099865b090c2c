/**
 * `npm run demo`: the main job end to end, with no appliance and no Pulumi CLI. Starts the SPS sandbox
 * emulator (HTTPS, test CA, demo data), then runs examples/sps-access (its default: the whole access file
 * as one SpsLocalAccess) through the engine-protocol harness (test/harness/program-process.ts) on a copy
 * of its access file:
 *   preview → up → edit the copy (rename, membership change, removal, addition) → preview → up → refresh → destroy.
 * Each preview prints the plan (what a PR pipeline shows), each other step its result, as the CLI does,
 * plus the REST requests and commits SPS saw: a preview and a refresh commit nothing, and every up and the
 * destroy are exactly one commit (one resource, one transaction), which the demo checks.
 * Everything lives in a temp dir that is removed at the end; exit code 0 only when every step succeeded.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { TLS_DIR } from "../emulators/common/server";
import { createSpsEmulator, type SpsEmulator } from "../emulators/sps";
import { runOperation, type OperationOutput, type OperationSummary } from "../harness/program-process";
import { REPO_ROOT } from "../harness/serialize";
import { SPS_SANDBOX_USERS, seedSpsSandbox } from "../sandbox/sps";

const EXAMPLE = path.join(REPO_ROOT, "examples", "sps-access");
/** Demo-only initial passwords, handed to the program as a secret stack config value. */
const PASSWORDS = { alice: "Alice!Demo-2026", bob: "Bob!Demo-2026", carol: "Carol!Demo-2026", dave: "Dave!Demo-2026" };

/** The edit a platform engineer would push in a PR. */
const EDITED_ACCESS = `# Edited by the demo: alice renamed, carol moved into ops, bob removed, dave added to auditors.
users:
  - id: alice
    name: alice.jones
    password: managed
  - id: carol
    name: carol.white
    password: managed
  - id: dave
    name: dave.brown
    password: managed
groups:
  - id: ops
    name: platform-ops
    members: [alice, carol]
  - id: auditors
    name: platform-auditors
    members: [dave]
`;

const out = (s = "") => process.stdout.write(s + "\n");

/** Requests since `from` (log sequence), grouped as "METHOD /path-pattern", and commits that succeeded. */
export function requestSummary(emu: SpsEmulator, from: number): { lines: string[]; commits: number; requests: number } {
  const entries = emu.log.entries.filter((e) => e.seq > from);
  const counts = new Map<string, number>();
  for (const e of entries) {
    // Keys and ids make every path unique; show the collection instead.
    const p = e.path.replace(/\?.*$/, "").replace(/\/(users|groups|passwords)\/[^/]+$/, "/$1/{key}");
    const k = `${e.method} ${p} → ${e.status}`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const commits = entries.filter((e) => e.method === "PUT" && e.path === "/api/transaction" && e.status === 200).length;
  return { lines: [...counts].map(([k, n]) => `    ${String(n).padStart(3)} × ${k}`), commits, requests: entries.length };
}

async function main(): Promise<number> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-pam-demo-"));
  // The provider host resolves `pulumi-pam` from its working directory, as in a user's project.
  const hostCwd = path.join(tmp, "host");
  fs.mkdirSync(path.join(hostCwd, "node_modules"), { recursive: true });
  fs.symlinkSync(REPO_ROOT, path.join(hostCwd, "node_modules", "pulumi-pam"), "dir");
  const accessFile = path.join(tmp, "access.yaml");
  fs.copyFileSync(path.join(EXAMPLE, "access.yaml"), accessFile);
  const { admin } = SPS_SANDBOX_USERS;
  const emu = await createSpsEmulator({ tls: true, users: [{ name: admin.username, password: admin.password }] });
  seedSpsSandbox(emu.controls);
  const objectNames = () => JSON.stringify([emu.snapshot().users.map((u) => u.name).sort(), emu.snapshot().groups.map((g) => g.name).sort()]);
  const seeded = objectNames();
  const summaries: OperationSummary[] = [];
  try {
    out(`SPS sandbox emulator at ${emu.url} (test CA ${path.relative(REPO_ROOT, path.join(TLS_DIR, "ca.pem"))})`);
    out(`program: examples/sps-access (one SpsLocalAccess for the whole file), access file copied to ${accessFile}`);
    const step = async (title: string, op: OperationSummary["op"]): Promise<OperationOutput> => {
      out(`\n=== ${title} ===`);
      const from = emu.log.entries.at(-1)?.seq ?? 0;
      const r = await runOperation({
        op, stateFile: path.join(tmp, "state.json"), program: EXAMPLE, hostCwd, project: "sps-access", stack: "demo",
        config: {
          "sps:url": emu.url, "sps:username": admin.username, "sps:password": admin.password,
          "sps:caCertificates": path.join(TLS_DIR, "ca.pem"),
          "sps-access:accessFile": accessFile, "sps-access:passwords": JSON.stringify(PASSWORDS),
        },
        secretKeys: ["sps:password", "sps-access:passwords"],
      });
      out(r.text);
      if (r.stderr.trim()) out(r.stderr.trimEnd());
      const req = requestSummary(emu, from);
      out(`  SPS saw ${req.requests} requests, ${req.commits} commit(s):`);
      for (const l of req.lines) out(l);
      summaries.push(r.summary);
      if (!r.summary.ok) throw new Error(`${title} failed`);
      // preview and refresh never write; with SpsLocalAccess every up and destroy is one transaction.
      const expectedCommits = op === "preview" || op === "refresh" ? 0 : 1;
      if (req.commits !== expectedCommits) throw new Error(`${title}: SPS saw ${req.commits} commit(s), expected ${expectedCommits}`);
      return r;
    };
    await step("pulumi preview (the plan of the first run)", "preview");
    await step("pulumi up (first run: create users and groups)", "up");
    fs.writeFileSync(accessFile, EDITED_ACCESS);
    out("\n--- access file edited: alice renamed to alice.jones, carol moved into platform-ops, bob removed, dave added ---");
    await step("pulumi preview (the plan a PR of the edit shows)", "preview");
    await step("pulumi up (apply the edit)", "up");
    await step("pulumi refresh (read back: no drift)", "refresh");
    await step("pulumi destroy", "destroy");
    const left = emu.snapshot().users.filter((u) => !Object.values(SPS_SANDBOX_USERS).some((s) => s.username === u.name));
    if (left.length) throw new Error(`users left behind on SPS: ${left.map((u) => u.name).join(", ")}`);
    if (objectNames() !== seeded) throw new Error(`SPS users or groups differ from the seed data after destroy: ${objectNames()}`);
    const total = (op: string) => summaries.reduce((n, s) => n + ((s.counts as Record<string, number>)[op] ?? 0), 0);
    out(`\ndemo complete: resource steps ${total("create")} created, ${total("update")} updated, ${total("delete")} deleted; ` +
      `${emu.log.entries.filter((e) => e.method === "PUT" && e.path === "/api/transaction" && e.status === 200).length} SPS commits in total ` +
      `(one per up and destroy); SPS is back to its seed data.`);
    return 0;
  } finally {
    await emu.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`demo failed: ${(e as Error).message}\n`);
      process.exit(1);
    },
  );
}
