import * as path from "path";
import { TLS_DIR } from "../emulators/common/server";
import { createPvwaEmulator, type PvwaControls } from "../emulators/pvwa";

/** Default loopback port of the PVWA sandbox; `PAM_SANDBOX_PORT_BASE` (default 18443) shifts it by +1. */
export const PVWA_SANDBOX_OFFSET = 1;

/** Demo accounts (sandbox only). `operator` is the one exported as CYBERARK_USERNAME. */
export const PVWA_SANDBOX_USERS = {
  /** May suspend/resume (member of LiveSessionSuspenders) and terminate; may also manage groups. */
  operator: { username: "svc-pam-operator", password: "Operat0r!Demo-2026" },
  /** May log on and list sessions, but is in neither Options list: CanSuspend/CanTerminate false. */
  viewer: { username: "auditor1", password: "Aud1tor!Demo-2026" },
} as const;

/** The Vault group listed under "Suspending Live Sessions Users and Groups" in the sandbox. */
export const PVWA_SANDBOX_SUSPEND_GROUP = "LiveSessionSuspenders";

/**
 * Seeds the permission model of the demo: AllowPSMNotifications=Yes, the LiveSessionSuspenders
 * group in the Suspending list (PSMLiveSessionTerminators, the documented default, in the
 * Terminating list), the operator in both groups, two PSM (RDP) sessions it can suspend and a PSM
 * for SSH session it cannot (suspend is not supported there) but can terminate.
 */
export function seedPvwaSandbox(c: PvwaControls, nowMs: number): void {
  const { operator, viewer } = PVWA_SANDBOX_USERS;
  c.addGroup({ groupName: PVWA_SANDBOX_SUSPEND_GROUP, description: "Listed under Options > Live Sessions Monitoring Settings > Suspending Live Sessions Users and Groups" });
  c.addUser({ ...operator, authorizations: ["AuditUsers", "AddUpdateUsers"], groups: [PVWA_SANDBOX_SUSPEND_GROUP, "PSMLiveSessionTerminators"] });
  c.addUser({ ...viewer });
  c.setAllowPsmNotifications(true);
  c.setSuspendingUsersAndGroups([PVWA_SANDBOX_SUSPEND_GROUP]);
  c.setTerminatingUsersAndGroups(["PSMLiveSessionTerminators"]);
  const s = Math.floor(nowMs / 1000);
  c.addSession({ kind: "psm", SessionID: "31_24", user: "jdoe", safe: "Windows-Servers", accountUsername: "administrator", accountAddress: "win-app01.corp.example", start: s - 25 * 60 });
  c.addSession({ kind: "psm", SessionID: "31_25", user: "asmith", safe: "Windows-Servers", accountUsername: "svc_sql", accountAddress: "win-db02.corp.example", start: s - 7 * 60 });
  c.addSession({ kind: "psmp", SessionID: "22_135", user: "jdoe", safe: "Linux-Servers", accountUsername: "root", accountAddress: "lnx-web03.corp.example", providerId: "PSMPServer_01", start: s - 12 * 60 });
}

/**
 * Starts the CyberArk PVWA emulator over HTTPS on a fixed loopback port with the demo permission
 * model, and returns the environment the client and the CLI read.
 */
export async function startSandboxPvwa(): Promise<{ env: Record<string, string>; close(): Promise<void> }> {
  const base = Number(process.env.PAM_SANDBOX_PORT_BASE ?? 18443);
  const emu = await createPvwaEmulator({ tls: true, port: base + PVWA_SANDBOX_OFFSET, seed: (c) => seedPvwaSandbox(c, Date.now()) });
  return {
    env: {
      CYBERARK_URL: emu.url,
      CYBERARK_USERNAME: PVWA_SANDBOX_USERS.operator.username,
      CYBERARK_PASSWORD: PVWA_SANDBOX_USERS.operator.password,
      CYBERARK_AUTH_METHOD: "CyberArk",
      CYBERARK_CA_CERTIFICATES: path.resolve(TLS_DIR, "ca.pem"),
    },
    close: () => emu.close(),
  };
}
