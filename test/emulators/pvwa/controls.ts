import { randomUUID } from "crypto";
import type { Clock } from "../common/clock";
import type { PvwaBehaviour } from "./options";
import type {
  ActionAuditEntry,
  GroupMember,
  LiveSessionOptions,
  LiveSessionRecord,
  PvwaAuthMethod,
  PvwaStore,
  SessionKind,
  VaultAuthorization,
  VaultGroup,
  VaultUser,
} from "./store";

/** A Vault user to seed. */
export interface SeedUser {
  username: string;
  password: string;
  /** Default: ["LDAP"] when `domain` is set, else ["CyberArk"]. */
  authMethods?: PvwaAuthMethod[];
  domain?: string;
  directoryGroups?: string[];
  suspended?: boolean;
  /** Default: none (a plain user can log on and list sessions only). */
  authorizations?: VaultAuthorization[];
  /** Vault groups (by name) the user is a direct member of; they must exist. */
  groups?: string[];
}

/** A Vault or Directory group to seed. */
export interface SeedGroup {
  groupName: string;
  groupType?: "Vault" | "Directory";
  description?: string;
  location?: string;
  directory?: string;
}

/** A live session to seed; omitted fields get plausible values. */
export interface SeedSession {
  /** psm = Windows/RDP via PSM; psmp = PSM for SSH; opm = OPM. */
  kind: SessionKind;
  SessionID?: string;
  /** Default: a fresh GUID, distinct from SessionID ([UNK] whether they differ; Choice: they do, so the hedge is exercised). */
  SessionGuid?: string;
  /** The PSM user who opened the session (wire field `User`). */
  user?: string;
  safe?: string;
  /** Start in Unix seconds; default: the emulator clock minus 10 minutes. */
  start?: number;
  accountUsername?: string;
  accountAddress?: string;
  /** `RawProperties.ProviderID`, the PSM server ([DOC] EPV PSM-SessionsManagement.ps1). */
  providerId?: string;
  /** Extra or overriding wire fields. */
  fields?: Record<string, unknown>;
}

/**
 * Emulator-only controls standing in for the PVWA Options UI and the Vault admin tools, which have
 * no REST API ([DOC] CyberArk documents them in the PVWA UI only, "Active Session Monitoring").
 */
export interface PvwaControls {
  /** Behaviour switches, mutable at run time. */
  readonly behaviour: PvwaBehaviour;
  /** The Live Sessions Monitoring Settings (read view; change them with the setters). */
  readonly options: Readonly<LiveSessionOptions>;
  setAllowPsmNotifications(on: boolean): void;
  setSuspendingUsersAndGroups(names: string[]): void;
  setTerminatingUsersAndGroups(names: string[]): void;
  addUser(u: SeedUser): VaultUser;
  addGroup(g: SeedGroup): VaultGroup;
  addGroupMember(groupName: string, member: { name: string; type?: "vault" | "domain"; domainName?: string }): void;
  /** Current members of a group, or undefined when there is no such group. */
  groupMembers(groupName: string): GroupMember[] | undefined;
  addSession(s: SeedSession): LiveSessionRecord;
  /** Emulator-only suspended state of a session (by SessionID or SessionGuid); undefined when it does not exist. */
  isSuspended(id: string): boolean | undefined;
  /** The session ends on its own (the user logged out). Returns false when it did not exist. */
  endSession(id: string): boolean;
  /** Ends tokens as the idle timeout would: all of them, or one user's. Returns how many. */
  expireTokens(username?: string): number;
  /** Number of tokens currently valid. */
  activeTokens(): number;
  /** Every decided Suspend/Resume/Terminate call, in order. */
  readonly audit: readonly ActionAuditEntry[];
}

const KIND_DEFAULTS: Record<SessionKind, Record<string, unknown>> = {
  // [DOC] example; PSMP/OPM values are [INF] (connection component and client names of those products).
  psm: { Protocol: "RDP", Client: "PSM", ConnectionComponentID: "PSM-RDP", AccountPlatformID: "WinServerLocal" },
  psmp: { Protocol: "SSH", Client: "PSMP", ConnectionComponentID: "PSMP-SSH", AccountPlatformID: "UnixSSH" },
  opm: { Protocol: "SSH", Client: "OPM", ConnectionComponentID: "OPM", AccountPlatformID: "UnixSSH" },
};

/** Builds the controls over one store. */
export function createControls(store: PvwaStore, behaviour: PvwaBehaviour, clock: Clock): PvwaControls {
  let seq = 0;
  return {
    behaviour,
    options: store.options,
    audit: store.audit,
    setAllowPsmNotifications: (on) => void (store.options.allowPsmNotifications = on),
    setSuspendingUsersAndGroups: (names) => void (store.options.suspendingUsersAndGroups = [...names]),
    setTerminatingUsersAndGroups: (names) => void (store.options.terminatingUsersAndGroups = [...names]),
    addUser(u) {
      if (store.user(u.username)) throw new Error(`emulator seed: user ${u.username} exists`);
      const user: VaultUser = {
        id: store.newId(),
        username: u.username,
        password: u.password,
        authMethods: u.authMethods ?? (u.domain ? ["LDAP"] : ["CyberArk"]),
        domain: u.domain,
        directoryGroups: u.directoryGroups ?? [],
        suspended: u.suspended ?? false,
        authorizations: u.authorizations ?? [],
      };
      store.users.set(u.username.toLowerCase(), user);
      for (const g of u.groups ?? []) this.addGroupMember(g, { name: u.username, type: u.domain ? "domain" : "vault", domainName: u.domain });
      return user;
    },
    addGroup(g) {
      if (store.groupByName(g.groupName)) throw new Error(`emulator seed: group ${g.groupName} exists`);
      const group: VaultGroup = {
        id: store.newId(),
        groupName: g.groupName,
        groupType: g.groupType ?? "Vault",
        description: g.description ?? "",
        location: g.location ?? "\\",
        directory: g.directory,
        members: [],
      };
      store.groups.set(group.id, group);
      return group;
    },
    addGroupMember(groupName, m) {
      const g = store.groupByName(groupName);
      if (!g) throw new Error(`emulator seed: no group ${groupName}`);
      const user = store.user(m.name);
      g.members.push({ id: user?.id ?? store.newId(), name: m.name, type: m.type ?? "vault", domainName: m.domainName });
    },
    groupMembers: (name) => store.groupByName(name)?.members.map((m) => ({ ...m })),
    addSession(s) {
      const n = ++seq;
      const start = s.start ?? Math.floor(clock.now() / 1000) - 600;
      const rec: LiveSessionRecord = {
        kind: s.kind,
        suspended: false,
        wire: {
          SessionID: s.SessionID ?? `${20 + n}_${100 + n}`,
          SessionGuid: s.SessionGuid ?? randomUUID(),
          SafeName: s.safe ?? "Windows-Servers",
          FolderName: "Root",
          IsLive: true,
          FileName: `session-${n}.avi`,
          Start: start,
          End: 0,
          Duration: Math.max(0, Math.floor(clock.now() / 1000) - start),
          User: s.user ?? "jdoe",
          RemoteMachine: s.accountAddress ?? `srv${String(n).padStart(2, "0")}.corp.example`,
          ProtectionDate: 0,
          ProtectedBy: "",
          ProtectionEnabled: false,
          AccountUsername: s.accountUsername ?? "administrator",
          AccountAddress: s.accountAddress ?? `srv${String(n).padStart(2, "0")}.corp.example`,
          PIMSuCommand: "",
          PIMSuCWD: "",
          PSMRecordingEntity: "SessionRecording",
          TicketID: "",
          FromIP: `192.0.2.${10 + n}`,
          RiskScore: 0,
          Severity: "",
          IncidentDetails: null,
          ...KIND_DEFAULTS[s.kind],
          RawProperties: { ProviderID: s.providerId ?? (s.kind === "psm" ? "PSMServer_01" : "PSMPServer_01") },
          ...(s.fields ?? {}),
        },
      };
      store.sessions.push(rec);
      return rec;
    },
    isSuspended: (id) => store.session(id)?.suspended,
    endSession(id) {
      const s = store.session(id);
      if (!s) return false;
      store.sessions.splice(store.sessions.indexOf(s), 1);
      return true;
    },
    expireTokens(username) {
      let n = 0;
      for (const t of [...store.tokens.values()]) {
        if (username === undefined || t.username.toLowerCase() === username.toLowerCase()) {
          store.tokens.delete(t.token);
          n++;
        }
      }
      return n;
    },
    activeTokens: () => store.tokens.size,
  };
}
