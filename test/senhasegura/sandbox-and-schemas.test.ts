import { ConnectionError } from "../../provider/http/errors";
import { SenhaseguraClient } from "../../provider/senhasegura/client";
import { senhaseguraConnectionFromEnv } from "../../provider/senhasegura/connection";
import { sessionsBodySchema } from "../../provider/senhasegura/schemas";
import { dropSession, listRemoteSessions, normalizeSession } from "../../provider/senhasegura/sessions";
import { startSandboxSenhasegura } from "../sandbox/senhasegura";
import { useFreeSandboxPorts } from "../sandbox/test-port";
import * as path from "path";

describe("senhasegura sandbox over HTTPS", () => {
  useFreeSandboxPorts();

  it("serves seeded active and ended sessions to a client built from its env, trusting the test CA", async () => {
    const sb = await startSandboxSenhasegura();
    try {
      expect(sb.env.SENHASEGURA_URL).toBe(`https://127.0.0.1:${Number(process.env.PAM_SANDBOX_PORT_BASE) + 2}`);
      const c = new SenhaseguraClient(senhaseguraConnectionFromEnv(sb.env));
      const listed = await listRemoteSessions(c);
      if (listed.outcome !== "done") throw new Error(listed.detail);
      expect(listed.value.map((s) => s.active)).toEqual([false, true, true, false]);
      expect((await dropSession(c, listed.value[1].sessionId)).outcome).toBe("done");
      await c.close();
      const { SENHASEGURA_CLIENT_ID: _a, SENHASEGURA_CLIENT_SECRET: _b, ...oauth1Env } = sb.env;
      const c1 = new SenhaseguraClient(senhaseguraConnectionFromEnv(oauth1Env));
      expect(c1.authKind).toBe("oauth1");
      expect((await listRemoteSessions(c1)).outcome).toBe("done");
      await c1.close();
      const wrongCa = new SenhaseguraClient(senhaseguraConnectionFromEnv({ ...sb.env, SENHASEGURA_CA_CERTIFICATES: path.resolve(__dirname, "../fixtures/tls/other-ca.pem") }));
      const bad = await listRemoteSessions(wrongCa);
      expect(bad.outcome).toBe("failed");
      expect(bad.outcome !== "done" && bad.error).toBeInstanceOf(ConnectionError);
      expect(bad.outcome !== "done" && bad.error?.code).toBe("TLS_VERIFY_FAILED");
      await wrongCa.close();
    } finally {
      await sb.close();
    }
  });
});

describe("senhasegura response schemas", () => {
  it("accepts numeric ids, the singular key and a nested v3.33-style envelope", () => {
    const body = {
      response: { status: "200", message: "ok", error: "false" },
      remote_sessions: [
        { response: { status: 200, error: false }, remote_sessions: [{ id: 7, session_id: "s7", credencial: "c", dispositivo: "d:22", end: "0000-00-00 00:00:00" }] },
        { id: "8", session_id: "s8", end: "2024-01-01 00:00:00" },
      ],
    };
    const r = sessionsBodySchema().parse(body);
    const sessions = r.sessions.map(normalizeSession);
    expect(sessions.map((s) => [s.id, s.sessionId, s.active, s.credential, s.device])).toEqual([
      ["7", "s7", true, "c", "d:22"],
      ["8", "s8", false, undefined, undefined],
    ]);
    expect(sessionsBodySchema().parse({ remote_session: [{ id: 1, session_id: "x" }] }).sessions).toHaveLength(1);
  });

  it.each([
    ["an object session_id", { id: "1", session_id: { secret: "hunter2" } }],
    ["no session_id", { id: "1", user: "hunter2" }],
  ])("rejects a session with %s, naming the path but not values", (_what, item) => {
    const r = sessionsBodySchema().safeParse({ remote_sessions: [item] });
    expect(r.success).toBe(false);
    const issues = JSON.stringify(r.error?.issues);
    expect(issues).toContain("remote_sessions");
    expect(issues).not.toContain("hunter2");
  });
});
