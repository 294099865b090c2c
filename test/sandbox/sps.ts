import * as path from "path";
import { TLS_DIR } from "../emulators/common/server";
import { createSpsEmulator, type SpsControls } from "../emulators/sps";

/** Default loopback port of the SPS sandbox; `PAM_SANDBOX_PORT_BASE` (default 18443) moves it. */
export const SPS_SANDBOX_OFFSET = 0;

/** Demo accounts (sandbox only). `admin` is the one exported as SPS_USERNAME. */
export const SPS_SANDBOX_USERS = {
  admin: { username: "admin", password: "Adm1n!Sps-Demo-2026" },
  /** Member of active-sessions-write and search: may list and close recorded sessions, not edit users. */
  operator: { username: "session-operator", password: "Operat0r!Sps-Demo-2026" },
  /** Member of auth-view only: may read users and groups, nothing else. */
  viewer: { username: "auth-viewer", password: "V1ewer!Sps-Demo-2026" },
} as const;

/** Seeds the demo: two extra users, one custom group, two active and one ended recorded session. */
export function seedSpsSandbox(c: SpsControls): void {
  const { operator, viewer } = SPS_SANDBOX_USERS;
  const op = c.seedUser(operator.username, operator.password);
  const view = c.seedUser(viewer.username, viewer.password);
  c.seedGroup("active-sessions-write", [op]);
  c.seedGroup("search", [op]);
  c.seedGroup("auth-view", [view]);
  c.seedGroup("demo-operators", [op]);
  c.seedActiveSession({ id: "svc/rpokH8fD9kx6CaxNLznKx2/ssh-policy:12", protocol: "ssh", user: "root" });
  c.seedActiveSession({ id: "svc/Xk3vQm9Lw2Rt7Yp4Zn8Bd1/rdp-policy:3", protocol: "rdp", user: "Administrator" });
  c.seedActiveSession({ id: "svc/Hq5Jd8Kf2Lm6Np9Rs3Tv7W/ssh-policy:9", protocol: "ssh", user: "deploy", active: false });
}

/**
 * Starts the SPS emulator over HTTPS on a fixed loopback port with the demo data and returns the
 * environment the client and the CLI read. Side-effect free beyond the server.
 */
export async function startSandboxSps(): Promise<{ env: Record<string, string>; close(): Promise<void> }> {
  const base = Number(process.env.PAM_SANDBOX_PORT_BASE ?? 18443);
  const { admin } = SPS_SANDBOX_USERS;
  const emu = await createSpsEmulator({ tls: true, port: base + SPS_SANDBOX_OFFSET, users: [{ name: admin.username, password: admin.password }] });
  seedSpsSandbox(emu.controls);
  return {
    env: {
      SPS_URL: emu.url,
      SPS_USERNAME: admin.username,
      SPS_PASSWORD: admin.password,
      SPS_CA_CERTIFICATES: path.resolve(TLS_DIR, "ca.pem"),
    },
    close: () => emu.close(),
  };
}
