import * as path from "path";
import { CyberArkClient, listLiveSessions, suspendLiveSession, type CyberArkClientOptions } from "../../provider/cyberark";
import { ConnectionError, PamError, TimeoutError } from "../../provider/http";
import { dropSession, listRemoteSessions } from "../../provider/senhasegura/sessions";
import { TLS_DIR } from "../emulators/common/server";
import { ACTIVE, clientFor, startEmulator } from "../senhasegura/helpers";
import { startPvwa } from "../cyberark/helpers";

// CyberArk (PVWA) and senhasegura have no configuration transaction or lock; their fault matrix is over
// the session actions. The end state is checked on the emulator (the appliance), not in a harness state,
// because these are imperative actions, not resources (PsmSuspendPermission has its own tests).

const GATEWAY_PAGE = "<html><head><title>Service Unavailable</title></head><body><h2>IIS: The service is unavailable.</h2></body></html>";
const SUSPEND = /^POST .*\/LiveSessions\/31_24\/Suspend$/;

describe("CyberArk fault matrix (client and session actions)", () => {
  type Emu = Awaited<ReturnType<typeof startPvwa>>;
  let emu: Emu;
  let client: CyberArkClient;
  const open = async (opts: CyberArkClientOptions = {}, caFile = "ca.pem") => {
    emu = await startPvwa();
    client = new CyberArkClient({ ...emu.conn("suspender"), caCertificates: path.join(TLS_DIR, caFile) }, { retry: { baseDelayMs: 1, maxDelayMs: 5 }, ...opts });
  };
  afterEach(async () => {
    await client.close();
    await emu.close();
  });

  it.each([
    {
      what: "the token expires between the pages of a list: one re-logon, every session listed",
      arrange: (e: Emu) => e.faults.plan("GET /PasswordVault/API/LiveSessions", { kind: "call", fn: () => e.controls.expireTokens() }, { after: 1 }),
      act: async (c: CyberArkClient) => (await listLiveSessions(c, { pageSize: 1 })).map((s) => s.id).sort(),
      result: ["22_135", "31_24", "40_7"],
      check: (e: Emu) => expect(e.log.count(/Logon$/)).toBe(2),
    },
    {
      what: "the token expires before the suspend: one re-logon, suspended once",
      arrange: (e: Emu) => e.faults.plan(SUSPEND, { kind: "call", fn: () => e.controls.expireTokens() }),
      act: async (c: CyberArkClient) => (await suspendLiveSession(c, "31_24")).outcome,
      result: "done",
      check: (e: Emu) => {
        expect(e.controls.isSuspended("31_24")).toBe(true);
        expect(e.controls.audit.filter((a) => a.status === 200)).toHaveLength(1);
      },
    },
    {
      what: "a 503 on the list is retried by the HTTP core",
      arrange: (e: Emu) => e.faults.failNext("GET /PasswordVault/API/LiveSessions", 503),
      act: async (c: CyberArkClient) => (await listLiveSessions(c)).length,
      result: 3,
      check: (e: Emu) => expect(e.log.count("GET /PasswordVault/API/LiveSessions")).toBe(2),
    },
    {
      what: "a 503 on the suspend is not resent; the outcome says it failed and the session is untouched",
      arrange: (e: Emu) => e.faults.plan(SUSPEND, { kind: "html", status: 503, html: GATEWAY_PAGE }),
      act: async (c: CyberArkClient) => {
        const r = await suspendLiveSession(c, "31_24");
        return [r.outcome, r.detail];
      },
      result: ["failed", expect.stringMatching(/503 Service Unavailable: IIS: The service is unavailable\./)],
      check: (e: Emu) => {
        expect(e.log.count(SUSPEND)).toBe(1);
        expect(e.controls.isSuspended("31_24")).toBe(false);
      },
    },
  ])("$what", async ({ arrange, act, result, check }) => {
    await open();
    arrange(emu);
    expect(await act(client)).toEqual(result);
    check(emu);
  });

  it("turns an IIS HTML page on a read into an error with the status and a tag-free excerpt", async () => {
    await open();
    emu.faults.plan("GET /PasswordVault/API/LiveSessions", { kind: "html", status: 500, html: GATEWAY_PAGE });
    await expect(listLiveSessions(client)).rejects.toThrow(
      "cyberark GET /PasswordVault/API/LiveSessions?Limit=100&Offset=0: 500 Service Unavailable: IIS: The service is unavailable.",
    );
  });

  it("gives a TimeoutError naming the timeout setting when PVWA answers too slowly", async () => {
    await open({ timeouts: { headersMs: 1000 } });
    await listLiveSessions(client); // logged on
    emu.faults.plan("GET /PasswordVault/API/LiveSessions", { kind: "delay", ms: 2500 });
    const e = await listLiveSessions(client).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TimeoutError);
    expect((e as Error).message).toBe("cyberark GET /PasswordVault/API/LiveSessions?Limit=100&Offset=0: no response headers in time (timeouts.headersMs)");
    expect(emu.controls.isSuspended("31_24")).toBe(false);
  });

  it.each([
    ["other-ca.pem", /^cyberark POST \/PasswordVault\/API\/auth\/CyberArk\/Logon: the TLS certificate of https:\/\/127\.0\.0\.1:\d+ is not trusted \(\w+\); the configured caCertificates bundle does not verify it/],
    ["ca.pem", null],
  ])("with caCertificates %s: a clear TLS error, or a working suspend", async (ca, error) => {
    await open({}, ca);
    const r = await suspendLiveSession(client, "31_24");
    if (error) {
      expect(r.outcome).toBe("failed");
      expect(r.detail).toMatch(error);
      expect(emu.log.entries).toEqual([]);
      expect(emu.controls.isSuspended("31_24")).toBe(false);
    } else {
      expect(r.outcome).toBe("done");
      expect(emu.controls.isSuspended("31_24")).toBe(true);
    }
  });
});

describe("senhasegura fault matrix (list and drop)", () => {
  type Emu = Awaited<ReturnType<typeof startEmulator>>;
  let emu: Emu;
  afterEach(() => emu.close());
  const isActive = async (e: Emu) => {
    const c = clientFor(e);
    try {
      const r = await listRemoteSessions(c);
      if (r.outcome !== "done") throw new Error(r.detail);
      return r.value.find((s) => s.sessionId === ACTIVE)?.active;
    } finally {
      await c.close();
    }
  };
  const tokenCalls = (e: Emu) => e.log.count("POST /iso/oauth2/token");

  it.each([
    {
      what: "the token is revoked before the list: one new token, the list succeeds",
      arrange: (e: Emu) => e.faults.plan("GET /iso/session/remotesessions", { kind: "call", fn: () => e.controls.revokeTokens() }),
      warm: true,
      act: "list" as const,
      status: "done",
      tokens: 2,
      activeAfter: true,
    },
    {
      what: "the token is revoked before the drop: one new token, dropped once",
      arrange: (e: Emu) => e.faults.plan("DELETE /iso/session/drop", { kind: "call", fn: () => e.controls.revokeTokens() }),
      warm: true,
      act: "drop" as const,
      status: "done",
      tokens: 2,
      activeAfter: false,
    },
    {
      what: "a 503 on the list is retried by the HTTP core",
      arrange: (e: Emu) => e.faults.failNext("GET /iso/session/remotesessions", 503),
      warm: false,
      act: "list" as const,
      status: "done",
      tokens: 1,
      activeAfter: true,
    },
    {
      what: "the vendor's 500 on the drop is read back, never resent",
      arrange: (e: Emu) => e.controls.unexpectedErrorNext("DELETE /iso/session/drop"),
      warm: false,
      act: "drop" as const,
      status: "failed",
      tokens: 1,
      activeAfter: true,
    },
  ])("$what", async ({ arrange, warm, act, status, tokens, activeAfter }) => {
    emu = await startEmulator();
    const c = clientFor(emu);
    try {
      if (warm) await listRemoteSessions(c);
      arrange(emu);
      const r = act === "list" ? await listRemoteSessions(c) : await dropSession(c, ACTIVE);
      expect(r.outcome).toBe(status);
      // A 401 means the appliance refused before acting, so sending the drop again is safe; any other
      // failure is read back instead (the 500 row).
      if (act === "drop") expect(emu.log.find("DELETE /iso/session/drop").map((e) => e.status)).toEqual(tokens === 2 ? [401, 200] : [500]);
      expect(tokenCalls(emu)).toBe(tokens);
    } finally {
      await c.close();
    }
    expect(await isActive(emu)).toBe(activeAfter);
  });

  it("reports a drop whose answer does not come in time as failed, naming the timeout, after reading the session back", async () => {
    emu = await startEmulator();
    const c = clientFor(emu, { timeouts: { headersMs: 1000 } });
    try {
      emu.faults.plan("DELETE /iso/session/drop", { kind: "delay", ms: 2500 });
      const r = await dropSession(c, ACTIVE);
      // The appliance is still working on it when the client gives up: the read-back sees it active.
      expect(r.outcome).toBe("failed");
      expect(r.detail).toBe(
        `drop session ${ACTIVE}: the session is still active after the error: senhasegura DELETE /iso/session/drop/${ACTIVE}: no response headers in time (timeouts.headersMs)`,
      );
      expect(emu.log.find("DELETE /iso/session/drop")).toHaveLength(1); // never resent
    } finally {
      await c.close();
    }
    await emu.log.answered("DELETE /iso/session/drop"); // the delayed drop completes on the appliance
    expect(await isActive(emu)).toBe(false);
  });

  it("turns an HTML gateway page on the list into a failed outcome with the status and excerpt", async () => {
    emu = await startEmulator();
    emu.faults.plan("GET /iso/session/remotesessions", { kind: "html", status: 500, html: GATEWAY_PAGE });
    const c = clientFor(emu);
    const r = await listRemoteSessions(c);
    await c.close();
    expect(r.outcome).toBe("failed");
    expect(r.detail).toBe("list remote sessions: senhasegura GET /iso/session/remotesessions: 500 Service Unavailable: IIS: The service is unavailable.");
  });

  it.each([
    ["other-ca.pem", false],
    ["ca.pem", true],
  ])("over HTTPS with caCertificates %s the drop works only with the right CA", async (ca, works) => {
    emu = await startEmulator({ tls: true });
    const c = clientFor(emu, { caCertificates: path.join(TLS_DIR, ca) });
    const r = await dropSession(c, ACTIVE);
    await c.close();
    if (works) expect(r.outcome).toBe("done");
    else {
      expect(r.outcome).toBe("failed");
      expect(r.detail).toMatch(/is not trusted \(\w+\); the configured caCertificates bundle does not verify it/);
      const err = (r as { error?: unknown }).error;
      expect(PamError.isInstance(err) && err instanceof ConnectionError).toBe(true);
    }
    const check = clientFor(emu, { caCertificates: path.join(TLS_DIR, "ca.pem") });
    const listed = await listRemoteSessions(check);
    await check.close();
    expect(listed.outcome === "done" && listed.value.find((s) => s.sessionId === ACTIVE)?.active).toBe(!works);
  });
});
