import * as path from "path";
import { TLS_DIR } from "../emulators/common/server";
import { createSenhaseguraEmulator } from "../emulators/senhasegura";

/** Default loopback port of the senhasegura sandbox; `PAM_SANDBOX_PORT_BASE` (default 18443) shifts it by +2. */
export const SENHASEGURA_SANDBOX_OFFSET = 2;

/** Demo credentials (sandbox only): OAuth 2.0 client and OAuth 1.0a application, both read+write. */
export const SENHASEGURA_SANDBOX_CREDENTIALS = {
  clientId: "765299ec425cf0255badc739c2dce1b10634973e1",
  clientSecret: "f13aeddeb57f262835871dab5d839b70",
  consumerKey: "4f1c2b8e9d0a7c6b5e4f3a2b1c0d9e8f7a6b5c4d3",
  consumerSecret: "0a1b2c3d4e5f60718293a4b5c6d7e8f9",
  token: "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9",
  tokenSecret: "fedcba9876543210fedcba9876543210",
} as const;

/**
 * Starts the senhasegura PAM Core emulator over HTTPS on a fixed loopback port with two active and
 * two ended proxy sessions, and returns the environment the client and CLI read.
 */
export async function startSandboxSenhasegura(): Promise<{ env: Record<string, string>; close(): Promise<void> }> {
  const base = Number(process.env.PAM_SANDBOX_PORT_BASE ?? 18443);
  const c = SENHASEGURA_SANDBOX_CREDENTIALS;
  const hour = 3_600_000;
  const now = Date.now();
  const emu = await createSenhaseguraEmulator({
    tls: true,
    port: base + SENHASEGURA_SANDBOX_OFFSET,
    oauth2Clients: [{ clientId: c.clientId, clientSecret: c.clientSecret }],
    oauth1Clients: [{ consumerKey: c.consumerKey, consumerSecret: c.consumerSecret, token: c.token, tokenSecret: c.tokenSecret }],
    sessions: [
      { id: "1", sessionId: "e7acacb6aedbab70073456da5744166939b77527", user: "Admin", credential: "usrdomadm01", device: "10.66.33.15:3389", protocol: "rdp", proxy: "Web Proxy", startMs: now - 3 * hour, endMs: now - 3 * hour + 172_000 },
      { id: "2", sessionId: "3fcf1e4a16104e328d6794e1b9693cfc457871d2", user: "alice", credential: "root", device: "10.66.40.7:22", protocol: "ssh", proxy: "Terminal Proxy", startMs: now - 20 * 60_000 },
      { id: "3", sessionId: "9b2d6e0f4c8a1e3b5d7f9a0c2e4b6d8f0a1c3e5b", user: "bob", credential: "sa", device: "10.66.50.9:1433", protocol: "rdp", proxy: "RDP Proxy", startMs: now - 5 * 60_000 },
      { id: "4", sessionId: "18d3131a0bf671c2be17999f062b8312a4c5d6e7", user: "carol", credential: "oracle", device: "10.66.60.3:22", protocol: "ssh", proxy: "Web Proxy", startMs: now - 26 * hour, endMs: now - 25 * hour },
    ],
  });
  return {
    env: {
      SENHASEGURA_URL: emu.url,
      SENHASEGURA_CLIENT_ID: c.clientId,
      SENHASEGURA_CLIENT_SECRET: c.clientSecret,
      SENHASEGURA_CONSUMER_KEY: c.consumerKey,
      SENHASEGURA_CONSUMER_SECRET: c.consumerSecret,
      SENHASEGURA_TOKEN: c.token,
      SENHASEGURA_TOKEN_SECRET: c.tokenSecret,
      SENHASEGURA_CA_CERTIFICATES: path.resolve(TLS_DIR, "ca.pem"),
    },
    close: () => emu.close(),
  };
}
