import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { createSessionTarget, loadTargetConnection, SessionRunError, withSessionTarget } from "../../provider/sessions";
import { runPool } from "../../provider/sessions/pool";
import { TLS_DIR } from "../emulators/common/server";
import { createSpsEmulator, type SpsEmulator } from "../emulators/sps";
import { PW, startPvwa } from "../cyberark/helpers";

describe("runPool", () => {
  it("never runs more than the limit at once and keeps input order", async () => {
    let running = 0;
    let peak = 0;
    const out = await runPool([5, 1, 4, 2, 3, 0], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, n));
      running--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0]);
    expect(peak).toBe(2);
  });

  it("stops starting new items after a throw and rethrows it", async () => {
    const started: number[] = [];
    await expect(
      runPool([1, 2, 3, 4, 5], 1, async (n) => {
        started.push(n);
        if (n === 2) throw new Error("boom");
        return n;
      }),
    ).rejects.toThrow("boom");
    expect(started).toEqual([1, 2]);
  });
});

describe("loadTargetConnection", () => {
  it("lets environment variables override config-file fields", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sessions-"));
    const file = path.join(dir, "c.json");
    fs.writeFileSync(file, JSON.stringify({ cyberark: { url: "https://file.example.com", username: "from-file", authMethod: "LDAP", caCertificates: "ca.pem" } }));
    const c = loadTargetConnection("cyberark", { configFile: file, env: { CYBERARK_USERNAME: "from-env", CYBERARK_PASSWORD: "pw-from-env" } });
    expect(c).toEqual({ url: "https://file.example.com", username: "from-env", password: "pw-from-env", authMethod: "LDAP", caCertificates: path.join(dir, "ca.pem") });
  });

  it("names the missing variable of a half-given credential set", () => {
    expect(() => loadTargetConnection("senhasegura", { env: { SENHASEGURA_URL: "https://pam.example.com", SENHASEGURA_CLIENT_ID: "id-only" } })).toThrow(
      expect.objectContaining({ kind: "config", message: expect.stringMatching(/SENHASEGURA_CLIENT_SECRET/) }),
    );
  });

  it("rejects a config file with a wrong type, naming the field", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "sessions-")), "c.json");
    fs.writeFileSync(file, JSON.stringify({ sps: { insecureSkipVerify: "yes" } }));
    expect(() => loadTargetConnection("sps", { configFile: file, env: {} })).toThrow(/sps\.insecureSkipVerify has the wrong type/);
  });
});

describe("createSessionTarget", () => {
  let emu: SpsEmulator;
  const pw = "Adm1n!sessions-module";
  const conn = () => ({ url: emu.url, username: "admin", password: pw, caCertificates: path.join(TLS_DIR, "ca.pem") });
  beforeEach(async () => {
    emu = await createSpsEmulator({ tls: true, users: [{ name: "admin", password: pw }] });
    for (let i = 0; i < 6; i++) emu.controls.seedActiveSession({ id: `svc/Key${i}/p:${i}`, protocol: "ssh", user: `u${i}` });
  });
  afterEach(() => emu.close());

  it("answers unsupported for suspend on SPS without sending anything", async () => {
    const results = await withSessionTarget("sps", conn(), (t) => t.suspend(["svc/Key0/p:0"]));
    expect(results).toEqual([expect.objectContaining({ target: "sps", action: "suspend", outcome: "unsupported" })]);
    expect(emu.log.entries).toHaveLength(0);
  });

  it("logs in once for a bulk terminate and deduplicates ids", async () => {
    const ids = [0, 1, 2, 3, 4, 5, 0].map((i) => `svc/Key${i}/p:${i}`);
    const seen: string[] = [];
    const results = await withSessionTarget("sps", conn(), (t) => t.terminate(ids, { concurrency: 3, onResult: (r) => seen.push(r.sessionId) }));
    expect(results).toHaveLength(6);
    expect(results.every((r) => r.outcome === "done")).toBe(true);
    expect(seen.sort()).toEqual(ids.slice(0, 6).sort());
    expect(emu.log.count("GET /api/authentication")).toBe(1);
  });

  it("turns a refused login into an auth run error", async () => {
    const t = createSessionTarget("sps", { ...conn(), password: "not-it-123" });
    try {
      await expect(t.list()).rejects.toBeInstanceOf(SessionRunError);
      await expect(t.list()).rejects.toMatchObject({ kind: "auth" });
    } finally {
      await t.close();
    }
  });
});

describe("results leaving the module", () => {
  it("are redacted once, at the boundary: a password pasted as an id never comes back in a detail", async () => {
    const emu = await startPvwa();
    try {
      const streamed: string[] = [];
      // The vendor helper quotes the id it could not find; the module masks the connection's secrets.
      const results = await withSessionTarget("cyberark", emu.conn("suspender"), (t) => t.suspend([`x${PW.suspender}`], { onResult: (r) => streamed.push(r.detail) }));
      expect(results).toEqual([expect.objectContaining({ outcome: "not-found" })]);
      for (const detail of [results[0].detail, ...streamed]) {
        expect(detail).not.toContain(PW.suspender);
        expect(detail).toMatch(/no live session has SessionID or SessionGuid/);
      }
    } finally {
      await emu.close();
    }
  });
});
