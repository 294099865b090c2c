import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { TLS_DIR } from "../emulators/common/server";
import { createSpsEmulator, type SpsEmulator } from "../emulators/sps";
import { REPO_ROOT, repoHostCwd } from "../harness/serialize";

const SCRIPT = path.join(REPO_ROOT, "examples", "session-actions", "index.ts");
const ADMIN_PASSWORD = "adm1n-Secret-9137";
const SESSION = "svc/rpokH8fD9kx6CaxNLznKx2/ssh-policy:12";

/**
 * Runs the example script as a user would (`ts-node index.ts alert.json`), with `pulumi-pam` resolved from
 * node_modules (the repo link, built dist/) and the connection in the vendor's environment variables.
 */
function respond(alert: unknown, env: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }> {
  // Asynchronous on purpose: the emulator runs in this process and must keep answering.
  const child = spawn(process.execPath, ["-r", require.resolve("ts-node/register/transpile-only"), SCRIPT, "-"], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, NODE_PATH: path.join(repoHostCwd(), "node_modules"), TS_NODE_PROJECT: path.join(REPO_ROOT, "tsconfig.json") },
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (err += d));
  child.stdin.end(JSON.stringify(alert));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code: code ?? -1, out, err })));
}

describe("examples/session-actions", () => {
  let emu: SpsEmulator;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    if (!fs.existsSync(path.join(REPO_ROOT, "dist", "provider", "sessions", "index.js"))) {
      spawnSync("npx", ["tsc", "-p", "tsconfig.json"], { cwd: REPO_ROOT });
    }
    emu = await createSpsEmulator({ tls: true, users: [{ name: "admin", password: ADMIN_PASSWORD }] });
    emu.controls.seedActiveSession({ id: SESSION, protocol: "ssh", user: "root" });
    env = { SPS_URL: emu.url, SPS_CA_CERTIFICATES: path.join(TLS_DIR, "ca.pem"), SPS_USERNAME: "admin", SPS_PASSWORD: ADMIN_PASSWORD, HOME: os.tmpdir() };
  });
  afterAll(() => emu.close());

  const alert = (severity: string, extra: object = {}) => ({ rule: "root shell on prod", severity, vendor: "sps", sessionId: SESSION, ...extra });

  it("does nothing for a medium alert and contacts no appliance", async () => {
    const before = emu.log.entries.length;
    const r = await respond(alert("medium"), env);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ action: "none" });
    expect(emu.log.entries.length).toBe(before);
  });

  it("terminates the SPS session on a high alert (SPS cannot suspend), then reports it already ended", async () => {
    const first = await respond(alert("high"), env);
    expect(first.err).toBe("");
    expect(first.code).toBe(0);
    expect(JSON.parse(first.out)).toMatchObject({ action: "terminate", result: { target: "sps", sessionId: SESSION, outcome: "done" } });
    const again = await respond(alert("critical"), env);
    expect(JSON.parse(again.out)).toMatchObject({ action: "terminate", result: { outcome: "already" } });
    for (const text of [first.out, first.err, again.out, again.err]) expect(text).not.toContain(ADMIN_PASSWORD);
  });

  it("rejects a payload without a vendor with exit code 2 naming the field", async () => {
    const r = await respond({ rule: "x", severity: "critical", sessionId: "1" }, env);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/invalid alert: vendor: /);
  });

  it("fails with exit code 2 and no password in the message when the login is refused", async () => {
    const wrong = "Wrong-Password-8812";
    const r = await respond(alert("critical"), { ...env, SPS_PASSWORD: wrong });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^session-actions: /);
    expect(r.err).not.toContain(wrong);
  });
});
