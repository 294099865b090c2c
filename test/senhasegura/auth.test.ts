import { listRemoteSessions } from "../../provider/senhasegura/sessions";
import type { SenhaseguraEmulator } from "../emulators/senhasegura";
import { clientFor, OAUTH1, OAUTH2, startEmulator } from "./helpers";

describe("senhasegura client authentication", () => {
  let emu: SenhaseguraEmulator;
  beforeEach(async () => (emu = await startEmulator({ tokenTtlSec: 600 })));
  afterEach(() => emu.close());
  const tokenCalls = () => emu.log.count("POST /iso/oauth2/token");

  it("fetches one OAuth 2.0 token with body credentials and reuses it", async () => {
    const c = clientFor(emu);
    for (let i = 0; i < 3; i++) expect((await listRemoteSessions(c)).outcome).toBe("done");
    expect(tokenCalls()).toBe(1);
    expect(c.credentialMode).toBe("body");
    expect(emu.calls.filter((x) => x.auth === "token-body" && x.ok)).toHaveLength(1);
    await c.close();
  });

  it("refreshes the token early, before expires_in runs out", async () => {
    const c = clientFor(emu);
    await listRemoteSessions(c);
    emu.clock.advance(539_000); // 600 s lifetime, 60 s margin: still cached
    await listRemoteSessions(c);
    expect(tokenCalls()).toBe(1);
    emu.clock.advance(2_000); // inside the margin, token still valid on the server
    await listRemoteSessions(c);
    expect(tokenCalls()).toBe(2);
    expect(emu.calls.filter((x) => x.auth === "bearer" && !x.ok)).toHaveLength(0);
    await c.close();
  });

  it("fetches a fresh token and retries once when the appliance rejects an expired token", async () => {
    const c = clientFor(emu, {}, { now: () => 0 }); // client clock frozen: it believes the token is fresh
    await listRemoteSessions(c);
    emu.clock.advance(601_000);
    const r = await listRemoteSessions(c);
    expect(r.outcome).toBe("done");
    expect(tokenCalls()).toBe(2);
    expect(emu.calls.filter((x) => x.auth === "bearer").map((x) => x.reason ?? "ok")).toEqual(["ok", "expired token", "ok"]);
    await c.close();
  });

  it("retries only once: a second 401 is reported as denied", async () => {
    const c = clientFor(emu);
    emu.controls.revokeTokens();
    emu.faults.failNext("GET /iso/session/remotesessions", 401, { response: { status: 401, message: "Client authentication failed", error: true } }, 5);
    const r = await listRemoteSessions(c);
    expect(r.outcome).toBe("denied");
    expect(emu.log.count("GET /iso/session/remotesessions")).toBe(2);
    await c.close();
  });

  it("falls back to HTTP Basic when body credentials are rejected, and keeps using Basic", async () => {
    const basicOnly = await startEmulator({ bodyCredentials: false, tokenTtlSec: 600 });
    try {
      const c = clientFor(basicOnly);
      expect((await listRemoteSessions(c)).outcome).toBe("done");
      expect(c.credentialMode).toBe("basic");
      expect(basicOnly.calls.filter((x) => x.auth.startsWith("token")).map((x) => `${x.auth}:${x.ok}`)).toEqual(["token-body:false", "token-basic:true"]);
      basicOnly.controls.revokeTokens();
      expect((await listRemoteSessions(c)).outcome).toBe("done");
      expect(basicOnly.calls.filter((x) => x.auth.startsWith("token")).map((x) => x.auth)).toEqual(["token-body", "token-basic", "token-basic"]);
      await c.close();
    } finally {
      await basicOnly.close();
    }
  });

  it("reports a wrong client secret as denied without leaking the secret", async () => {
    const lines: string[] = [];
    const c = clientFor(emu, { clientSecret: "wrong-secret-123456" }, { log: (m) => lines.push(m) });
    const r = await listRemoteSessions(c);
    expect(r.outcome).toBe("denied");
    expect(r.detail).toContain("401");
    const text = JSON.stringify([r.detail, r.outcome === "done" ? "" : r.error?.message, lines]);
    expect(text).not.toContain("wrong-secret-123456");
    expect(text).not.toContain(Buffer.from(`${OAUTH2.clientId}:wrong-secret-123456`).toString("base64"));
    await c.close();
  });

  it("signs requests with OAuth 1.0a that the emulator verifies", async () => {
    const c = clientFor(emu, { ...OAUTH1 });
    expect(c.authKind).toBe("oauth1");
    expect((await listRemoteSessions(c)).outcome).toBe("done");
    expect(emu.calls.at(-1)).toMatchObject({ auth: "oauth1", ok: true, signatureValid: true });
    expect(tokenCalls()).toBe(0);
    await c.close();
  });

  it("signs every retry afresh, so an appliance that rejects replayed nonces accepts the retried request", async () => {
    const strict = await startEmulator({ oauth1RejectReplay: true });
    try {
      // The first attempt is answered (its nonce recorded), then the connection drops; the GET is retried.
      strict.faults.plan("GET /iso/session/remotesessions", { kind: "drop-after" });
      const c = clientFor(strict, { ...OAUTH1 });
      const r = await listRemoteSessions(c);
      expect(r.outcome).toBe("done");
      const sent = strict.log.entries.filter((e) => e.path === "/iso/session/remotesessions");
      expect(sent.map((e) => e.status)).toEqual([-1, 200]);
      expect(strict.calls.at(-1)).toMatchObject({ auth: "oauth1", ok: true, signatureValid: true });
      await c.close();
    } finally {
      await strict.close();
    }
  });

  it("reports a wrong OAuth 1.0a signature as denied", async () => {
    const c = clientFor(emu, { ...OAUTH1, tokenSecret: "not-the-token-secret" });
    const r = await listRemoteSessions(c);
    expect(r.outcome).toBe("denied");
    expect(emu.calls.at(-1)).toMatchObject({ auth: "oauth1", signatureValid: false });
    await c.close();
  });

  it("keeps client secret, OAuth 1.0a secrets and access tokens out of logs and errors", async () => {
    const lines: string[] = [];
    const c2 = clientFor(emu, {}, { log: (m) => lines.push(m) });
    const c1 = clientFor(emu, { ...OAUTH1 }, { log: (m) => lines.push(m) });
    await listRemoteSessions(c2);
    await listRemoteSessions(c1);
    emu.controls.unexpectedErrorNext("GET /iso/session/remotesessions", 2);
    const e2 = await listRemoteSessions(c2);
    const e1 = await listRemoteSessions(c1);
    const text = JSON.stringify([lines, e1, e2, e1.outcome !== "done" && e1.error?.message, e2.outcome !== "done" && e2.error?.message]);
    expect(lines.length).toBeGreaterThan(4);
    const secrets = [OAUTH2.clientSecret, OAUTH1.consumerSecret, OAUTH1.token, OAUTH1.tokenSecret, ...emu.auth.issuedTokens()];
    for (const s of secrets) expect(text).not.toContain(s);
    await c1.close();
    await c2.close();
  });
});
