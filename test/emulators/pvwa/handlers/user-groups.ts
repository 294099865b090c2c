import type { EmulatorRequest, EmulatorResponse } from "../../common/server";
import { answerError, pvwaError, type PvwaContext } from "../context";
import type { VaultGroup } from "../store";
import { requireAuthorization, requireCaller } from "./auth";

const INVALID = () => pvwaError(400, "PASWS167E", "There are some invalid parameters.");
// [UNK] Code and text for an unknown group id. Choice: invented (clients key on the 404).
const GROUP_NOT_FOUND = () => pvwaError(404, "EMUNOGRP1E", "Group was not found.");

function param(req: EmulatorRequest, name: string): string | undefined {
  const k = Object.keys(req.query).find((q) => q.toLowerCase() === name.toLowerCase());
  return k === undefined ? undefined : req.query[k];
}

/** A group on the wire ([DOC] D-GRP-GET); members only when asked ([DOC] includeMembers). */
export function groupView(ctx: PvwaContext, g: VaultGroup, includeMembers: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { id: g.id, groupType: g.groupType, groupName: g.groupName, description: g.description, location: g.location };
  if (g.groupType === "Directory") Object.assign(out, { directory: g.directory ?? "", dn: g.dn ?? "" });
  if (includeMembers) out.members = g.members.map((m) => ({ [ctx.behaviour.memberNameKey]: m.name, id: m.id }));
  return out;
}

/**
 * Parses `filter`: clauses `groupType eq X` / `groupName eq X` joined by ` AND `, values quoted
 * (psPAS ≥ 14.6) or not ([CODE] psPAS ConvertTo-FilterString).
 */
export function parseGroupFilter(filter: string): Array<{ field: "groupType" | "groupName"; value: string }> {
  // Split on " AND " outside quotes.
  const clauses: string[] = [];
  let quote = "";
  let start = 0;
  for (let i = 0; i < filter.length; i++) {
    const ch = filter[i];
    if (quote) {
      if (ch === quote) quote = "";
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (/^\sand\s/i.test(filter.slice(i, i + 5))) {
      clauses.push(filter.slice(start, i));
      start = i + 5;
      i += 4;
    }
  }
  clauses.push(filter.slice(start));
  return clauses
    .map((c) => c.trim())
    .filter((c) => c.length > 0)
    .map((c) => {
      const m = /^(groupType|groupName)\s+eq\s+(.+)$/i.exec(c);
      if (!m) throw INVALID();
      const field = m[1].toLowerCase() === "grouptype" ? ("groupType" as const) : ("groupName" as const);
      return { field, value: m[2].trim().replace(/^(["'])(.*)\1$/, "$2") };
    });
}

/** `GET /API/UserGroups` → `{"value":[…],"count":N}` ([DOC] D-GRP-LIST). Needs Audit users. */
export function listGroups(ctx: PvwaContext, req: EmulatorRequest): EmulatorResponse {
  const caller = requireCaller(ctx, req);
  requireAuthorization(ctx, caller, "AuditUsers");
  const clauses = parseGroupFilter(param(req, "filter") ?? "");
  const terms = (param(req, "search") ?? "").toLowerCase().split(/\s+/).filter(Boolean);
  const include = /^true$/i.test(param(req, "includeMembers") ?? "");
  let rows = [...ctx.store.groups.values()].filter(
    (g) =>
      clauses.every((c) => String(g[c.field]).toLowerCase() === c.value.toLowerCase()) &&
      terms.every((t) => g.groupName.toLowerCase().includes(t)),
  );
  const sort = param(req, "sort");
  if (sort) {
    const [field, dir] = sort.trim().split(/\s+/);
    const key = ({ groupname: "groupName", directory: "directory", location: "location" } as const)[field.toLowerCase()];
    if (!key) throw INVALID();
    const sign = /^desc$/i.test(dir ?? "") ? -1 : 1;
    rows = rows.sort((a, b) => sign * String(a[key] ?? "").localeCompare(String(b[key] ?? ""), "en", { sensitivity: "base" }));
  } else {
    rows = rows.sort((a, b) => a.id - b.id);
  }
  return { status: 200, body: { value: rows.map((g) => groupView(ctx, g, include)), count: rows.length } };
}

function groupOr404(ctx: PvwaContext, id: string): VaultGroup {
  const g = /^\d+$/.test(id) ? ctx.store.groups.get(Number(id)) : undefined;
  if (!g) throw GROUP_NOT_FOUND();
  return g;
}

/** `GET /API/UserGroups/{id}`: a bare group ([DOC] D-GRP-GET, 12.6+). */
export function getGroup(ctx: PvwaContext, req: EmulatorRequest): EmulatorResponse {
  const caller = requireCaller(ctx, req);
  requireAuthorization(ctx, caller, "AuditUsers");
  const include = /^true$/i.test(param(req, "includeMembers") ?? "");
  return { status: 200, body: groupView(ctx, groupOr404(ctx, req.params.id), include) };
}

function nameTaken(ctx: PvwaContext, name: string, except?: number): boolean {
  const g = ctx.store.groupByName(name);
  return g !== undefined && g.id !== except;
}

/** `POST /API/UserGroups` → 201 with the group ([CODE] POSTMAN). Needs Add/Update Users. */
export function createGroup(ctx: PvwaContext, req: EmulatorRequest): EmulatorResponse {
  const caller = requireCaller(ctx, req);
  requireAuthorization(ctx, caller, "AddUpdateUsers");
  const b = (req.body ?? {}) as Record<string, unknown>;
  if (typeof b.groupName !== "string" || b.groupName.trim() === "") throw INVALID();
  if (nameTaken(ctx, b.groupName)) throw answerError(ctx.behaviour.duplicateGroup);
  const g: VaultGroup = {
    id: ctx.store.newId(),
    groupName: b.groupName,
    groupType: "Vault",
    description: typeof b.description === "string" ? b.description : "",
    location: typeof b.location === "string" && b.location ? b.location : "\\",
    members: [],
  };
  ctx.store.groups.set(g.id, g);
  return { status: 201, body: groupView(ctx, g, false) };
}

/** `PUT /API/UserGroups/{id}` with `groupName` (and `description`) ([CODE] psPAS Set-PASGroup). */
export function updateGroup(ctx: PvwaContext, req: EmulatorRequest): EmulatorResponse {
  const caller = requireCaller(ctx, req);
  requireAuthorization(ctx, caller, "AddUpdateUsers");
  const g = groupOr404(ctx, req.params.id);
  const b = (req.body ?? {}) as Record<string, unknown>;
  if (typeof b.groupName !== "string" || b.groupName.trim() === "") throw INVALID();
  if (nameTaken(ctx, b.groupName, g.id)) throw answerError(ctx.behaviour.duplicateGroup);
  g.groupName = b.groupName;
  if (typeof b.description === "string") g.description = b.description;
  return { status: 200, body: groupView(ctx, g, false) };
}

/** `DELETE /API/UserGroups/{id}` → 204 ([DOC] D-GRP-RM; EPV mock). */
export function deleteGroup(ctx: PvwaContext, req: EmulatorRequest): EmulatorResponse {
  const caller = requireCaller(ctx, req);
  requireAuthorization(ctx, caller, "AddUpdateUsers");
  ctx.store.groups.delete(groupOr404(ctx, req.params.id).id);
  return { status: 204 };
}

/**
 * `POST /API/UserGroups/{id}/Members` ([DOC] D-GRP-ADD): `memberId` is a NAME; `memberType`
 * vault|domain (case-insensitive [INF]), `domainName` required for domain. 201 echo; duplicate →
 * 409 PASWS213E ([DOC] ANS). Choice: domain names are accepted without an LDAP lookup.
 */
export function addMember(ctx: PvwaContext, req: EmulatorRequest): EmulatorResponse {
  const caller = requireCaller(ctx, req);
  requireAuthorization(ctx, caller, "AddUpdateUsers");
  const g = groupOr404(ctx, req.params.id);
  // [INF]: members of a Directory group are managed in LDAP. Choice: 400 with an invented code.
  if (g.groupType === "Directory") throw pvwaError(400, "EMUDIRGR1E", "Members of a directory group cannot be managed in the Vault.");
  const b = (req.body ?? {}) as Record<string, unknown>;
  const name = typeof b.memberId === "string" ? b.memberId : "";
  const type = typeof b.memberType === "string" ? b.memberType.toLowerCase() : "vault";
  const domainName = typeof b.domainName === "string" && b.domainName ? b.domainName : undefined;
  if (!name || (type !== "vault" && type !== "domain") || (type === "domain" && !domainName)) throw INVALID();
  const user = type === "vault" ? ctx.store.user(name) : undefined;
  // [DOC] ANS: ITATS003E / 404 for an unknown user. Choice: the message text.
  if (type === "vault" && !user) throw pvwaError(404, "ITATS003E", `User ${name} was not found.`);
  const canonical = user?.username ?? name;
  const exists = g.members.some(
    (m) => m.name.toLowerCase() === canonical.toLowerCase() && m.type === type && (m.domainName ?? "").toLowerCase() === (domainName ?? "").toLowerCase(),
  );
  if (exists) {
    // [DOC] ANS: 409 PASWS213E, the message embedding ITATS262E. Choice: the rest of the text.
    throw pvwaError(409, "PASWS213E", `ITATS262E User ${canonical} is already a member of group ${g.groupName}.`);
  }
  g.members.push({ id: user?.id ?? ctx.store.newId(), name: canonical, type, domainName });
  return { status: 201, body: { memberId: canonical, memberType: type === "vault" ? "Vault" : "Domain", ...(domainName ? { domainName } : {}) } };
}

/**
 * `DELETE /API/UserGroups/{id}/Members/{name}` → 204 ([DOC] D-GRP-DEL; EPV mock). The name is
 * percent-decoded by the router and matched case-insensitively; an absent member answers per behaviour.
 */
export function removeMember(ctx: PvwaContext, req: EmulatorRequest): EmulatorResponse {
  const caller = requireCaller(ctx, req);
  requireAuthorization(ctx, caller, "AddUpdateUsers");
  const g = groupOr404(ctx, req.params.id);
  const i = g.members.findIndex((m) => m.name.toLowerCase() === req.params.member.toLowerCase());
  if (i < 0) {
    if (ctx.behaviour.absentMemberDelete === 204) return { status: 204 };
    throw pvwaError(404, "ITATS003E", `User ${req.params.member} was not found.`);
  }
  g.members.splice(i, 1);
  return { status: 204 };
}
