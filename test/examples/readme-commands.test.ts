import { execFile, execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { TLS_DIR } from "../emulators/common/server";
import { createPvwaEmulator, type PvwaEmulator } from "../emulators/pvwa";
import { BUILTIN_GROUPS, createSpsEmulator, type SpsEmulator } from "../emulators/sps";
import { runOperation, type OperationOptions } from "../harness/program-process";
import { REPO_ROOT } from "../harness/serialize";
import { PVWA_SANDBOX_USERS, seedPvwaSandbox } from "../sandbox/pvwa";
import { committed } from "../sps/fixture";

/**
 * Each example README's commands, as written, so that the docs cannot drift from the code again.
 * - ```` ```sh test ```` blocks run in bash, line by line, in the example's directory.
 * - ```` ```sh test-config ```` blocks hold `pulumi config set` and `pulumi preview|up` lines. There is no
 *   Pulumi CLI here: each `config set` line (flags, key and `--path` form as written) builds the stack
 *   config, with the emulator's URL, CA and credentials in place of the example values (OVERRIDES), and
 *   each `preview`/`up` runs through the engine-protocol harness; a final destroy cleans up.
 *
 * The example runs where a user runs it: a copy at `<tmp>/examples/<name>` whose `file:../..` dependency is
 * `<tmp>`, the packed package (package.json, dist/, README), so `npm install` never touches this checkout.
 * npm scripts are off: dist/ is built already, and `prepare` would rebuild it under other running tests.
 * `npm install` needs the npm registry (npm's cache makes it quick); without it the test fails, it does not skip.
 */
const run = promisify(execFile);
const CA = path.join(TLS_DIR, "ca.pem");

/** The fenced blocks of `readme` whose info string is exactly `sh <kind>`. */
function blocks(readme: string, kind: "test" | "test-config"): string[] {
  return [...readme.matchAll(/^```sh (test(?:-config)?)\n([\s\S]*?)^```/gm)].filter((m) => m[1] === kind).map((m) => m[2]);
}

/** Shell words of one line: plain, '...' and "..." words; `#` starts a comment. */
function words(line: string): string[] {
  const out: string[] = [];
  const re = /\s*(?:'([^']*)'|"([^"]*)"|(#.*)|([^\s'"#]+))/g;
  for (let m = re.exec(line); m && m[0] !== ""; m = re.exec(line)) {
    if (m[3] !== undefined) break;
    out.push(m[1] ?? m[2] ?? m[4]);
  }
  return out;
}

type Step = { kind: "config"; key: string; value: string; secret: boolean; path: boolean } | { kind: "op"; op: "preview" | "up" };

/** Parses a `sh test-config` block; anything but `pulumi config set` / `pulumi preview|up` is an error. */
function parseConfigBlock(block: string): Step[] {
  const steps: Step[] = [];
  for (const line of block.split("\n")) {
    const w = words(line);
    if (w.length === 0) continue;
    if (w[0] !== "pulumi") throw new Error(`not a pulumi command: ${line}`);
    if (w[1] === "preview" || w[1] === "up") {
      steps.push({ kind: "op", op: w[1] });
      continue;
    }
    if (w[1] !== "config" || w[2] !== "set") throw new Error(`unsupported pulumi command: ${line}`);
    const flags = w.slice(3).filter((x) => x.startsWith("--"));
    const args = w.slice(3).filter((x) => !x.startsWith("--"));
    const unknown = flags.filter((f) => f !== "--secret" && f !== "--path");
    if (unknown.length || args.length !== 2) throw new Error(`unsupported config line: ${line}`);
    steps.push({ kind: "config", key: args[0], value: args[1], secret: flags.includes("--secret"), path: flags.includes("--path") });
  }
  return steps;
}

/** Applies one `config set` as the CLI stores it: `--path 'ns:a.b'` / `'ns:a[0]'` set inside the JSON value of `ns:a`. */
function setConfig(config: Record<string, string>, secretKeys: Set<string>, s: Extract<Step, { kind: "config" }>): void {
  if (!s.path) {
    config[s.key] = s.value;
    if (s.secret) secretKeys.add(s.key);
    return;
  }
  const m = /^([^.[]+)(.*)$/.exec(s.key)!;
  const top = m[1];
  const segs = [...m[2].matchAll(/\.([^.[]+)|\[(\d+)\]/g)].map((x) => (x[2] !== undefined ? Number(x[2]) : x[1]));
  let obj: any = config[top] !== undefined ? JSON.parse(config[top]) : typeof segs[0] === "number" ? [] : {};
  const root = obj;
  segs.forEach((seg, i) => {
    if (i === segs.length - 1) obj[seg] = s.value;
    else obj = obj[seg] ??= typeof segs[i + 1] === "number" ? [] : {};
  });
  config[top] = JSON.stringify(root);
  if (s.secret) secretKeys.add(top);
}

/** Copies an example next to an extracted copy of the packed package, as `file:../..` expects. */
function workspace(root: string, example: string): string {
  const dir = path.join(root, "examples", example);
  fs.cpSync(path.join(REPO_ROOT, "examples", example), dir, { recursive: true, filter: (f) => !/node_modules|package-lock\.json/.test(f) });
  return dir;
}

async function runTestBlocks(dir: string, readme: string, env: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string }[]> {
  const results = [];
  for (const block of blocks(readme, "test")) {
    for (const line of block.split("\n").filter((l) => l.trim() !== "")) {
      const r = await run("bash", ["-ec", line], {
        cwd: dir, encoding: "utf8", maxBuffer: 64 << 20,
        env: { ...process.env, ...env, npm_config_ignore_scripts: "true", npm_config_prefer_offline: "true", npm_config_audit: "false", npm_config_fund: "false" },
      }).catch((e: { stdout: string; stderr: string; code: number }) => {
        throw new Error(`README command \`${line}\` failed (exit ${e.code}) in ${dir}:\n${e.stdout}\n${e.stderr}`);
      });
      results.push(r);
    }
  }
  return results;
}

/** Runs the config block's steps through the harness from the installed example, then destroys. */
async function runConfigBlock(dir: string, readme: string, overrides: Record<string, string>, afterUp: () => void) {
  const [block] = blocks(readme, "test-config");
  expect(block).toBeDefined();
  const config: Record<string, string> = {};
  const secretKeys = new Set<string>();
  const project = /^name:\s*(\S+)/m.exec(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8"))![1];
  const stateFile = path.join(dir, ".state", "dev.json");
  const op = (kind: OperationOptions["op"]) =>
    runOperation({
      op: kind, stateFile, program: dir, hostCwd: dir, project, config, secretKeys: [...secretKeys],
      env: { NODE_OPTIONS: `--require ${path.join(__dirname, "..", "packaging", "project-sdk.js")}`, PULUMI_PAM_SDK_FROM: dir },
    });
  const ops = [];
  const keys: string[] = [];
  for (const s of parseConfigBlock(block)) {
    if (s.kind === "config") {
      keys.push(s.key);
      setConfig(config, secretKeys, { ...s, value: overrides[s.key] ?? s.value });
    } else {
      const r = await op(s.op);
      expect({ op: s.op, ok: r.summary.ok, failures: r.summary.failures, programErrors: r.summary.programErrors }).toEqual({ op: s.op, ok: true, failures: [], programErrors: [] });
      ops.push(r);
      if (s.op === "up") afterUp();
    }
  }
  // Every override stands for a line the README has: a renamed key must fail here, not in a user's stack.
  expect(Object.keys(overrides).filter((k) => !keys.includes(k))).toEqual([]);
  const destroy = await op("destroy");
  expect(destroy.summary.ok).toBe(true);
  return { ops, destroy };
}

describe("example READMEs: the commands as written", () => {
  let root: string;
  beforeAll(async () => {
    if (!fs.existsSync(path.join(REPO_ROOT, "dist", "provider", "index.js"))) execFileSync("npx", ["tsc", "-p", "tsconfig.json"], { cwd: REPO_ROOT });
    root = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-pam-readme-"));
    const packed = JSON.parse((await run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", root], { cwd: REPO_ROOT, encoding: "utf8" })).stdout);
    execFileSync("tar", ["-xzf", path.join(root, packed[0].filename), "-C", root, "--strip-components=1"]);
  });
  afterAll(() => root && fs.rmSync(root, { recursive: true, force: true }));

  it("session-actions: npm install, npm start -- sample-alert.json terminates the CyberArk session", async () => {
    const emu: PvwaEmulator = await createPvwaEmulator({ tls: true, seed: (c) => seedPvwaSandbox(c, Date.now()) });
    try {
      const dir = workspace(root, "session-actions");
      const readme = fs.readFileSync(path.join(dir, "README.md"), "utf8");
      const { operator } = PVWA_SANDBOX_USERS;
      const results = await runTestBlocks(dir, readme, {
        CYBERARK_URL: emu.url, CYBERARK_USERNAME: operator.username, CYBERARK_PASSWORD: operator.password, CYBERARK_CA_CERTIFICATES: CA,
      });
      const last = results[results.length - 1].stdout.trim().split("\n").pop()!;
      expect(JSON.parse(last)).toMatchObject({ action: "terminate", result: { target: "cyberark", sessionId: "31_24", outcome: "done" } });
      expect(fs.existsSync(path.join(dir, "node_modules", "@pulumi"))).toBe(false); // the session API needs no Pulumi SDK
    } finally {
      await emu.close();
    }
  });

  it("sps-access: npm install, the config lines, preview and up; then destroy", async () => {
    const password = "adm1n-Secret-9137";
    const emu: SpsEmulator = await createSpsEmulator({ tls: true, users: [{ name: "admin", password }] });
    try {
      const dir = workspace(root, "sps-access");
      const readme = fs.readFileSync(path.join(dir, "README.md"), "utf8");
      await runTestBlocks(dir, readme, {});
      const { ops } = await runConfigBlock(
        dir,
        readme,
        {
          "sps:url": emu.url, "sps:username": "admin", "sps:password": password, "sps:caCertificates": CA,
          "sps-access:passwords.alice": "Pw-alice-4821!", "sps-access:passwords.bob": "Pw-bob-7302!", "sps-access:passwords.carol": "Pw-carol-1177!",
        },
        () => expect(committed(emu, [...BUILTIN_GROUPS]).groups).toEqual({ "platform-ops": ["alice.smith", "bob.jones"], "platform-auditors": ["carol.white"] }),
      );
      expect(ops.map((o) => [o.summary.op, o.summary.counts.create])).toEqual([["preview", 1], ["up", 1]]); // one SpsLocalAccess for the whole file
      expect(committed(emu, [...BUILTIN_GROUPS])).toEqual({ users: {}, groups: {} }); // destroyed
    } finally {
      await emu.close();
    }
  });

  it("cyberark-suspend-permission: npm install, the config lines (suspendGroup included), preview and up; then destroy", async () => {
    const password = "Adm1n-PVWA-Example-5521";
    const emu: PvwaEmulator = await createPvwaEmulator({
      tls: true,
      seed: (c) => {
        c.addUser({ username: "admin", password, authorizations: ["AuditUsers", "AddUpdateUsers"] });
        for (const u of ["jdoe", "ir-lead"]) c.addUser({ username: u, password: `${u}-pw-1` });
        c.addGroupMember("PSMLiveSessionTerminators", { name: "ir-lead" });
      },
    });
    try {
      const dir = workspace(root, "cyberark-suspend-permission");
      const readme = fs.readFileSync(path.join(dir, "README.md"), "utf8");
      await runTestBlocks(dir, readme, {});
      const names = (g: string) => emu.controls.groupMembers(g)?.map((m) => m.name).sort();
      const { ops } = await runConfigBlock(
        dir,
        readme,
        { "cyberark:url": emu.url, "cyberark:username": "admin", "cyberark:password": password, "cyberark:caCertificates": CA },
        () => {
          expect(names("SOCSessionSuspenders")).toEqual(["jdoe", "soc-analysts"]);
          expect(names("PSMLiveSessionTerminators")).toEqual(["ir-lead"]);
        },
      );
      expect(ops.map((o) => [o.summary.op, o.summary.counts.create])).toEqual([["preview", 2], ["up", 2]]);
      expect(names("SOCSessionSuspenders")).toBeUndefined(); // created by the stack, deleted by destroy
    } finally {
      await emu.close();
    }
  });
});
