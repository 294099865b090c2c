import { randomBytes, randomUUID } from "crypto";

/** Logon methods a Vault user may use ([DOC] Logon_v10.htm). */
export type PvwaAuthMethod = "CyberArk" | "LDAP" | "RADIUS";

/** Vault authorizations the emulator enforces ([DOC] "Audit users", "Add/Update Users"). */
export type VaultAuthorization = "AuditUsers" | "AddUpdateUsers";

/** A Vault user (CyberArk-internal, or an LDAP user mapped into the Vault). */
export interface VaultUser {
  id: number;
  username: string;
  password: string;
  /** Logon endpoints that accept this user. */
  authMethods: PvwaAuthMethod[];
  /** DNS domain of an LDAP user (used to match `memberType: domain` group members). */
  domain?: string;
  /** Directory (LDAP) groups the user belongs to, by name. */
  directoryGroups: string[];
  /** A suspended user is refused at logon with PASWS268E ([CODE] psPAS, https://github.com/pspete/psPAS). */
  suspended: boolean;
  authorizations: VaultAuthorization[];
}

/** One member of a Vault group. */
export interface GroupMember {
  id: number;
  name: string;
  type: "vault" | "domain";
  domainName?: string;
}

/** A Vault or Directory group ([DOC] group object). */
export interface VaultGroup {
  id: number;
  groupName: string;
  groupType: "Vault" | "Directory";
  description: string;
  location: string;
  directory?: string;
  dn?: string;
  members: GroupMember[];
}

/**
 * What kind of connection a live session is; it decides what may be done to it
 * ([DOC]: suspend is PSM (Windows/RDP) only; terminate also PSM for SSH, not OPM).
 */
export type SessionKind = "psm" | "psmp" | "opm";

/** A live session: the documented wire fields ([DOC]) plus emulator-only state. */
export interface LiveSessionRecord {
  kind: SessionKind;
  /** Emulator-only: no public field exposes the suspended state ([UNK]), so it is never sent. */
  suspended: boolean;
  wire: Record<string, unknown> & { SessionID: string; SessionGuid: string; Start: number; SafeName: string };
}

/** A logon token and its owner. */
export interface TokenRecord {
  token: string;
  username: string;
  issuedAt: number;
  lastUsedAt: number;
  concurrent: boolean;
  /** Privilege Cloud platform token: absolute expiry on the emulator clock (ms); sent as `Bearer`. */
  expiresAt?: number;
}

/** The PVWA Options state that has no REST API ([DOC]); set through the emulator controls. */
export interface LiveSessionOptions {
  /** Options › PSM › … › Live Sessions Monitoring Settings › AllowPSMNotifications. [UNK] default; Choice: false. */
  allowPsmNotifications: boolean;
  /** "Suspending Live Sessions Users and Groups" (user or group names). [UNK] default; Choice: empty. */
  suspendingUsersAndGroups: string[];
  /** "Terminating Live Sessions Users and Groups"; [DOC] default group PSMLiveSessionTerminators. */
  terminatingUsersAndGroups: string[];
}

/** One Suspend/Resume/Terminate call as the emulator decided it (for test assertions). */
export interface ActionAuditEntry {
  at: number;
  user: string;
  action: "Suspend" | "Resume" | "Terminate";
  sessionId: string;
  status: number;
}

/**
 * Built-in groups as in the EPV Mockoon mock (Vault Admins 11, Auditors 8, PVWAMonitor 20 at
 * `\System` [DOC]); the other ids are emulator choices. PSMLiveSessionTerminators is the
 * default Terminating group ([DOC]).
 */
const BUILT_IN_GROUPS: Array<[number, string, string]> = [
  [1, "Administrators", "\\"],
  [2, "Backup Users", "\\"],
  [3, "DR Users", "\\"],
  [4, "Notification Engines", "\\"],
  [5, "Operators", "\\"],
  [8, "Auditors", "\\"],
  [11, "Vault Admins", "\\System"],
  [12, "PVWAUsers", "\\System"],
  [13, "PVWAGWUsers", "\\System"],
  [14, "PSMAppUsers", "\\System"],
  [15, "PVWAAppUsers", "\\System"],
  [20, "PVWAMonitor", "\\System"],
  [21, "PSMLiveSessionTerminators", "\\"],
];

/** In-memory state of one emulator instance. */
export class PvwaStore {
  readonly users = new Map<string, VaultUser>(); // key: lower-cased username
  readonly groups = new Map<number, VaultGroup>();
  readonly sessions: LiveSessionRecord[] = [];
  readonly tokens = new Map<string, TokenRecord>();
  readonly audit: ActionAuditEntry[] = [];
  readonly options: LiveSessionOptions = {
    allowPsmNotifications: false,
    suspendingUsersAndGroups: [],
    terminatingUsersAndGroups: ["PSMLiveSessionTerminators"],
  };
  private nextId = 100;

  constructor() {
    for (const [id, groupName, location] of BUILT_IN_GROUPS) {
      this.groups.set(id, { id, groupName, groupType: "Vault", description: `${groupName} group`, location, members: [] });
    }
  }

  newId(): number {
    return this.nextId++;
  }

  user(name: string): VaultUser | undefined {
    return this.users.get(name.toLowerCase());
  }

  groupByName(name: string): VaultGroup | undefined {
    for (const g of this.groups.values()) if (g.groupName.toLowerCase() === name.toLowerCase()) return g;
    return undefined;
  }

  /** Finds a session by SessionID or SessionGuid (case-insensitive), as `field` allows. */
  session(id: string, field: "SessionID" | "SessionGuid" | "either" = "either"): LiveSessionRecord | undefined {
    const want = id.toLowerCase();
    return this.sessions.find(
      (s) =>
        (field !== "SessionGuid" && s.wire.SessionID.toLowerCase() === want) ||
        (field !== "SessionID" && s.wire.SessionGuid.toLowerCase() === want),
    );
  }

  /** Issues an opaque 180-character token: base64 of `<guid>;<16 hex>;<80 hex>;` ([DOC] EPV mock sample). */
  issueToken(username: string, now: number, concurrent: boolean): string {
    const raw = `${randomUUID()};${randomBytes(8).toString("hex")};${randomBytes(40).toString("hex")};`;
    const token = Buffer.from(raw).toString("base64");
    this.tokens.set(token, { token, username, issuedAt: now, lastUsedAt: now, concurrent });
    return token;
  }
}
