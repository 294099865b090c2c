import * as path from "path";
import { TLS_DIR } from "../emulators/common/server";
import type { Deployment } from "../harness/engine";
import { secret } from "../harness/values";
import { permissionFixture, PW, type PermissionFixture } from "../cyberark/psm-permission-fixture";

const GROUPS = "/PasswordVault/API/UserGroups";

/** The harness state and PVWA agree: the group in state exists under its id with exactly the declared members. */
function assertStateMatchesPvwa(d: Deployment, fx: PermissionFixture, name: string, groupName: string, members: string[]): void {
  const s = d.state.get(name);
  expect(s).toBeDefined();
  const g = fx.emu.store.groupByName(groupName);
  expect(g && String(g.id)).toBe(s!.id);
  expect(fx.members(groupName)).toEqual([...members].sort());
  expect([...fx.emu.store.groups.values()].filter((x) => x.groupName.toLowerCase() === groupName.toLowerCase())).toHaveLength(1);
}

describe("PsmSuspendPermission under faults (through the harness)", () => {
  let fx: PermissionFixture;
  beforeEach(async () => {
    fx = await permissionFixture();
  });
  afterEach(() => fx.close());
  const desired = () => [fx.permission("p", { groupName: "FaultSuspenders", members: [{ name: "alice" }, { name: "bob" }] })];

  it("logs on again once when the token expires in the middle of reconciling members", async () => {
    fx.emu.faults.plan(`POST ${GROUPS}/`, { kind: "call", fn: () => void fx.emu.controls.expireTokens() }, { after: 1 });
    const d = fx.deployment();
    const r = await d.up(desired());
    expect(r.failures).toEqual([]);
    expect(fx.emu.log.entries.filter((e) => /\/Logon$/i.test(e.path)).length).toBe(2);
    assertStateMatchesPvwa(fx.deployment(), fx, "p", "FaultSuspenders", ["alice", "bob"]);
  });

  it("retries a read answered 503 and applies", async () => {
    fx.emu.faults.failNext(`GET ${GROUPS}`, 503, undefined, 1);
    const r = await fx.deployment().up(desired());
    expect(r.failures).toEqual([]);
    assertStateMatchesPvwa(fx.deployment(), fx, "p", "FaultSuspenders", ["alice", "bob"]);
  });

  it("shows an IIS error page on group creation with its status and excerpt, and leaves nothing behind", async () => {
    fx.emu.faults.plan(`POST ${GROUPS}`, { kind: "html", status: 500, html: "<html><head><title>500 - Internal server error.</title></head><body><h2>There is a problem with the resource you are looking for</h2></body></html>" });
    const r = await fx.deployment().up(desired());
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0].message).toMatch(/cyberark POST \/PasswordVault\/API\/UserGroups\/?: 500 .*500 - Internal server error/);
    expect(fx.members("FaultSuspenders")).toBeUndefined();
    expect(fx.deployment().state.size).toBe(0);
    const again = await fx.deployment().up(desired());
    expect(again.failures).toEqual([]);
    assertStateMatchesPvwa(fx.deployment(), fx, "p", "FaultSuspenders", ["alice", "bob"]);
  });

  it("keeps a group whose member could not be added in state, and converges on the next up without a duplicate group", async () => {
    fx.emu.faults.plan(new RegExp(`^POST ${GROUPS}/\\d+/Members`, "i"), { kind: "status", status: 500, body: { ErrorCode: "EMU500E", ErrorMessage: "Unexpected error while adding the member" } });
    const first = await fx.deployment().up(desired());
    expect(first.failures).toHaveLength(1);
    expect(first.failures[0].message).toMatch(/500 EMU500E Unexpected error while adding the member/);
    // The group exists on PVWA, so it is recorded as a partial create (no orphan, no second group later).
    const partial = fx.deployment().state.get("p");
    expect(partial?.id).toBe(String(fx.emu.store.groupByName("FaultSuspenders")!.id));
    expect(partial?.initErrors?.length).toBeGreaterThan(0);
    const again = await fx.deployment().up(desired());
    expect(again.failures).toEqual([]);
    assertStateMatchesPvwa(fx.deployment(), fx, "p", "FaultSuspenders", ["alice", "bob"]);
  });

  it("names caCertificates when the PVWA certificate is not trusted, and works with the right bundle", async () => {
    const config = (ca: string) => ({ "cyberark:url": fx.emu.url, "cyberark:username": "admin", "cyberark:password": secret(PW.admin), "cyberark:caCertificates": path.join(TLS_DIR, ca) });
    const wrong = await fx.deployment({ config: config("other-ca.pem") }).up(desired());
    expect(wrong.failures[0].message).toMatch(/certificate.*caCertificates/i);
    expect(fx.emu.log.entries).toEqual([]); // the TLS handshake failed: PVWA saw nothing
    const right = await fx.deployment({ config: config("ca.pem") }).up(desired());
    expect(right.failures).toEqual([]);
    assertStateMatchesPvwa(fx.deployment(), fx, "p", "FaultSuspenders", ["alice", "bob"]);
  });

  it("falls back to the stack's credentials on refresh and destroy when the credentials stored from a resource's connection were rotated", async () => {
    fx.emu.controls.addUser({ username: "deployer", password: "Depl0yer-old-1", authorizations: ["AuditUsers", "AddUpdateUsers"] });
    const connection = { url: fx.emu.url, username: "deployer", password: "Depl0yer-old-1", caCertificates: path.join(TLS_DIR, "ca.pem") };
    const up = await fx.deployment().up([fx.permission("p", { groupName: "RotSuspenders", members: [{ name: "alice" }], connection: secret(connection) })]);
    expect(up.failures).toEqual([]);
    fx.emu.store.users.get("deployer")!.password = "Depl0yer-new-2"; // rotated in the Vault
    fx.emu.log.clear();
    const refreshed = await fx.deployment().refresh();
    expect(refreshed.failures).toEqual([]);
    // The stored credentials were refused (403 PASWS013E), then the stack's (admin) were used.
    expect(fx.emu.log.entries.filter((e) => /\/Logon$/i.test(e.path)).map((e) => e.status)).toEqual([403, 200]);
    const gone = await fx.deployment().destroy();
    expect(gone.failures).toEqual([]);
    expect(fx.members("RotSuspenders")).toBeUndefined();
  });
});
