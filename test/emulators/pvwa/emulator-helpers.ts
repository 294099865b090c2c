import { request } from "undici";
import type { PvwaControls } from "./controls";

/** Raw HTTP call against an emulator (tests only): returns status, content type, text and parsed JSON. */
export async function call(
  base: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; type: string; text: string; json: any }> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = opts.token;
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(opts.body);
  }
  const r = await request(base + path, { method: method as "GET", headers, body });
  const text = await r.body.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: r.statusCode, type: String(r.headers["content-type"] ?? ""), text, json };
}

/** Logs on through the API and returns the token. */
export async function logonAs(base: string, username: string, password: string, type = "CyberArk"): Promise<string> {
  const r = await call(base, "POST", `/PasswordVault/API/auth/${type}/Logon`, { body: { username, password, concurrentSession: true } });
  if (r.status !== 200) throw new Error(`logon failed: ${r.status} ${r.text}`);
  return r.json as string;
}

/**
 * The permission-model fixture used by several tests: an admin, a suspender (through the
 * LiveSessionSuspenders group), a plain auditor, one RDP, one PSM for SSH and one OPM session.
 */
export function seedPermissionModel(c: PvwaControls): void {
  c.addGroup({ groupName: "LiveSessionSuspenders", description: "may suspend PSM sessions" });
  c.addUser({ username: "admin", password: "Adm1n!pw", authorizations: ["AuditUsers", "AddUpdateUsers"] });
  c.addUser({ username: "suspender", password: "Susp3nd!pw", groups: ["LiveSessionSuspenders"] });
  c.addUser({ username: "auditor", password: "Aud1t!pw" });
  c.setAllowPsmNotifications(true);
  c.setSuspendingUsersAndGroups(["LiveSessionSuspenders"]);
  c.addSession({ kind: "psm", SessionID: "31_24", SessionGuid: "a1b2c3d4-0000-4000-8000-000000000001", user: "jdoe", safe: "Windows-Servers", start: 1_700_000_000 });
  c.addSession({ kind: "psmp", SessionID: "22_135", SessionGuid: "a1b2c3d4-0000-4000-8000-000000000002", user: "asmith", safe: "Linux-Servers", start: 1_700_000_100 });
  c.addSession({ kind: "opm", SessionID: "40_7", SessionGuid: "a1b2c3d4-0000-4000-8000-000000000003", user: "bops", safe: "Linux-Servers", start: 1_700_000_200 });
}
