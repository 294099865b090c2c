import * as fs from "fs";
import * as path from "path";
import { CyberArkClient, listLiveSessions, suspendLiveSession } from "../../provider/cyberark";
import { SenhaseguraClient } from "../../provider/senhasegura/client";
import { dropSession, listRemoteSessions } from "../../provider/senhasegura/sessions";
import { SpsClient, USERS } from "../../provider/sps/client";
import { runCli } from "../cli/helpers";
import { PW, startPvwa } from "../cyberark/helpers";
import { TLS_DIR } from "../emulators/common/server";
import { createSenhaseguraEmulator } from "../emulators/senhasegura";
import type { Deployment, OperationResult } from "../harness/engine";
import { isSecret } from "../harness/values";
import { ACTIVE, OAUTH2, startEmulator } from "../senhasegura/helpers";
import { ADMIN_PASSWORD, spsFixture, type SpsFixture } from "../sps/fixture";

const CA = path.join(TLS_DIR, "ca.pem");

/**
 * Every form in which a secret could show up: raw, base64 (also inside Basic credentials), URL- and
 * JSON-encoded, `\u`-escaped, and what an error excerpt makes of it (whitespace collapsed, tags stripped).
 */
function leakForms(secret: string): string[] {
  const b64 = (s: string) => Buffer.from(s).toString("base64").replace(/=+$/, "");
  const strictUrl = encodeURIComponent(secret).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const uEscaped = [...secret].map((ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`).join("");
  const collapsed = secret.replace(/\s+/g, " ");
  const tagStripped = secret.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim();
  const forms = [secret, b64(secret), encodeURIComponent(secret), strictUrl, JSON.stringify(secret).slice(1, -1), uEscaped, collapsed, tagStripped];
  return [...new Set(forms.filter((f) => f.length >= 6))];
}

function hideSecretWrappers(v: unknown): unknown {
  if (isSecret(v)) return "[secret]";
  if (Array.isArray(v)) return v.map(hideSecretWrappers);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, hideSecretWrappers(x)]));
  return v;
}

/** Everything a user, a log collector or a state backend could see, by source. */
class Observed {
  private readonly texts: { source: string; text: string }[] = [];
  add(source: string, text: unknown): void {
    this.texts.push({ source, text: typeof text === "string" ? text : JSON.stringify(text) });
  }
  /** An error as a user or a crash reporter sees it: message, stack, own properties, the cause chain. */
  error(source: string, e: unknown): void {
    for (let cur = e, depth = 0; cur && depth < 6; cur = (cur as { cause?: unknown }).cause, depth++) {
      if (!(cur instanceof Error)) {
        this.add(`${source} (thrown value)`, cur);
        break;
      }
      this.add(`${source} message/stack`, `${cur.message}\n${cur.stack ?? ""}`);
      this.add(`${source} properties`, JSON.stringify(cur, Object.getOwnPropertyNames(cur).filter((k) => k !== "cause")));
    }
  }
  operation(source: string, d: Deployment, r: OperationResult, stateFile: string): void {
    this.add(`${source} failures`, r.failures);
    // Outputs marked secret are the engine's business (encrypted in state); a plain output holding a secret is a leak.
    this.add(`${source} outputs (non-secret parts)`, hideSecretWrappers(r.outputs));
    this.add(`${source} summary`, d.format(r));
    this.add(`${source} host stderr`, d.lastHost?.stderr.join("") ?? "");
    this.add(`${source} host stdout`, d.lastHost?.stdout.join("") ?? "");
    this.add(`${source} state file`, fs.readFileSync(stateFile, "utf8"));
  }
  get size(): number {
    return this.texts.length;
  }
  /** "<source>: secret #i" for every hit; the secret itself is not printed. */
  leaks(secrets: string[]): string[] {
    const hits: string[] = [];
    secrets.forEach((s, i) => {
      for (const f of leakForms(s)) for (const t of this.texts) if (t.text.includes(f)) hits.push(`${t.source}: secret #${i}`);
    });
    return [...new Set(hits)];
  }
}

describe("secret-leak scan", () => {
  it("finds the planted secret in every form it checks (the scan itself works)", () => {
    const o = new Observed();
    o.add("a", "Basic " + Buffer.from("admin:Pl4nted!").toString("base64"));
    o.add("b", "pw=Pl4nted%21x");
    o.add("c", new Error("boom").stack);
    // "admin:" is 6 bytes, so the password's own base64 is aligned inside the Basic credential too.
    expect(o.leaks(["Pl4nted!"])).toEqual(["a: secret #0", "b: secret #0"]);
    expect(o.leaks(["admin:Pl4nted!"])).toEqual(["a: secret #0"]);
  });

  describe("SPS resources through the harness", () => {
    let fx: SpsFixture;
    afterEach(() => fx.close());

    it("keeps admin and user passwords out of state, host output, failures and summaries across up, refresh, failures and destroy", async () => {
      fx = await spsFixture();
      const secrets = [ADMIN_PASSWORD, "Us3r-Alpha-Secret!", "Us3r-Beta/Secret+=", "Us3r-Gamma-Secret?&", "Us3r-Delta-Secret"];
      const o = new Observed();
      const d = () => fx.deployment();
      const run = async (label: string, f: (x: Deployment) => Promise<OperationResult>) => {
        const dep = d();
        o.operation(label, dep, await f(dep), fx.stateFile);
      };
      await run("up", (x) => x.up([fx.user("alpha", secrets[1]), fx.user("beta", secrets[2]), fx.group("team", ["alpha", "beta"])]));
      await run("refresh", (x) => x.refresh());
      // A failing commit (HTML gateway page), a failing check (bad name) and a password change.
      fx.emu.faults.plan("PUT /api/transaction", { kind: "html", status: 502, html: "<title>Bad Gateway</title>" });
      await run("failed up", (x) => x.up([fx.user("alpha", secrets[3]), fx.user("beta", secrets[2]), fx.user("bad", secrets[4], { name: " bad" }), fx.group("team", ["alpha"])]));
      await run("up", (x) => x.up([fx.user("alpha", secrets[3]), fx.user("beta", secrets[2]), fx.group("team", ["alpha"])]));
      await run("destroy", (x) => x.destroy());
      o.add("emulator request log", fx.emu.log.entries);
      expect(o.size).toBeGreaterThan(25);
      expect(o.leaks(secrets)).toEqual([]);
    });
  });

  it("keeps SPS passwords and the session cookie out of debug logs and errors (client with a debug log)", async () => {
    const fx = await spsFixture();
    const o = new Observed();
    const lines: string[] = [];
    const userPw = "Cl13nt-User-Secret!";
    const client = new SpsClient({ url: fx.emu.url, allowHttp: true, username: "admin", password: ADMIN_PASSWORD }, { log: (l) => lines.push(l) });
    try {
      await client.openTransaction();
      const pw = await client.createPassword(userPw);
      await client.createItem(USERS, { name: "leaky", password: pw });
      fx.emu.controls.failNextCommit({ status: 500 });
      await client.commit().catch((e) => o.error("commit error", e));
      await client.createItem(USERS, { name: "", password: pw }).catch((e) => o.error("bad item error", e));
      await client.rollback();
      const cookie = (await client.http.cookie("session_id"))!;
      expect(cookie).toMatch(/^[0-9a-f]{40}$/);
      const wrong = new SpsClient({ url: fx.emu.url, allowHttp: true, username: "admin", password: "Wr0ng-Admin-Pw!" }, { log: (l) => lines.push(l) });
      await wrong.login().catch((e) => o.error("login error", e));
      await wrong.close();
      o.add("debug log", lines.join("\n"));
      expect(lines.length).toBeGreaterThan(5);
      expect(o.leaks([ADMIN_PASSWORD, userPw, cookie, "Wr0ng-Admin-Pw!", `admin:${ADMIN_PASSWORD}`])).toEqual([]);
    } finally {
      await client.close();
      await fx.close();
    }
  });

  it("keeps the CyberArk password and token out of debug logs, outcomes and errors", async () => {
    const emu = await startPvwa();
    const o = new Observed();
    const lines: string[] = [];
    const client = new CyberArkClient(emu.conn("suspender"), { log: (l) => lines.push(l) });
    try {
      o.add("list", await listLiveSessions(client));
      o.add("suspend", await suspendLiveSession(client, "31_24"));
      emu.faults.plan(/^POST .*\/Resume$/, { kind: "html", status: 500 });
      o.add("suspend again", await suspendLiveSession(client, "31_24"));
      const token = (client as unknown as { token?: string }).token!;
      expect(token.length).toBeGreaterThan(8);
      emu.controls.expireTokens();
      o.add("after expiry", await listLiveSessions(client));
      const newToken = (client as unknown as { token?: string }).token!;
      const wrong = new CyberArkClient({ ...emu.conn("suspender"), password: "Wr0ng-Pvwa-Pw!" }, { log: (l) => lines.push(l) });
      await listLiveSessions(wrong).catch((e) => o.error("logon error", e));
      await wrong.close();
      o.add("debug log", lines.join("\n"));
      o.add("emulator request log", emu.log.entries);
      expect(lines.length).toBeGreaterThan(5);
      expect(o.leaks([PW.suspender, token, newToken, "Wr0ng-Pvwa-Pw!"])).toEqual([]);
    } finally {
      await client.close();
      await emu.close();
    }
  });

  it("keeps the senhasegura client secret and access token out of debug logs, outcomes and errors", async () => {
    const emu = await startEmulator();
    const o = new Observed();
    const lines: string[] = [];
    const client = new SenhaseguraClient({ url: emu.url, allowHttp: true, ...OAUTH2 }, { log: (l) => lines.push(l), now: () => emu.clock.now(), retry: { baseDelayMs: 1, maxDelayMs: 5 } });
    try {
      o.add("list", await listRemoteSessions(client));
      const token = (client as unknown as { tokens: { token?: { value: string } } }).tokens.token!.value;
      expect(token.length).toBeGreaterThan(8);
      emu.controls.unexpectedErrorNext("DELETE /iso/session/drop");
      o.add("failed drop", await dropSession(client, ACTIVE));
      emu.controls.revokeTokens();
      o.add("drop", await dropSession(client, ACTIVE));
      const wrong = new SenhaseguraClient({ url: emu.url, allowHttp: true, clientId: OAUTH2.clientId, clientSecret: "Wr0ng-Client-Secret" }, { log: (l) => lines.push(l) });
      const denied = await listRemoteSessions(wrong);
      o.add("denied", denied);
      if ("error" in denied) o.error("denied error", denied.error);
      await wrong.close();
      o.add("debug log", lines.join("\n"));
      o.add("emulator request log", emu.log.entries);
      expect(lines.length).toBeGreaterThan(3);
      expect(o.leaks([OAUTH2.clientSecret, token, "Wr0ng-Client-Secret", `${OAUTH2.clientId}:${OAUTH2.clientSecret}`])).toEqual([]);
    } finally {
      await client.close();
      await emu.close();
    }
  });

  it("keeps a password echoed in error bodies out of errors in every form, and never quotes an authentication answer", async () => {
    // A password with everything an excerpt transforms: tags, runs of white space, quotes, non-ASCII.
    const ECHO_PW = 'Ech0  <b>Pw</b> "\u00fc" 9137-tail';
    const PLAIN_TOKEN = "PlainT0ken-5f4e3d2c1b0a99887766";
    const FORM_TOKEN = "FormT0ken-a1b2c3d4e5f60718293a";
    const emu = await startPvwa();
    const senha = await startEmulator();
    const o = new Observed();
    const lines: string[] = [];
    emu.controls.addUser({ username: "echo", password: ECHO_PW });
    const client = new CyberArkClient({ ...emu.conn("suspender"), username: "echo", password: ECHO_PW }, { log: (l) => lines.push(l) });
    try {
      const html = (inner: string) => ({ kind: "html" as const, status: 500, html: `<html><head><title>Server Error</title></head><body>${inner}</body></html>` });
      const bodies = [
        // The echo starts just before the 200-character excerpt cut-off: only its first characters fit.
        html(`<p>${"x".repeat(183)} ${ECHO_PW}</p>`),
        // Tag-stripped and whitespace-collapsed in the middle of the page.
        html(`<div>refused: ${ECHO_PW} (policy)</div>`),
        // HTML-escaped.
        html(`<div>refused: ${ECHO_PW.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")}</div>`),
        // JSON off the vendor's error model, every character \u-escaped.
        { kind: "status" as const, status: 500, contentType: "application/json", body: `{"detail":"${[...ECHO_PW].map((ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`).join("")}"}` },
      ];
      for (const [i, b] of bodies.entries()) {
        emu.faults.plan(/^GET .*\/API\/LiveSessions/, b);
        await listLiveSessions(client).then(
          () => o.add(`echo ${i}`, "no error"),
          (e) => o.error(`echo ${i}`, e),
        );
      }
      // A logon answered 200 text/plain: the body may be the token itself.
      emu.faults.plan(/^POST .*\/Logon$/i, { kind: "status", status: 200, contentType: "text/plain", body: PLAIN_TOKEN });
      const fresh = new CyberArkClient(emu.conn("suspender"), { log: (l) => lines.push(l) });
      await listLiveSessions(fresh).then(() => o.add("plain logon", "no error"), (e) => o.error("plain logon", e));
      await fresh.close();
      // A senhasegura token endpoint answering form-encoded.
      senha.faults.plan("POST /iso/oauth2/token", { kind: "status", status: 200, contentType: "application/x-www-form-urlencoded", body: `access_token=${FORM_TOKEN}&token_type=bearer` });
      const ss = new SenhaseguraClient({ url: senha.url, allowHttp: true, ...OAUTH2 }, { log: (l) => lines.push(l), now: () => senha.clock.now() });
      const listed = await listRemoteSessions(ss);
      o.add("form token", listed);
      if ("error" in listed) o.error("form token error", listed.error);
      await ss.close();
      o.add("debug log", lines.join("\n"));
      expect(o.size).toBeGreaterThan(10);
      // The whole password, any half of it that an excerpt cut-off would leave, and both tokens.
      const half = ECHO_PW.slice(0, 8);
      expect(o.leaks([ECHO_PW, half, "Ech0 Pw", PLAIN_TOKEN, FORM_TOKEN])).toEqual([]);
      // The errors are still useful: the status and what kind of answer came back.
      const texts = JSON.stringify(o);
      expect(texts).toContain("body not shown: it is an authentication answer");
      expect(texts.match(/GET \/PasswordVault\/API\/LiveSessions[^:]*: 500/g)?.length).toBeGreaterThanOrEqual(4);
    } finally {
      await client.close();
      await emu.close();
      await senha.close();
    }
  });

  it("keeps secrets out of the pam-session CLI's stdout and --verbose stderr, also on failures", async () => {
    const pvwa = await startPvwa();
    const senha = await createSenhaseguraEmulator({ tls: true, oauth2Clients: [OAUTH2], sessions: [{ id: "3", sessionId: ACTIVE, user: "alice" }] });
    const o = new Observed();
    try {
      const ca = { CYBERARK_URL: pvwa.url, CYBERARK_USERNAME: "suspender", CYBERARK_PASSWORD: PW.suspender, CYBERARK_CA_CERTIFICATES: CA };
      const ss = { SENHASEGURA_URL: senha.url, SENHASEGURA_CLIENT_ID: OAUTH2.clientId, SENHASEGURA_CLIENT_SECRET: OAUTH2.clientSecret, SENHASEGURA_CA_CERTIFICATES: CA };
      const runs = [
        await runCli(["suspend", "--target", "cyberark", "--id", "31_24", "--id", "99_99", "--verbose", "--json"], ca),
        await runCli(["list", "--target", "cyberark", "--verbose"], { ...ca, CYBERARK_PASSWORD: "Wr0ng-Cli-Pw!" }),
        await runCli(["list", "--target", "senhasegura", "--verbose", "--json"], ss),
        await runCli(["terminate", "--target", "senhasegura", "--id", ACTIVE, "--verbose"], ss),
        await runCli(["list", "--target", "senhasegura", "--verbose"], { ...ss, SENHASEGURA_CLIENT_SECRET: "Wr0ng-Cli-Secret" }),
      ];
      runs.forEach((r, i) => o.add(`cli run ${i}`, `${r.stdout}\n${r.stderr}`));
      expect(runs.map((r) => r.code)).toEqual([3, expect.any(Number), 0, 0, expect.any(Number)]);
      expect(runs[0].stderr.length).toBeGreaterThan(0); // --verbose wrote the debug log
      expect(o.leaks([PW.suspender, "Wr0ng-Cli-Pw!", OAUTH2.clientSecret, "Wr0ng-Cli-Secret"])).toEqual([]);
    } finally {
      await pvwa.close();
      await senha.close();
    }
  });
});
