import * as path from "path";
import { TLS_DIR } from "../emulators/common/server";
import type { FaultAction } from "../emulators/common/faults";
import type { Deployment, OperationResult } from "../harness/engine";
import { spsFixture, type SpsFixture } from "../sps/fixture";
import { assertStateMatchesSps } from "./sps-state";

// One case per failure point. Examples of the coordinator's behaviour (lock held by a web-UI admin,
// culprit named or found by bisection, session expiry during staging, LDAP refusal) live in
// test/sps/transactions.test.ts; the bisection bound for any batch size and random convergence in
// convergence.property.test.ts.

const USERS = "/api/configuration/aaa/local_database/users";
const GATEWAY_PAGE =
  "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1><p>The proxy server received an invalid response from an upstream server.</p><hr><address>nginx</address></body></html>";

const count = (fx: SpsFixture, method: string, p: string) => fx.emu.log.entries.filter((e) => e.method === method && e.path === p).length;
const ops = (r: OperationResult) => r.steps.filter((s) => s.op !== "same").map((s) => `${s.op}:${s.name}`).sort();

interface FailingCase {
  what: string;
  inject(fx: SpsFixture): void;
  /** Every failure message of the failing up (a user sees each one under its resource). */
  message: RegExp;
  /** What the failing up sent, for "not blindly retried" claims. */
  sent?: (fx: SpsFixture) => void;
}

describe("SPS fault matrix through the harness: a failing up, then one that converges", () => {
  let fx: SpsFixture;
  afterEach(() => fx.close());

  const desired = (f: SpsFixture) => [f.user("f1", "pw-f1-x"), f.user("f2", "pw-f2-x"), f.group("fg", ["f1", "f2"])];

  const cases: FailingCase[] = [
    {
      what: "a commit refused with 503 is not resent (commits are not idempotent)",
      inject: (f) => f.emu.controls.failNextCommit({ status: 503, type: "ServiceUnavailable", message: "The configuration service is restarting." }),
      message: /^SPS local user "f[12]": sps PUT \/api\/transaction: 503 ServiceUnavailable The configuration service is restarting\.$/,
      sent: (f) => expect(count(f, "PUT", "/api/transaction")).toBe(1),
    },
    {
      what: "a user POST answered 503 is not blindly retried",
      inject: (f) => f.emu.faults.failNext(`POST ${USERS}`, 503),
      message: /^SPS local user "f[12]": sps POST \/api\/configuration\/aaa\/local_database\/users: 503\b/,
      sent: (f) => expect(count(f, "POST", USERS)).toBe(1),
    },
    {
      what: "an HTML gateway page on commit shows its status and an excerpt",
      inject: (f) => f.emu.faults.plan("PUT /api/transaction", { kind: "html", status: 502, html: GATEWAY_PAGE }),
      message: /^SPS local user "f[12]": sps PUT \/api\/transaction: 502 502 Bad Gateway: Bad Gateway The proxy server received an invalid response from an upstream server\. nginx$/,
      sent: (f) => expect(count(f, "PUT", "/api/transaction")).toBe(1),
    },
    {
      what: "a plain-text 500 on the password object shows the text",
      inject: (f) => f.emu.faults.plan("POST /api/configuration/passwords", { kind: "status", status: 500, body: "Internal error: worker crashed", contentType: "text/plain" }),
      message: /^SPS local user "f[12]": sps POST \/api\/configuration\/passwords: 500 Internal error: worker crashed$/,
    },
  ];

  it.each(cases)("$what", async (c) => {
    fx = await spsFixture();
    c.inject(fx);
    const failed = await fx.deployment().up(desired(fx));
    expect(failed.failures.map((f) => f.name).sort()).toEqual(["f1", "f2"]);
    for (const f of failed.failures) expect(f.message).toMatch(c.message);
    c.sent?.(fx);
    expect(fx.emu.snapshot().transaction.open).toBe(false); // rolled back: web-UI admins are not locked out
    assertStateMatchesSps(fx.deployment(), fx.emu);

    const next = await fx.deployment().up(desired(fx));
    expect(next.failures).toEqual([]);
    expect(ops(next)).toEqual(["create:f1", "create:f2", "create:fg"]);
    assertStateMatchesSps(fx.deployment(), fx.emu);
  });
});

describe("SPS fault matrix through the harness: faults the provider rides out", () => {
  let fx: SpsFixture;
  afterEach(() => fx.close());

  interface RecoveredCase {
    what: string;
    plan: [match: string, action: FaultAction, opts?: { times?: number; after?: number }][];
    check(fx: SpsFixture): void;
  }
  const cases: RecoveredCase[] = [
    {
      what: "a 503 on a GET is retried by the HTTP core and the up succeeds",
      plan: [["GET /api/configuration/aaa/settings", { kind: "status", status: 503 }]],
      check: (f) => expect(count(f, "GET", "/api/configuration/aaa/settings")).toBe(2),
    },
    {
      what: "an HTML 502 from a gateway on a GET is retried and the up succeeds",
      plan: [["GET /api/configuration/aaa/settings", { kind: "html", status: 502, html: GATEWAY_PAGE }]],
      check: (f) => expect(count(f, "GET", "/api/configuration/aaa/settings")).toBe(2),
    },
    {
      what: "the session expires just before the commit: log in again, restage, commit once",
      plan: [["PUT /api/transaction", { kind: "call", fn: () => fx.emu.controls.expireAllSessions() }]],
      check: (f) => {
        expect(count(f, "GET", "/api/authentication")).toBe(2);
        // the refused commit (401) and the one that applied, for the users' wave; one for the group
        expect(f.emu.log.entries.filter((e) => e.method === "PUT" && e.path === "/api/transaction").map((e) => e.status)).toEqual([401, 200, 200]);
      },
    },
    {
      what: "the connection drops after each commit was applied: users and group are checked on SPS, not resent",
      plan: [["PUT /api/transaction", { kind: "drop-after" }, { times: 2 }]],
      check: (f) => expect(count(f, "PUT", "/api/transaction")).toBe(2),
    },
  ];

  it.each(cases)("$what", async (c) => {
    fx = await spsFixture();
    for (const [m, a, o] of c.plan) fx.emu.faults.plan(m, a, o);
    const desired = [fx.user("r1", "pw-r1-x"), fx.user("r2", "pw-r2-x"), fx.group("rg", ["r1", "r2"])];
    const r = await fx.deployment().up(desired);
    expect(r.failures).toEqual([]);
    c.check(fx);
    assertStateMatchesSps(fx.deployment(), fx.emu);
    const again = await fx.deployment().up(desired, { preview: true });
    expect(ops(again)).toEqual([]);
  });
});

describe("SPS timeouts (sps:requestTimeoutMs) through the harness", () => {
  let fx: SpsFixture;
  afterEach(() => fx.close());

  it("fails with a message naming the setting when a read answers later than requestTimeoutMs", async () => {
    fx = await spsFixture();
    fx.emu.faults.plan("GET /api/configuration/aaa/settings", { kind: "delay", ms: 1500 });
    const r = await fx.deployment({ config: { "sps:requestTimeoutMs": "300" } }).up([fx.user("t1", "pw-t1-x")]);
    // Reads before staging are not labelled with the resource: the harness (and the CLI) show them under it.
    expect(r.failures.map((f) => f.message)).toEqual([
      "sps GET /api/configuration/aaa/settings: no complete answer within 300 ms (sps:requestTimeoutMs / SPS_REQUEST_TIMEOUT_MS)",
    ]);
    assertStateMatchesSps(fx.deployment(), fx.emu);
    const next = await fx.deployment({ config: { "sps:requestTimeoutMs": "300" } }).up([fx.user("t1", "pw-t1-x")]);
    expect(next.failures).toEqual([]);
    assertStateMatchesSps(fx.deployment(), fx.emu);
  });

  it("treats a commit answered after requestTimeoutMs as an unknown outcome and ends with exactly one copy", async () => {
    fx = await spsFixture();
    fx.emu.faults.plan("PUT /api/transaction", { kind: "delay", ms: 800 });
    const r = await fx.deployment({ config: { "sps:requestTimeoutMs": "300" } }).up([fx.user("t2", "pw-t2-x"), fx.user("t3", "pw-t3-x")]);
    // Let the delayed commit finish on the emulator before judging the final state.
    await fx.emu.log.answered(/^PUT \/api\/transaction$/, fx.emu.log.count(/^PUT \/api\/transaction$/));
    expect(r.failures).toEqual([]);
    assertStateMatchesSps(fx.deployment(), fx.emu);
    expect(fx.emu.snapshot().users.map((u) => u.name).sort()).toEqual(["admin", "t2", "t3"]);
  });

  it("rejects a requestTimeoutMs that is not a positive number, naming the key", async () => {
    fx = await spsFixture();
    const r = await fx.deployment({ config: { "sps:requestTimeoutMs": "soon" } }).up([fx.user("t4", "pw-t4-x")]);
    expect(r.failures[0].message).toMatch(/sps:requestTimeoutMs \/ SPS_REQUEST_TIMEOUT_MS: is not valid: use a whole number between 1 and \d+, got "soon" \(invalid SPS provider configuration\)/);
    expect(fx.emu.log.entries).toEqual([]);
  });
});

describe("SPS TLS through the harness (stack config sps:caCertificates)", () => {
  let fx: SpsFixture;
  afterEach(() => fx.close());

  const tlsUp = (d: Deployment) => d.up([fx.user("tls1", "pw-tls1-x"), fx.group("tlsg", ["tls1"])]);

  it("refuses an appliance whose certificate the configured bundle does not verify, naming caCertificates", async () => {
    fx = await spsFixture({ tls: true });
    const r = await tlsUp(fx.deployment({ config: { "sps:caCertificates": path.join(TLS_DIR, "other-ca.pem") } }));
    expect(r.failures.map((f) => f.name)).toEqual(["tls1"]);
    expect(r.failures[0].message).toMatch(
      /^sps GET \/api\/authentication: the TLS certificate of https:\/\/127\.0\.0\.1:\d+ is not trusted \(\w+\); the configured caCertificates bundle does not verify it: set caCertificates to the CA that issued the appliance certificate \(PEM text or file path\)$/,
    );
    expect(fx.emu.log.entries).toEqual([]); // nothing reached the appliance
    assertStateMatchesSps(fx.deployment(), fx.emu);
  });

  it.each([
    ["a file path", () => path.join(TLS_DIR, "ca.pem")],
    ["PEM text", () => require("fs").readFileSync(path.join(TLS_DIR, "ca.pem"), "utf8") as string],
  ])("applies over HTTPS when caCertificates is the right CA as %s", async (_how, ca) => {
    fx = await spsFixture({ tls: true });
    const r = await tlsUp(fx.deployment({ config: { "sps:caCertificates": ca() } }));
    expect(r.failures).toEqual([]);
    expect(fx.emu.url).toMatch(/^https:/);
    assertStateMatchesSps(fx.deployment(), fx.emu);
  });

  it("refuses an HTTPS appliance without caCertificates, saying how to fix it", async () => {
    fx = await spsFixture({ tls: true });
    const r = await tlsUp(fx.deployment());
    expect(r.failures[0].message).toMatch(/is not trusted \(\w+\); set caCertificates to the appliance's CA certificate \(PEM text or file path\)/);
    assertStateMatchesSps(fx.deployment(), fx.emu);
  });
});

describe("SPS commit applied but the answer lost, and the check afterwards fails too", () => {
  let fx: SpsFixture;
  afterEach(() => fx.close());

  const lostCommitAndCheck = (f: SpsFixture) => {
    f.emu.controls.dropAfterNextCommit();
    f.emu.faults.plan("GET /api/transaction", { kind: "drop-before" }, { times: 3 });
    // Every retry of the read-back; the first two user reads are staging's (the user listing and the
    // admin user), which looks for a name clash before anything is written.
    f.emu.faults.plan(`GET ${USERS}`, { kind: "drop-before" }, { times: 6, after: 2 });
  };

  it("reports the lost read-back to the user under each resource", async () => {
    fx = await spsFixture();
    lostCommitAndCheck(fx);
    const r = await fx.deployment().up([fx.user("o1", "pw-o1-x"), fx.user("o2", "pw-o2-x"), fx.group("og", ["o1", "o2"])]);
    expect(r.failures.map((f) => f.message).sort()).toEqual(
      ["o1", "o2"].map((n) =>
        expect.stringMatching(
          new RegExp(`^SPS local user "${n}": the connection broke during the commit and SPS could not be read back \\(sps GET ${USERS}: connection to http://127\\.0\\.0\\.1:\\d+ was closed before a complete answer\\); the change may have been applied\\. The next pulumi up checks it on SPS and completes it\\.$`),
        ),
      ),
    );
    expect(count(fx, "PUT", "/api/transaction")).toBe(1); // never committed blindly a second time
  });

  // The users were committed but the provider could not confirm it: they are recorded as partial creates
  // under the keys SPS gave them, and the next up completes them instead of colliding with orphans.
  it("converges on the next up with no duplicates and no orphan", async () => {
    fx = await spsFixture();
    lostCommitAndCheck(fx);
    const desired = () => [fx.user("o1", "pw-o1-x"), fx.user("o2", "pw-o2-x"), fx.group("og", ["o1", "o2"])];
    const first = await fx.deployment().up(desired());
    expect(first.failures).toHaveLength(2);
    // Recorded as partial creates under the keys SPS gave them (what the engine does with ErrorResourceInitFailed).
    expect(fx.deployment().state.get("o1")!.initErrors).toHaveLength(1);
    fx.emu.faults.clear(); // the network is back
    const next = await fx.deployment().up(desired());
    expect(next.failures).toEqual([]);
    assertStateMatchesSps(fx.deployment(), fx.emu);
  });
});
