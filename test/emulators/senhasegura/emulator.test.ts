import { request } from "undici";
import { hmacSha1Signature, normalizeBaseUri, rfc3986, signatureBaseString } from "./oauth1-verify";
import { createSenhaseguraEmulator, TEXT, type SenhaseguraEmulator, type SenhaseguraEmulatorOptions } from "./index";

const OAUTH2 = { clientId: "765299ec425cf0255badc739c2dce1b10634973e1", clientSecret: "f13aeddeb57f262835871dab5d839b70" };
const OAUTH1 = { consumerKey: "ck1", consumerSecret: "cs1-secret", token: "tk1", tokenSecret: "ts1-secret" };
const ACTIVE = "a".repeat(40);
const ENDED = "b".repeat(40);

async function start(extra: SenhaseguraEmulatorOptions = {}): Promise<SenhaseguraEmulator> {
  return createSenhaseguraEmulator({
    oauth2Clients: [OAUTH2],
    oauth1Clients: [OAUTH1],
    sessions: [
      { sessionId: ACTIVE, user: "alice" },
      { sessionId: ENDED, user: "bob", startMs: Date.UTC(2024, 4, 6, 16, 5, 7), endMs: Date.UTC(2024, 4, 6, 16, 7, 59) },
    ],
    ...extra,
  });
}

async function call(emu: SenhaseguraEmulator, method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  const r = await request(emu.url + path, { method: method as "GET", headers, body });
  const text = await r.body.text();
  return { status: r.statusCode, headers: r.headers, json: text ? JSON.parse(text) : undefined };
}

async function token(emu: SenhaseguraEmulator): Promise<string> {
  const r = await call(emu, "POST", "/iso/oauth2/token", { "content-type": "application/x-www-form-urlencoded" },
    `grant_type=client_credentials&client_id=${OAUTH2.clientId}&client_secret=${OAUTH2.clientSecret}`);
  return r.json.access_token;
}

/** Signs with the verifier's own primitives, which the vector tests pin to published values. */
function oauth1Header(emu: SenhaseguraEmulator, method: string, path: string, over: Partial<typeof OAUTH1> & { method?: string } = {}): string {
  const c = { ...OAUTH1, ...over };
  const u = new URL(emu.url + path);
  const p: Record<string, string> = {
    oauth_consumer_key: c.consumerKey, oauth_nonce: Math.random().toString(36).slice(2), oauth_signature_method: over.method ?? "HMAC-SHA1",
    oauth_timestamp: String(Math.floor(emu.clock.now() / 1000)), oauth_token: c.token, oauth_version: "1.0",
  };
  const base = signatureBaseString({ method, baseUri: normalizeBaseUri("http", u.host, u.pathname), params: [...u.searchParams.entries(), ...Object.entries(p)] });
  p.oauth_signature = hmacSha1Signature(base, c.consumerSecret, c.tokenSecret);
  return "OAuth realm=\"\", " + Object.entries(p).map(([k, v]) => `${k}="${rfc3986(v)}"`).join(", ");
}

describe("senhasegura emulator: token endpoint", () => {
  let emu: SenhaseguraEmulator;
  beforeAll(async () => (emu = await start({ tokenTtlSec: 120 })));
  afterAll(() => emu.close());

  it("issues a bearer token for body credentials with the configured expires_in", async () => {
    const r = await call(emu, "POST", "/iso/oauth2/token", { "content-type": "application/x-www-form-urlencoded" },
      `grant_type=client_credentials&client_id=${OAUTH2.clientId}&client_secret=${OAUTH2.clientSecret}`);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ token_type: "Bearer", expires_in: 120 });
    expect(r.json.access_token.split(".")).toHaveLength(3);
  });

  it("accepts HTTP Basic client credentials", async () => {
    const basic = Buffer.from(`${OAUTH2.clientId}:${OAUTH2.clientSecret}`).toString("base64");
    const r = await call(emu, "POST", "/iso/oauth2/token", { authorization: `Basic ${basic}`, "content-type": "application/x-www-form-urlencoded" }, "grant_type=client_credentials");
    expect(r.status).toBe(200);
    expect(emu.calls.at(-1)).toMatchObject({ auth: "token-basic", ok: true });
  });

  it("rejects a missing or other grant_type with unsupported_grant_type before checking the client", async () => {
    const r = await call(emu, "POST", "/iso/oauth2/token", { "content-type": "application/x-www-form-urlencoded" }, "grant_type=password&client_id=x");
    expect(r.status).toBe(400);
    expect(r.json.error).toBe("unsupported_grant_type");
  });

  it("answers league's invalid_client 401 for a wrong secret", async () => {
    const r = await call(emu, "POST", "/iso/oauth2/token", { "content-type": "application/x-www-form-urlencoded" },
      `grant_type=client_credentials&client_id=${OAUTH2.clientId}&client_secret=wrong`);
    expect(r.status).toBe(401);
    expect(r.json).toEqual({ error: "invalid_client", message: "Client authentication failed" });
    expect(r.headers["www-authenticate"]).toBe('Basic realm="OAuth"');
  });

  it("serves /api/oauth2/token only behind its flag", async () => {
    expect((await call(emu, "POST", "/api/oauth2/token", {}, "grant_type=client_credentials")).status).toBe(404);
    const flagged = await start({ apiTokenPath: true });
    try {
      const r = await call(flagged, "POST", "/api/oauth2/token", { "content-type": "application/x-www-form-urlencoded" },
        `grant_type=client_credentials&client_id=${OAUTH2.clientId}&client_secret=${OAUTH2.clientSecret}`);
      expect(r.status).toBe(200);
    } finally {
      await flagged.close();
    }
  });

  it("rejects body credentials when configured for Basic only (v3.25)", async () => {
    const basicOnly = await start({ bodyCredentials: false });
    try {
      const r = await call(basicOnly, "POST", "/iso/oauth2/token", { "content-type": "application/x-www-form-urlencoded" },
        `grant_type=client_credentials&client_id=${OAUTH2.clientId}&client_secret=${OAUTH2.clientSecret}`);
      expect(r.status).toBe(401);
      expect(r.json.error).toBe("invalid_client");
    } finally {
      await basicOnly.close();
    }
  });

  it("never writes the client secret into the request log", async () => {
    expect(JSON.stringify(emu.log.entries)).not.toContain(OAUTH2.clientSecret);
  });
});

describe("senhasegura emulator: resource authentication", () => {
  let emu: SenhaseguraEmulator;
  beforeEach(async () => (emu = await start({ tokenTtlSec: 60 })));
  afterEach(() => emu.close());

  it("accepts a fresh bearer and rejects it after expires_in with the 401 envelope", async () => {
    const t = await token(emu);
    expect((await call(emu, "GET", "/iso/session/remotesessions", { authorization: `Bearer ${t}` })).status).toBe(200);
    emu.clock.advance(60_000);
    const r = await call(emu, "GET", "/iso/session/remotesessions", { authorization: `Bearer ${t}` });
    expect(r.status).toBe(401);
    expect(r.json.response).toMatchObject({ error: true, erro: true, message: TEXT.clientAuthFailed });
    expect(emu.calls.at(-1)).toMatchObject({ auth: "bearer", ok: false, reason: "expired token" });
  });

  it("rejects revoked, unknown and missing tokens", async () => {
    const t = await token(emu);
    emu.controls.revokeTokens();
    expect((await call(emu, "GET", "/iso/session/remotesessions", { authorization: `Bearer ${t}` })).status).toBe(401);
    expect((await call(emu, "GET", "/iso/session/remotesessions", { authorization: "Bearer nope" })).status).toBe(401);
    expect((await call(emu, "GET", "/iso/session/remotesessions")).status).toBe(401);
  });

  it("answers Kong's 404 for a missing Authorization header on /api in gateway mode", async () => {
    const gw = await start({ gateway: true, unauthenticatedStatus: 403 });
    try {
      const r = await call(gw, "GET", "/api/pam/session/remotesessions");
      expect(r.status).toBe(404);
      expect(r.json).toEqual({ message: "no Route matched with those values" });
      expect((await call(gw, "GET", "/iso/session/remotesessions")).status).toBe(403);
    } finally {
      await gw.close();
    }
  });

  it("verifies OAuth 1.0a HMAC-SHA1 headers and logs the signature result", async () => {
    const path = `/iso/session/drop/${ACTIVE}`;
    const ok = await call(emu, "DELETE", path, { authorization: oauth1Header(emu, "DELETE", path) });
    expect(ok.status).toBe(200);
    expect(emu.calls.at(-1)).toMatchObject({ auth: "oauth1", ok: true, signatureValid: true, principal: "ck1" });
  });

  it("rejects a wrong OAuth 1.0a signature, unknown consumer or token, and PLAINTEXT", async () => {
    const path = "/iso/session/remotesessions";
    expect((await call(emu, "GET", path, { authorization: oauth1Header(emu, "GET", path, { tokenSecret: "wrong" }) })).status).toBe(401);
    expect(emu.calls.at(-1)).toMatchObject({ signatureValid: false, reason: "signature mismatch" });
    // Signed for another path: the signature covers the base URI.
    expect((await call(emu, "GET", path, { authorization: oauth1Header(emu, "GET", "/iso/session/remotesessions/1") })).status).toBe(401);
    expect((await call(emu, "GET", path, { authorization: oauth1Header(emu, "GET", path, { consumerKey: "other" }) })).status).toBe(401);
    expect((await call(emu, "GET", path, { authorization: oauth1Header(emu, "GET", path, { token: "other" }) })).status).toBe(401);
    expect((await call(emu, "GET", path, { authorization: oauth1Header(emu, "GET", path, { method: "PLAINTEXT" }) })).status).toBe(401);
    expect(emu.calls.at(-1)?.reason).toBe("unsupported signature method");
  });

  it("signs query parameters and accepts OAuth parameters in the query string", async () => {
    const path = "/iso/session/remotesessions?x=a%20b";
    const header = oauth1Header(emu, "GET", path);
    expect((await call(emu, "GET", path, { authorization: header })).status).toBe(200);
    expect((await call(emu, "GET", "/iso/session/remotesessions?x=other", { authorization: header })).status).toBe(401);
    const query = header.slice(6).split(", ").filter((kv) => kv.startsWith("oauth_")).map((kv) => kv.replace(/"/g, "")).join("&");
    // The same protocol parameters moved to the query string sign the same base string (RFC 5849 §3.5.3).
    expect((await call(emu, "GET", `${path}&${query}`)).status).toBe(200);
    expect(emu.calls.at(-1)).toMatchObject({ auth: "oauth1", ok: true });
    expect((await call(emu, "GET", `${path}&${query.replace("oauth_version=1.0", "oauth_version=1.0&y=1")}`)).status).toBe(401);
  });

  it("enforces the optional timestamp window and nonce replay checks", async () => {
    const strict = await start({ oauth1MaxSkewSec: 300, oauth1RejectReplay: true });
    try {
      const path = "/iso/session/remotesessions";
      const h = oauth1Header(strict, "GET", path);
      expect((await call(strict, "GET", path, { authorization: h })).status).toBe(200);
      expect((await call(strict, "GET", path, { authorization: h })).status).toBe(401);
      expect(strict.calls.at(-1)?.reason).toBe("nonce replayed");
      const old = oauth1Header(strict, "GET", path);
      strict.clock.advance(301_000);
      expect((await call(strict, "GET", path, { authorization: old })).status).toBe(401);
      expect(strict.calls.at(-1)?.reason).toBe("timestamp outside window");
    } finally {
      await strict.close();
    }
  });
});
