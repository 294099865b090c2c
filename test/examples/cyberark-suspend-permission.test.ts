import * as path from "path";
import { TLS_DIR } from "../emulators/common/server";
import { createPvwaEmulator, type PvwaEmulator } from "../emulators/pvwa";
import { runOperation, type OperationOptions } from "../harness/program-process";
import { freshStateFile, REPO_ROOT } from "../harness/serialize";

const EXAMPLE = path.join(REPO_ROOT, "examples", "cyberark-suspend-permission");
const ADMIN_PASSWORD = "Adm1n-PVWA-Example-5521";

describe("examples/cyberark-suspend-permission through the program runner", () => {
  let emu: PvwaEmulator;
  beforeAll(async () => {
    emu = await createPvwaEmulator({
      tls: true,
      seed: (c) => {
        c.addUser({ username: "admin", password: ADMIN_PASSWORD, authorizations: ["AuditUsers", "AddUpdateUsers"] });
        for (const u of ["secops1", "secops2", "ir-lead", "legacy-op"]) c.addUser({ username: u, password: `${u}-pw-1` });
        c.addGroupMember("PSMLiveSessionTerminators", { name: "legacy-op" });
      },
    });
  });
  afterAll(() => emu.close());

  it("creates the suspend group, adopts PSMLiveSessionTerminators, updates members, and destroy keeps the built-in group", async () => {
    const stateFile = freshStateFile("cyberark-example");
    const op = (o: Pick<OperationOptions, "op">, members: { suspenders: string[]; terminators?: string[] }) =>
      runOperation({
        ...o, stateFile, program: EXAMPLE, project: "cyberark-suspend-permission",
        config: {
          "cyberark:url": emu.url, "cyberark:username": "admin", "cyberark:password": ADMIN_PASSWORD,
          "cyberark:caCertificates": path.join(TLS_DIR, "ca.pem"),
          "cyberark-suspend-permission:suspenders": JSON.stringify(members.suspenders),
          ...(members.terminators ? { "cyberark-suspend-permission:terminators": JSON.stringify(members.terminators) } : {}),
        },
        secretKeys: ["cyberark:password"],
      });
    const names = (g: string) => emu.controls.groupMembers(g)?.map((m) => m.name).sort();

    // terminators omitted: the terminate right is left alone.
    const up0 = await op({ op: "up" }, { suspenders: ["secops1", "secops2"] });
    expect(up0.summary).toMatchObject({ ok: true, counts: { create: 1 }, programErrors: [] });
    expect(names("PSMLiveSessionTerminators")).toEqual(["legacy-op"]);

    // Declaring terminators without legacy-op would take the right from them: refused, nothing changed.
    const silent = await op({ op: "up" }, { suspenders: ["secops1", "secops2"], terminators: ["ir-lead"] });
    expect(silent.summary.ok).toBe(false);
    expect(silent.summary.programErrors.join("\n")).toContain('would remove a member the program does not declare: "legacy-op"');
    expect(names("PSMLiveSessionTerminators")).toEqual(["legacy-op"]);

    const up1 = await op({ op: "up" }, { suspenders: ["secops1", "secops2"], terminators: ["ir-lead", "legacy-op"] });
    expect(up1.summary).toMatchObject({ ok: true, counts: { create: 1 }, programErrors: [] });
    expect(names("SOCSessionSuspenders")).toEqual(["secops1", "secops2"]);
    expect(names("PSMLiveSessionTerminators")).toEqual(["ir-lead", "legacy-op"]);

    const up2 = await op({ op: "up" }, { suspenders: ["secops2"], terminators: ["ir-lead", "legacy-op"] });
    expect(up2.summary.ok).toBe(true);
    expect(up2.summary.steps.filter((s) => s.op !== "same").map((s) => `${s.op}:${s.name}`)).toEqual(["update:soc-suspenders"]);
    expect(names("SOCSessionSuspenders")).toEqual(["secops2"]);

    const refresh = await op({ op: "refresh" }, { suspenders: [] });
    expect(refresh.summary.steps.filter((s) => s.op !== "same")).toEqual([]);

    const destroy = await op({ op: "destroy" }, { suspenders: [] });
    expect(destroy.summary).toMatchObject({ ok: true, counts: { delete: 2 } });
    expect(names("SOCSessionSuspenders")).toBeUndefined(); // created by the stack: deleted
    expect(names("PSMLiveSessionTerminators")).toEqual(["legacy-op"]); // adopted: kept; ir-lead (added) removed, legacy-op (there before) stays
    for (const r of [up0, silent, up1, up2, refresh, destroy]) expect(r.text + r.stderr + JSON.stringify(r.summary)).not.toContain(ADMIN_PASSWORD);
  });
});
