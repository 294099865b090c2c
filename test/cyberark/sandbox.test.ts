import { cyberArkConnectionFromEnv, listLiveSessions, suspendLiveSession, withCyberArkSession } from "../../provider/cyberark";
import { useFreeSandboxPorts } from "../sandbox/test-port";
import { PVWA_SANDBOX_OFFSET, PVWA_SANDBOX_USERS, startSandboxPvwa } from "../sandbox/pvwa";

describe("PVWA sandbox", () => {
  useFreeSandboxPorts();

  it("serves HTTPS on base+1 with env the client reads, showing the suspend permission model", async () => {
    const sb = await startSandboxPvwa();
    try {
      expect(sb.env.CYBERARK_URL).toBe(`https://127.0.0.1:${Number(process.env.PAM_SANDBOX_PORT_BASE) + PVWA_SANDBOX_OFFSET}`);
      const conn = cyberArkConnectionFromEnv(sb.env);
      expect(conn.authMethod).toBe("CyberArk");
      await withCyberArkSession(conn, async (c) => {
        const sessions = await listLiveSessions(c);
        const byKind = (k: string) => sessions.filter((s) => s.kind === k);
        expect(byKind("psm").length).toBe(2);
        expect(byKind("psm").every((s) => s.canSuspend === true)).toBe(true);
        expect(byKind("psm-ssh").map((s) => [s.canSuspend, s.canTerminate])).toEqual([[false, true]]);
        expect((await suspendLiveSession(c, byKind("psm-ssh")[0].id)).outcome).toBe("unsupported");
        expect((await suspendLiveSession(c, byKind("psm")[0].id)).outcome).toBe("done");
      });
      const viewer = { ...conn, ...PVWA_SANDBOX_USERS.viewer };
      await withCyberArkSession(viewer, async (c) => {
        expect((await listLiveSessions(c)).every((s) => s.canSuspend === false && s.canTerminate === false)).toBe(true);
      });
    } finally {
      await sb.close();
    }
  });
});
