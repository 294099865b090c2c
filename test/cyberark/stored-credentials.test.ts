/**
 * The stack's CyberArk credentials never go to another PVWA: a resource stored with a `connection` to PVWA B
 * whose stored credentials B refuses fails its refresh with what to set, and B sees only the stored logon.
 * Through the real dynamic-provider host (harness) against two PVWA emulators.
 */
import * as path from "path";
import { TLS_DIR } from "../emulators/common/server";
import { createPvwaEmulator, type PvwaEmulator } from "../emulators/pvwa";
import { secret } from "../harness/values";
import { permissionFixture, PW, type PermissionFixture } from "./psm-permission-fixture";

const LOGON = /^POST \/PasswordVault\/API\/auth\/[^/]+\/Logon$/i;

describe("CyberArk stored credentials never go to another PVWA (through the harness)", () => {
  const OPS_B = "0ps-PVWA-B-Secret-3391";
  let a: PermissionFixture;
  let b: PvwaEmulator;
  beforeEach(async () => {
    a = await permissionFixture();
    b = await createPvwaEmulator({ tls: true, seed: (c) => {
      c.addUser({ username: "admin", password: "b-Admin-Secret-5521", authorizations: ["AuditUsers", "AddUpdateUsers"] });
      c.addUser({ username: "ops", password: OPS_B, authorizations: ["AuditUsers", "AddUpdateUsers"] });
      c.addUser({ username: "alice", password: "al1ce-b-1" });
    } });
  });
  afterEach(async () => {
    await a.close();
    await b.close();
  });

  it("when B refuses the stored credentials (401), refresh fails naming what to set and A's credentials are never sent to B", async () => {
    const conn = { url: b.url, username: "ops", password: OPS_B, caCertificates: path.join(TLS_DIR, "ca.pem") };
    const up = await a.deployment().up([a.permission("far", { groupName: "FarSuspenders", members: [{ name: "alice" }], connection: secret(conn) })]);
    expect(up.failures).toEqual([]);
    expect(b.controls.groupMembers("FarSuspenders")?.map((m) => m.name)).toEqual(["alice"]);
    // B now refuses every logon (the stored ops password was rotated; A's admin is not B's).
    b.faults.plan(LOGON, { kind: "status", status: 401, body: { ErrorCode: "PASWS013E", ErrorMessage: "Authentication failure for User [ops]." } }, { times: 100 });
    b.log.clear();
    a.emu.log.clear();
    const d = a.deployment();
    const refreshed = await d.refresh();
    expect(refreshed.failures).toHaveLength(1);
    expect(refreshed.failures[0].message).toMatch(/not sent to another appliance.*cyberark:url, cyberark:username and cyberark:password/);
    // Exactly one logon reached B, as the stored user: the stack's (A's) admin logon was never sent there.
    const logons = b.log.entries.filter((e) => LOGON.test(`${e.method} ${e.path}`));
    expect(logons.map((e) => `${(e.body as { username?: string }).username} ${e.status}`)).toEqual(["ops 401"]);
    expect(b.log.entries.filter((e) => e.headers.authorization !== undefined)).toEqual([]);
    // A itself was not involved, and no password shows in the failure.
    expect(a.emu.log.entries).toEqual([]);
    for (const s of [PW.admin, OPS_B]) expect(a.leakSurface(d, refreshed)).not.toContain(s);
    b.faults.clear();
    expect((await a.deployment().destroy()).failures).toEqual([]);
  });
});
