/**
 * Bringing an existing appliance under Pulumi, as a team does it: `pam-export` (child process) writes
 * the file, the example program (program runner) adopts everything, and nothing on the appliance changes.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { TLS_DIR } from "../emulators/common/server";
import { createPvwaEmulator } from "../emulators/pvwa";
import { createSpsEmulator } from "../emulators/sps";
import { runOperation } from "../harness/program-process";
import { freshStateFile, REPO_ROOT } from "../harness/serialize";

const CLI = path.join(REPO_ROOT, "dist", "provider", "cli", "pam-export.js");
const ADMIN_PASSWORD = "adm1n-Secret-9137";

function pamExport(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? "", ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const WRITE = /^(POST|PUT|DELETE)$/;

describe("pam-export then adopt: no side effects", () => {
  let dir: string;
  beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "round-trip-"))));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("SPS: 50 users and 10 groups exported, adopted with no password object and no membership change; second up and refresh are clean", async () => {
    const emu = await createSpsEmulator({ users: [{ name: "admin", password: ADMIN_PASSWORD }] });
    try {
      const keys = Array.from({ length: 50 }, (_, i) => emu.controls.seedUser(`user${String(i).padStart(2, "0")}.Team`, `seed-pw-${i}-x`));
      const adminKey = emu.snapshot().users.find((u) => u.name === "admin")!.key;
      for (let g = 0; g < 10; g++) emu.controls.seedGroup(`team-${g}`, [...keys.filter((_, i) => i % 10 === g || i % 7 === g), ...(g === 0 ? [adminKey] : [])]);
      const before = JSON.stringify(emu.snapshot().groups) + JSON.stringify(emu.snapshot().users);

      const out = path.join(dir, "access.yaml");
      const env = { SPS_URL: emu.url, SPS_ALLOW_HTTP: "1", SPS_USERNAME: "admin", SPS_PASSWORD: ADMIN_PASSWORD };
      const ex = await pamExport(["sps", "--out", out], env);
      expect(ex.stderr).toContain("50 users, 10 groups");
      expect(ex.code).toBe(0);
      const text = fs.readFileSync(out, "utf8");
      expect(text).not.toContain("seed-pw");
      expect(text).not.toContain(ADMIN_PASSWORD);
      expect(ex.stderr + ex.stdout).not.toContain(ADMIN_PASSWORD);
      expect(text).toContain("memberNames: [admin]");
      expect(text).not.toMatch(/name: (admin|basic-view|search)\n/);
      expect(text).not.toMatch(/password/);

      emu.log.clear();
      const stateFile = freshStateFile("round-trip-sps");
      const op = (o: "up" | "refresh") =>
        runOperation({
          op: o, stateFile, program: path.join(REPO_ROOT, "examples", "sps-access"), project: "sps-access",
          config: { "sps:url": emu.url, "sps:allowHttp": "true", "sps:username": "admin", "sps:password": ADMIN_PASSWORD, "sps:batchWindowMs": "20", "sps-access:accessFile": out },
          secretKeys: ["sps:password"],
        });
      const up = await op("up");
      // The example's default: the whole file is one SpsLocalAccess, which adopts all 60 objects.
      expect(up.summary).toMatchObject({ ok: true, counts: { create: 1 }, programErrors: [] });
      expect(up.summary.steps).toEqual([expect.objectContaining({ op: "create", name: "access", type: "pulumi-nodejs:dynamic/pam:SpsLocalAccess" })]);
      const writes = emu.log.entries.filter((e) => WRITE.test(e.method) && e.path.startsWith("/api/configuration"));
      expect(writes).toEqual([]); // no password object, no user or membership change
      const state = JSON.parse(fs.readFileSync(stateFile, "utf8")) as { resources: { outputs: Record<string, any> }[] };
      const outs = state.resources[0].outputs;
      const byKey = new Map(emu.snapshot().users.map((u) => [u.key, u.name]));
      expect(Object.keys(outs.userKeys)).toHaveLength(50);
      expect(Object.keys(outs.groupKeys)).toHaveLength(10);
      expect(Object.values(outs.userKeys).map((k) => byKey.get(k as string)).sort()).toEqual(keys.map((k) => byKey.get(k)).sort()); // adopted, same keys
      expect(Object.values(outs.passwordManaged).every((m) => m === false)).toBe(true);
      expect(JSON.stringify(emu.snapshot().groups) + JSON.stringify(emu.snapshot().users)).toBe(before);

      const again = await op("up");
      expect(again.summary.ok).toBe(true);
      expect(again.summary.steps.filter((s) => s.op !== "same")).toEqual([]);
      const refresh = await op("refresh");
      expect(refresh.summary.ok).toBe(true);
      expect(refresh.summary.steps.filter((s) => s.op !== "same")).toEqual([]);
      expect(emu.log.entries.filter((e) => WRITE.test(e.method) && e.path.startsWith("/api/configuration"))).toEqual([]);
    } finally {
      await emu.close();
    }
  });

  it("CyberArk: a PSM group exported and adopted with no member added or removed; second up and refresh are clean", async () => {
    const PVWA_ADMIN = "Adm1n-PVWA-Example-5521";
    const emu = await createPvwaEmulator({
      tls: true,
      seed: (c) => {
        c.addUser({ username: "admin", password: PVWA_ADMIN, authorizations: ["AuditUsers", "AddUpdateUsers"] });
        for (const u of ["secops1", "ir-lead", "legacy-op"]) c.addUser({ username: u, password: `${u}-pw-1` });
        c.addGroupMember("PSMLiveSessionTerminators", { name: "legacy-op" });
        c.addGroupMember("PSMLiveSessionTerminators", { name: "ir-lead" });
      },
    });
    try {
      const env = { CYBERARK_URL: emu.url, CYBERARK_USERNAME: "admin", CYBERARK_PASSWORD: PVWA_ADMIN, CYBERARK_CA_CERTIFICATES: path.join(TLS_DIR, "ca.pem") };
      const ex = await pamExport(["cyberark", "--group", "PSMLiveSessionTerminators", "--format", "json"], env);
      expect(ex.code).toBe(0);
      expect(ex.stderr + ex.stdout).not.toContain(PVWA_ADMIN);
      const exported = JSON.parse(ex.stdout) as { groupName: string; members: { name: string }[] };
      expect(exported).toEqual({ groupName: "PSMLiveSessionTerminators", adoptExisting: true, members: [{ name: "ir-lead" }, { name: "legacy-op" }] });

      const stateFile = freshStateFile("round-trip-cyberark");
      const op = (o: "up" | "refresh") =>
        runOperation({
          op: o, stateFile, program: path.join(REPO_ROOT, "examples", "cyberark-suspend-permission"), project: "cyberark-suspend-permission",
          config: {
            "cyberark:url": emu.url, "cyberark:username": "admin", "cyberark:password": PVWA_ADMIN, "cyberark:caCertificates": path.join(TLS_DIR, "ca.pem"),
            "cyberark-suspend-permission:suspenders": JSON.stringify(["secops1"]),
            "cyberark-suspend-permission:terminators": JSON.stringify(exported.members.map((m) => m.name)),
          },
          secretKeys: ["cyberark:password"],
        });
      emu.log.clear();
      const up = await op("up");
      expect(up.summary).toMatchObject({ ok: true, counts: { create: 2 }, programErrors: [] });
      const terminatorWrites = emu.log.entries.filter((e) => WRITE.test(e.method) && /UserGroups\/21\b/.test(e.path));
      expect(terminatorWrites).toEqual([]);
      expect(emu.controls.groupMembers("PSMLiveSessionTerminators")!.map((m) => m.name).sort()).toEqual(["ir-lead", "legacy-op"]);
      const again = await op("up");
      expect(again.summary.steps.filter((s) => s.op !== "same")).toEqual([]);
      const refresh = await op("refresh");
      expect(refresh.summary.steps.filter((s) => s.op !== "same")).toEqual([]);
    } finally {
      await emu.close();
    }
  });
});
