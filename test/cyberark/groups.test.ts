import {
  addGroupMember,
  createGroup,
  CyberArkClient,
  deleteGroup,
  findGroupByName,
  getGroup,
  removeGroupMember,
} from "../../provider/cyberark";
import { PamError } from "../../provider/http";
import { startPvwa } from "./helpers";

type Emu = Awaited<ReturnType<typeof startPvwa>>;

async function withClient(o: Parameters<typeof startPvwa>[0], fn: (c: CyberArkClient, emu: Emu) => Promise<void>): Promise<void> {
  const emu = await startPvwa(o);
  const c = new CyberArkClient(emu.conn());
  try {
    await fn(c, emu);
  } finally {
    await c.logoff();
    await c.close();
    await emu.close();
  }
}

describe("CyberArk group functions", () => {
  it("finds a group by exact name despite the fuzzy search, with members", () =>
    withClient({ seed: undefined }, async (c, emu) => {
      emu.controls.addUser({ username: "admin", password: "Adm1n!pw", authorizations: ["AuditUsers", "AddUpdateUsers"] });
      emu.controls.addUser({ username: "alice", password: "x" });
      emu.controls.addGroup({ groupName: "Suspenders" });
      emu.controls.addGroup({ groupName: "Suspenders-Old" });
      emu.controls.addGroupMember("Suspenders", { name: "alice" });
      const g = await findGroupByName(c, "suspenders", { includeMembers: true });
      expect(g).toMatchObject({ groupName: "Suspenders", groupType: "Vault", members: [{ name: "alice" }] });
      expect(await findGroupByName(c, "Suspend")).toBeUndefined();
    }));

  it("reads members whatever the case of the member name key", () =>
    withClient({ behaviour: { memberNameKey: "username" } }, async (c) => {
      const g = await findGroupByName(c, "LiveSessionSuspenders", { includeMembers: true });
      expect(g?.members).toEqual([{ name: "suspender", id: expect.any(Number) }]);
      expect((await getGroup(c, g!.id, { includeMembers: true }))?.members?.[0].name).toBe("suspender");
    }));

  it("refuses to list members on PVWA older than 12.0", () =>
    withClient({ behaviour: { version: "11.7" } }, async (c) => {
      await expect(findGroupByName(c, "LiveSessionSuspenders", { includeMembers: true })).rejects.toMatchObject({ code: "CYBERARK_VERSION_TOO_OLD" });
      expect(await findGroupByName(c, "LiveSessionSuspenders")).toMatchObject({ groupName: "LiveSessionSuspenders" });
    }));

  it("creates, reads, and deletes a group, reporting a second delete as absent", () =>
    withClient({}, async (c, emu) => {
      const g = await createGroup(c, { groupName: "PamSuspenders", description: "managed by pulumi-pam" });
      expect(g).toMatchObject({ groupName: "PamSuspenders", location: "\\" });
      expect(await getGroup(c, g.id)).toMatchObject({ id: g.id, description: "managed by pulumi-pam" });
      expect(await deleteGroup(c, g.id)).toBe("deleted");
      expect(emu.controls.groupMembers("PamSuspenders")).toBeUndefined();
      expect(await deleteGroup(c, g.id)).toBe("absent");
      expect(await getGroup(c, g.id)).toBeUndefined();
    }));

  it("throws the ConflictError PVWA answers for a duplicate group name", () =>
    withClient({}, async (c) => {
      const e = await createGroup(c, { groupName: "LiveSessionSuspenders" }).catch((x) => x);
      expect(PamError.isInstance(e)).toBe(true);
      expect(e.status).toBe(409);
    }));

  it("adds members idempotently (409 PASWS213E = already a member), Vault and domain", () =>
    withClient({}, async (c, emu) => {
      const g = (await findGroupByName(c, "LiveSessionSuspenders"))!;
      expect(await addGroupMember(c, g.id, { name: "auditor" })).toBe("added");
      expect(await addGroupMember(c, g.id, { name: "AUDITOR" })).toBe("already-member");
      expect(await addGroupMember(c, g.id, { name: "PAM-Ops", type: "domain", domainName: "corp.example" })).toBe("added");
      expect(emu.controls.groupMembers("LiveSessionSuspenders")!.map((m) => `${m.type}:${m.name}`)).toEqual(["vault:suspender", "vault:auditor", "domain:PAM-Ops"]);
      const sent = emu.log.find(/POST .*\/Members\/$/).map((e) => e.body);
      expect(sent[0]).toEqual({ memberId: "auditor", memberType: "vault" });
      await expect(addGroupMember(c, g.id, { name: "x", type: "domain" })).rejects.toThrow(/DNS domain/);
      await expect(addGroupMember(c, g.id, { name: "ghost" })).rejects.toMatchObject({ status: 404, vendorCode: "ITATS003E" });
    }));

  it("removes members, treating a 404 as already absent, and survives the dot quirk", () =>
    withClient({ behaviour: { dotQuirk: true } }, async (c, emu) => {
      emu.controls.addUser({ username: "j.doe@corp.example", password: "x" });
      emu.controls.addGroupMember("LiveSessionSuspenders", { name: "j.doe@corp.example" });
      const g = (await findGroupByName(c, "LiveSessionSuspenders"))!;
      expect(await removeGroupMember(c, g.id, "j.doe@corp.example")).toBe("removed");
      expect(await removeGroupMember(c, g.id, "j.doe@corp.example")).toBe("absent");
      expect(emu.controls.groupMembers("LiveSessionSuspenders")!.map((m) => m.name)).toEqual(["suspender"]);
      expect(emu.log.find(/^DELETE /)[0].path).toBe(`/PasswordVault/API/UserGroups/${g.id}/Members/j.doe@corp.example/`);
      await expect(removeGroupMember(c, g.id, "a+b")).rejects.toMatchObject({ code: "CYBERARK_URL_VALUE_UNSUPPORTED" });
    }));

  it("surfaces a missing Vault authorization as a 403", () =>
    withClient({}, async (_c, emu) => {
      const c = new CyberArkClient(emu.conn("auditor"));
      try {
        await expect(findGroupByName(c, "LiveSessionSuspenders")).rejects.toMatchObject({ status: 403 });
      } finally {
        await c.close();
      }
    }));
});
