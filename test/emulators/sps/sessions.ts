import { randomBytes } from "crypto";
import type { Clock } from "../common/clock";

/** "The authenticated session times out after 20 minutes of inactivity." [DOC] D-AUTH705 */
export const SESSION_IDLE_MS = 20 * 60 * 1000;

/** One REST login session (the `session_id` cookie). */
export interface RestSession {
  id: string;
  userName: string;
  /** Group names resolved at login: privilege changes apply at the next login ([DOC] D-ACL). */
  groups: string[];
  lastSeen: number;
}

/**
 * The `session_id` table with a sliding idle window on an injectable clock. Expired sessions are
 * swept on every lookup; `onExpire` lets the store drop their transaction and lock.
 */
export class SessionTable {
  private readonly sessions = new Map<string, RestSession>();
  constructor(
    private readonly clock: Clock,
    private readonly onExpire: (s: RestSession) => void,
  ) {}

  /** Creates a session; the id is 40 lowercase hex chars like the documented example ([DOC] D-AUTH705). */
  create(userName: string, groups: string[]): RestSession {
    const s: RestSession = { id: randomBytes(20).toString("hex"), userName, groups, lastSeen: this.clock.now() };
    this.sessions.set(s.id, s);
    return s;
  }

  /** Drops every session idle for 20 minutes or more. */
  sweep(): void {
    const now = this.clock.now();
    for (const s of [...this.sessions.values()]) {
      if (now - s.lastSeen >= SESSION_IDLE_MS) this.drop(s.id);
    }
  }

  /** The live session for a cookie value, refreshed (sliding window); undefined when unknown or expired. */
  touch(id: string | undefined): RestSession | undefined {
    this.sweep();
    if (!id) return undefined;
    const s = this.sessions.get(id);
    if (s) s.lastSeen = this.clock.now();
    return s;
  }

  /** Seconds until `s` expires if idle from now on. */
  remainingSeconds(s: RestSession): number {
    return Math.max(0, Math.floor((s.lastSeen + SESSION_IDLE_MS - this.clock.now()) / 1000));
  }

  drop(id: string): void {
    const s = this.sessions.get(id);
    if (!s) return;
    this.sessions.delete(id);
    this.onExpire(s);
  }

  /** Ends every session at once (controls.expireAllSessions). */
  dropAll(): void {
    for (const id of [...this.sessions.keys()]) this.drop(id);
  }

  get size(): number {
    return this.sessions.size;
  }
}
