import * as fs from "fs";
import * as path from "path";
import { psmSuspendPermissionProvider } from "../../provider/cyberark/resources";
import { TLS_DIR } from "../emulators/common/server";
import { createPvwaEmulator, type PvwaEmulator, type PvwaEmulatorOptions } from "../emulators/pvwa";
import { Deployment, type DesiredResource, type OperationResult } from "../harness/engine";
import { freshStateFile, repoHostCwd, serializeProvider } from "../harness/serialize";
import { secret } from "../harness/values";

export const PERMISSION_TYPE = "pulumi-nodejs:dynamic/pam:PsmSuspendPermission";
/** Passwords that must never show up in state, logs or errors. */
export const PW = { admin: "Adm1n-PVWA-Secret-7781", alice: "Al1ce-Member-Secret-4410", bob: "B0b-Secret-x1", carol: "C4rol-Secret-x2" } as const;
export const ACK_SUSPEND = { allowPsmNotifications: true, groupListedInSuspendingUsersAndGroups: true };

/** A TLS PVWA emulator seeded with an admin, three Vault users, an LDAP user and one live RDP session. */
export interface PermissionFixture {
  emu: PvwaEmulator;
  stateFile: string;
  deployment(o?: { config?: Record<string, unknown>; env?: NodeJS.ProcessEnv }): Deployment;
  permission(name: string, inputs: Record<string, unknown>, opts?: Partial<DesiredResource>): DesiredResource;
  /** Member names of a group in the emulator (sorted), undefined when the group does not exist. */
  members(groupName: string): string[] | undefined;
  /** Everything that could leak a secret: state file, failures, emulator request log, host output. */
  leakSurface(d: Deployment, ...results: OperationResult[]): string;
  close(): Promise<void>;
}

export async function permissionFixture(o: PvwaEmulatorOptions = {}): Promise<PermissionFixture> {
  const emu = await createPvwaEmulator({
    tls: true,
    seed: (c) => {
      c.addUser({ username: "admin", password: PW.admin, authorizations: ["AuditUsers", "AddUpdateUsers"] });
      c.addUser({ username: "alice", password: PW.alice });
      c.addUser({ username: "bob", password: PW.bob });
      c.addUser({ username: "carol", password: PW.carol });
      c.addUser({ username: "jsmith", password: "Ld4p-x", domain: "corp.example.com" });
      c.addSession({ kind: "psm", SessionID: "31_24", user: "jdoe" });
    },
    ...o,
  });
  const provider = await serializeProvider(psmSuspendPermissionProvider);
  const stateFile = freshStateFile("psm-permission");
  return {
    emu,
    stateFile,
    deployment: (x = {}) =>
      new Deployment({
        stateFile,
        hostCwd: repoHostCwd(),
        project: "psm-test",
        env: x.env,
        config: x.config ?? {
          "cyberark:url": emu.url,
          "cyberark:username": "admin",
          "cyberark:password": secret(PW.admin),
          "cyberark:caCertificates": path.join(TLS_DIR, "ca.pem"),
        },
      }),
    permission: (name, inputs, opts = {}) => ({
      name,
      type: PERMISSION_TYPE,
      provider,
      additionalSecretOutputs: ["verify", "connection"],
      inputs: { acknowledgeManualOptions: ACK_SUSPEND, ...inputs, ...(inputs.verify ? { verify: secret(inputs.verify) } : {}) },
      ...opts,
    }),
    members: (g) =>
      emu.controls
        .groupMembers(g)
        ?.map((m) => m.name)
        .sort(),
    leakSurface: (d, ...results) =>
      [
        fs.readFileSync(stateFile, "utf8"),
        JSON.stringify(results.map((r) => r.failures)),
        JSON.stringify(emu.log.entries),
        (d.lastHost?.stderr ?? []).join(""),
        (d.lastHost?.stdout ?? []).join(""),
      ].join("\n"),
    close: () => emu.close(),
  };
}
