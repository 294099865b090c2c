/**
 * zod models of PVWA responses. Lenient on purpose (our convention):
 * unknown fields pass, most fields are optional, and keys are matched case-insensitively because
 * PVWA versions and the docs disagree (`UserName`/`username`, `Total`/`total`).
 * Built lazily by functions (no schemas at module level, our convention).
 */
import { z } from "zod";

/** An object schema whose input keys are first renamed to the shape's spelling, ignoring case. */
export function ciObject<T extends z.ZodRawShape>(shape: T) {
  const canon = new Map(Object.keys(shape).map((k) => [k.toLowerCase(), k]));
  return z.preprocess((v) => {
    if (!v || typeof v !== "object" || Array.isArray(v)) return v;
    const out: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
      const c = canon.get(k.toLowerCase()) ?? k;
      // An exact-case key wins over a differently cased duplicate.
      if (!(c in out) || c === k) out[c] = val;
    }
    return out;
  }, z.looseObject(shape));
}

/** Ids arrive as strings or numbers depending on the version; keep them as strings. */
const idString = () => z.union([z.string(), z.number()]).transform(String);
const optStr = () => z.string().nullish().transform((v) => v ?? undefined);
const optBool = () => z.boolean().nullish().transform((v) => v ?? undefined);
const optNum = () => z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/).transform(Number)]).nullish().transform((v) => v ?? undefined);

/**
 * Logon answer. Three shapes are seen in the field: a bare JSON string (the documented one), the
 * older API's `{"CyberArkLogonResult": token}` and `{"value": token}`. Anything else fails the schema
 * (the HTTP core reports issue paths and kinds, never values, so the token is never quoted).
 */
export function logonTokenSchema() {
  const token = z.string().min(1);
  return z.union([token, z.object({ CyberArkLogonResult: token }).transform((o) => o.CyberArkLogonResult), z.object({ value: token }).transform((o) => o.value)]);
}

/** Server version answer ([CODE] psPAS Get-PASServer; [DOC] EPV mock). */
export function serverInfoSchema() {
  return ciObject({ ExternalVersion: z.string(), InternalVersion: optStr(), ServerName: optStr() });
}

/** One live session (field list: https://docs.cyberark.com/PAS/Latest/en/Content/WebServices/GetLiveSessions.htm). `Duration` is seconds or `HH:MM:SS`. */
export function liveSessionSchema() {
  return ciObject({
    SessionID: idString(),
    SessionGuid: idString().nullish().transform((v) => v ?? undefined),
    CanSuspend: optBool(),
    CanTerminate: optBool(),
    CanMonitor: optBool(),
    IsLive: optBool(),
    Protocol: optStr(),
    Client: optStr(),
    ConnectionComponentID: optStr(),
    User: optStr(),
    SafeName: optStr(),
    AccountUsername: optStr(),
    AccountAddress: optStr(),
    RemoteMachine: optStr(),
    FromIP: optStr(),
    Start: optNum(),
    Duration: z.union([z.number(), z.string()]).nullish().transform((v) => v ?? undefined),
    RawProperties: z.record(z.string(), z.unknown()).nullish().transform((v) => v ?? undefined),
    // Not in the public docs: read when a version sends a boolean, ignored otherwise (never fails the list).
    Suspended: z.unknown().optional().transform((v) => (typeof v === "boolean" ? v : undefined)),
  });
}

/** `GET /LiveSessions` and `GET /LiveSessions/{id}` answers: `{LiveSessions:[…], Total}`. */
export function liveSessionsPageSchema() {
  return ciObject({ LiveSessions: z.array(liveSessionSchema()).nullish().transform((v) => v ?? []), Total: optNum() });
}

/** A group member: `{UserName|username, id}` (key case inconsistent in CyberArk's own examples). */
export function groupMemberSchema() {
  return ciObject({ UserName: z.string(), id: optNum() });
}

/** A Vault/Directory group (https://docs.cyberark.com/PAS/12.6/en/Content/WebServices/GetGroupDetails.htm). */
export function groupSchema() {
  return ciObject({
    id: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]),
    groupName: z.string(),
    groupType: optStr(),
    description: optStr(),
    location: optStr(),
    directory: optStr(),
    members: z.array(groupMemberSchema()).nullish().transform((v) => v ?? undefined),
  });
}

/** `GET /UserGroups` answer: `{value:[…], count}`. */
export function groupListSchema() {
  return ciObject({ value: z.array(groupSchema()).nullish().transform((v) => v ?? []), count: optNum() });
}
