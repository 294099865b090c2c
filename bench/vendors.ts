/** CyberArk and senhasegura benchmark scenarios (client level: these vendors have no transactions). */
import { CyberArkClient } from "../provider/cyberark/client";
import { listLiveSessions, suspendLiveSession } from "../provider/cyberark/live-sessions";
import { SenhaseguraClient } from "../provider/senhasegura/client";
import { listRemoteSessions } from "../provider/senhasegura/sessions";
import { createPvwaEmulator } from "../test/emulators/pvwa";
import { createSenhaseguraEmulator } from "../test/emulators/senhasegura";
import type { LatencyModel } from "./sps";

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  }));
  return out;
}

/** List N live PSM sessions, then suspend them all with bounded concurrency. */
export async function cyberarkSuspendAll(lat: LatencyModel, sessions = 500, concurrency = 8) {
  const emu = await createPvwaEmulator({
    latencyMs: lat.requestMs,
    seed: (c) => {
      c.addGroup({ groupName: "LiveSessionSuspenders" });
      c.addUser({ username: "bench-op", password: "bench-op-pw-1", groups: ["LiveSessionSuspenders"] });
      c.setAllowPsmNotifications(true);
      c.setSuspendingUsersAndGroups(["LiveSessionSuspenders"]);
      const now = Math.floor(Date.now() / 1000);
      for (let i = 0; i < sessions; i++) c.addSession({ kind: "psm", SessionID: `9_${i}`, user: `u${i}`, safe: "Bench", accountUsername: "administrator", accountAddress: `host-${i}`, start: now - 60 });
    },
  });
  const client = new CyberArkClient({ url: emu.url, username: "bench-op", password: "bench-op-pw-1", allowHttp: true });
  try {
    await client.logon();
    const t0 = performance.now();
    const list = await listLiveSessions(client);
    const listSeconds = (performance.now() - t0) / 1000;
    const listRequests = emu.log.entries.length;
    const t1 = performance.now();
    // The list already carries CanSuspend and the protocol: skip the per-session pre-check GET.
    const results = await pool(list, concurrency, (s) => suspendLiveSession(client, s.id, { precheck: false }));
    const suspendSeconds = (performance.now() - t1) / 1000;
    await client.logoff();
    const done = results.filter((r) => r.outcome === "done").length;
    return {
      sessions, listed: list.length, concurrency, listRequests, listSeconds, suspended: done,
      suspendRequests: emu.log.entries.length - listRequests, suspendSeconds,
      limitSuspendSeconds: (Math.ceil(sessions / concurrency) * lat.requestMs) / 1000,
    };
  } finally {
    await client.close();
    await emu.close();
  }
}

const heapMb = () => process.memoryUsage().heapUsed / 1048576;
const gc = () => (globalThis as { gc?: () => void }).gc?.();

/** List N proxy sessions; reports time and the heap held by the result (after GC). */
export async function senhaseguraList(lat: LatencyModel, sizes = [10, 100, 1000, 10000]) {
  const rows = [];
  for (const n of sizes) {
    const emu = await createSenhaseguraEmulator({ oauth2Clients: [{ clientId: "bench-client", clientSecret: "bench-secret-1" }] });
    emu.latency.ms = lat.requestMs;
    emu.store.generate(n, { activeEvery: 4 });
    const client = new SenhaseguraClient({ url: emu.url, clientId: "bench-client", clientSecret: "bench-secret-1", allowHttp: true });
    try {
      gc();
      const before = heapMb();
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, heapMb())), 5);
      const t0 = performance.now();
      const r = await listRemoteSessions(client);
      const seconds = (performance.now() - t0) / 1000;
      clearInterval(sampler);
      peak = Math.max(peak, heapMb());
      gc();
      const retained = heapMb() - before;
      const count = r.outcome === "done" ? r.value.length : -1;
      rows.push({ n, listed: count, seconds, requests: emu.log.entries.length, peakHeapDeltaMb: peak - before, retainedHeapMb: retained, bytesPerSession: (retained * 1048576) / Math.max(1, n) });
    } finally {
      await client.close();
      await emu.close();
    }
  }
  return rows;
}
