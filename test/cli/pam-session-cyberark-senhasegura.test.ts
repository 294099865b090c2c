import type { PvwaEmulator } from "../emulators/pvwa";
import type { SenhaseguraEmulator } from "../emulators/senhasegura";
import { PVWA_SANDBOX_USERS } from "../sandbox/pvwa";
import { SENHASEGURA_SANDBOX_CREDENTIALS as CREDS } from "../sandbox/senhasegura";
import { expectNoSecrets, runCli, startPvwaForCli, startSenhaseguraForCli } from "./helpers";

const { operator, viewer } = PVWA_SANDBOX_USERS;

describe("pam-session against CyberArk PVWA", () => {
  let emu: PvwaEmulator;
  let env: Record<string, string>;
  beforeEach(async () => {
    ({ emu, env } = await startPvwaForCli());
  });
  afterEach(() => emu.close());

  it("suspends two PSM sessions with one logon and one logoff, exit 0", async () => {
    const r = await runCli(["suspend", "--target", "cyberark", "--id", "31_24", "--id", "31_25", "--json"], env);
    expect(r.code).toBe(0);
    expect(r.lines().map((l) => [l.sessionId, l.outcome]).sort()).toEqual([["31_24", "done"], ["31_25", "done"]]);
    expect(emu.log.count(/POST \/PasswordVault\/API\/auth\/CyberArk\/Logon/i)).toBe(1);
    expect(emu.log.count(/POST \/PasswordVault\/API\/Auth\/Logoff/i)).toBe(1);
    expect(r.stderr).toMatch(/\[2\/2\] suspend/);
  });

  it("resumes a suspended session", async () => {
    await runCli(["suspend", "--target", "cyberark", "--id", "31_24"], env);
    const r = await runCli(["resume", "--target", "cyberark", "--id", "31_24", "--json"], env);
    expect(r.code).toBe(0);
    expect(r.lines()[0]).toMatchObject({ action: "resume", outcome: "done" });
  });

  it("reports unsupported (PSM for SSH) and not-found next to done, exit 3", async () => {
    const r = await runCli(["suspend", "--target", "cyberark", "--id", "31_24", "--id", "22_135", "--id", "99_99", "--json"], env);
    expect(r.code).toBe(3);
    const byId = Object.fromEntries(r.lines().map((l) => [l.sessionId, l.outcome]));
    expect(byId).toEqual({ "31_24": "done", "22_135": "unsupported", "99_99": "not-found" });
  });

  it("terminates a PSM for SSH session", async () => {
    const r = await runCli(["terminate", "--target", "cyberark", "--id", "22_135", "--json"], env);
    expect(r.code).toBe(0);
    expect(r.lines()[0]).toMatchObject({ target: "cyberark", outcome: "done" });
  });

  it("reports a user outside the Options lists as denied, exit 3", async () => {
    const r = await runCli(["terminate", "--target", "cyberark", "--id", "31_24", "--json"], { ...env, CYBERARK_USERNAME: viewer.username, CYBERARK_PASSWORD: viewer.password });
    expect(r.code).toBe(3);
    expect(r.lines()[0]).toMatchObject({ outcome: "denied" });
    expectNoSecrets(r, [viewer.password]);
  });

  it("lists live sessions in a table", async () => {
    const r = await runCli(["list", "--target", "cyberark"], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^TARGET\s+SESSION\s+USER/);
    for (const id of ["31_24", "31_25", "22_135"]) expect(r.stdout).toContain(id);
  });

  it("exits 4 on a refused logon and never prints a password or token, even with --verbose", async () => {
    const bad = await runCli(["list", "--target", "cyberark", "--verbose"], { ...env, CYBERARK_PASSWORD: "N0t-the-Password!" });
    expect(bad.code).toBe(4);
    expectNoSecrets(bad, ["N0t-the-Password!"]);
    const ok = await runCli(["suspend", "--target", "cyberark", "--id", "31_24", "--id", "31_25", "--verbose", "--json"], env);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toMatch(/\[pam-session\]/);
    expectNoSecrets(ok, [operator.password]);
  });

  it("sends nothing on --dry-run", async () => {
    const r = await runCli(["resume", "--target", "cyberark", "--id", "31_24", "--dry-run"], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/would resume session 31_24/);
    expect(emu.log.entries).toHaveLength(0);
  });
});

describe("pam-session against senhasegura", () => {
  const ACTIVE_1 = "3fcf1e4a16104e328d6794e1b9693cfc457871d2";
  const ACTIVE_2 = "9b2d6e0f4c8a1e3b5d7f9a0c2e4b6d8f0a1c3e5b";
  const ENDED = "e7acacb6aedbab70073456da5744166939b77527";
  let emu: SenhaseguraEmulator;
  let env: Record<string, string>;
  beforeEach(async () => {
    const now = Date.now();
    ({ emu, env } = await startSenhaseguraForCli([
      { id: "1", sessionId: ENDED, user: "Admin", protocol: "rdp", startMs: now - 3_600_000, endMs: now - 3_000_000 },
      { id: "2", sessionId: ACTIVE_1, user: "alice", protocol: "ssh", startMs: now - 60_000 },
      { id: "3", sessionId: ACTIVE_2, user: "bob", protocol: "rdp", startMs: now - 30_000 },
    ]));
  });
  afterEach(() => emu.close());

  it("drops active sessions and reports an ended one as already, with one token for the run", async () => {
    const r = await runCli(["terminate", "--target", "senhasegura", "--id", ACTIVE_1, "--id", ACTIVE_2, "--id", ENDED, "--json", "--concurrency", "3"], env);
    expect(r.code).toBe(0);
    const byId = Object.fromEntries(r.lines().map((l) => [l.sessionId, l.outcome]));
    expect(byId).toEqual({ [ACTIVE_1]: "done", [ACTIVE_2]: "done", [ENDED]: "already" });
    expect(emu.log.count(/POST \/iso\/oauth2\/token/)).toBe(1);
  });

  it("reports an unknown session as not-found, exit 3", async () => {
    const r = await runCli(["terminate", "--target", "senhasegura", "--id", "f".repeat(40), "--json"], env);
    expect(r.code).toBe(3);
    expect(r.lines()[0]).toMatchObject({ outcome: "not-found" });
  });

  it("lists only active sessions", async () => {
    const r = await runCli(["list", "--target", "senhasegura", "--json"], env);
    expect(r.code).toBe(0);
    expect(r.lines().map((l) => l.sessionId).sort()).toEqual([ACTIVE_1, ACTIVE_2].sort());
  });

  it("refuses resume on senhasegura before any request, exit 2", async () => {
    const r = await runCli(["resume", "--target", "senhasegura", "--id", ACTIVE_1], env);
    expect(r.code).toBe(2);
    expect(emu.log.entries).toHaveLength(0);
  });

  it("exits 4 on refused client credentials and never prints the client secret", async () => {
    const wrong = "0123456789abcdef0123456789abcdef";
    const r = await runCli(["terminate", "--target", "senhasegura", "--id", ACTIVE_1, "--verbose"], { ...env, SENHASEGURA_CLIENT_SECRET: wrong });
    expect(r.code).toBe(4);
    expectNoSecrets(r, [wrong]);
    const ok = await runCli(["terminate", "--target", "senhasegura", "--id", ACTIVE_1, "--verbose"], env);
    expect(ok.code).toBe(0);
    expectNoSecrets(ok, [CREDS.clientSecret]);
  });
});

describe("pam-session usage errors", () => {
  it.each([
    [["terminate", "--target", "citrix", "--id", "x"], /unknown target "citrix"/],
    [["terminate", "--target", "sps"], /needs at least one session id/],
    [["terminate", "--target", "sps", "--id", "  "], /needs at least one session id/],
    [["reboot", "--target", "sps"], /unknown command "reboot"/],
    [["terminate", "--id", "x"], /--target is required/],
    [["terminate", "--target", "sps", "--id", "x", "--concurrency", "0"], /--concurrency must be/],
    [["terminate", "--target", "sps", "--id", "x", "--password", "hunter2"], /unknown option --password/],
    [["terminate", "--target", "sps", "--id", "x", "--pasword=hunter2"], /unknown option --pasword; did you mean --password\?|unknown option --pasword/],
    [["terminate", "--target", "sps", "--id", "x", "--concurency", "2"], /did you mean --concurrency\?/],
    [["terminat", "--target", "sps", "x"], /did you mean terminate\?/],
  ])("exits 2 for %j before any request", async (args, message) => {
    const r = await runCli(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message as RegExp);
    expect(r.stdout + r.stderr).not.toContain("hunter2");
  });

  it("treats an empty --ids-from input as a usage error", async () => {
    const r = await runCli(["terminate", "--target", "sps", "--ids-from", "-"], {}, "\n# nothing\n");
    expect(r.code).toBe(2);
  });

  it("prints help with examples and exit codes", async () => {
    const r = await runCli(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Examples:/);
    expect(r.stdout).toMatch(/4 {2}authentication failure/);
  });
});
