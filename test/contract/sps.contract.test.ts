/**
 * SPS REST contract: the vendor facts the provider relies on, checked with plain HTTP (no provider code).
 * It runs against the emulator in `npm test`. To check the emulator's claims against a real appliance
 * (a lab one: it creates and deletes a local user named `pulumi-pam-contract-*`), set
 * SPS_CONTRACT_URL, SPS_CONTRACT_USERNAME, SPS_CONTRACT_PASSWORD and optionally SPS_CONTRACT_CA (PEM path).
 */
import * as fs from "fs";
import { Agent, request } from "undici";
import { createSpsEmulator, type SpsEmulator } from "../emulators/sps";
import { SpsTestClient } from "../emulators/sps/test-client";

const REAL = process.env.SPS_CONTRACT_URL;
const USERS = "/api/configuration/aaa/local_database/users";

interface Target {
  url: string;
  username: string;
  password: string;
  agent?: Agent;
  close(): Promise<void>;
}

async function target(): Promise<Target> {
  if (REAL) {
    const ca = process.env.SPS_CONTRACT_CA ? fs.readFileSync(process.env.SPS_CONTRACT_CA, "utf8") : undefined;
    const agent = new Agent({ connect: ca ? { ca } : {} });
    return { url: REAL, username: process.env.SPS_CONTRACT_USERNAME ?? "", password: process.env.SPS_CONTRACT_PASSWORD ?? "", agent, close: () => agent.close() };
  }
  const emu: SpsEmulator = await createSpsEmulator({ users: [{ name: "admin", password: "contract-admin-pw" }] });
  return { url: emu.url, username: "admin", password: "contract-admin-pw", close: () => emu.close() };
}

/** A REST session with the cookie from the login (the suite's one raw SPS client). */
async function session(t: Target) {
  const c = new SpsTestClient(t.url, t.agent);
  const login = await c.login(t.username, t.password);
  const call = async (method: "GET" | "POST" | "PUT" | "DELETE", path: string, body?: unknown) => {
    const r = await c.send(method, path, body ?? (method === "POST" ? {} : undefined));
    return { status: r.status, json: typeof r.body === "object" ? r.body : undefined };
  };
  return { loginStatus: login.status, cookie: c.cookie, call };
}

const statusOf = (t: any): string | undefined => t?.body?.status ?? t?.transaction?.status;
const refKey = (p: unknown): string | undefined => (typeof p === "string" ? p : (p as { key?: string } | undefined)?.key);

describe(`SPS REST contract (${REAL ? "real appliance" : "emulator"})`, () => {
  let t: Target;
  let s: Awaited<ReturnType<typeof session>>;
  const name = `pulumi-pam-contract-${Date.now().toString(36)}`;
  beforeAll(async () => {
    t = await target();
    s = await session(t);
  });
  afterAll(async () => {
    // Best-effort cleanup on a real appliance: roll back anything open.
    await s?.call("DELETE", "/api/transaction").catch(() => undefined);
    await t?.close();
  });

  it("logs in with Basic and keeps a 40-hex session_id cookie; refuses requests without it", async () => {
    expect(s.loginStatus).toBe(200);
    expect(s.cookie).toMatch(/^[0-9a-f]{40}$/); // the session_id value
    const anon = await request(`${t.url}${USERS}`, { dispatcher: t.agent });
    await anon.body.text();
    expect(anon.statusCode).toBe(401);
  });

  it("stages a user in a transaction, shows it only to this session, and rolls it back", async () => {
    expect((await s.call("POST", "/api/transaction")).status).toBeLessThan(300);
    expect(statusOf((await s.call("GET", "/api/transaction")).json)).toBe("open");
    const pw = await s.call("POST", "/api/configuration/passwords", { plain: "Contract-pw-1!" });
    expect(pw.status).toBeLessThan(300);
    expect(typeof pw.json?.key).toBe("string");
    const user = await s.call("POST", USERS, { name, password: pw.json.key });
    expect(user.status).toBeLessThan(300);
    const got = await s.call("GET", `${USERS}/${user.json.key}`);
    expect(got.json?.body?.name).toBe(name);
    expect(refKey(got.json?.body?.password)).toBe(pw.json.key); // a key string or {key, meta}
    const other = await session(t); // [INF] other sessions read the committed configuration (SPS REST API guide, "Open a transaction")
    expect((await other.call("GET", `${USERS}/${user.json.key}`)).status).toBe(404);
    expect((await s.call("DELETE", "/api/transaction")).status).toBeLessThan(300);
    expect((await s.call("GET", `${USERS}/${user.json.key}`)).status).toBe(404);
  });

  it("commits a user, then deletes it in a second transaction", async () => {
    await s.call("POST", "/api/transaction");
    const pw = await s.call("POST", "/api/configuration/passwords", { plain: "Contract-pw-2!" });
    const user = await s.call("POST", USERS, { name, password: pw.json.key });
    expect((await s.call("PUT", "/api/transaction", { status: "commit" })).status).toBeLessThan(300);
    expect(statusOf((await s.call("GET", "/api/transaction")).json)).toBe("closed");
    expect((await s.call("GET", `${USERS}/${user.json.key}`)).json?.body?.name).toBe(name);
    await s.call("POST", "/api/transaction");
    expect((await s.call("DELETE", `${USERS}/${user.json.key}`)).status).toBeLessThan(300);
    expect((await s.call("PUT", "/api/transaction", { status: "commit" })).status).toBeLessThan(300);
    expect((await s.call("GET", `${USERS}/${user.json.key}`)).status).toBe(404);
  });

  it("refuses to reference one password object twice with 400 SemanticError and keeps the transaction open", async () => {
    await s.call("POST", "/api/transaction");
    const pw = await s.call("POST", "/api/configuration/passwords", { plain: "Contract-pw-3!" });
    await s.call("POST", USERS, { name: `${name}-a`, password: pw.json.key });
    await s.call("POST", USERS, { name: `${name}-b`, password: pw.json.key });
    const commit = await s.call("PUT", "/api/transaction", { status: "commit" });
    expect(commit.status).toBe(400);
    expect(commit.json?.error?.type).toBe("SemanticError");
    expect(statusOf((await s.call("GET", "/api/transaction")).json)).toBe("open");
    expect((await s.call("DELETE", "/api/transaction")).status).toBeLessThan(300);
  });

  it("does not list password objects", async () => {
    expect((await s.call("GET", "/api/configuration/passwords")).status).toBe(405);
  });
});
