import { ManualClock } from "../common/clock";
import { call, logonAs, seedPermissionModel } from "./emulator-helpers";
import { createPvwaEmulator, type PvwaEmulatorOptions } from "./index";

const start = (o: PvwaEmulatorOptions = {}) => createPvwaEmulator({ seed: seedPermissionModel, ...o });

describe("PVWA emulator: authentication", () => {
  it("answers a successful logon with a bare JSON string token of about 180 characters", async () => {
    const emu = await start();
    try {
      const r = await call(emu.url, "POST", "/PasswordVault/API/auth/Cyberark/Logon", { body: { username: "admin", password: "Adm1n!pw", concurrentSession: true } });
      expect(r.status).toBe(200);
      expect(r.type).toBe("application/json; charset=utf-8");
      expect(r.text.startsWith('"')).toBe(true);
      expect(typeof r.json).toBe("string");
      expect((r.json as string).length).toBe(180);
      expect(Buffer.from(r.json, "base64").toString()).toMatch(/^[0-9a-f-]{36};[0-9a-f]{16};[0-9a-f]{80};$/);
    } finally {
      await emu.close();
    }
  });

  it("matches the logon type case-insensitively and refuses unknown types with 401 {}", async () => {
    const emu = await start();
    try {
      expect((await call(emu.url, "POST", "/passwordvault/api/AUTH/cyberark/logon/", { body: { username: "admin", password: "Adm1n!pw" } })).status).toBe(200);
      const bad = await call(emu.url, "POST", "/PasswordVault/API/auth/Kerberos/Logon", { body: { username: "admin", password: "Adm1n!pw" } });
      expect(bad.status).toBe(401);
      expect(bad.json).toEqual({});
    } finally {
      await emu.close();
    }
  });

  it("refuses bad credentials with 403 PASWS013E and a user who may not use that method", async () => {
    const emu = await start();
    try {
      const r = await call(emu.url, "POST", "/PasswordVault/API/auth/CyberArk/Logon", { body: { username: "admin", password: "wrong" } });
      expect(r.status).toBe(403);
      expect(r.json).toEqual({ ErrorCode: "PASWS013E", ErrorMessage: "Authentication failure for User [admin]." });
      const ldap = await call(emu.url, "POST", "/PasswordVault/API/auth/LDAP/Logon", { body: { username: "admin", password: "Adm1n!pw" } });
      expect(ldap.status).toBe(403);
      const empty = await call(emu.url, "POST", "/PasswordVault/API/auth/CyberArk/Logon", { body: { username: "admin" } });
      expect(empty.status).toBe(400);
    } finally {
      await emu.close();
    }
  });

  it("logs LDAP users on through the LDAP endpoint and refuses suspended users with PASWS268E", async () => {
    const emu = await start({
      seed: (c) => {
        c.addUser({ username: "jdoe", password: "Ld@pPass", domain: "corp.example" });
        c.addUser({ username: "locked", password: "L0cked!", suspended: true });
      },
    });
    try {
      expect(typeof (await logonAs(emu.url, "jdoe", "Ld@pPass", "LDAP"))).toBe("string");
      const r = await call(emu.url, "POST", "/PasswordVault/API/auth/CyberArk/Logon", { body: { username: "locked", password: "L0cked!" } });
      expect(r.status).toBe(403);
      expect(r.json.ErrorCode).toBe("PASWS268E");
    } finally {
      await emu.close();
    }
  });

  it("accepts only the raw token: missing, unknown and Bearer-prefixed tokens get 401 PASWS006E", async () => {
    const emu = await start();
    try {
      const token = await logonAs(emu.url, "admin", "Adm1n!pw");
      expect((await call(emu.url, "GET", "/PasswordVault/API/LiveSessions", { token })).status).toBe(200);
      for (const t of [undefined, "nope", `Bearer ${token}`]) {
        const r = await call(emu.url, "GET", "/PasswordVault/API/LiveSessions", { token: t });
        expect(r.status).toBe(401);
        expect(r.json.ErrorCode).toBe("PASWS006E");
      }
    } finally {
      await emu.close();
    }
  });

  it("expires a token after the idle timeout on the injected clock and keeps it alive while used", async () => {
    const clock = new ManualClock();
    const emu = await start({ clock, behaviour: { tokenIdleTimeoutMs: 60_000 } });
    try {
      const token = await logonAs(emu.url, "admin", "Adm1n!pw");
      clock.advance(50_000);
      expect((await call(emu.url, "GET", "/PasswordVault/API/LoginsInfo", { token })).status).toBe(200);
      clock.advance(50_000);
      expect((await call(emu.url, "GET", "/PasswordVault/API/LoginsInfo", { token })).status).toBe(200);
      clock.advance(60_001);
      expect((await call(emu.url, "GET", "/PasswordVault/API/LoginsInfo", { token })).status).toBe(401);
    } finally {
      await emu.close();
    }
  });

  it("ends older tokens of a user who logs on without concurrentSession, and keeps them with it", async () => {
    const emu = await start();
    try {
      const first = await logonAs(emu.url, "admin", "Adm1n!pw");
      await logonAs(emu.url, "admin", "Adm1n!pw");
      expect((await call(emu.url, "GET", "/PasswordVault/API/LoginsInfo", { token: first })).status).toBe(200);
      await call(emu.url, "POST", "/PasswordVault/API/auth/CyberArk/Logon", { body: { username: "admin", password: "Adm1n!pw" } });
      expect((await call(emu.url, "GET", "/PasswordVault/API/LoginsInfo", { token: first })).status).toBe(401);
    } finally {
      await emu.close();
    }
  });

  it("logs off with 200 {LogoffUrl} and invalidates the token", async () => {
    const emu = await start();
    try {
      const token = await logonAs(emu.url, "admin", "Adm1n!pw");
      const r = await call(emu.url, "POST", "/PasswordVault/API/Auth/Logoff", { token });
      expect(r.status).toBe(200);
      expect(r.json).toEqual({ LogoffUrl: "" });
      expect(emu.controls.activeTokens()).toBe(0);
      expect((await call(emu.url, "GET", "/PasswordVault/API/LoginsInfo", { token })).status).toBe(401);
    } finally {
      await emu.close();
    }
  });

  it("never writes passwords or tokens into its request log", async () => {
    const emu = await start();
    try {
      const token = await logonAs(emu.url, "admin", "Adm1n!pw");
      await call(emu.url, "GET", "/PasswordVault/API/LiveSessions", { token });
      const dump = JSON.stringify(emu.log.entries);
      expect(dump).not.toContain("Adm1n!pw");
      expect(dump).not.toContain(token);
    } finally {
      await emu.close();
    }
  });

  it("serves the server version on both endpoints with the configured version", async () => {
    const emu = await start({ behaviour: { version: "12.1.3" } });
    try {
      for (const p of ["/PasswordVault/WebServices/PIMServices.svc/Server", "/PasswordVault/API/Server/"]) {
        const r = await call(emu.url, "GET", p);
        expect(r.status).toBe(200);
        expect(r.json).toEqual({ ExternalVersion: "12.1.3", InternalVersion: "12.1.3.0", ServerName: "DemoVault" });
      }
      emu.controls.behaviour.version = "14.6.0";
      expect((await call(emu.url, "GET", "/PasswordVault/API/Server")).json.ExternalVersion).toBe("14.6.0");
    } finally {
      await emu.close();
    }
  });
});
