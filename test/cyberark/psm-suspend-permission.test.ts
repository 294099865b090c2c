import * as path from "path";
import { TLS_DIR } from "../emulators/common/server";
import { isSecret, secret } from "../harness/values";
import { permissionFixture, PW, type PermissionFixture } from "./psm-permission-fixture";

const OPTIONS = "Administration > Options > Privileged Session Management > General Settings > Server Settings > Live Sessions Monitoring Settings";
const changed = (r: { steps: Array<{ op: string; name: string }> }) => r.steps.filter((s) => s.op !== "same").map((s) => `${s.op}:${s.name}`);

describe("PsmSuspendPermission through the engine-protocol harness", () => {
  let fx: PermissionFixture;
  beforeEach(async () => {
    fx = await permissionFixture();
  });
  afterEach(() => fx.close());

  it("creates the group with Vault and domain members, then adds and removes members in place, then deletes the group it created", async () => {
    const up1 = await fx.deployment().up([
      fx.permission("suspenders", { groupName: "PamSuspenders", members: [{ name: "alice" }, { name: "jsmith", type: "domain", domain: "corp.example.com" }] }),
    ]);
    expect(up1.failures).toEqual([]);
    expect(fx.members("PamSuspenders")).toEqual(["alice", "jsmith"]);
    expect(fx.emu.controls.groupMembers("PamSuspenders")!.find((m) => m.name === "jsmith")).toMatchObject({ type: "domain", domainName: "corp.example.com" });
    const out = up1.outputs.suspenders;
    expect(out).toMatchObject({ groupName: "PamSuspenders", right: "suspend", adopted: false, actualMembers: ["alice", "jsmith"], membersInSync: true, verification: null });
    expect(out.groupId).toBe(fx.emu.store.groupByName("PamSuspenders")!.id);
    expect(out.manualOptions).toEqual([
      `AllowPSMNotifications is set to Yes under ${OPTIONS}`,
      `Vault group "PamSuspenders" is listed under ${OPTIONS} > Suspending Live Sessions Users and Groups`,
    ]);

    const up2 = await fx.deployment().up([fx.permission("suspenders", { groupName: "PamSuspenders", members: [{ name: "alice" }, { name: "carol" }] })]);
    expect(up2.failures).toEqual([]);
    expect(changed(up2)).toEqual(["update:suspenders"]);
    expect(fx.members("PamSuspenders")).toEqual(["alice", "carol"]);
    expect(up2.outputs.suspenders.groupId).toBe(out.groupId);

    const same = await fx.deployment().up([fx.permission("suspenders", { groupName: "PamSuspenders", members: [{ name: "carol" }, { name: "alice" }] })], { preview: true });
    expect(changed(same)).toEqual([]);

    const gone = await fx.deployment().destroy();
    expect(gone.failures).toEqual([]);
    expect(fx.members("PamSuspenders")).toBeUndefined();
  });

  it("shows membership changed outside Pulumi as drift on refresh and reconciles it on the next up", async () => {
    const desired = [fx.permission("suspenders", { groupName: "PamSuspenders", members: [{ name: "alice" }, { name: "bob" }] })];
    expect((await fx.deployment().up(desired)).failures).toEqual([]);
    // Another administrator adds carol and removes bob in the PVWA UI.
    fx.emu.controls.addGroupMember("PamSuspenders", { name: "carol" });
    const g = fx.emu.store.groupByName("PamSuspenders")!;
    g.members = g.members.filter((m) => m.name !== "bob");

    const refreshed = await fx.deployment().refresh();
    expect(refreshed.failures).toEqual([]);
    expect(refreshed.steps).toEqual([expect.objectContaining({ op: "refresh", name: "suspenders", keys: ["actualMembers", "membersInSync"] })]);
    expect(refreshed.outputs.suspenders).toMatchObject({ actualMembers: ["alice", "carol"], membersInSync: false });

    const next = await fx.deployment().up(desired);
    expect(changed(next)).toEqual(["update:suspenders"]);
    expect(fx.members("PamSuspenders")).toEqual(["alice", "bob"]);
    expect(next.outputs.suspenders.membersInSync).toBe(true);
    expect(changed(await fx.deployment().up(desired, { preview: true }))).toEqual([]);
  });

  it("drops the resource on refresh when the group was deleted outside Pulumi, and recreates it on up", async () => {
    const desired = [fx.permission("suspenders", { groupName: "PamSuspenders", members: [{ name: "alice" }] })];
    await fx.deployment().up(desired);
    fx.emu.store.groups.delete(fx.emu.store.groupByName("PamSuspenders")!.id);
    const refreshed = await fx.deployment().refresh();
    expect(refreshed.steps).toEqual([expect.objectContaining({ op: "gone", name: "suspenders" })]);
    const up = await fx.deployment().up(desired);
    expect(changed(up)).toEqual(["create:suspenders"]);
    expect(fx.members("PamSuspenders")).toEqual(["alice"]);
  });

  it("refuses an existing group unless adoptExisting is set, refuses to drop undeclared members silently, and on delete removes only what Pulumi added", async () => {
    fx.emu.controls.addGroup({ groupName: "LiveSessionSuspenders" });
    fx.emu.controls.addGroupMember("LiveSessionSuspenders", { name: "bob" });
    fx.emu.controls.addGroupMember("LiveSessionSuspenders", { name: "carol" });
    const refused = await fx.deployment().up([fx.permission("p", { groupName: "livesessionsuspenders", members: [{ name: "alice" }] })]);
    expect(refused.failures[0].message).toMatch(/Vault group "LiveSessionSuspenders" \(id \d+\) already exists\. Set adoptExisting: true/);
    expect(fx.members("LiveSessionSuspenders")).toEqual(["bob", "carol"]);

    // Adoption never removes a member silently: bob is not declared.
    const declared = { groupName: "LiveSessionSuspenders", members: [{ name: "alice" }, { name: "carol" }], adoptExisting: true };
    const silent = await fx.deployment().up([fx.permission("p", declared)]);
    expect(silent.failures[0].message).toContain('adopting Vault group "LiveSessionSuspenders" would remove a member the program does not declare: "bob"');
    expect(silent.failures[0].message).toContain("removeUnlistedMembers: true");
    expect(fx.members("LiveSessionSuspenders")).toEqual(["bob", "carol"]);

    const up = await fx.deployment().up([fx.permission("p", { ...declared, removeUnlistedMembers: true })]);
    expect(up.failures).toEqual([]);
    expect(up.outputs.p).toMatchObject({ adopted: true, removedAtAdoption: ["bob"], membersBeforeAdoption: ["bob", "carol"], actualMembers: ["alice", "carol"] });
    expect(fx.members("LiveSessionSuspenders")).toEqual(["alice", "carol"]);

    fx.emu.controls.addGroupMember("LiveSessionSuspenders", { name: "bob" }); // unmanaged, added later
    expect((await fx.deployment().destroy()).failures).toEqual([]);
    // alice was added by Pulumi: removed. carol was there before adoption: stays. bob was added outside Pulumi: stays.
    expect(fx.members("LiveSessionSuspenders")).toEqual(["bob", "carol"]);
  });

  it("fails check with the exact Options path when the manual steps are not acknowledged, before any PVWA request", async () => {
    const r = await fx.deployment().up([
      fx.permission("p", { groupName: "PamSuspenders", members: [], acknowledgeManualOptions: { allowPsmNotifications: true } }),
    ]);
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0].message).toContain(
      `acknowledgeManualOptions.groupListedInSuspendingUsersAndGroups: must be true to confirm a manual PVWA setting: Vault group "PamSuspenders" is listed under ${OPTIONS} > Suspending Live Sessions Users and Groups`,
    );
    expect(r.failures[0].message).not.toContain("acknowledgeManualOptions.allowPsmNotifications");
    const none = await fx.deployment().up([fx.permission("p", { groupName: "PamSuspenders", members: [], acknowledgeManualOptions: undefined })]);
    expect(none.failures[0].message).toContain(`acknowledgeManualOptions.allowPsmNotifications: must be true to confirm a manual PVWA setting: AllowPSMNotifications is set to Yes under ${OPTIONS}`);
    const term = await fx.deployment().up([fx.permission("p", { groupName: "PSMLiveSessionTerminators", right: "terminate", members: [], adoptExisting: true })]);
    expect(term.failures[0].message).toContain(`acknowledgeManualOptions.groupListedInTerminatingUsersAndGroups: must be true`);
    expect(term.failures[0].message).toContain(`${OPTIONS} > Terminating Live Sessions Users and Groups`);
    expect(fx.emu.log.entries).toEqual([]);
  });

  it("rejects control and invisible characters in member names and treats NFC/NFD twins as duplicates, before any request", async () => {
    const r = await fx.deployment().up([
      fx.permission("p", { groupName: "PamSuspenders", members: [{ name: "ali\u0000ce" }, { name: "Jos\u00e9" }, { name: "Jose\u0301" }, { name: "bo\u200bb" }] }),
    ]);
    const msg = r.failures[0].message;
    expect(msg).toContain("members.0.name: must not contain a control character (U+0000 at position 4)");
    expect(msg).toContain('lists "José" twice');
    expect(msg).toContain("members.3.name: must not contain an invisible or formatting character (U+200B at position 3)");
    expect(msg).not.toContain("\u0000");
    expect(fx.emu.log.entries).toEqual([]);
  });

  it("rejects invalid members in check: duplicates, a domain member without its domain, a name PVWA cannot carry in a URL", async () => {
    const r = await fx.deployment().up([
      fx.permission("p", { groupName: "PamSuspenders", members: [{ name: "alice" }, { name: "ALICE" }, { name: "jsmith", type: "domain" }, { name: "a+b" }] }),
    ]);
    const msg = r.failures[0].message;
    expect(msg).toContain('lists "ALICE" twice');
    expect(msg).toContain('members.2.domain: is required for the domain member "jsmith"');
    expect(msg).toContain('members.3.name: "a+b" cannot be managed through the PVWA REST API');
    expect(fx.emu.log.entries).toEqual([]);
  });

  it("verifies as a member that CanSuspend is true on a live PSM session", async () => {
    fx.emu.controls.setAllowPsmNotifications(true);
    fx.emu.controls.setSuspendingUsersAndGroups(["PamSuspenders"]);
    const r = await fx.deployment().up([
      fx.permission("p", { groupName: "PamSuspenders", members: [{ name: "alice" }], verify: { username: "alice", password: PW.alice } }),
    ]);
    expect(r.failures).toEqual([]);
    expect(r.outputs.p.verification).toEqual({ status: "verified", detail: "alice has CanSuspend = true on live session 31_24", sessionId: "31_24" });
    expect(isSecret(r.outputs.p.verify)).toBe(true);
    expect(fx.emu.controls.isSuspended("31_24")).toBe(false); // read-only: nothing was suspended
  });

  it("reports unverifiable without failing when no live PSM session shows the flag", async () => {
    fx.emu.controls.endSession("31_24");
    fx.emu.controls.addSession({ kind: "psmp", SessionID: "22_135" }); // PSM for SSH cannot be suspended
    const r = await fx.deployment().up([
      fx.permission("p", { groupName: "PamSuspenders", members: [{ name: "alice" }], verify: { username: "alice", password: PW.alice } }),
    ]);
    expect(r.failures).toEqual([]);
    expect(r.outputs.p.verification).toMatchObject({ status: "unverifiable", sessionId: null });
    expect((r.outputs.p.verification as { detail: string; status: string }).detail).toContain("none of the 1 live session(s) alice sees is a PSM (Windows/RDP) session");
  });

  it("fails with the Options path when CanSuspend is false, keeps the group in state, and passes once the Options are fixed", async () => {
    fx.emu.controls.setAllowPsmNotifications(false);
    fx.emu.controls.setSuspendingUsersAndGroups(["PamSuspenders"]);
    const desired = [fx.permission("p", { groupName: "PamSuspenders", members: [{ name: "alice" }], verify: { username: "alice", password: PW.alice } })];
    const r = await fx.deployment().up(desired);
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0].message).toContain('membership of "PamSuspenders" is applied, but verification failed: alice has CanSuspend = false on live session 31_24');
    expect(r.failures[0].message).toContain(`AllowPSMNotifications is Yes and Vault group "PamSuspenders" is listed under ${OPTIONS} > Suspending Live Sessions Users and Groups`);
    expect(fx.members("PamSuspenders")).toEqual(["alice"]);
    const d = fx.deployment();
    expect(d.state.get("p")).toMatchObject({ id: String(fx.emu.store.groupByName("PamSuspenders")!.id), initErrors: [expect.stringContaining("CanSuspend = false")] });

    fx.emu.controls.setAllowPsmNotifications(true); // the administrator fixes the Options
    const again = await fx.deployment().up(desired);
    expect(again.failures).toEqual([]);
    expect(changed(again)).toEqual(["update:p"]);
    expect((again.outputs.p.verification as { detail: string; status: string }).status).toBe("verified");
  });

  it("only reports a denial when failOnDenied is false", async () => {
    const r = await fx.deployment().up([
      fx.permission("p", { groupName: "PamSuspenders", members: [{ name: "alice" }], verify: { username: "alice", password: PW.alice, failOnDenied: false } }),
    ]);
    expect(r.failures).toEqual([]);
    expect(r.outputs.p.verification).toMatchObject({ status: "denied", sessionId: "31_24" });
  });

  it("manages terminate rights through the adopted built-in PSMLiveSessionTerminators group and keeps it on delete", async () => {
    const r = await fx.deployment().up([
      fx.permission("t", {
        groupName: "PSMLiveSessionTerminators",
        right: "terminate",
        adoptExisting: true,
        members: [{ name: "bob" }],
        acknowledgeManualOptions: { groupListedInTerminatingUsersAndGroups: true },
        verify: { username: "bob", password: PW.bob },
      }),
    ]);
    expect(r.failures).toEqual([]);
    expect(r.outputs.t).toMatchObject({ right: "terminate", adopted: true, groupId: 21, verification: { status: "verified", sessionId: "31_24" } });
    expect((r.outputs.t.verification as { detail: string; status: string }).detail).toContain("CanTerminate = true");
    expect(fx.members("PSMLiveSessionTerminators")).toEqual(["bob"]);
    expect((await fx.deployment().destroy()).failures).toEqual([]);
    expect(fx.members("PSMLiveSessionTerminators")).toEqual([]);
  });

  it("uses the per-resource connection over stack config, and the CYBERARK_* environment when config is absent", async () => {
    const conn = { url: fx.emu.url, username: "admin", password: PW.admin, caCertificates: path.join(TLS_DIR, "ca.pem") };
    const viaInput = await fx
      .deployment({ config: { "cyberark:url": "https://127.0.0.1:1", "cyberark:username": "nobody", "cyberark:password": secret("wrong") } })
      .up([fx.permission("p", { groupName: "PamSuspenders", members: [{ name: "alice" }], connection: secret(conn) })]);
    expect(viaInput.failures).toEqual([]);
    expect(isSecret(viaInput.outputs.p.connection)).toBe(true);
    expect(fx.members("PamSuspenders")).toEqual(["alice"]);

    const env = { CYBERARK_URL: fx.emu.url, CYBERARK_USERNAME: "admin", CYBERARK_PASSWORD: PW.admin, CYBERARK_CA_CERTIFICATES: conn.caCertificates };
    const viaEnv = await fx.deployment({ config: {}, env }).up([fx.permission("q", { groupName: "PamSuspenders2", members: [{ name: "bob" }] })]);
    expect(viaEnv.failures).toEqual([]);
    expect(fx.members("PamSuspenders2")).toEqual(["bob"]);
  });

  it("keeps the CyberArk and verify passwords out of state, failures, the request log and host output", async () => {
    fx.emu.controls.setAllowPsmNotifications(true);
    fx.emu.controls.setSuspendingUsersAndGroups(["PamSuspenders"]);
    const d1 = fx.deployment();
    const ok = await d1.up([fx.permission("p", { groupName: "PamSuspenders", members: [{ name: "alice" }], verify: { username: "alice", password: PW.alice } })]);
    expect(ok.failures).toEqual([]);
    const d2 = fx.deployment();
    const bad = await d2.up([fx.permission("p", { groupName: "PamSuspenders", members: [{ name: "alice" }], verify: { username: "alice", password: "Wr0ng-Verify-Secret-55" } })]);
    expect(bad.failures[0].message).toContain("verification as alice failed");
    expect(bad.failures[0].message).toContain("403");
    const d3 = fx.deployment({ config: { "cyberark:url": fx.emu.url, "cyberark:username": "admin", "cyberark:password": secret("Wr0ng-Admin-Secret-66"), "cyberark:insecureSkipVerify": "true" } });
    // An up (not a refresh: refresh configures with the config stored at the last up) with a wrong admin password.
    const badAdmin = await d3.up([fx.permission("p", { groupName: "PamSuspenders", members: [{ name: "alice" }, { name: "bob" }], verify: { username: "alice", password: PW.alice } })]);
    expect(badAdmin.failures[0].message).toContain("PASWS013E");
    for (const [d, r] of [[d1, ok], [d2, bad], [d3, badAdmin]] as const) {
      const surface = fx.leakSurface(d, r);
      for (const s of [PW.admin, PW.alice, "Wr0ng-Verify-Secret-55", "Wr0ng-Admin-Secret-66"]) expect(surface).not.toContain(s);
    }
  });

  it("reads an unmanaged group by id with get, reporting it as adopted so that nothing deletes it", async () => {
    fx.emu.controls.addGroup({ groupName: "LiveSessionSuspenders" });
    fx.emu.controls.addGroupMember("LiveSessionSuspenders", { name: "bob" });
    const id = String(fx.emu.store.groupByName("LiveSessionSuspenders")!.id);
    const d = fx.deployment();
    const outs = await d.get({ ...fx.permission("g", {}), inputs: {} }, id);
    expect(outs).toMatchObject({ groupName: "LiveSessionSuspenders", groupId: Number(id), adopted: true, actualMembers: ["bob"], members: [{ name: "bob" }], membersInSync: true });
    expect(await d.get({ ...fx.permission("g", {}), inputs: {} }, "99999")).toBeUndefined();
  });
});
