import { createHash } from "crypto";
import type { Clock } from "../common/clock";

/**
 * One PAM Core proxy (remote) session as the appliance stores it. Field meanings
 * [DOC] https://docs.senhasegura.io/v4/docs/api-get-list-all-remote-sessions. `end` undefined means the session is still running.
 */
export interface StoredSession {
  /** Small integer, serialized as a JSON string [DOC] every doc sample. */
  id: string;
  /** 40 lowercase hex chars in every doc sample [DOC] samples. */
  sessionId: string;
  user: string;
  originIp: string;
  credential: string;
  device: string;
  protocol: string;
  proxy: string;
  /** Epoch ms. */
  startMs: number;
  /** Epoch ms; undefined while active. */
  endMs?: number;
  request: string | null;
  itsm: string | null;
}

/** Seed input: everything optional except what identifies the session. */
export type SessionSeed = Partial<Omit<StoredSession, "id">> & { id?: string };

/** Options of the large-list generator. */
export interface GenerateOptions {
  /** Every n-th generated session is active (default 10). */
  activeEvery?: number;
  /** Seed string mixed into the session ids, so two generators do not collide. */
  seed?: string;
}

/** Session state of one emulator instance (no module singletons). */
export class SessionStore {
  private readonly sessions: StoredSession[] = [];
  private readonly bySessionId = new Map<string, StoredSession>();
  private readonly byId = new Map<string, StoredSession>();
  private nextId = 1;

  constructor(private readonly clock: Clock) {}

  /** Adds one session; missing fields get plausible defaults (active, started a minute ago). */
  add(seed: SessionSeed = {}): StoredSession {
    const id = seed.id ?? String(this.nextId);
    this.nextId = Math.max(this.nextId, Number(id) + 1 || this.nextId + 1);
    const s: StoredSession = {
      id,
      sessionId: seed.sessionId ?? createHash("sha1").update(`session-${id}-${this.clock.now()}`).digest("hex"),
      user: seed.user ?? "Admin",
      originIp: seed.originIp ?? "172.16.20.125",
      credential: seed.credential ?? "usrdomadm01",
      device: seed.device ?? "10.66.33.15:3389",
      protocol: seed.protocol ?? "rdp",
      proxy: seed.proxy ?? "Web Proxy",
      startMs: seed.startMs ?? this.clock.now() - 60_000,
      endMs: seed.endMs,
      request: seed.request ?? null,
      itsm: seed.itsm ?? null,
    };
    if (this.byId.has(s.id) || this.bySessionId.has(s.sessionId)) throw new Error(`duplicate session ${s.id}/${s.sessionId}`);
    this.sessions.push(s);
    this.byId.set(s.id, s);
    this.bySessionId.set(s.sessionId, s);
    return s;
  }

  /**
   * Large-list generator: adds `count` deterministic sessions (ids from a SHA-1 of seed+index) with
   * every `activeEvery`-th one active. 10,000 sessions take a few milliseconds.
   */
  generate(count: number, opts: GenerateOptions = {}): StoredSession[] {
    const every = opts.activeEvery ?? 10;
    const seed = opts.seed ?? "gen";
    const protocols = ["rdp", "ssh", "http"];
    const now = this.clock.now();
    const out: StoredSession[] = [];
    for (let i = 0; i < count; i++) {
      const startMs = now - (count - i) * 60_000;
      const active = every > 0 && i % every === 0;
      out.push(
        this.add({
          sessionId: createHash("sha1").update(`${seed}-${i}`).digest("hex"),
          user: `user${i % 97}`,
          originIp: `10.0.${(i >> 8) & 255}.${i & 255}`,
          credential: `cred${i % 13}`,
          device: `10.1.${(i >> 8) & 255}.${i & 255}:${i % 2 ? 22 : 3389}`,
          protocol: protocols[i % protocols.length],
          proxy: i % 2 ? "RDP Proxy" : "Web Proxy",
          startMs,
          endMs: active ? undefined : startMs + 30_000,
        }),
      );
    }
    return out;
  }

  /** All sessions in insertion order (the list order). */
  all(): readonly StoredSession[] {
    return this.sessions;
  }

  getById(id: string): StoredSession | undefined {
    return this.byId.get(id);
  }

  getBySessionId(sessionId: string): StoredSession | undefined {
    return this.bySessionId.get(sessionId);
  }

  /** Ends an active session now; returns false when unknown or already ended. */
  end(sessionId: string): boolean {
    const s = this.bySessionId.get(sessionId);
    if (!s || s.endMs !== undefined) return false;
    s.endMs = Math.max(this.clock.now(), s.startMs);
    return true;
  }

  get size(): number {
    return this.sessions.length;
  }
}
