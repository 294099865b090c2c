import { call, logonAs, seedPermissionModel } from "./emulator-helpers";
import { createPvwaEmulator, type PvwaEmulator, type PvwaEmulatorOptions } from "./index";

const LS = "/PasswordVault/API/LiveSessions";

async function withEmu(o: PvwaEmulatorOptions, fn: (e: PvwaEmulator) => Promise<void>): Promise<void> {
  const emu = await createPvwaEmulator({ seed: seedPermissionModel, ...o });
  try {
    await fn(emu);
  } finally {
    await emu.close();
  }
}

describe("PVWA emulator: live sessions", () => {
  it("computes CanSuspend per caller from AllowPSMNotifications, the Suspending list, group membership and the session kind", () =>
    withEmu({}, async (emu) => {
      const flags = async (user: string, pw: string) => {
        const r = await call(emu.url, "GET", `${LS}?Sort=PSMStartTime`, { token: await logonAs(emu.url, user, pw) });
        return Object.fromEntries((r.json.LiveSessions as any[]).map((s) => [s.SessionID, [s.CanSuspend, s.CanTerminate]]));
      };
      expect(await flags("suspender", "Susp3nd!pw")).toEqual({ "31_24": [true, false], "22_135": [false, false], "40_7": [false, false] });
      expect((await flags("auditor", "Aud1t!pw"))["31_24"]).toEqual([false, false]);
      emu.controls.setAllowPsmNotifications(false);
      expect((await flags("suspender", "Susp3nd!pw"))["31_24"]).toEqual([false, false]);
      emu.controls.setAllowPsmNotifications(true);
      emu.controls.addGroupMember("PSMLiveSessionTerminators", { name: "auditor" });
      expect(await flags("auditor", "Aud1t!pw")).toEqual({ "31_24": [false, true], "22_135": [false, true], "40_7": [false, false] });
      emu.controls.setSuspendingUsersAndGroups(["AUDITOR"]);
      expect((await flags("auditor", "Aud1t!pw"))["31_24"]).toEqual([true, true]);
    }));

  it("matches an LDAP user through a domain member of a Vault group", () =>
    withEmu(
      {
        seed: (c) => {
          seedPermissionModel(c);
          c.addUser({ username: "jroe", password: "Ld@p!", domain: "corp.example", directoryGroups: ["PAM-Operators"] });
          c.addGroupMember("LiveSessionSuspenders", { name: "PAM-Operators", type: "domain", domainName: "corp.example" });
        },
      },
      async (emu) => {
        const r = await call(emu.url, "GET", `${LS}/31_24`, { token: await logonAs(emu.url, "jroe", "Ld@p!", "LDAP") });
        expect(r.json.LiveSessions[0].CanSuspend).toBe(true);
      },
    ));

  it("pages with Limit and Offset, reporting Total before paging, default sort descending by start", () =>
    withEmu(
      {
        seed: (c) => {
          seedPermissionModel(c);
          for (let i = 0; i < 30; i++) c.addSession({ kind: "psm", SessionID: `90_${i}`, start: 1_600_000_000 + i });
        },
      },
      async (emu) => {
        const token = await logonAs(emu.url, "admin", "Adm1n!pw");
        const first = await call(emu.url, "GET", LS, { token });
        expect(first.json.Total).toBe(33);
        expect(first.json.LiveSessions).toHaveLength(25);
        expect(first.json.LiveSessions[0].SessionID).toBe("40_7");
        const last = await call(emu.url, "GET", `${LS}?limit=10&offset=30`, { token });
        expect(last.json.LiveSessions.map((s: any) => s.SessionID)).toEqual(["90_2", "90_1", "90_0"]);
        emu.controls.behaviour.maxRecords = 5;
        expect((await call(emu.url, "GET", `${LS}?Limit=50`, { token })).json.LiveSessions).toHaveLength(5);
        expect((await call(emu.url, "GET", `${LS}?Limit=abc`, { token })).status).toBe(400);
      },
    ));

  it("filters by Safe, Search and FromTime/ToTime in seconds and sorts by a named field", () =>
    withEmu({}, async (emu) => {
      const token = await logonAs(emu.url, "admin", "Adm1n!pw");
      const ids = async (q: string) => ((await call(emu.url, "GET", `${LS}?${q}`, { token })).json.LiveSessions as any[]).map((s) => s.SessionID);
      expect(await ids("Safe=linux-servers&Sort=PSMStartTime")).toEqual(["22_135", "40_7"]);
      expect(await ids("Search=asmith")).toEqual(["22_135"]);
      expect(await ids("FromTime=1700000050&ToTime=1700000150")).toEqual(["22_135"]);
      expect(await ids("Sort=-PSMVaultUserName")).toEqual(["31_24", "40_7", "22_135"]);
      expect((await call(emu.url, "GET", `${LS}?Sort=Bogus`, { token })).status).toBe(400);
    }));

  it("never sends the emulator-only suspended flag and carries RawProperties.ProviderID", () =>
    withEmu({}, async (emu) => {
      const token = await logonAs(emu.url, "admin", "Adm1n!pw");
      const r = await call(emu.url, "GET", `${LS}/31_24/properties`, { token });
      expect(r.json.RawProperties.ProviderID).toBe("PSMServer_01");
      expect(Object.keys(r.json).map((k) => k.toLowerCase())).not.toContain("suspended");
      expect(r.json.Protocol).toBe("RDP");
    }));

  it("wraps GET by id as {LiveSessions:[...]} with Total as configured and answers 404 for unknown ids", () =>
    withEmu({}, async (emu) => {
      const token = await logonAs(emu.url, "admin", "Adm1n!pw");
      expect((await call(emu.url, "GET", `${LS}/31_24`, { token })).json.Total).toBe(1);
      emu.controls.behaviour.getByIdIncludesTotal = false;
      const r = await call(emu.url, "GET", `${LS}/a1b2c3d4-0000-4000-8000-000000000001/`, { token });
      expect(r.json).not.toHaveProperty("Total");
      expect(r.json.LiveSessions[0].SessionID).toBe("31_24");
      expect((await call(emu.url, "GET", `${LS}/nope`, { token })).status).toBe(404);
    }));

  it("suspends and resumes a PSM session for a permitted caller with an empty 200 and audits the calls", () =>
    withEmu({}, async (emu) => {
      const token = await logonAs(emu.url, "suspender", "Susp3nd!pw");
      const r = await call(emu.url, "POST", `${LS}/31_24/suspend`, { token, body: { ignored: true } });
      expect(r.status).toBe(200);
      expect(r.text).toBe("");
      expect(emu.controls.isSuspended("31_24")).toBe(true);
      expect((await call(emu.url, "POST", `${LS}/a1b2c3d4-0000-4000-8000-000000000001/Resume/`, { token })).status).toBe(200);
      expect(emu.controls.isSuspended("31_24")).toBe(false);
      expect(emu.controls.audit.map((a) => [a.action, a.user, a.status])).toEqual([
        ["Suspend", "suspender", 200],
        ["Resume", "suspender", 200],
      ]);
    }));

  it("refuses a caller without the right with 403, suspend on PSM for SSH with 400, an unknown id with 404", () =>
    withEmu({}, async (emu) => {
      const aud = await logonAs(emu.url, "auditor", "Aud1t!pw");
      expect((await call(emu.url, "POST", `${LS}/31_24/Suspend`, { token: aud })).status).toBe(403);
      expect(emu.controls.isSuspended("31_24")).toBe(false);
      const sus = await logonAs(emu.url, "suspender", "Susp3nd!pw");
      const ssh = await call(emu.url, "POST", `${LS}/22_135/Suspend`, { token: sus });
      expect(ssh.status).toBe(400);
      expect(ssh.json.ErrorMessage).toMatch(/PSM for SSH/);
      expect((await call(emu.url, "POST", `${LS}/99_99/Suspend`, { token: sus })).status).toBe(404);
      expect((await call(emu.url, "POST", `${LS}/31_24/Explode`, { token: sus })).status).toBe(404);
      expect(emu.controls.audit.map((a) => a.status)).toEqual([403, 400, 404]);
    }));

  it("answers same-state actions as a no-op by default and with the configured conflict otherwise", () =>
    withEmu({}, async (emu) => {
      const token = await logonAs(emu.url, "suspender", "Susp3nd!pw");
      expect((await call(emu.url, "POST", `${LS}/31_24/Resume`, { token })).status).toBe(200);
      emu.controls.behaviour.sameStateAction = "conflict";
      const r = await call(emu.url, "POST", `${LS}/31_24/Resume`, { token });
      expect(r.status).toBe(409);
      expect(r.json.ErrorCode).toBe(emu.controls.behaviour.sameStateConflict.ErrorCode);
    }));

  it("terminates PSM and PSM for SSH sessions (removing them) but not OPM ones", () =>
    withEmu({}, async (emu) => {
      emu.controls.addGroupMember("PSMLiveSessionTerminators", { name: "auditor" });
      const token = await logonAs(emu.url, "auditor", "Aud1t!pw");
      expect((await call(emu.url, "POST", `${LS}/22_135/Terminate`, { token })).status).toBe(200);
      expect((await call(emu.url, "POST", `${LS}/40_7/Terminate`, { token })).status).toBe(400);
      emu.controls.behaviour.actionSuccessBody = "object";
      const r = await call(emu.url, "POST", `${LS}/31_24/Terminate`, { token });
      expect(r.json).toEqual({});
      expect((await call(emu.url, "GET", LS, { token })).json.Total).toBe(1);
    }));

  it("accepts only the configured id field on actions (the SessionID/SessionGuid hedge)", () =>
    withEmu({ behaviour: { actionIdField: "SessionGuid" } }, async (emu) => {
      const token = await logonAs(emu.url, "suspender", "Susp3nd!pw");
      expect((await call(emu.url, "POST", `${LS}/31_24/Suspend`, { token })).status).toBe(404);
      expect((await call(emu.url, "POST", `${LS}/a1b2c3d4-0000-4000-8000-000000000001/Suspend`, { token })).status).toBe(200);
    }));
});

describe("PVWA emulator: transport quirks", () => {
  it("answers an IIS HTML 404 for a dot in the last segment without a trailing slash when the quirk is on", () =>
    withEmu({ behaviour: { dotQuirk: true } }, async (emu) => {
      const token = await logonAs(emu.url, "admin", "Adm1n!pw");
      const g = emu.controls.addGroup({ groupName: "Dots" });
      emu.controls.addGroupMember("Dots", { name: "admin" });
      emu.controls.addUser({ username: "j.doe@corp.example", password: "x" });
      emu.controls.addGroupMember("Dots", { name: "j.doe@corp.example" });
      const bad = await call(emu.url, "DELETE", `/PasswordVault/API/UserGroups/${g.id}/Members/j.doe@corp.example`, { token });
      expect(bad.status).toBe(404);
      expect(bad.type).toMatch(/^text\/html/);
      const ok = await call(emu.url, "DELETE", `/PasswordVault/API/UserGroups/${g.id}/Members/j.doe@corp.example/`, { token });
      expect(ok.status).toBe(204);
    }));

  it("renders every error as an HTML page in HTML error mode and JSON 404s for unknown API routes otherwise", () =>
    withEmu({}, async (emu) => {
      const nf = await call(emu.url, "GET", "/PasswordVault/API/Nope");
      expect(nf.status).toBe(404);
      expect(nf.json.Message).toMatch(/No HTTP resource/);
      expect((await call(emu.url, "GET", "/Elsewhere")).type).toMatch(/^text\/html/);
      emu.controls.behaviour.htmlErrors = true;
      const r = await call(emu.url, "GET", LS, { token: "bad" });
      expect(r.status).toBe(401);
      expect(r.type).toMatch(/^text\/html/);
      expect(r.text).toMatch(/HTTP Error 401/);
    }));

  it("applies kit faults and latency to PVWA routes", () =>
    withEmu({}, async (emu) => {
      emu.faults.plan("GET /PasswordVault/API/Server", { kind: "html", status: 503 });
      expect((await call(emu.url, "GET", "/PasswordVault/API/Server")).status).toBe(503);
      expect((await call(emu.url, "GET", "/PasswordVault/API/Server")).status).toBe(200);
      expect(emu.log.count("GET /PasswordVault/API/Server")).toBe(2);
    }));
});
