import * as path from "path";
import type { CyberArkConnection } from "../../provider/cyberark";
import { TLS_DIR } from "../emulators/common/server";
import { seedPermissionModel } from "../emulators/pvwa/emulator-helpers";
import { createPvwaEmulator, type PvwaEmulator, type PvwaEmulatorOptions } from "../emulators/pvwa";

/** Passwords of the permission-model fixture (test/emulators/pvwa/emulator-helpers.ts). */
export const PW = { admin: "Adm1n!pw", suspender: "Susp3nd!pw", auditor: "Aud1t!pw" } as const;

/** Starts a TLS PVWA emulator with the permission model; `conn(user)` builds a connection trusting the test CA. */
export async function startPvwa(o: PvwaEmulatorOptions = {}): Promise<PvwaEmulator & { conn(user?: keyof typeof PW): CyberArkConnection }> {
  const emu = await createPvwaEmulator({ tls: true, seed: seedPermissionModel, ...o });
  return Object.assign(emu, {
    conn: (user: keyof typeof PW = "admin"): CyberArkConnection => ({
      url: emu.url,
      username: user,
      password: PW[user],
      caCertificates: path.join(TLS_DIR, "ca.pem"),
    }),
  });
}
