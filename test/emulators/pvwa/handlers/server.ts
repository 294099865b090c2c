import type { EmulatorRequest, EmulatorResponse } from "../../common/server";
import type { PvwaContext } from "../context";
import { groupsOf } from "../permissions";
import { requireAuthorization, requireCaller } from "./auth";

/**
 * `GET /WebServices/PIMServices.svc/Server` and `GET /API/Server` ([CODE] psPAS Get-PASServer;
 * [DOC] EPV mock body). Choice: no token needed (psPAS calls it before logon for version checks).
 */
export function serverInfo(ctx: PvwaContext): EmulatorResponse {
  const v = ctx.behaviour.version;
  const internal = v.split(".").length >= 4 ? v : `${v}.0`;
  return { status: 200, body: { ExternalVersion: v, InternalVersion: internal, ServerName: ctx.behaviour.serverName } };
}

/**
 * `GET /API/Users?search=&ExtendedDetails=true` ([DOC]): "contains" search on the user name;
 * `groupsMembership` with ExtendedDetails. Needs Audit users.
 */
export function listUsers(ctx: PvwaContext, req: EmulatorRequest): EmulatorResponse {
  const caller = requireCaller(ctx, req);
  requireAuthorization(ctx, caller, "AuditUsers");
  const q = req.query;
  const search = (q.search ?? q.Search ?? "").toLowerCase();
  const extended = /^true$/i.test(q.ExtendedDetails ?? q.extendedDetails ?? q.extendeddetails ?? "");
  const users = [...ctx.store.users.values()]
    .filter((u) => !search || u.username.toLowerCase().includes(search))
    .map((u) => ({
      id: u.id,
      username: u.username,
      source: u.authMethods.includes("LDAP") ? "LDAP" : "CyberArk",
      userType: "EPVUser",
      componentUser: false,
      location: "\\",
      ...(extended ? { groupsMembership: groupsOf(ctx.store, u), vaultAuthorization: u.authorizations } : {}),
    }));
  return { status: 200, body: { Users: users, Total: users.length } };
}
