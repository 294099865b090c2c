import { call, logonAs, seedPermissionModel } from "./emulator-helpers";
import { parseGroupFilter } from "./handlers/user-groups";
import { createPvwaEmulator, type PvwaEmulator, type PvwaEmulatorOptions } from "./index";

const UG = "/PasswordVault/API/UserGroups";

async function withEmu(o: PvwaEmulatorOptions, fn: (e: PvwaEmulator, token: string) => Promise<void>): Promise<void> {
  const emu = await createPvwaEmulator({ seed: seedPermissionModel, ...o });
  try {
    await fn(emu, await logonAs(emu.url, "admin", "Adm1n!pw"));
  } finally {
    await emu.close();
  }
}

describe("PVWA emulator: user groups", () => {
  it("parses filters with quoted and unquoted values joined by AND", () => {
    expect(parseGroupFilter('groupType eq Vault AND groupName eq "Vault Admins"')).toEqual([
      { field: "groupType", value: "Vault" },
      { field: "groupName", value: "Vault Admins" },
    ]);
    expect(parseGroupFilter("groupName eq Vault Admins")).toEqual([{ field: "groupName", value: "Vault Admins" }]);
    expect(parseGroupFilter('groupName eq "Sand and Stone"')).toEqual([{ field: "groupName", value: "Sand and Stone" }]);
    expect(() => parseGroupFilter("owner eq x")).toThrow();
  });

  it("lists built-in groups as {value, count} with search (all terms, contains), filter and includeMembers", () =>
    withEmu({}, async (emu, token) => {
      const all = await call(emu.url, "GET", UG, { token });
      expect(all.json.count).toBe(all.json.value.length);
      expect(all.json.value.find((g: any) => g.id === 11)).toEqual({ id: 11, groupType: "Vault", groupName: "Vault Admins", description: "Vault Admins group", location: "\\System" });
      expect(all.json.value.map((g: any) => g.groupName)).toContain("PSMLiveSessionTerminators");
      const s = await call(emu.url, "GET", `${UG}?search=session%20sus`, { token });
      expect(s.json.value.map((g: any) => g.groupName)).toEqual(["LiveSessionSuspenders"]);
      const f = await call(emu.url, "GET", `${UG}?filter=${encodeURIComponent('groupType eq Vault AND groupName eq "liveSessionSuspenders"')}&includeMembers=true`, { token });
      expect(f.json.value).toHaveLength(1);
      expect(f.json.value[0].members).toEqual([{ UserName: "suspender", id: expect.any(Number) }]);
      emu.controls.behaviour.memberNameKey = "username";
      const g = await call(emu.url, "GET", `${UG}/${f.json.value[0].id}/?includeMembers=true`, { token });
      expect(g.json.members[0]).toHaveProperty("username", "suspender");
      expect((await call(emu.url, "GET", `${UG}?sort=groupName%20desc`, { token })).json.value[0].groupName).toBe("Vault Admins");
    }));

  it("creates (201), renames, and deletes (204) a group; a duplicate name is refused with 409", () =>
    withEmu({}, async (emu, token) => {
      const c = await call(emu.url, "POST", UG, { token, body: { groupName: "Suspenders2", description: "d", location: "\\" } });
      expect(c.status).toBe(201);
      expect(c.json).toMatchObject({ groupName: "Suspenders2", groupType: "Vault", location: "\\" });
      expect((await call(emu.url, "POST", UG, { token, body: { groupName: "suspenders2" } })).status).toBe(409);
      const u = await call(emu.url, "PUT", `${UG}/${c.json.id}`, { token, body: { groupName: "Renamed" } });
      expect(u.json.groupName).toBe("Renamed");
      expect((await call(emu.url, "DELETE", `${UG}/${c.json.id}`, { token })).status).toBe(204);
      expect((await call(emu.url, "GET", `${UG}/${c.json.id}`, { token })).status).toBe(404);
    }));

  it("adds members (201 echo), refuses a duplicate with 409 PASWS213E and an unknown Vault user with 404", () =>
    withEmu({}, async (emu, token) => {
      const id = (await call(emu.url, "POST", UG, { token, body: { groupName: "G1" } })).json.id;
      const add = await call(emu.url, "POST", `${UG}/${id}/Members/`, { token, body: { memberId: "auditor", memberType: "Vault" } });
      expect(add.status).toBe(201);
      expect(add.json).toEqual({ memberId: "auditor", memberType: "Vault" });
      const dup = await call(emu.url, "POST", `${UG}/${id}/members`, { token, body: { memberId: "AUDITOR" } });
      expect(dup.status).toBe(409);
      expect(dup.json.ErrorCode).toBe("PASWS213E");
      expect(dup.json.ErrorMessage).toContain("ITATS262E");
      expect((await call(emu.url, "POST", `${UG}/${id}/Members`, { token, body: { memberId: "ghost" } })).status).toBe(404);
      expect((await call(emu.url, "POST", `${UG}/${id}/Members`, { token, body: { memberId: "ops", memberType: "domain" } })).status).toBe(400);
      const dom = await call(emu.url, "POST", `${UG}/${id}/Members`, { token, body: { memberId: "ops", memberType: "domain", domainName: "corp.example" } });
      expect(dom.status).toBe(201);
      expect(emu.controls.groupMembers("G1")!.map((m) => [m.name, m.type, m.domainName])).toEqual([
        ["auditor", "vault", undefined],
        ["ops", "domain", "corp.example"],
      ]);
    }));

  it("removes a member by percent-decoded, case-insensitive name (204) and answers an absent one per behaviour", () =>
    withEmu({}, async (emu, token) => {
      const g = emu.controls.addGroup({ groupName: "G2" });
      emu.controls.addGroupMember("G2", { name: "CORP\\ops", type: "domain", domainName: "corp.example" });
      expect((await call(emu.url, "DELETE", `${UG}/${g.id}/Members/corp%5COPS/`, { token })).status).toBe(204);
      expect(emu.controls.groupMembers("G2")).toEqual([]);
      expect((await call(emu.url, "DELETE", `${UG}/${g.id}/Members/nobody/`, { token })).status).toBe(404);
      emu.controls.behaviour.absentMemberDelete = 204;
      expect((await call(emu.url, "DELETE", `${UG}/${g.id}/Members/nobody/`, { token })).status).toBe(204);
    }));

  it("requires Audit users to read and Add/Update users to change groups", () =>
    withEmu({}, async (emu) => {
      const token = await logonAs(emu.url, "auditor", "Aud1t!pw");
      expect((await call(emu.url, "GET", UG, { token })).status).toBe(403);
      expect((await call(emu.url, "POST", UG, { token, body: { groupName: "x" } })).status).toBe(403);
    }));

  it("refuses member changes on a Directory group", () =>
    withEmu({}, async (emu, token) => {
      const g = emu.controls.addGroup({ groupName: "LDAP-Admins", groupType: "Directory", directory: "corp.example" });
      expect((await call(emu.url, "POST", `${UG}/${g.id}/Members`, { token, body: { memberId: "auditor" } })).status).toBe(400);
    }));

  it("lists users with groupsMembership when ExtendedDetails is set", () =>
    withEmu({}, async (emu, token) => {
      const r = await call(emu.url, "GET", "/PasswordVault/API/Users?search=suspend&ExtendedDetails=true", { token });
      expect(r.json.Users).toHaveLength(1);
      expect(r.json.Users[0].groupsMembership.map((g: any) => g.groupName)).toEqual(["LiveSessionSuspenders"]);
    }));
});
