import { dropSession, getRemoteSession, listRemoteSessions, type RemoteSession } from "../../provider/senhasegura/sessions";
import type { SenhaseguraEmulator, SenhaseguraProfile, SessionPrefix } from "../emulators/senhasegura";
import { ACTIVE, clientFor, ENDED, OAUTH1, READER, startEmulator } from "./helpers";

function done<T>(o: { outcome: string; value?: T; detail: string }): T {
  if (o.outcome !== "done") throw new Error(`expected done, got ${o.outcome}: ${o.detail}`);
  return o.value as T;
}

describe("senhasegura session helpers", () => {
  let emu: SenhaseguraEmulator;
  beforeEach(async () => (emu = await startEmulator()));
  afterEach(() => emu.close());

  it("lists sessions with active inferred from a missing end", async () => {
    const c = clientFor(emu);
    const sessions = done<RemoteSession[]>(await listRemoteSessions(c));
    expect(sessions.map((s) => [s.id, s.sessionId, s.active])).toEqual([["3", ACTIVE, true], ["4", ENDED, false]]);
    expect(sessions[1]).toMatchObject({ user: "bob", credential: "usrdomadm01", device: "10.66.33.15:3389", end: "2024-05-06 16:07:59", time: "00:02:52", preventPurge: "No" });
    expect(sessions[0].end).toBeUndefined();
    await c.close();
  });

  it.each(["empty", "absent"] as const)("treats an %s end as active", async (activeEnd) => {
    const alt = await startEmulator({ activeEnd });
    try {
      const c = clientFor(alt);
      expect(done<RemoteSession[]>(await listRemoteSessions(c)).map((s) => s.active)).toEqual([true, false]);
      await c.close();
    } finally {
      await alt.close();
    }
  });

  it("gets a session by numeric id, and maps 1002 to not-found and 1003 to failed", async () => {
    const c = clientFor(emu);
    expect(done<RemoteSession>(await getRemoteSession(c, 4)).sessionId).toBe(ENDED);
    const missing = await getRemoteSession(c, "999");
    expect(missing.outcome).toBe("not-found");
    const wrongKind = await getRemoteSession(c, ACTIVE);
    expect(wrongKind.outcome).toBe("failed");
    expect(wrongKind.detail).toContain("1003");
    await c.close();
  });

  it("drops an active session; the list then shows it ended", async () => {
    const c = clientFor(emu);
    expect((await dropSession(c, ACTIVE)).outcome).toBe("done");
    const s = done<RemoteSession[]>(await listRemoteSessions(c)).find((x) => x.sessionId === ACTIVE)!;
    expect(s.active).toBe(false);
    await c.close();
  });

  it("reports the 500 for an ended session as already, after re-listing", async () => {
    const c = clientFor(emu);
    const r = await dropSession(c, ENDED);
    expect(r.outcome).toBe("already");
    expect(r.detail).toContain("not active");
    expect(emu.log.entries.map((e) => `${e.method} ${e.path}`).slice(-2)).toEqual([`DELETE /iso/session/drop/${ENDED}`, "GET /iso/session/remotesessions"]);
    await c.close();
  });

  it("reports the 500 for an unknown session as not-found: 'not active or unknown'", async () => {
    const c = clientFor(emu);
    const r = await dropSession(c, "c".repeat(40));
    expect(r.outcome).toBe("not-found");
    expect(r.detail).toContain("not active or unknown");
    await c.close();
  });

  it("path-escapes the session_id and refuses '..' without sending", async () => {
    const c = clientFor(emu);
    expect((await dropSession(c, "x/../y z")).outcome).toBe("not-found");
    expect(emu.log.find("DELETE").at(-1)?.path).toBe("/iso/session/drop/x%2F..%2Fy%20z");
    const before = emu.log.entries.length;
    expect((await dropSession(c, "..")).outcome).toBe("failed");
    expect(emu.log.entries.length).toBe(before);
    await c.close();
  });

  it("reports a drop that failed on a still-active session as failed", async () => {
    const c = clientFor(emu);
    emu.controls.unexpectedErrorNext("DELETE /iso/session/drop");
    const r = await dropSession(c, ACTIVE);
    expect(r.outcome).toBe("failed");
    expect(r.detail).toContain("Unexpected error.");
    await c.close();
  });

  it("reports a drop that succeeded but lost its answer as already (DELETE retried, then read back)", async () => {
    const c = clientFor(emu);
    emu.faults.plan("DELETE /iso/session/drop", { kind: "drop-after" });
    const r = await dropSession(c, ACTIVE);
    expect(r.outcome).toBe("already");
    expect(emu.store.getBySessionId(ACTIVE)?.endMs).toBeDefined();
    await c.close();
  });

  it.each([500, 403])("reports a missing write permission (%i) as denied and does not re-list", async (deniedStatus) => {
    const alt = await startEmulator({ deniedStatus });
    try {
      const c = clientFor(alt, { clientId: READER.clientId, clientSecret: READER.clientSecret });
      expect((await listRemoteSessions(c)).outcome).toBe("done");
      const r = await dropSession(c, ACTIVE);
      expect(r.outcome).toBe("denied");
      expect(alt.log.count("GET /iso/session/remotesessions")).toBe(1);
      alt.controls.setScopes(READER.clientId, []);
      expect((await listRemoteSessions(c)).outcome).toBe("denied");
      await c.close();
    } finally {
      await alt.close();
    }
  });

  it("reports a prefix the appliance does not serve as unsupported", async () => {
    const iso = await startEmulator({ prefixes: ["/iso"] });
    try {
      const c = clientFor(iso, { pathPrefix: "/api/pam" });
      expect((await listRemoteSessions(c)).outcome).toBe("unsupported");
      expect((await dropSession(c, ACTIVE)).outcome).toBe("unsupported");
      await c.close();
    } finally {
      await iso.close();
    }
  });

  it("treats a 200 whose envelope says error as a failure", async () => {
    const c = clientFor(emu);
    emu.faults.failNext("GET /iso/session/remotesessions", 200, { response: { status: 200, message: "boom", error: false, erro: true }, remote_sessions: [] });
    const r = await listRemoteSessions(c);
    expect(r.outcome).toBe("failed");
    expect(r.outcome !== "done" && r.error?.code).toBe("SENHASEGURA_ENVELOPE_ERROR");
    await c.close();
  });

  // Speed is the benchmark's business (bench/); here only the counts are checked.
  it("lists 10,000 sessions", async () => {
    emu.store.generate(10_000, { activeEvery: 5 });
    const c = clientFor(emu);
    const sessions = done<RemoteSession[]>(await listRemoteSessions(c));
    expect(sessions).toHaveLength(10_002);
    expect(sessions.filter((s) => s.active)).toHaveLength(2_001);
    await c.close();
  });
});

describe("senhasegura helpers across prefixes and profiles", () => {
  const prefixes: SessionPrefix[] = ["/iso", "/api", "/api/pam"];
  const profiles: SenhaseguraProfile[] = ["v3.32", "v3.33", "latest"];
  const table = prefixes.flatMap((p) => profiles.map((v) => [p, v] as const));

  it.each(table)("lists, gets and drops under %s with profile %s (OAuth 2.0 and 1.0a)", async (pathPrefix, profile) => {
    const emu = await startEmulator({ profile, prefixes: [pathPrefix] });
    try {
      for (const creds of [{}, { ...OAUTH1 }]) {
        const c = clientFor(emu, { pathPrefix, ...creds });
        const sessions = done<RemoteSession[]>(await listRemoteSessions(c));
        expect(sessions.map((s) => s.credential)).toEqual(["usrdomadm01", "usrdomadm01"]);
        expect(sessions.map((s) => s.device)).toEqual(["10.66.33.15:3389", "10.66.33.15:3389"]);
        expect(done<RemoteSession>(await getRemoteSession(c, "3")).user).toBe("alice");
        await c.close();
      }
      const c = clientFor(emu, { pathPrefix });
      expect((await dropSession(c, ACTIVE)).outcome).toBe("done");
      expect((await dropSession(c, ACTIVE)).outcome).toBe("already");
      await c.close();
    } finally {
      await emu.close();
    }
  });
});
