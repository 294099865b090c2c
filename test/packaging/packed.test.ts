import { execFile, execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { BUILTIN_GROUPS, createSpsEmulator, type SpsEmulator } from "../emulators/sps";
import { runOperation, type OperationOptions } from "../harness/program-process";
import { REPO_ROOT } from "../harness/serialize";
import { committed } from "../sps/fixture";

/**
 * A user's project, made the way a user makes one: a copy of examples/sps-access whose package.json
 * depends on the packed tarball and on the newest @pulumi/pulumi from the registry, installed with
 * `npm install`. Everything below runs from that project's node_modules: the program's SDK, the
 * resource classes, the provider host (test/packaging/project-sdk.js enforces it) and the type check.
 *
 * Needs the npm registry. npm's cache (~/.npm) makes repeated runs fast; when the registry cannot be
 * reached the test fails with that reason, it does not skip.
 */
const run = promisify(execFile);
const ADMIN_PASSWORD = "adm1n-Secret-9137";
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

async function npm(args: string[], cwd: string): Promise<string> {
  try {
    return (await run(NPM, [...args, "--no-audit", "--no-fund", "--loglevel=error"], { cwd, encoding: "utf8", maxBuffer: 64 << 20 })).stdout;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`npm ${args.join(" ")} failed in ${cwd} (the packed-package test needs the npm registry):\n${err.stderr || err.message}`);
  }
}

// What the README's "Quick start" program does, compiled with Pulumi's TypeScript template tsconfig
// (strict, commonjs, node resolution, no esModuleInterop, no skipLibCheck).
const TEMPLATE_TSCONFIG = {
  compilerOptions: {
    strict: true, outDir: "bin", target: "es2020", module: "commonjs", moduleResolution: "node", sourceMap: true,
    experimentalDecorators: true, pretty: false, noFallthroughCasesInSwitch: true, noImplicitReturns: true, forceConsistentCasingInFileNames: true,
  },
  files: ["typecheck.ts"],
};
const TYPECHECK_PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { PamError, PsmSuspendPermission, SpsLocalUser, SpsLocalUserGroup, type SpsLocalUserArgs } from "pulumi-pam";
import { createSessionTarget, loadTargetConnection, SUCCESS_OUTCOMES, type SessionResult } from "pulumi-pam/sessions";

const cfg = new pulumi.Config();
const args: SpsLocalUserArgs = { name: "alice.smith", password: cfg.requireSecret("alicePassword") };
const alice = new SpsLocalUser("alice", args);
new SpsLocalUserGroup("ops", { name: "platform-ops", members: [alice.key] });
new PsmSuspendPermission("suspenders", {
  groupName: "PSMLiveSessionSuspenders",
  members: [{ name: "jdoe" }],
  acknowledgeManualOptions: { allowPsmNotifications: true, groupListedInSuspendingUsersAndGroups: true },
});
export const key: pulumi.Output<string> = alice.key;

export async function respond(id: string): Promise<boolean> {
  const target = createSessionTarget("cyberark", loadTargetConnection("cyberark"));
  try {
    const [r]: SessionResult[] = await target.suspend([id]);
    return SUCCESS_OUTCOMES.has(r.outcome);
  } catch (e) {
    if (PamError.isInstance(e)) console.error(e.code);
    throw e;
  } finally {
    await target.close();
  }
}
`;
const ESM_PROGRAM = `import { createSessionTarget, SUCCESS_OUTCOMES, CAPABILITIES } from "pulumi-pam/sessions";
import { SpsLocalUser } from "pulumi-pam";
console.log(JSON.stringify({ createSessionTarget: typeof createSessionTarget, done: SUCCESS_OUTCOMES.has("done"), suspend: CAPABILITIES.cyberark.suspend, SpsLocalUser: typeof SpsLocalUser }));
`;

describe("the packed package installed into a user's project with the latest @pulumi/pulumi", () => {
  let root: string;
  let dir: string;
  let packedFiles: string[];
  let latest: string;
  let emu: SpsEmulator;

  beforeAll(async () => {
    // `npm test` builds dist/ first; build here only when run on its own from a clean clone.
    if (!fs.existsSync(path.join(REPO_ROOT, "dist", "provider", "index.js"))) execFileSync("npx", ["tsc", "-p", "tsconfig.json"], { cwd: REPO_ROOT });
    root = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-pam-packed-"));
    latest = JSON.parse(await npm(["view", "@pulumi/pulumi@latest", "version", "--json"], root)) as string;
    // --ignore-scripts: pack the dist/ already built (`prepare` would rebuild it under other running tests).
    const packed = JSON.parse(await npm(["pack", "--json", "--ignore-scripts", "--pack-destination", root], REPO_ROOT)) as { filename: string; files: { path: string }[] }[];
    packedFiles = packed[0].files.map((f) => f.path);

    dir = path.join(root, "sps-access");
    fs.cpSync(path.join(REPO_ROOT, "examples", "sps-access"), dir, { recursive: true });
    const pkgFile = path.join(dir, "package.json");
    const pkg = JSON.parse(fs.readFileSync(pkgFile, "utf8"));
    pkg.dependencies["pulumi-pam"] = `file:${path.join(root, packed[0].filename)}`;
    pkg.dependencies["@pulumi/pulumi"] = latest;
    fs.writeFileSync(pkgFile, JSON.stringify(pkg, null, 2));
    // --prefer-offline: cached metadata and tarballs are reused (the exact latest version is pinned above).
    await npm(["install", "--prefer-offline"], dir);
    emu = await createSpsEmulator({ users: [{ name: "admin", password: ADMIN_PASSWORD }] });
  });
  afterAll(async () => {
    await emu?.close();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it("ships the compiled provider and README, not sources or tests", () => {
    expect(packedFiles).toEqual(expect.arrayContaining(["package.json", "README.md", "dist/provider/index.js", "dist/provider/sps/local-user-provider.js", "dist/provider/dynamic/shim.js"]));
    expect(packedFiles.filter((f) => !f.startsWith("dist/provider/") && !["package.json", "README.md"].includes(f))).toEqual([]);
    expect(packedFiles.some((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))).toBe(false);
  });

  it("installs one copy of @pulumi/pulumi, the project's (a peer dependency, not a nested one)", async () => {
    const copies = (await npm(["ls", "@pulumi/pulumi", "--all", "--parseable"], dir)).trim().split("\n").filter(Boolean);
    expect(copies).toEqual([path.join(dir, "node_modules", "@pulumi", "pulumi")]);
    expect(JSON.parse(fs.readFileSync(path.join(copies[0], "package.json"), "utf8")).version).toBe(latest);
    expect(fs.existsSync(path.join(dir, "node_modules", "pulumi-pam", "node_modules", "@pulumi"))).toBe(false);
  });

  it("type-checks a program using the public API with Pulumi's template tsconfig", async () => {
    fs.writeFileSync(path.join(dir, "typecheck.ts"), TYPECHECK_PROGRAM);
    fs.writeFileSync(path.join(dir, "tsconfig.template.json"), JSON.stringify(TEMPLATE_TSCONFIG, null, 2));
    const tsc = path.join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc");
    const r = await run(process.execPath, [tsc, "-p", "tsconfig.template.json", "--noEmit", "--listFiles"], { cwd: dir, encoding: "utf8" }).catch((e) => e as { stdout: string; code: number });
    const errors = r.stdout.split("\n").filter((l) => l.includes("error TS"));
    expect(errors).toEqual([]);
    // The public declarations reach neither zod nor the package's internals.
    const files = r.stdout.split("\n").filter((l) => l.includes(`${path.sep}node_modules${path.sep}`));
    expect(files.filter((f) => f.includes(`${path.sep}zod${path.sep}`))).toEqual([]);
    expect(files.some((f) => f.endsWith(path.join("pulumi-pam", "dist", "provider", "sessions", "index.d.ts")))).toBe(true);
  });

  it("imports pulumi-pam/sessions and the root from an ES module", async () => {
    fs.writeFileSync(path.join(dir, "esm-check.mjs"), ESM_PROGRAM);
    const r = await run(process.execPath, ["esm-check.mjs"], { cwd: dir, encoding: "utf8" });
    expect(JSON.parse(r.stdout)).toEqual({ createSessionTarget: "function", done: true, suspend: true, SpsLocalUser: "function" });
  });

  it("runs the example from the project's node_modules: create, refresh and destroy against SPS", async () => {
    const stateFile = path.join(dir, ".state", "dev.json");
    const op = (kind: OperationOptions["op"]) =>
      runOperation({
        op: kind, stateFile, program: dir, hostCwd: dir, project: "sps-access",
        config: {
          "sps:url": emu.url, "sps:allowHttp": "true", "sps:username": "admin", "sps:password": ADMIN_PASSWORD,
          "sps-access:passwords": JSON.stringify({ alice: "Pw-alice-4821!", bob: "Pw-bob-7302!", carol: "Pw-carol-1177!" }),
        },
        secretKeys: ["sps:password", "sps-access:passwords"],
        env: { NODE_OPTIONS: `--require ${path.join(__dirname, "project-sdk.js")}`, PULUMI_PAM_SDK_FROM: dir },
      });

    const up = await op("up");
    expect(up.stderr).not.toContain("project-sdk:");
    expect(up.summary).toMatchObject({ ok: true, counts: { create: 1 } }); // the example is one SpsLocalAccess
    // The shim captures only the implementation's package path, so the installed form serializes to the same
    // small text as the repo form: no absolute paths (the host resolves it in whatever project runs it).
    for (const [name, text] of Object.entries(up.summary.providers)) {
      expect(name).toBe("access");
      expect(text).toContain(`modulePath: "pulumi-pam/dist/provider/sps/local-access-provider.js"`);
      expect(text).not.toContain(REPO_ROOT);
      expect(text).not.toContain(dir);
    }
    expect(committed(emu, [...BUILTIN_GROUPS]).groups).toEqual({ "platform-ops": ["alice.smith", "bob.jones"], "platform-auditors": ["carol.white"] });

    const refresh = await op("refresh");
    expect(refresh.summary.ok).toBe(true);
    expect(refresh.summary.counts.gone).toBeUndefined();

    const destroy = await op("destroy");
    expect(destroy.summary).toMatchObject({ ok: true, counts: { delete: 1 } });
    expect(committed(emu, [...BUILTIN_GROUPS])).toEqual({ users: {}, groups: {} });
  });
});
