import * as path from "path";
import { SpsClient } from "../../provider/sps/client";
import type { SpsConnection } from "../../provider/sps/connection";
import { closeSpsActiveSession, listSpsActiveSessions } from "../../provider/sps/active-sessions";
import { spsConnectionFromEnv } from "../../provider/sps/connection";
import { TLS_DIR } from "../emulators/common/server";
import { createSpsEmulator, type SpsEmulator, type TerminationFailure } from "../emulators/sps";

const ADMIN_PW = "Adm1n!active-sessions";
const OP_PW = "Op3rator!active-sessions";
const ID = "svc/rpokH8fD9kx6CaxNLznKx2/ssh-policy:12";
const ENDED = "svc/Hq5Jd8Kf2Lm6Np9Rs3Tv7W/ssh-policy:9";

describe("SPS active sessions helper", () => {
  let emu: SpsEmulator;
  let conn: SpsConnection;
  beforeEach(async () => {
    emu = await createSpsEmulator({ tls: true, users: [{ name: "admin", password: ADMIN_PW }] });
    emu.controls.seedActiveSession({ id: ID, protocol: "ssh", user: "root", client: { ip: "10.0.0.5", port: 50022 } });
    emu.controls.seedActiveSession({ id: "svc/Xk3vQm9Lw2Rt7Yp4Zn8Bd1/rdp-policy:3", protocol: "rdp", user: "Administrator" });
    emu.controls.seedActiveSession({ id: ENDED, protocol: "ssh", user: "deploy", active: false });
    conn = { url: emu.url, username: "admin", password: ADMIN_PW, caCertificates: path.join(TLS_DIR, "ca.pem") };
  });
  afterEach(() => emu.close());

  it("closes an active session with a percent-encoded id and no transaction", async () => {
    const r = await closeSpsActiveSession(conn, ID);
    expect(r).toMatchObject({ outcome: "done", sessionId: ID });
    const del = emu.log.find("DELETE /api/active-sessions");
    expect(del).toHaveLength(1);
    expect(del[0].query.id).toBe(ID);
    expect(emu.log.count(/\/api\/transaction/)).toBe(0);
  });

  it("reports a session that ended as already closed, confirmed by the audit record", async () => {
    const r = await closeSpsActiveSession(conn, ENDED);
    expect(r).toMatchObject({ outcome: "already", status: 404, vendorType: "SessionCouldNotBeFound" });
    expect(r.detail).toMatch(/audit trail shows it ended/);
  });

  it("reports a second close of the same session as already", async () => {
    const client = new SpsClient(conn);
    try {
      expect((await closeSpsActiveSession(client, ID)).outcome).toBe("done");
      expect((await closeSpsActiveSession(client, ID)).outcome).toBe("already");
      expect(client.stats.logins).toBe(1);
    } finally {
      await client.close();
    }
  });

  it("reports an id the audit trail does not know as not-found", async () => {
    const r = await closeSpsActiveSession(conn, "svc/NoSuchKey000000000000/x:1");
    expect(r.outcome).toBe("not-found");
  });

  it("reports a 404 it cannot confirm (id not of the svc form) as not-found, never as success", async () => {
    const r = await closeSpsActiveSession(conn, "free-form-id");
    expect(r.outcome).toBe("not-found");
    expect(r.detail).toMatch(/could not confirm that it ever existed; check the id/);
  });

  it("fails an empty id before sending anything", async () => {
    const r = await closeSpsActiveSession(conn, "  ");
    expect(r.outcome).toBe("failed");
    expect(emu.log.entries).toHaveLength(0);
  });

  it("reports a user without the active-sessions privilege as denied", async () => {
    emu.controls.seedUser("viewer", OP_PW);
    const r = await closeSpsActiveSession({ ...conn, username: "viewer", password: OP_PW }, ID);
    expect(r.outcome).toBe("denied");
    expect(r.detail).toMatch(/\/special\/active_sessions/);
    expect(r.detail).not.toContain(OP_PW);
  });

  it.each<[TerminationFailure, number, RegExp]>([
    ["SessionTerminationFailed", 500, /internal error/],
    ["RemoteNodeInfoMissing", 500, /cluster configuration/],
    ["SessionTerminationServiceUnavailable", 503, /systemctl restart sessionterminationservice/],
    ["MinionUnavailable", 504, /Search Minion.*\/api\/cluster\/status/],
  ])("fails %s (%d) with the documented explanation and sends the DELETE once", async (type, status, help) => {
    emu.controls.failActiveSessionClose(type);
    const r = await closeSpsActiveSession(conn, ID);
    expect(r).toMatchObject({ outcome: "failed", status, vendorType: type });
    expect(r.detail).toMatch(help);
    expect(emu.log.count("DELETE /api/active-sessions")).toBe(1);
  });

  it("throws an authentication failure instead of a per-session outcome", async () => {
    await expect(closeSpsActiveSession({ ...conn, password: "wrong-password-1" }, ID)).rejects.toMatchObject({ status: 401 });
  });

  it("lists only active sessions with their closable ids, across pages", async () => {
    for (let i = 0; i < 7; i++) emu.controls.seedActiveSession({ id: `svc/Page${i}Key/p:${i}`, protocol: "ssh", user: `u${i}` });
    const list = await listSpsActiveSessions(conn, { pageSize: 3 });
    expect(list).toHaveLength(9);
    expect(list.every((s) => s.active)).toBe(true);
    expect(list.map((s) => s.id)).toContain(ID);
    expect(list.map((s) => s.id)).not.toContain(ENDED);
    expect(list.find((s) => s.id === ID)).toMatchObject({ protocol: "ssh", user: "root", client: "10.0.0.5:50022", key: "rpokH8fD9kx6CaxNLznKx2" });
    const gets = emu.log.find("GET /api/audit/sessions");
    expect(gets.length).toBe(3);
    expect(gets.every((g) => g.query.q === "active:true")).toBe(true);
  });

  it("reads the connection from SPS_* variables and names a missing one", () => {
    expect(spsConnectionFromEnv({ SPS_URL: "https://sps.example.com", SPS_USERNAME: "a", SPS_PASSWORD: "b", SPS_INSECURE_SKIP_VERIFY: "true" })).toEqual({
      url: "https://sps.example.com",
      username: "a",
      password: "b",
      insecureSkipVerify: true,
    });
    expect(() => spsConnectionFromEnv({ SPS_URL: "https://sps.example.com", SPS_USERNAME: "a" })).toThrow(/SPS_PASSWORD/);
  });
});
