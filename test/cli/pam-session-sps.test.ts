import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { TLS_DIR } from "../emulators/common/server";
import { createSpsEmulator, type SpsEmulator } from "../emulators/sps";
import { seedSpsSandbox, SPS_SANDBOX_USERS } from "../sandbox/sps";
import { expectNoSecrets, runCli } from "./helpers";

const A1 = "svc/rpokH8fD9kx6CaxNLznKx2/ssh-policy:12";
const A2 = "svc/Xk3vQm9Lw2Rt7Yp4Zn8Bd1/rdp-policy:3";
const ENDED = "svc/Hq5Jd8Kf2Lm6Np9Rs3Tv7W/ssh-policy:9";
const { admin, operator } = SPS_SANDBOX_USERS;

describe("pam-session against SPS", () => {
  let emu: SpsEmulator;
  let env: Record<string, string>;
  beforeEach(async () => {
    emu = await createSpsEmulator({ tls: true, users: [{ name: admin.username, password: admin.password }] });
    seedSpsSandbox(emu.controls);
    env = { SPS_URL: emu.url, SPS_USERNAME: operator.username, SPS_PASSWORD: operator.password, SPS_CA_CERTIFICATES: path.join(TLS_DIR, "ca.pem") };
  });
  afterEach(() => emu.close());

  it("terminates one session and prints one parsable JSON line, exit 0", async () => {
    const r = await runCli(["terminate", "--target", "sps", "--id", A1, "--json"], env);
    expect(r.code).toBe(0);
    expect(r.lines()).toEqual([{ target: "sps", sessionId: A1, action: "terminate", outcome: "done", detail: expect.any(String) }]);
    expect(emu.log.find("DELETE /api/active-sessions").map((e) => e.query.id)).toEqual([A1]);
    expect(emu.log.count("GET /api/authentication")).toBe(1);
  });

  it("reports mixed bulk outcomes with progress on stderr and exit 3", async () => {
    emu.controls.failActiveSessionClose("MinionUnavailable");
    const ids = `${A1}\n# comment line\n${A2}\n${ENDED}\nsvc/NoSuchKey000000000000/x:1\n`;
    const r = await runCli(["terminate", "--target", "sps", "--ids-from", "-", "--json", "--concurrency", "1"], env, ids);
    expect(r.code).toBe(3);
    const byId = Object.fromEntries(r.lines().map((l) => [l.sessionId, l]));
    expect(byId[A1]).toMatchObject({ outcome: "failed", detail: expect.stringMatching(/MinionUnavailable/) });
    expect(byId[A2]).toMatchObject({ outcome: "done" });
    expect(byId[ENDED]).toMatchObject({ outcome: "already" });
    expect(byId["svc/NoSuchKey000000000000/x:1"]).toMatchObject({ outcome: "not-found" });
    expect(r.stderr).toMatch(/\[4\/4\] terminate/);
    expect(r.stderr).toMatch(/1 done, 1 already, 1 not-found, 1 failed/);
    expect(emu.log.count("GET /api/authentication")).toBe(1);
  });

  it("exits 0 when every session is done or already closed, and prints a table by default", async () => {
    const r = await runCli(["terminate", "--target", "sps", "--id", A1, "--id", ENDED], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^TARGET\s+SESSION\s+ACTION\s+OUTCOME\s+DETAIL/);
    expect(r.stdout).toMatch(new RegExp(`sps\\s+${A1.replace(/[/:]/g, ".")}\\s+terminate\\s+done`));
  });

  it("lists active sessions as JSON lines with their closable ids", async () => {
    const r = await runCli(["list", "--target", "sps", "--json"], env);
    expect(r.code).toBe(0);
    expect(r.lines().map((l) => l.sessionId).sort()).toEqual([A1, A2].sort());
  });

  it("sends nothing on --dry-run", async () => {
    const r = await runCli(["terminate", "--target", "sps", "--id", A1, "--id", A2, "--dry-run", "--json"], env);
    expect(r.code).toBe(0);
    expect(r.lines()).toEqual([
      expect.objectContaining({ sessionId: A1, dryRun: true }),
      expect.objectContaining({ sessionId: A2, dryRun: true }),
    ]);
    expect(emu.log.entries).toHaveLength(0);
  });

  it("refuses suspend on SPS before any request, exit 2", async () => {
    const r = await runCli(["suspend", "--target", "sps", "--id", A1], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/sps cannot suspend/);
    expect(emu.log.entries).toHaveLength(0);
  });

  it("exits 4 when the login is refused, without echoing the password", async () => {
    const r = await runCli(["terminate", "--target", "sps", "--id", A1, "--verbose"], { ...env, SPS_PASSWORD: "Wr0ng!pass-for-test" });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/authentication failed/);
    expectNoSecrets(r, ["Wr0ng!pass-for-test"]);
    expect(emu.log.count("DELETE")).toBe(0);
  });

  it("exits 5 when the appliance cannot be reached", async () => {
    const url = emu.url;
    await emu.close();
    const r = await runCli(["list", "--target", "sps"], { ...env, SPS_URL: url });
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/cannot reach/);
    emu = await createSpsEmulator();
  });

  it("never prints the password or the session cookie, even with --verbose", async () => {
    const r = await runCli(["terminate", "--target", "sps", "--id", A1, "--id", A2, "--verbose", "--json"], env);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/\[pam-session\] .*DELETE/);
    expectNoSecrets(r, [operator.password]);
    expect(r.stdout + r.stderr).not.toMatch(/session_id=[0-9a-f]{40}/);
  });

  it("takes the URL and CA from a config file and the password from the environment", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pam-session-"));
    const file = path.join(dir, "pam.json");
    fs.copyFileSync(path.join(TLS_DIR, "ca.pem"), path.join(dir, "ca.pem"));
    fs.writeFileSync(file, JSON.stringify({ sps: { url: emu.url, username: operator.username, caCertificates: "ca.pem" } }));
    const r = await runCli(["list", "--target", "sps", "--config", file, "--json"], { SPS_PASSWORD: operator.password });
    expect(r.code).toBe(0);
    expect(r.lines()).toHaveLength(2);
    fs.writeFileSync(file, JSON.stringify({ sps: { url: emu.url, pasword: "typo" } }));
    const bad = await runCli(["list", "--target", "sps", "--config", file], { SPS_PASSWORD: operator.password });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown field\(s\) pasword/);
    expect(bad.stderr).not.toContain("typo");
    expect(emu.log.count("GET /api/audit")).toBe(1);
  });
});
