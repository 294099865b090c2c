import { request } from "undici";
import { recordingWait } from "../common/clock";
import { createSenhaseguraEmulator, TEXT, type SenhaseguraEmulator, type SenhaseguraEmulatorOptions } from "./index";

const CLIENT = { clientId: "c1", clientSecret: "s1-secret" };
const READER = { clientId: "reader", clientSecret: "s2-secret", scopes: ["read" as const] };
const ACTIVE = "a".repeat(40);
const ENDED = "b".repeat(40);

async function start(extra: SenhaseguraEmulatorOptions = {}) {
  return createSenhaseguraEmulator({
    oauth2Clients: [CLIENT, READER],
    sessions: [
      { id: "3", sessionId: ACTIVE, user: "alice" },
      { id: "4", sessionId: ENDED, user: "bob", startMs: Date.UTC(2024, 4, 6, 16, 5, 7), endMs: Date.UTC(2024, 4, 6, 16, 7, 59) },
    ],
    ...extra,
  });
}

async function bearer(emu: SenhaseguraEmulator, c: { clientId: string; clientSecret: string } = CLIENT) {
  const r = await request(`${emu.url}/iso/oauth2/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: `grant_type=client_credentials&client_id=${c.clientId}&client_secret=${c.clientSecret}`,
  });
  return `Bearer ${((await r.body.json()) as { access_token: string }).access_token}`;
}

async function call(emu: SenhaseguraEmulator, method: string, path: string, auth?: string) {
  const r = await request(emu.url + path, { method: method as "GET", headers: auth ? { authorization: auth } : {} });
  const text = await r.body.text();
  return { status: r.statusCode, type: r.headers["content-type"], json: text ? JSON.parse(text) : undefined };
}

describe("senhasegura emulator: session routes", () => {
  let emu: SenhaseguraEmulator;
  let auth: string;
  beforeEach(async () => {
    emu = await start();
    auth = await bearer(emu);
  });
  afterEach(() => emu.close());

  it.each(["/iso", "/api", "/api/pam"])("serves list, get and drop under %s", async (prefix) => {
    const list = await call(emu, "GET", `${prefix}/session/remotesessions`, auth);
    expect(list.status).toBe(200);
    expect(list.json.remote_sessions.map((s: { id: string }) => s.id)).toEqual(["3", "4"]);
    expect((await call(emu, "GET", `${prefix}/session/remotesessions/3`, auth)).json.remote_session[0].session_id).toBe(ACTIVE);
    expect((await call(emu, "DELETE", `${prefix}/session/drop/${ACTIVE}`, auth)).status).toBe(200);
  });

  it("writes running sessions with end null and ended ones with documented fields", async () => {
    const [active, ended] = (await call(emu, "GET", "/iso/session/remotesessions", auth)).json.remote_sessions;
    expect(active.end).toBeNull();
    expect(ended).toEqual({
      id: "4", user: "bob", origin_ip: "172.16.20.125", credential: "usrdomadm01", device: "10.66.33.15:3389", protocol: "rdp",
      proxy: "Web Proxy", session_id: ENDED, start: "2024-05-06 16:05:07", end: "2024-05-06 16:07:59", time: "00:02:52",
      prevent_purge: "No", request: null, ITSM: null,
    });
  });

  it.each([["empty", ""], ["absent", undefined]] as const)("can write a running session's end as %s", async (style, value) => {
    const alt = await start({ activeEnd: style });
    try {
      const [active] = (await call(alt, "GET", "/iso/session/remotesessions", await bearer(alt))).json.remote_sessions;
      expect(active.end).toBe(value);
      expect("end" in active).toBe(style !== "absent");
    } finally {
      await alt.close();
    }
  });

  it("drops an active session, which the list then shows as ended", async () => {
    emu.clock.advance(5_000);
    const r = await call(emu, "DELETE", `/iso/session/drop/${ACTIVE}`, auth);
    expect(r.status).toBe(200);
    expect(r.json).toEqual({
      code: 200,
      response: { status: 200, message: "Session dropped successfully", error: false, error_code: 0, detail: "", mensagem: "Sessão encerrada com sucesso", erro: false, cod_erro: 0 },
      tenant: "Segura",
    });
    const [active] = (await call(emu, "GET", "/iso/session/remotesessions", auth)).json.remote_sessions;
    expect(active.end).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(active.time).toBe("00:01:05");
  });

  it.each([["already-ended", ENDED], ["unknown", "c".repeat(40)], ["malformed", "x%20y"]])(
    "answers the vendor's 500 \"droping\" error for an %s session_id",
    async (_what, sid) => {
      const r = await call(emu, "DELETE", `/iso/session/drop/${sid}`, auth);
      expect(r.status).toBe(500);
      expect(r.json.response).toEqual({
        status: 500, message: "An error occurred while droping session", error: true, error_code: 1, detail: "",
        mensagem: "An error occurred while droping session", erro: true, cod_erro: 1,
      });
    },
  );

  it("can answer 200 for a drop of an ended session when configured", async () => {
    const lenient = await start({ dropEndedSucceeds: true });
    try {
      expect((await call(lenient, "DELETE", `/iso/session/drop/${ENDED}`, await bearer(lenient))).status).toBe(200);
    } finally {
      await lenient.close();
    }
  });

  it("answers 1003 for a non-numeric id and 1002 for an unknown id, with exception", async () => {
    const bad = await call(emu, "GET", `/iso/session/remotesessions/${ACTIVE}`, auth);
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ code: 400, response: { message: "1003: Unexpected identifier type", error_code: 1, cod_erro: 1 }, exception: { code: 1003 } });
    const missing = await call(emu, "GET", "/iso/session/remotesessions/999", auth);
    expect(missing.status).toBe(400);
    expect(missing.json).toMatchObject({ response: { message: "1002: Session not found" }, exception: { code: 1002, message: "1002: Session not found", detail: null } });
  });

  it("lets a read-only application list but not drop, with the v3.33 500 denial by default", async () => {
    const ro = await bearer(emu, READER);
    expect((await call(emu, "GET", "/iso/session/remotesessions", ro)).status).toBe(200);
    const r = await call(emu, "DELETE", `/iso/session/drop/${ACTIVE}`, ro);
    expect(r.status).toBe(500);
    expect(r.json.response.message).toBe(TEXT.notAuthorized);
    emu.controls.setScopes("reader", []);
    expect((await call(emu, "GET", "/iso/session/remotesessions", ro)).status).toBe(500);
    expect(emu.store.getBySessionId(ACTIVE)?.endMs).toBeUndefined();
  });

  it("can deny with 403 instead", async () => {
    const alt = await start({ deniedStatus: 403 });
    try {
      expect((await call(alt, "DELETE", `/iso/session/drop/${ACTIVE}`, await bearer(alt, READER))).status).toBe(403);
    } finally {
      await alt.close();
    }
  });

  it("answers an unknown path or method with the envelope 404 \"Resource sub not found\" as JSON", async () => {
    const r = await call(emu, "GET", "/iso/session/nothing", auth);
    expect(r.status).toBe(404);
    expect(r.type).toBe("application/json");
    expect(r.json.response.message).toBe("Resource sub not found");
    expect((await call(emu, "DELETE", "/iso/session/remotesessions", auth)).status).toBe(404);
  });

  it("serves only the configured prefixes", async () => {
    const iso = await start({ prefixes: ["/iso"] });
    try {
      const t = await bearer(iso);
      expect((await call(iso, "GET", "/api/pam/session/remotesessions", t)).status).toBe(404);
      expect((await call(iso, "GET", "/iso/session/remotesessions", t)).status).toBe(200);
    } finally {
      await iso.close();
    }
  });

  it("injects the vendor's 'Unexpected error.' and connection resets", async () => {
    emu.controls.unexpectedErrorNext("DELETE /iso/session/drop");
    const r = await call(emu, "DELETE", `/iso/session/drop/${ACTIVE}`, auth);
    expect(r.status).toBe(500);
    expect(r.json.response.message).toBe("Unexpected error.");
    emu.controls.resetNext("GET /iso/session/remotesessions");
    await expect(call(emu, "GET", "/iso/session/remotesessions", auth)).rejects.toThrow();
  });

  it("waits the per-request latency, changeable at run time, through the injected wait", async () => {
    const wait = recordingWait();
    const slow = await start({ wait });
    try {
      const t = await bearer(slow);
      slow.latency.ms = 30;
      expect((await call(slow, "GET", "/iso/session/remotesessions", t)).status).toBe(200);
      slow.latency.ms = 0;
      await call(slow, "GET", "/iso/session/remotesessions", t);
      expect(wait.calls).toEqual([30]);
    } finally {
      await slow.close();
    }
  });
});

describe("senhasegura emulator: profiles", () => {
  it("v3.32 has no code or tenant, Portuguese keys, 'Não' and the plural key on get", async () => {
    const emu = await start({ profile: "v3.32" });
    try {
      const auth = await bearer(emu);
      const list = (await call(emu, "GET", "/iso/session/remotesessions", auth)).json;
      expect(list.code).toBeUndefined();
      expect(list.tenant).toBeUndefined();
      expect(list.remote_sessions[0]).toMatchObject({ credencial: "usrdomadm01", dispositivo: "10.66.33.15:3389", prevent_purge: "Não" });
      expect(list.remote_sessions[0].credential).toBeUndefined();
      expect((await call(emu, "GET", "/iso/session/remotesessions/3", auth)).json.remote_sessions).toHaveLength(1);
      const drop = (await call(emu, "DELETE", `/iso/session/drop/${ACTIVE}`, auth)).json;
      expect(drop.response.message).toBe("Sessão interrompida com sucesso");
    } finally {
      await emu.close();
    }
  });

  it("v3.33 adds code and tenant 'senhasegura' with the Portuguese success text", async () => {
    const emu = await start({ profile: "v3.33" });
    try {
      const drop = (await call(emu, "DELETE", `/api/pam/session/drop/${ACTIVE}`, await bearer(emu))).json;
      expect(drop).toMatchObject({ code: 200, tenant: "senhasegura", response: { message: "Sessão interrompida com sucesso" } });
    } finally {
      await emu.close();
    }
  });
});

describe("senhasegura emulator: large lists", () => {
  // Speed is the benchmark's business (bench/); here only the counts are checked.
  it("generates and serves 10,000 sessions", async () => {
    const emu = await createSenhaseguraEmulator({ oauth2Clients: [CLIENT] });
    try {
      const made = emu.store.generate(10_000, { activeEvery: 4 });
      const r = await call(emu, "GET", "/iso/session/remotesessions", await bearer(emu));
      expect(r.json.remote_sessions).toHaveLength(10_000);
      expect(r.json.remote_sessions.filter((s: { end: unknown }) => s.end === null)).toHaveLength(2_500);
      expect(new Set(made.map((s) => s.sessionId)).size).toBe(10_000);
    } finally {
      await emu.close();
    }
  });
});
