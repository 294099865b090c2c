import * as path from "path";
import { CyberArkClient, listLiveSessions, suspendLiveSession } from "../../provider/cyberark";
import { TLS_DIR } from "../emulators/common/server";
import { runCli, expectNoSecrets } from "../cli/helpers";
import { secret } from "../harness/values";
import { permissionFixture, PW, type PermissionFixture } from "./psm-permission-fixture";

// CyberArk Privilege Cloud: OAuth 2.0 client credentials at the Identity tenant (a second port of the
// emulator), `Authorization: Bearer <token>` at PVWA, token cached until shortly before expiry, no logoff.

const CLIENT = { clientId: "svc-pam@cyberark.cloud.7001", clientSecret: "Pc-Cl1ent-Secret-93311xq", username: "admin" };
const CA = path.join(TLS_DIR, "ca.pem");

describe("CyberArk Privilege Cloud", () => {
  let fx: PermissionFixture;
  beforeEach(async () => {
    fx = await permissionFixture({ privilegeCloud: { clients: [CLIENT], tokenTtlSec: 600 } });
  });
  afterEach(() => fx.close());
  const config = () => ({
    "cyberark:url": fx.emu.url,
    "cyberark:identityUrl": fx.emu.identity!.url,
    "cyberark:clientId": CLIENT.clientId,
    "cyberark:clientSecret": secret(CLIENT.clientSecret),
    "cyberark:caCertificates": CA,
  });

  it("PsmSuspendPermission: up, refresh and destroy with a platform token, no PVWA logon or logoff, secret never in state", async () => {
    const d = () => fx.deployment({ config: config() });
    const up = await d().up([fx.permission("s", { groupName: "PcSuspenders", members: [{ name: "alice" }] })]);
    expect(up.failures).toEqual([]);
    expect(fx.members("PcSuspenders")).toEqual(["alice"]);
    const refresh = await d().refresh();
    expect(refresh.failures).toEqual([]);
    const gone = await d().destroy();
    expect(gone.failures).toEqual([]);
    expect(fx.members("PcSuspenders")).toBeUndefined();
    expect(fx.emu.log.count(/Logon$/)).toBe(0);
    expect(fx.emu.log.count(/Logoff$/)).toBe(0);
    expect(fx.emu.identity!.issued).toBeGreaterThanOrEqual(1);
    expect(fx.leakSurface(d(), up, gone)).not.toContain(CLIENT.clientSecret);
  });

  it("PsmSuspendPermission: refuses verify on Privilege Cloud before any change", async () => {
    const up = await fx.deployment({ config: config() }).up([fx.permission("s", { groupName: "PcVerify", members: [{ name: "alice" }], verify: { username: "alice", password: PW.alice } })]);
    expect(JSON.stringify(up.failures)).toMatch(/verify is not supported on CyberArk Privilege Cloud/);
    expect(fx.members("PcVerify")).toBeUndefined();
  });

  it("refuses a connection that mixes a password with client credentials, naming the field", () => {
    expect(() => new CyberArkClient({ url: fx.emu.url, username: "admin", password: PW.admin, identityUrl: fx.emu.identity!.url, clientId: "x", clientSecret: "y" })).toThrow(
      /username: cannot be combined with Privilege Cloud client credentials/,
    );
  });

  it("pam-session: suspends with one token for the run, Bearer at PVWA, no logoff; wrong secret exits 4 without echoing it", async () => {
    const env = { CYBERARK_URL: fx.emu.url, CYBERARK_IDENTITY_URL: fx.emu.identity!.url, CYBERARK_CLIENT_ID: CLIENT.clientId, CYBERARK_CLIENT_SECRET: CLIENT.clientSecret, CYBERARK_CA_CERTIFICATES: CA };
    fx.emu.controls.setAllowPsmNotifications(true);
    fx.emu.controls.setSuspendingUsersAndGroups(["admin"]);
    const r = await runCli(["suspend", "-t", "cyberark", "31_24", "--json", "--verbose"], env);
    expect(r.code).toBe(0);
    expect(r.lines()[0]).toMatchObject({ outcome: "done" });
    expect(fx.emu.controls.isSuspended("31_24")).toBe(true);
    expect(fx.emu.identity!.issued).toBe(1);
    expect(fx.emu.log.count(/Logoff$/)).toBe(0);
    expectNoSecrets(r, [CLIENT.clientSecret]);
    const bad = await runCli(["list", "-t", "cyberark"], { ...env, CYBERARK_CLIENT_SECRET: "Wr0ng-Client-Secret-55" });
    expect(bad.code).toBe(4);
    expect(bad.stderr).toMatch(/refused the client credentials/);
    expectNoSecrets(bad, ["Wr0ng-Client-Secret-55"]);
  });

  describe("fault matrix: token expiry", () => {
    let client: CyberArkClient;
    const open = (now?: () => number) =>
      (client = new CyberArkClient(
        { url: fx.emu.url, identityUrl: fx.emu.identity!.url, clientId: CLIENT.clientId, clientSecret: CLIENT.clientSecret, caCertificates: CA },
        { retry: { baseDelayMs: 1, maxDelayMs: 5 }, now },
      ));
    afterEach(() => client.close());

    it("the token is revoked between the pages of a list: one new token, every session listed once", async () => {
      fx.emu.controls.addSession({ kind: "psm", SessionID: "31_25" });
      fx.emu.faults.plan("GET /PasswordVault/API/LiveSessions", { kind: "call", fn: () => fx.emu.controls.expireTokens() }, { after: 1 });
      open();
      const ids = (await listLiveSessions(client, { pageSize: 1 })).map((s) => s.id).sort();
      expect(ids).toEqual(["31_24", "31_25"]);
      expect(fx.emu.identity!.issued).toBe(2);
    });

    it("the token's lifetime runs out mid-run: it is replaced before use, never sent expired", async () => {
      const clock = fx.emu.clock as unknown as { advance(ms: number): void; now(): number };
      open(() => clock.now());
      fx.emu.controls.setAllowPsmNotifications(true);
      fx.emu.controls.setSuspendingUsersAndGroups(["admin"]);
      await listLiveSessions(client);
      clock.advance(599_000); // inside the refresh margin of a 600 s token
      expect((await suspendLiveSession(client, "31_24")).outcome).toBe("done");
      expect(fx.emu.identity!.issued).toBe(2);
      expect(fx.emu.log.entries.filter((e) => e.status === 401)).toHaveLength(0);
      expect(fx.emu.controls.isSuspended("31_24")).toBe(true);
    });
  });
});
