import * as path from "path";
import { CyberArkClient, withCyberArkSession } from "../../provider/cyberark";
import { PamError } from "../../provider/http";
import { ManualClock } from "../emulators/common/clock";
import { TLS_DIR } from "../emulators/common/server";
import { PW, startPvwa } from "./helpers";

async function caught(p: Promise<unknown>): Promise<PamError & Record<string, any>> {
  try {
    await p;
  } catch (e) {
    if (PamError.isInstance(e)) return e as PamError & Record<string, any>;
    throw e;
  }
  throw new Error("expected a PamError");
}

describe("CyberArkClient", () => {
  it("logs on over TLS with concurrentSession true, sends the token raw, and logs off in withCyberArkSession", async () => {
    const emu = await startPvwa();
    try {
      const total = await withCyberArkSession(emu.conn(), async (c) => {
        expect(emu.controls.activeTokens()).toBe(1);
        const r = await c.request<{ Total: number }>({ method: "GET", path: "/API/LiveSessions" });
        return r.data.Total;
      });
      expect(total).toBe(3);
      const logon = emu.log.find("POST /PasswordVault/API/auth/CyberArk/Logon")[0];
      expect(logon.body).toMatchObject({ username: "admin", concurrentSession: true });
      expect(emu.log.count("POST /PasswordVault/API/Auth/Logoff")).toBe(1);
      expect(emu.controls.activeTokens()).toBe(0);
    } finally {
      await emu.close();
    }
  });

  it("logs off even when the work throws, and rethrows the work's error", async () => {
    const emu = await startPvwa();
    try {
      await expect(withCyberArkSession(emu.conn(), async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
      expect(emu.controls.activeTokens()).toBe(0);
    } finally {
      await emu.close();
    }
  });

  it("uses the LDAP logon endpoint when asked", async () => {
    const emu = await startPvwa({ seed: (c) => c.addUser({ username: "jroe", password: "Ld@p-pw!", domain: "corp.example" }) });
    try {
      await withCyberArkSession({ ...emu.conn(), username: "jroe", password: "Ld@p-pw!", authMethod: "LDAP" }, async () => undefined);
      expect(emu.log.count("POST /PasswordVault/API/auth/LDAP/Logon")).toBe(1);
    } finally {
      await emu.close();
    }
  });

  it("reports bad credentials as a 403 PASWS013E PermissionError without the password", async () => {
    const emu = await startPvwa();
    try {
      const e = await caught(withCyberArkSession({ ...emu.conn(), password: "Wr0ng!Secret" }, async () => undefined));
      expect(e.name).toBe("PermissionError");
      expect(e.status).toBe(403);
      expect(e.vendorCode).toBe("PASWS013E");
      expect(e.message).toContain("Authentication failure");
      expect(e.message).not.toContain("Wr0ng!Secret");
    } finally {
      await emu.close();
    }
  });

  it("logs on again once when the token expired and completes the request", async () => {
    const clock = new ManualClock();
    const emu = await startPvwa({ clock, behaviour: { tokenIdleTimeoutMs: 60_000 } });
    const c = new CyberArkClient(emu.conn());
    try {
      await c.request({ method: "GET", path: "/API/LiveSessions" });
      clock.advance(61_000);
      const r = await c.request<{ Total: number }>({ method: "GET", path: "/API/LiveSessions" });
      expect(r.data.Total).toBe(3);
      expect(emu.log.count(/Logon$/)).toBe(2);
    } finally {
      await c.logoff();
      await c.close();
      await emu.close();
    }
  });

  it("gives up after one re-logon when the token keeps being rejected", async () => {
    const emu = await startPvwa();
    const c = new CyberArkClient(emu.conn());
    try {
      emu.faults.plan("GET /PasswordVault/API/LiveSessions", { kind: "status", status: 401, body: { ErrorCode: "PASWS006E", ErrorMessage: "x" } }, { times: 5 });
      const e = await caught(c.request({ method: "GET", path: "/API/LiveSessions" }));
      expect(e.status).toBe(401);
      expect(emu.log.count(/Logon$/)).toBe(2);
      expect(emu.log.count("GET /PasswordVault/API/LiveSessions")).toBe(2);
    } finally {
      await c.close();
      await emu.close();
    }
  });

  it("turns an HTML error page into an ApiError with a short excerpt", async () => {
    const emu = await startPvwa({ behaviour: { htmlErrors: true } });
    const c = new CyberArkClient(emu.conn());
    try {
      const e = await caught(c.request({ method: "GET", path: "/API/LiveSessions/nope" }));
      expect(e.status).toBe(404);
      expect(e.message).toMatch(/HTTP Error 404/);
      expect(e.message.length).toBeLessThan(400);
    } finally {
      await c.close();
      await emu.close();
    }
  });

  it("never writes the password or the token to the debug log or to errors", async () => {
    const emu = await startPvwa();
    const lines: string[] = [];
    let token = "";
    try {
      emu.faults.plan("GET /PasswordVault/API/UserGroups", { kind: "status", status: 500, body: { ErrorCode: "X", ErrorMessage: `echo ${PW.admin}` } });
      const e = await caught(
        withCyberArkSession(
          emu.conn(),
          async (c) => {
            token = [...emu.store.tokens.keys()][0];
            await c.request({ method: "GET", path: "/API/UserGroups" });
          },
          { log: (l) => lines.push(l), retry: { maxAttempts: 1 } },
        ),
      );
      expect(token.length).toBeGreaterThan(100);
      expect(e.message).toContain("[redacted]");
      const all = lines.join("\n") + e.message;
      expect(lines.length).toBeGreaterThan(2);
      expect(all).not.toContain(PW.admin);
      expect(all).not.toContain(token);
    } finally {
      await emu.close();
    }
  });

  it("reads the server version and gates features on it", async () => {
    const emu = await startPvwa({ behaviour: { version: "11.7.2" } });
    const c = new CyberArkClient(emu.conn());
    try {
      expect(await c.serverVersion()).toEqual([11, 7, 2]);
      await expect(c.requireVersion("11.1", "x")).resolves.toBeUndefined();
      const e = await caught(c.requireVersion("12.0", "listing group members"));
      expect(e.code).toBe("CYBERARK_VERSION_TOO_OLD");
      expect(e.message).toContain("12.0");
    } finally {
      await c.close();
      await emu.close();
    }
  });

  it("fails TLS verification against an unrelated CA with a hint", async () => {
    const emu = await startPvwa();
    try {
      const e = await caught(withCyberArkSession({ ...emu.conn(), caCertificates: path.join(TLS_DIR, "other-ca.pem") }, async () => undefined));
      expect(e.code).toBe("TLS_VERIFY_FAILED");
    } finally {
      await emu.close();
    }
  });
});
