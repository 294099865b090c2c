/** Unit tests of the SPS coordinator with a fake client and fake timers: deterministic, no real waits. */
import { batchDelay, selectBatch } from "../../provider/sps/batching";
import { SpsCoordinator } from "../../provider/sps/coordinator";
import { SpsCommitUnknownError } from "../../provider/sps/errors";
import { ROLLBACK_ATTEMPTS } from "../../provider/sps/transaction";
import { FakeClient, FakeSps, FakeTimers, createOp, tuning } from "./coordinator-fakes";

const CONN = { url: "https://sps.example.com", username: "admin", password: "pw" };

function setup(o: Parameters<typeof tuning>[0] = {}) {
  const sps = new FakeSps();
  const timers = new FakeTimers();
  const logs: string[] = [];
  const coordinator = new SpsCoordinator<FakeClient>(tuning(o), { newClient: () => new FakeClient(sps), timers, log: (m) => logs.push(m) });
  const session = coordinator.session(CONN, "admin");
  /** Submits creates of `names` at the current fake time; results settle as the timers run. */
  const submit = (names: string[], opts: { atomic?: boolean } = {}) =>
    names.map((n) => session.submit(createOp(n, opts)).then((v) => ({ ok: v }), (e: Error) => ({ error: e })));
  const count = (m: string) => sps.log.filter((x) => x.startsWith(m)).length;
  return { sps, timers, logs, coordinator, session, submit, count };
}

describe("batching policy (pure)", () => {
  const policy = { batchWindowMs: 50, batchWindowCapMs: 250, batchSize: 4 };
  const q = (n: number, session = "a") => Array.from({ length: n }, () => ({ session }));

  it("waits a quiet window after the latest arrival, capped from the window's opening", () => {
    expect(batchDelay(policy, q(1), { openedAt: 0, lastArrivalAt: 0 }, 0)).toBe(50);
    expect(batchDelay(policy, q(2), { openedAt: 0, lastArrivalAt: 40 }, 40)).toBe(50);
    expect(batchDelay(policy, q(3), { openedAt: 0, lastArrivalAt: 230 }, 230)).toBe(20); // cap at 250
    expect(batchDelay(policy, q(0), { openedAt: 0, lastArrivalAt: 0 }, 0)).toBe(Infinity);
  });

  it("starts at once when a batch is full or the oldest operation is atomic", () => {
    expect(batchDelay(policy, q(4), { openedAt: 0, lastArrivalAt: 0 }, 0)).toBe(0);
    expect(batchDelay(policy, [{ session: "a", atomic: true }], { openedAt: 0, lastArrivalAt: 0 }, 0)).toBe(0);
  });

  it("arrivals during a commit wait a fresh window opened when the commit ends", () => {
    // The coordinator passes openedAt = end of the commit (t = 1000) for operations queued during it.
    expect(batchDelay(policy, q(2), { openedAt: 1000, lastArrivalAt: 1000 }, 1000)).toBe(50);
  });

  it("selects one session's operations, oldest first, up to the batch size; an atomic one alone", () => {
    const mixed = [{ session: "a" }, { session: "b" }, { session: "a" }, { session: "a", atomic: true }, { session: "a" }];
    expect(selectBatch(mixed, 10)).toEqual([0, 2, 4]);
    expect(selectBatch(mixed, 2)).toEqual([0, 2]);
    expect(selectBatch([{ session: "a", atomic: true }, { session: "a" }], 10)).toEqual([0]);
    expect(selectBatch([], 3)).toEqual([]);
  });
});

describe("SpsCoordinator with a fake client", () => {
  it("commits operations arriving together once, and splits by batch size", async () => {
    const t = setup({ batchSize: 2 });
    const results = t.submit(["a", "b", "c", "d", "e"]);
    await t.timers.runAll();
    expect((await Promise.all(results)).map((r) => "ok" in r && r.ok)).toEqual(["a", "b", "c", "d", "e"]);
    expect(t.count("commit")).toBe(3);
    expect([...t.sps.committed].sort()).toEqual(["a", "b", "c", "d", "e"]);
  });

  it("bisects a refused commit that names no object, within 2*ceil(log2 B)+2 extra commits", async () => {
    const t = setup();
    t.sps.refuse.set("bad", { names: false });
    const names = ["a", "b", "c", "bad", "e", "f", "g", "h"];
    const results = await (async () => {
      const r = t.submit(names);
      await t.timers.runAll();
      return Promise.all(r);
    })();
    expect(results.filter((r) => "error" in r).map((r) => ("error" in r ? r.error.message : ""))).toEqual([expect.stringMatching(/^fake "bad": sps PUT \/api\/transaction: 400 SemanticError/)]);
    expect([...t.sps.committed].sort()).toEqual(names.filter((n) => n !== "bad").sort());
    expect(t.count("commit") - 1).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(8)) + 2);
  });

  it("drops the culprit SPS names and commits the rest in one more commit", async () => {
    const t = setup();
    t.sps.refuse.set("bad-user", { names: true });
    const r = t.submit(["a", "bad-user", "c"]);
    await t.timers.runAll();
    const out = await Promise.all(r);
    expect(out.map((x) => "ok" in x)).toEqual([true, false, true]);
    expect(t.count("commit")).toBe(2);
  });

  it("restages in a new session when the session is lost during staging, logging in once more", async () => {
    const t = setup();
    t.sps.fail("stage", "401");
    const r = t.submit(["a", "b"]);
    await t.timers.runAll();
    expect((await Promise.all(r)).every((x) => "ok" in x)).toBe(true);
    expect(t.count("login")).toBe(2);
    expect([...t.sps.committed].sort()).toEqual(["a", "b"]);
  });

  it("shares the relogin budget across a batch: a session lost at every staging fails after two relogins", async () => {
    const t = setup();
    t.sps.fail("stage", "401", 100);
    const r = t.submit(["a", "b"]);
    await t.timers.runAll();
    const out = await Promise.all(r);
    expect(out.every((x) => "error" in x && /session lost/.test(x.error.message))).toBe(true);
    expect(t.count("stage")).toBe(3); // the first attempt and two restages, then it gives up
    expect(t.sps.committed.size).toBe(0);
  });

  it("rolls back its own leftover before staging: a batch whose rollback failed never leaks into the next", async () => {
    const t = setup();
    t.sps.fail("commit", "503");
    t.sps.fail("rollback", "drop-before", ROLLBACK_ATTEMPTS);
    const first = t.submit(["left"]);
    await t.timers.runAll();
    const [f] = await Promise.all(first);
    expect("error" in f && f.error.message).toMatch(/503 ServiceUnavailable \(then: could not make sure this provider's own SPS session has no open transaction/);
    expect(t.sps.txn).toBeDefined(); // still open on SPS, holding the lock
    const second = t.submit(["next"]);
    await t.timers.runAll();
    expect(await Promise.all(second)).toEqual([{ ok: "next" }]);
    expect([...t.sps.committed]).toEqual(["next"]); // "left" was rolled back, not committed with "next"
    expect(t.logs.some((l) => /still has an open transaction \(before staging\)/.test(l))).toBe(true);
  });

  it("clears a lock held by its own leftover (an open whose answer was lost) and says so", async () => {
    const t = setup();
    t.sps.fail("open", "drop-after"); // SPS opened it; we never heard
    const r = t.submit(["a"]);
    await t.timers.runAll();
    expect(await Promise.all(r)).toEqual([{ ok: "a" }]);
    expect(t.logs.some((l) => /own leftover transaction|still has an open transaction/.test(l))).toBe(true);
  });

  it("waits for another session's lock, then fails naming another administrator", async () => {
    const t = setup({ lockWaitTimeoutSeconds: 2 });
    t.sps.otherLock = true;
    const r = t.submit(["a"]);
    await t.timers.runAll();
    const [x] = await Promise.all(r);
    expect("error" in x && x.error.message).toMatch(/^fake "a": another administrator holds the SPS configuration lock .*waited 2 s \(lockWaitTimeout 2 s\)/);
    expect(t.sps.committed.size).toBe(0);
  });

  describe("unknown commit outcomes are decided from committed state only", () => {
    it("applied, answer lost: confirmed on SPS, not committed again", async () => {
      const t = setup();
      t.sps.fail("commit", "drop-after");
      const r = t.submit(["a", "b"]);
      await t.timers.runAll();
      expect(await Promise.all(r)).toEqual([{ ok: "a" }, { ok: "b" }]);
      expect(t.count("commit")).toBe(1);
    });

    it("not applied (transaction still open): rolled back and restaged once", async () => {
      const t = setup();
      t.sps.fail("commit", "drop-before");
      const r = t.submit(["a"]);
      await t.timers.runAll();
      expect(await Promise.all(r)).toEqual([{ ok: "a" }]);
      expect(t.count("commit")).toBe(2);
      expect([...t.sps.committed]).toEqual(["a"]);
    });

    it("not applied and the status unreadable: read back in a fresh session, never through the staged view", async () => {
      const t = setup();
      t.sps.fail("commit", "drop-before");
      t.sps.fail("status", "503", 100, 1); // the status read before staging passes, every later one fails
      const r = t.submit(["a"]);
      await t.timers.runAll();
      const [x] = await Promise.all(r);
      expect("error" in x && x.error.message).toMatch(/read back on SPS: the change is not there/);
      expect(t.sps.committed.has("a")).toBe(false);
      expect(t.sps.txn?.staged.has("a")).toBe(true); // the staged view would have said "there"
    });

    it("undecidable (no read works): reported as unknown carrying what was staged, never as success", async () => {
      const t = setup();
      t.sps.fail("commit", "drop-after");
      t.sps.fail("status", "503", 100, 1);
      t.sps.fail("read", "503", 100);
      const r = t.submit(["a"]);
      await t.timers.runAll();
      const [x] = await Promise.all(r);
      expect("error" in x && x.error).toBeInstanceOf(SpsCommitUnknownError);
      expect("error" in x && (x.error as SpsCommitUnknownError).staged).toBe("a");
    });
  });

  it("commits an atomic operation in a transaction of its own and never splits it", async () => {
    const t = setup();
    t.sps.refuse.set("atom", { names: false });
    const others = t.submit(["a", "b"]);
    const atomic = t.submit(["atom"], { atomic: true });
    await t.timers.runAll();
    expect(await Promise.all(others)).toEqual([{ ok: "a" }, { ok: "b" }]);
    const [x] = await Promise.all(atomic);
    expect("error" in x && x.error.message).toMatch(/^fake "atom": sps PUT \/api\/transaction: 400 SemanticError/);
    expect(t.count("commit")).toBe(2); // a+b together, atom alone (refused once, not bisected)
  });

  it("gives one SPS object one owner per run, naming both resources", () => {
    const t = setup();
    t.session.claim(["user:alice"], "res-a", 'SPS local user "alice"');
    t.session.claim(["user:alice"], "res-a", 'SPS local user "alice"'); // same owner: fine
    expect(() => t.coordinator.session({ ...CONN, username: "ops" }, "ops").claim(["user:alice"], "res-b", 'SPS local user "alice"')).toThrow(
      /SPS local user "alice" is already managed by resource "res-a" in this program, and resource "res-b" also manages or adopts it/,
    );
  });
});
