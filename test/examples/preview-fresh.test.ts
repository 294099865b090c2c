/**
 * Preview of every example on a fresh stack, through the program runner (a child process per run, as the
 * CLI), with inputs that come from other resources' outputs and are therefore unknown in preview:
 * - sps-access (default, one SpsLocalAccess): the managed passwords come from an upstream resource's
 *   output. A wrapper program (a temp dir inside the repo, so that modules resolve) declares that resource
 *   and hands its output to the example through `sps-access:passwords`, then loads the example unchanged.
 * - sps-access per-resource: the same, plus each group's members are the user resources' keys.
 * - cyberark-suspend-permission: as written (its inputs are stack config only).
 * session-actions declares no resources. Each preview must succeed with the expected steps, and no write
 * request may reach the emulator.
 */
import * as fs from "fs";
import * as path from "path";
import { TLS_DIR } from "../emulators/common/server";
import { createPvwaEmulator } from "../emulators/pvwa";
import { createSpsEmulator } from "../emulators/sps";
import { runOperation } from "../harness/program-process";
import { freshStateFile, REPO_ROOT } from "../harness/serialize";

const WRITE = /^(POST|PUT|PATCH|DELETE)$/;
const SPS_ADMIN = "adm1n-Secret-9137";

/** A program that declares an upstream SpsLocalUser and feeds its (preview: unknown) key into the example's secret passwords. */
function wrapperProgram(example: string): string {
  const dir = path.join(REPO_ROOT, ".pulumi-harness", "programs", `${example}-${process.pid}-${Date.now()}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, "index.ts"),
    `import * as pulumi from "@pulumi/pulumi";
import { SpsLocalUser } from "pulumi-pam";
// Stands for any resource whose output the passwords depend on (a vault entry, a generated secret).
const upstream = new SpsLocalUser("upstream", { name: "svc-upstream" });
const original = pulumi.Config.prototype.getSecretObject;
pulumi.Config.prototype.getSecretObject = function (this: pulumi.Config, key: string) {
  const known = original.call(this, key);
  if (this.name !== "sps-access" || key !== "passwords") return known;
  return pulumi.all([upstream.key, known]).apply(([, p]) => p) as any;
} as typeof original;
module.exports = require(${JSON.stringify(path.join(REPO_ROOT, "examples", example, "index.ts"))});
`,
  );
  return dir;
}

describe("preview of every example on a fresh stack, with unknown inputs", () => {
  const made: string[] = [];
  afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  for (const mode of ["access", "per-resource"] as const) {
    it(`sps-access (${mode}): passwords from another resource's output; ok, expected steps, no write`, async () => {
      const emu = await createSpsEmulator({ users: [{ name: "admin", password: SPS_ADMIN }] });
      try {
        const program = wrapperProgram("sps-access");
        made.push(program);
        const r = await runOperation({
          op: "preview", stateFile: freshStateFile(`preview-fresh-${mode}`), program, project: "sps-access",
          config: {
            "sps:url": emu.url, "sps:allowHttp": "true", "sps:username": "admin", "sps:password": SPS_ADMIN,
            "sps-access:accessFile": path.join(REPO_ROOT, "examples", "sps-access", "access.yaml"),
            "sps-access:passwords": JSON.stringify({ alice: "Pw-alice-4821!", bob: "Pw-bob-7302!", carol: "Pw-carol-1177!" }),
            ...(mode === "per-resource" ? { "sps-access:mode": "per-resource" } : {}),
          },
          secretKeys: ["sps:password", "sps-access:passwords"],
        });
        expect({ ok: r.summary.ok, failures: r.summary.failures, programErrors: r.summary.programErrors }).toEqual({ ok: true, failures: [], programErrors: [] });
        const steps = r.summary.steps.map((s) => `${s.op} ${s.type.split(":").pop()} ${s.name}`).sort();
        expect(steps).toEqual(
          mode === "access"
            ? ["create SpsLocalAccess access", "create SpsLocalUser upstream"]
            : ["create SpsLocalUser alice", "create SpsLocalUser bob", "create SpsLocalUser carol", "create SpsLocalUser upstream",
               "create SpsLocalUserGroup group-auditors", "create SpsLocalUserGroup group-ops"],
        );
        expect(emu.log.entries.filter((e) => WRITE.test(e.method))).toEqual([]);
        expect(emu.snapshot().users.map((u) => u.name)).toEqual(["admin"]);
      } finally {
        await emu.close();
      }
    });
  }

  it("cyberark-suspend-permission: suspend group and adopted terminators; ok, expected steps, no write", async () => {
    const PVWA_ADMIN = "Adm1n-PVWA-Example-5521";
    const emu = await createPvwaEmulator({
      tls: true,
      seed: (c) => {
        c.addUser({ username: "admin", password: PVWA_ADMIN, authorizations: ["AuditUsers", "AddUpdateUsers"] });
        for (const u of ["secops1", "ir-lead"]) c.addUser({ username: u, password: `${u}-pw-1` });
        c.addGroupMember("PSMLiveSessionTerminators", { name: "ir-lead" });
      },
    });
    try {
      const r = await runOperation({
        op: "preview", stateFile: freshStateFile("preview-fresh-cyberark"), program: path.join(REPO_ROOT, "examples", "cyberark-suspend-permission"),
        project: "cyberark-suspend-permission",
        config: {
          "cyberark:url": emu.url, "cyberark:username": "admin", "cyberark:password": PVWA_ADMIN, "cyberark:caCertificates": path.join(TLS_DIR, "ca.pem"),
          "cyberark-suspend-permission:suspenders": JSON.stringify(["secops1"]),
          "cyberark-suspend-permission:terminators": JSON.stringify(["ir-lead"]),
        },
        secretKeys: ["cyberark:password"],
      });
      expect({ ok: r.summary.ok, failures: r.summary.failures, programErrors: r.summary.programErrors }).toEqual({ ok: true, failures: [], programErrors: [] });
      expect(r.summary.steps.map((s) => `${s.op} ${s.name}`).sort()).toEqual(["create incident-terminators", "create soc-suspenders"]);
      expect(emu.log.entries.filter((e) => WRITE.test(e.method) && !/\/Auth\/|Logon|Logoff/i.test(e.path))).toEqual([]);
    } finally {
      await emu.close();
    }
  });
});
