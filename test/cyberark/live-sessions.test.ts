import {
  CyberArkClient,
  listLiveSessions,
  resumeLiveSession,
  sessionKind,
  suspendLiveSession,
  terminateLiveSession,
} from "../../provider/cyberark";
import { ManualClock } from "../emulators/common/clock";
import { PW, startPvwa } from "./helpers";

type Emu = Awaited<ReturnType<typeof startPvwa>>;

async function withClient(
  o: Parameters<typeof startPvwa>[0],
  user: keyof typeof PW,
  fn: (c: CyberArkClient, emu: Emu) => Promise<void>,
): Promise<void> {
  const emu = await startPvwa(o);
  const c = new CyberArkClient(emu.conn(user));
  try {
    await fn(c, emu);
  } finally {
    await c.close();
    await emu.close();
  }
}

const RDP_GUID = "a1b2c3d4-0000-4000-8000-000000000001";
const actionCalls = (emu: Emu) => emu.log.count(/^POST .*\/LiveSessions\/[^/]+\/(Suspend|Resume|Terminate)/i);

describe("listLiveSessions", () => {
  it("pages until Total and normalises kinds, times and flags", () =>
    withClient(
      { seed: undefined },
      "admin",
      async (c, emu) => {
        emu.controls.addUser({ username: "admin", password: PW.admin });
        for (let i = 0; i < 7; i++) emu.controls.addSession({ kind: i % 2 ? "psmp" : "psm", SessionID: `s${i}`, start: 1_700_000_000 + i });
        const all = await listLiveSessions(c, { pageSize: 3 });
        expect(all.map((s) => s.id).sort()).toEqual(["s0", "s1", "s2", "s3", "s4", "s5", "s6"]);
        expect(emu.log.count("GET /PasswordVault/API/LiveSessions")).toBe(3);
        const s0 = all.find((s) => s.id === "s0")!;
        expect(s0).toMatchObject({ kind: "psm", protocol: "RDP", canSuspend: false, providerId: "PSMServer_01" });
        expect(s0.start?.toISOString()).toBe(new Date(1_700_000_000_000).toISOString());
        expect(all.find((s) => s.id === "s1")!.kind).toBe("psm-ssh");
      },
    ));

  it("deduplicates by SessionID when a new session shifts the pages", () =>
    withClient({}, "admin", async (c, emu) => {
      const orig = c.http.request.bind(c.http);
      let calls = 0;
      jest.spyOn(c.http, "request").mockImplementation(async (opts: any) => {
        const r = await orig(opts);
        // A session that starts between page 1 and page 2 sorts first and pushes page 1's last row onto page 2.
        if (opts.path === "/API/LiveSessions" && ++calls === 1) emu.controls.addSession({ kind: "psm", SessionID: "new_1", start: 1_800_000_000 });
        return r as any;
      });
      const all = await listLiveSessions(c, { pageSize: 2 });
      expect(all.map((s) => s.id)).toEqual(["40_7", "22_135", "31_24"]);
    }));

  it("passes Safe, Search and the time window as PVWA filters and filters by PSM server locally", () =>
    withClient({}, "admin", async (c, emu) => {
      expect((await listLiveSessions(c, { safe: "Linux-Servers" })).map((s) => s.id).sort()).toEqual(["22_135", "40_7"]);
      expect((await listLiveSessions(c, { search: "asmith" })).map((s) => s.id)).toEqual(["22_135"]);
      const win = await listLiveSessions(c, { from: new Date(1_700_000_050_000), to: new Date(1_700_000_150_000) });
      expect(win.map((s) => s.id)).toEqual(["22_135"]);
      expect(emu.log.find("GET /PasswordVault/API/LiveSessions").at(-1)!.query).toMatchObject({ FromTime: "1700000050", ToTime: "1700000150" });
      expect((await listLiveSessions(c, { psmServer: "psmpserver_01" })).map((s) => s.id).sort()).toEqual(["22_135", "40_7"]);
    }));

  it("classifies session kinds from the client and connection component", () => {
    expect(sessionKind({ Client: "PSM", ConnectionComponentID: "PSM-SSH" })).toBe("psm");
    expect(sessionKind({ ConnectionComponentID: "PSMP-SSH" })).toBe("psm-ssh");
    expect(sessionKind({ Client: "OPM" })).toBe("opm");
    expect(sessionKind({})).toBe("unknown");
  });
});

describe("live-session actions", () => {
  it.each([
    ["NUL", "31\u000024"],
    ["CR/LF", "31_24\r\n"],
    ["a zero-width space", "31_\u200b24"],
    ["a right-to-left override", "\u202e31_24"],
  ])("fails an id with %s without any request: it never reaches a URL", (_what, id) =>
    withClient({}, "suspender", async (c, emu) => {
      emu.log.clear();
      for (const act of [suspendLiveSession, resumeLiveSession, terminateLiveSession]) {
        const r = await act(c, id);
        expect(r.outcome).toBe("failed");
        expect(r.detail).toMatch(/the session id must not contain an? (control|invisible or formatting) character \(U\+[0-9A-F]{4}/);
      }
      expect(emu.log.entries).toEqual([]);
    }));

  it("suspends and resumes a PSM session for a permitted user", () =>
    withClient({}, "suspender", async (c, emu) => {
      const r = await suspendLiveSession(c, "31_24");
      expect(r).toMatchObject({ outcome: "done", action: "suspend", sentId: "31_24" });
      expect(emu.controls.isSuspended("31_24")).toBe(true);
      expect((await resumeLiveSession(c, "31_24")).outcome).toBe("done");
      expect(emu.controls.isSuspended("31_24")).toBe(false);
    }));

  it("reports denied with the Options path for a user without CanSuspend, without calling the action", () =>
    withClient({}, "auditor", async (c, emu) => {
      const r = await suspendLiveSession(c, "31_24");
      expect(r.outcome).toBe("denied");
      expect(r.detail).toContain("Suspending Live Sessions Users and Groups");
      expect(r.detail).toContain("AllowPSMNotifications");
      expect(actionCalls(emu)).toBe(0);
    }));

  it("maps PVWA's 403 to denied when the pre-check is skipped", () =>
    withClient({}, "auditor", async (c, emu) => {
      const r = await suspendLiveSession(c, "31_24", { precheck: false });
      expect(r.outcome).toBe("denied");
      expect(r.detail).toContain("PVWA said");
      expect(emu.controls.audit.map((a) => a.status)).toEqual([403]);
    }));

  it("reports suspend on PSM for SSH and anything on OPM as unsupported, without calling the action", () =>
    withClient({}, "suspender", async (c, emu) => {
      const ssh = await suspendLiveSession(c, "22_135");
      expect(ssh.outcome).toBe("unsupported");
      expect(ssh.detail).toMatch(/not supported on PSM for SSH/);
      expect((await terminateLiveSession(c, "40_7")).outcome).toBe("unsupported");
      expect(actionCalls(emu)).toBe(0);
    }));

  it("reports an unknown id as not-found", () =>
    withClient({}, "suspender", async (c) => {
      const r = await suspendLiveSession(c, "99_99");
      expect(r.outcome).toBe("not-found");
      expect(r.detail).toContain("99_99");
    }));

  it("retries the action with SessionGuid when PVWA refuses the SessionID (the hedge)", () =>
    withClient({ behaviour: { actionIdField: "SessionGuid" } }, "suspender", async (c, emu) => {
      const r = await suspendLiveSession(c, "31_24");
      expect(r).toMatchObject({ outcome: "done", sentId: RDP_GUID });
      expect(emu.controls.audit.map((a) => [a.sessionId, a.status])).toEqual([
        ["31_24", 404],
        [RDP_GUID, 200],
      ]);
    }));

  it("accepts a SessionGuid as the requested id", () =>
    withClient({}, "suspender", async (c, emu) => {
      expect((await suspendLiveSession(c, RDP_GUID)).outcome).toBe("done");
      expect(emu.controls.isSuspended("31_24")).toBe(true);
    }));

  it("reports a repeat as done when PVWA treats it as a no-op and as already when PVWA answers 409", () =>
    withClient({}, "suspender", async (c, emu) => {
      expect((await resumeLiveSession(c, "31_24")).outcome).toBe("done");
      emu.controls.behaviour.sameStateAction = "conflict";
      expect((await resumeLiveSession(c, "31_24")).outcome).toBe("already");
    }));

  it("terminates a PSM for SSH session and reports a repeat as not-found", () =>
    withClient({}, "suspender", async (c, emu) => {
      emu.controls.addGroupMember("PSMLiveSessionTerminators", { name: "suspender" });
      expect((await terminateLiveSession(c, "22_135")).outcome).toBe("done");
      expect(emu.controls.isSuspended("22_135")).toBeUndefined();
      expect((await terminateLiveSession(c, "22_135")).outcome).toBe("not-found");
    }));

  it("logs on again when the token expired between list and action", () =>
    withClient({ clock: new ManualClock(), behaviour: { tokenIdleTimeoutMs: 1000 } }, "suspender", async (c, emu) => {
      await listLiveSessions(c);
      emu.clock.advance(5000);
      expect((await suspendLiveSession(c, "31_24")).outcome).toBe("done");
      expect(emu.log.count(/Logon$/)).toBe(2);
    }));

  it("reports an HTML error page on the action as failed with a readable detail", () =>
    withClient({}, "suspender", async (c, emu) => {
      emu.faults.plan(/^POST .*\/Suspend$/, { kind: "html", status: 500 });
      const r = await suspendLiveSession(c, "31_24");
      expect(r.outcome).toBe("failed");
      expect(r.detail).toMatch(/500/);
      expect(r.detail).not.toMatch(/<html/i);
      expect(r.detail).not.toContain(PW.suspender);
    }));

  it("reports unsupported on a PVWA too old for suspend", () =>
    withClient({ behaviour: { version: "10.1" } }, "suspender", async (c) => {
      const r = await suspendLiveSession(c, "31_24");
      expect(r.outcome).toBe("unsupported");
      expect(r.detail).toContain("10.2");
    }));
});
