/** A recorded (proxied) session seeded for tests. */
export interface SeedActiveSession {
  /** Full id as `DELETE /api/active-sessions?id=` takes it, e.g. `svc/rpokH8fD9kx6CaxNLznKx2/test:12` ([DOC] D-ACT). */
  id: string;
  protocol: "ssh" | "rdp" | "telnet" | "vnc" | "ica" | "http" | "mssql";
  /** Server-side username of the connection. */
  user: string;
  /** Audit key; default the middle part of `svc/<key>/<policy>:<n>`, else a fresh one ([INF] from D-ACT and D-AUDIT). */
  key?: string;
  client?: { ip: string; port: number };
  server?: { ip: string; port: number };
  /** Default true. */
  active?: boolean;
  /** UNIX seconds; default the emulator clock. */
  startTime?: number;
}

/** A recorded session as kept by the emulator. */
export interface RecordedSession {
  key: string;
  id: string;
  protocol: string;
  user: string;
  client: { ip: string; port: number };
  server: { ip: string; port: number };
  active: boolean;
  startTime: number;
}

/** Failure types of `DELETE /api/active-sessions` with their status and text ([DOC] seed page table). */
export const TERMINATION_FAILURES = {
  SessionTerminationFailed: { status: 500, message: "The session could not be terminated due to internal errors." },
  RemoteNodeInfoMissing: {
    status: 500,
    message: "The cluster node where the session is being recorded is missing from your primary node's configuration.",
  },
  SessionTerminationServiceUnavailable: {
    status: 503,
    message: "Session termination service is unavailable on the specific host for closing sessions.",
  },
  MinionUnavailable: { status: 504, message: "The minion node that is recording the session is unavailable." },
} as const;

/** One of the seed's injectable termination failures. */
export type TerminationFailure = keyof typeof TERMINATION_FAILURES;

/** Recorded sessions shown by /api/audit/sessions and closed by /api/active-sessions. */
export class RecordedSessions {
  readonly byKey = new Map<string, RecordedSession>();
  private failures: TerminationFailure[] = [];

  constructor(private readonly newKey: () => string, private readonly nowSeconds: () => number) {}

  seed(s: SeedActiveSession): RecordedSession {
    if (this.findById(s.id)) throw new Error(`active session ${s.id} already seeded`);
    const fromId = /^svc\/([^/]+)\//.exec(s.id)?.[1];
    const rec: RecordedSession = {
      key: s.key ?? fromId ?? this.newKey(),
      id: s.id,
      protocol: s.protocol,
      user: s.user,
      client: s.client ?? { ip: "10.0.0.10", port: 50000 + this.byKey.size },
      server: s.server ?? { ip: "10.0.1.20", port: s.protocol === "rdp" ? 3389 : 22 },
      active: s.active ?? true,
      startTime: s.startTime ?? this.nowSeconds(),
    };
    this.byKey.set(rec.key, rec);
    return rec;
  }

  findById(id: string): RecordedSession | undefined {
    return [...this.byKey.values()].find((r) => r.id === id);
  }

  /** The next `times` termination attempts on existing sessions fail with `type`. */
  failNext(type: TerminationFailure, times = 1): void {
    for (let i = 0; i < times; i++) this.failures.push(type);
  }

  takeFailure(): TerminationFailure | undefined {
    return this.failures.shift();
  }
}
