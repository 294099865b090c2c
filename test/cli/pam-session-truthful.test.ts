import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { createPvwaEmulator, type PvwaEmulator } from "../emulators/pvwa";
import type { SenhaseguraEmulator } from "../emulators/senhasegura";
import { createSpsEmulator, type SpsEmulator } from "../emulators/sps";
import { seedSpsSandbox, SPS_SANDBOX_USERS } from "../sandbox/sps";
import { CA, expectNoSecrets, runCli, startPvwaForCli, startSenhaseguraForCli } from "./helpers";

// Issue #18 (truthful outcomes, ergonomics) and the sessions/CLI items of #14, each through the
// compiled CLI as a child process against the emulators.

describe("truthful outcomes on SPS", () => {
  let sps: SpsEmulator;
  let env: Record<string, string>;
  beforeEach(async () => {
    sps = await createSpsEmulator({ tls: true, users: [{ name: SPS_SANDBOX_USERS.admin.username, password: SPS_SANDBOX_USERS.admin.password }] });
    seedSpsSandbox(sps.controls);
    env = { SPS_URL: sps.url, SPS_USERNAME: SPS_SANDBOX_USERS.operator.username, SPS_PASSWORD: SPS_SANDBOX_USERS.operator.password, SPS_CA_CERTIFICATES: CA };
  });
  afterEach(() => sps.close());

  it("reports made-up and malformed ids as not-found with exit 3, never as already", async () => {
    const ids = ["31_24", "made-up", "svc/NoSuchKey000000000000/x:1", ...Array.from({ length: 20 }, (_, i) => `bogus-${i}`)];
    const r = await runCli(["close", "-t", "SPS", ...ids, "--json"], env);
    expect(r.code).toBe(3);
    const outcomes = new Set(r.lines().map((l) => l.outcome));
    expect([...outcomes]).toEqual(["not-found"]);
    expect(r.stderr).toMatch(/23 not-found/);
  });

  it("exits 2 (configuration) when SPS_URL points at a PVWA, with one JSON object on stdout under --json", async () => {
    const pvwa = await createPvwaEmulator({ tls: true });
    try {
      const r = await runCli(["terminate", "-t", "sps", "svc/a/b:1", "--json"], { ...env, SPS_URL: pvwa.url });
      expect(r.code).toBe(2);
      const [line, ...rest] = r.lines();
      expect(rest).toEqual([]);
      expect(line).toMatchObject({ code: "SESSION_RUN_CONFIG", exitCode: 2, error: expect.stringMatching(/SPS_URL .* does not answer like the sps API/) });
    } finally {
      await pvwa.close();
    }
  });

  it("refuses http:// without the opt-in (exit 2, nothing sent), and exits 5 for an opted-in http:// against an HTTPS port, naming the fix", async () => {
    const before = sps.log.entries.length;
    const refused = await runCli(["terminate", "-t", "sps", "svc/a/b:1"], { ...env, SPS_URL: sps.url.replace("https:", "http:") });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/plain http:\/\/ is refused.*SPS_ALLOW_HTTP/);
    expect(sps.log.entries.length).toBe(before);
    const r = await runCli(["terminate", "-t", "sps", "svc/a/b:1"], { ...env, SPS_URL: sps.url.replace("https:", "http:"), SPS_ALLOW_HTTP: "1" });
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/SPS_URL uses http:\/\/ .*use https:\/\//);
  });

  it("keeps # inside an id and skips only whole-line comments in --ids-from", async () => {
    const r = await runCli(["terminate", "-t", "sps", "--ids-from", "-", "--json", "--dry-run"], env, "  # a comment\nsvc/abc/ssh#policy:4\n\n");
    expect(r.code).toBe(0);
    expect(r.lines().map((l) => l.sessionId)).toEqual(["svc/abc/ssh#policy:4"]);
  });

  it("names the missing privilege when the list is refused with 403", async () => {
    sps.faults.failNext("GET /api/audit/sessions", 403, { error: { type: "Unauthorized", message: "Access denied" } });
    const r = await runCli(["list", "-t", "sps"], env);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/Search privilege/);
  });

  it("warns when a config file holding a secret is readable by others, and not when it is 0600", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pam-session-"));
    const file = path.join(dir, "pam.json");
    fs.writeFileSync(file, JSON.stringify({ sps: { url: sps.url, username: SPS_SANDBOX_USERS.operator.username, password: SPS_SANDBOX_USERS.operator.password, caCertificates: CA } }));
    fs.chmodSync(file, 0o644);
    const open = await runCli(["list", "-t", "sps", "-c", file, "--json"], {});
    expect(open.code).toBe(0);
    expect(open.stderr).toMatch(/holds secrets and is accessible by group or others \(mode 0644\); restrict it with: chmod 600/);
    expectNoSecrets(open, [SPS_SANDBOX_USERS.operator.password]);
    fs.chmodSync(file, 0o600);
    const closed = await runCli(["list", "-t", "sps", "-c", file, "--json"], {});
    expect(closed.stderr).not.toMatch(/accessible by group/);
  });
});

describe("CyberArk PVWA: ergonomics and truthful outcomes", () => {
  let emu: PvwaEmulator;
  let env: Record<string, string>;
  beforeEach(async () => {
    ({ emu, env } = await startPvwaForCli());
  });
  afterEach(() => emu.close());

  it("takes positional ids, the stop alias and a case-insensitive target", async () => {
    const r = await runCli(["stop", "-t", "CyberArk", "31_24", "31_25", "--json"], env);
    expect(r.code).toBe(0);
    expect(r.lines().map((l) => [l.sessionId, l.action, l.outcome]).sort()).toEqual([["31_24", "terminate", "done"], ["31_25", "terminate", "done"]]);
  });

  it("lists LiveSessions once for 300 unknown ids (not once per id)", async () => {
    const ids = Array.from({ length: 300 }, (_, i) => `99_${i}`);
    const r = await runCli(["suspend", "-t", "cyberark", "--ids-from", "-", "--json", "--concurrency", "8"], env, ids.join("\n"));
    expect(r.code).toBe(3);
    expect(r.lines().every((l) => l.outcome === "not-found")).toBe(true);
    expect(emu.log.count(/^GET \/PasswordVault\/API\/LiveSessions$/)).toBe(1);
    // 300 GET-by-id + 1 list + logon + server version + logoff.
    expect(emu.log.entries.length).toBeLessThanOrEqual(305);
  });

  it("reports a suspend answered 200 with an HTML page as failed, exit 3", async () => {
    emu.faults.plan(/^POST .*\/LiveSessions\/31_24\/Suspend$/, { kind: "html", status: 200, html: "<html><body>Please sign in</body></html>" });
    const r = await runCli(["suspend", "-t", "cyberark", "31_24", "--json"], env);
    expect(r.code).toBe(3);
    expect(r.lines()[0]).toMatchObject({ outcome: "failed", detail: expect.stringMatching(/not confirmed: the 200 answer is an HTML page/) });
  });

  it("filters the list by user, host, protocol and since, with ISO 8601 times", async () => {
    const r = await runCli(["list", "-t", "cyberark", "--user", "JDOE", "--protocol", "rdp", "--json"], env);
    expect(r.code).toBe(0);
    expect(r.lines().map((l) => l.sessionId)).toEqual(["31_24"]);
    expect(r.lines()[0].start).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
    const host = await runCli(["list", "-t", "cyberark", "--host", "lnx-web03", "--json"], env);
    expect(host.lines().map((l) => l.sessionId)).toEqual(["22_135"]);
    const recent = await runCli(["list", "-t", "cyberark", "--since", "10m", "--json"], env);
    expect(recent.lines().map((l) => l.sessionId)).toEqual(["31_25"]);
    const bad = await runCli(["list", "-t", "cyberark", "--since", "2026-01-05T10:00"], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/with a zone/);
  });

  it("exits 5 when the logon exceeds --timeout", async () => {
    emu.faults.plan(/Logon$/, { kind: "delay", ms: 3000 });
    const r = await runCli(["list", "-t", "cyberark", "--timeout", "300ms"], env);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/300 ms/);
  });

  it("prints the version, and usage errors as one JSON object with --json", async () => {
    const v = await runCli(["--version"]);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/^pam-session \d+\.\d+\.\d+\n$/);
    const u = await runCli(["suspend", "-t", "cyberark", "--json"]);
    expect(u.code).toBe(2);
    expect(u.lines()).toEqual([{ error: expect.stringMatching(/needs at least one session id/), code: "USAGE", exitCode: 2 }]);
    const help = await runCli(["--help"]);
    expect(help.stdout).toMatch(/close \| drop \| stop/);
    expect(help.stdout).toMatch(/--since S/);
    expect(help.stdout).toMatch(/CYBERARK_IDENTITY_URL/);
    // The new forms: positional ids, aliases, filters, --timeout, --version; and why the host filter is --host.
    expect(help.stdout).toMatch(/terminate -t <sps\|cyberark\|senhasegura> ID\.\.\./);
    expect(help.stdout).toMatch(/--user U\] \[--host H\] \[--protocol P\] \[--since S\]/);
    expect(help.stdout).toMatch(/--timeout T/);
    expect(help.stdout).toMatch(/pam-session --version \| --help/);
    expect(help.stdout).toMatch(/a host filter is --host, not --target:\s+-t\/--target already selects the vendor/);
  });
});

describe("senhasegura: one bad id fails alone; times carry an offset", () => {
  const ACTIVE = "3fcf1e4a16104e328d6794e1b9693cfc457871d2";
  const LATER = "9b2d6e0f4c8a1e3b5d7f9a0c2e4b6d8f0a1c3e5b";
  let emu: SenhaseguraEmulator;
  let env: Record<string, string>;
  beforeEach(async () => {
    const now = Date.now();
    ({ emu, env } = await startSenhaseguraForCli([
      { id: "2", sessionId: ACTIVE, user: "alice", protocol: "ssh", startMs: now - 60_000 },
      { id: "3", sessionId: LATER, user: "bob", protocol: "rdp", startMs: now - 30_000 },
    ]));
  });
  afterEach(() => emu.close());

  it("drops the live sessions around a malformed id and names that id as failed, exit 3", async () => {
    const r = await runCli(["drop", "-t", "senhasegura", ACTIVE, "..", LATER, "--json", "--concurrency", "1"], env);
    expect(r.code).toBe(3);
    const byId = Object.fromEntries(r.lines().map((l) => [l.sessionId, l.outcome]));
    expect(byId).toEqual({ [ACTIVE]: "done", "..": "failed", [LATER]: "done" });
    expect(emu.log.count(/^DELETE /)).toBe(2);
  });

  it("lists start times in ISO 8601 with the offset of SENHASEGURA_TIME_ZONE", async () => {
    const r = await runCli(["list", "-t", "senhasegura", "--json"], { ...env, SENHASEGURA_TIME_ZONE: "-03:00" });
    expect(r.code).toBe(0);
    for (const l of r.lines()) expect(l.start).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-03:00$/);
    const bad = await runCli(["list", "-t", "senhasegura"], { ...env, SENHASEGURA_TIME_ZONE: "Mars/Olympus" });
    expect(bad.code).toBe(2);
  });
});
