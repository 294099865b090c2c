import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BUILTIN_GROUPS, createSpsEmulator, type SpsEmulator } from "../emulators/sps";
import { runOperation, type OperationOptions } from "../harness/program-process";
import { REPO_ROOT } from "../harness/serialize";
import { committed } from "../sps/fixture";

const ADMIN_PASSWORD = "adm1n-Secret-9137";

/**
 * A user's project: the packed tarball extracted as `node_modules/pulumi-pam` (what `npm install <tgz>`
 * lays down, minus the registry round trips), its runtime dependencies linked from this repository's
 * node_modules (same versions as the lockfile; also the same @pulumi/pulumi instance the runner mocks),
 * and a copy of the sps-access example. Returns the project dir and the packed file list.
 */
function userProject(root: string): { dir: string; files: string[] } {
  const packDir = path.join(root, "pack");
  fs.mkdirSync(packDir);
  // `npm pack` runs no build (no prepare script): dist/ was built by `npm test` / the beforeAll below.
  const packed = JSON.parse(execFileSync("npm", ["pack", "--json", "--pack-destination", packDir], { cwd: REPO_ROOT, encoding: "utf8" })) as {
    filename: string; files: { path: string }[];
  }[];
  const dir = path.join(root, "project");
  const pkgDir = path.join(dir, "node_modules", "pulumi-pam");
  fs.mkdirSync(pkgDir, { recursive: true });
  execFileSync("tar", ["-xzf", path.join(packDir, packed[0].filename), "-C", pkgDir, "--strip-components=1"]);
  const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8")) as { dependencies: Record<string, string> };
  for (const dep of Object.keys(pkg.dependencies)) {
    const link = path.join(dir, "node_modules", dep);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules", dep), link, "dir");
  }
  fs.cpSync(path.join(REPO_ROOT, "examples", "sps-access"), path.join(dir, "sps-access"), { recursive: true });
  return { dir, files: packed[0].files.map((f) => f.path) };
}

describe("the packed package installed into a user's project", () => {
  let root: string;
  let emu: SpsEmulator;
  beforeAll(async () => {
    // `npm test` builds dist/ first; build here only when run on its own from a clean clone.
    if (!fs.existsSync(path.join(REPO_ROOT, "dist", "provider", "index.js"))) execFileSync("npx", ["tsc", "-p", "tsconfig.json"], { cwd: REPO_ROOT });
    root = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-pam-packed-"));
    emu = await createSpsEmulator({ users: [{ name: "admin", password: ADMIN_PASSWORD }] });
  }, 60_000);
  afterAll(async () => {
    await emu?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("ships the compiled provider and README, not sources or tests", () => {
    const { files } = userProject(fs.mkdtempSync(path.join(root, "list-")));
    expect(files).toEqual(expect.arrayContaining(["package.json", "README.md", "dist/provider/index.js", "dist/provider/sps/local-user-provider.js", "dist/provider/dynamic/shim.js"]));
    expect(files.filter((f) => !f.startsWith("dist/provider/") && !["package.json", "README.md"].includes(f))).toEqual([]);
    expect(files.some((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))).toBe(false);
  }, 30_000);

  it("runs the sps-access example from node_modules/pulumi-pam: create, refresh and destroy against SPS", async () => {
    const { dir } = userProject(fs.mkdtempSync(path.join(root, "run-")));
    const stateFile = path.join(dir, ".state", "dev.json");
    const op = (kind: OperationOptions["op"]) =>
      runOperation({
        op: kind, stateFile, program: path.join(dir, "sps-access"), hostCwd: dir, project: "sps-access",
        config: {
          "sps:url": emu.url, "sps:username": "admin", "sps:password": ADMIN_PASSWORD,
          "sps-access:passwords": JSON.stringify({ alice: "Pw-alice-4821!", bob: "Pw-bob-7302!", carol: "Pw-carol-1177!" }),
        },
        secretKeys: ["sps:password", "sps-access:passwords"],
      });

    const up = await op("up");
    expect(up.summary).toMatchObject({ ok: true, counts: { create: 5 } });
    // The shim captures only the implementation's package path, so the installed form serializes to the same
    // small text as the repo form: no absolute paths (the host resolves it in whatever project runs it).
    for (const [name, text] of Object.entries(up.summary.providers)) {
      const impl = name.startsWith("group-") ? "local-user-group-provider" : "local-user-provider";
      expect(text).toContain(`modulePath: "pulumi-pam/dist/provider/sps/${impl}.js"`);
      expect(text).not.toContain(REPO_ROOT);
      expect(text).not.toContain(dir);
    }
    expect(committed(emu, [...BUILTIN_GROUPS]).groups).toEqual({ "platform-ops": ["alice.smith", "bob.jones"], "platform-auditors": ["carol.white"] });

    const refresh = await op("refresh");
    expect(refresh.summary.ok).toBe(true);
    expect(refresh.summary.counts.gone).toBeUndefined();

    const destroy = await op("destroy");
    expect(destroy.summary).toMatchObject({ ok: true, counts: { delete: 5 } });
    expect(committed(emu, [...BUILTIN_GROUPS])).toEqual({ users: {}, groups: {} });
  }, 60_000);
});
