import { EmulatorError } from "../common/errors";
import { Router } from "../common/router";
import type { EmulatorRequest, EmulatorResponse, Handler } from "../common/server";
import { iisHtml, webApiNotFound, type PvwaContext } from "./context";
import { loginsInfo, logoff, logon } from "./handlers/auth";
import { getLiveSession, getLiveSessionProperties, listLiveSessions, liveSessionAction } from "./handlers/live-sessions";
import { listUsers, serverInfo } from "./handlers/server";
import { addMember, createGroup, deleteGroup, getGroup, listGroups, removeMember, updateGroup } from "./handlers/user-groups";

const API = "/PasswordVault/API";

const REASONS: Record<number, string> = { 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 409: "Conflict", 500: "Internal Server Error" };

/**
 * The PVWA route table. Paths match case-insensitively with an optional trailing "/" and
 * percent-decoded parameters ([CODE] psPAS vs POSTMAN casing; [DOC] canonical trailing "/").
 * Wrapped by the dot quirk and the HTML error mode.
 */
export function pvwaHandler(ctx: PvwaContext): Handler {
  const router = new Router({
    caseInsensitive: true,
    optionalTrailingSlash: true,
    // Under /API the Web API framework answers in JSON; elsewhere IIS serves its HTML 404 ([INF]).
    notFound: (req) => {
      if (req.path.toLowerCase().startsWith(API.toLowerCase() + "/")) throw webApiNotFound(req.path);
      throw iisHtml(404, "Not Found", "The resource you are looking for has been removed, had its name changed, or is temporarily unavailable.");
    },
    methodNotAllowed: (req) => {
      throw new EmulatorError(405, { Message: `The requested resource does not support http method '${req.method}'.` });
    },
  });
  const h = (fn: (c: PvwaContext, r: EmulatorRequest) => EmulatorResponse): Handler => (req) => fn(ctx, req);

  router
    .on("POST", `${API}/auth/:type/Logon`, h(logon))
    .on("POST", `${API}/Auth/Logoff`, h(logoff))
    .on("GET", `${API}/LoginsInfo`, h(loginsInfo))
    .on("GET", `${API}/Server`, h(serverInfo))
    .on("GET", "/PasswordVault/WebServices/PIMServices.svc/Server", h(serverInfo))
    .on("GET", `${API}/Users`, h(listUsers))
    .on("GET", `${API}/LiveSessions`, h(listLiveSessions))
    .on("GET", `${API}/LiveSessions/:id`, h(getLiveSession))
    .on("GET", `${API}/LiveSessions/:id/properties`, h(getLiveSessionProperties))
    .on("POST", `${API}/LiveSessions/:id/:action`, h(liveSessionAction))
    .on("GET", `${API}/UserGroups`, h(listGroups))
    .on("POST", `${API}/UserGroups`, h(createGroup))
    .on("GET", `${API}/UserGroups/:id`, h(getGroup))
    .on("PUT", `${API}/UserGroups/:id`, h(updateGroup))
    .on("DELETE", `${API}/UserGroups/:id`, h(deleteGroup))
    .on("POST", `${API}/UserGroups/:id/Members`, h(addMember))
    .on("DELETE", `${API}/UserGroups/:id/Members/:member`, h(removeMember));

  return async (req) => {
    try {
      const last = req.path.split("/").pop() ?? "";
      if (ctx.behaviour.dotQuirk && last.includes(".")) {
        // [CODE] psPAS #356 / CyberArk KB: a dot in the last segment without a trailing "/" gives IIS's HTML 404.
        throw iisHtml(404, "Not Found", "The resource you are looking for has been removed, had its name changed, or is temporarily unavailable.");
      }
      return await router.handle(req);
    } catch (e) {
      if (e instanceof EmulatorError && ctx.behaviour.htmlErrors && !e.contentType.startsWith("text/html")) {
        throw iisHtml(e.status, REASONS[e.status] ?? "Error", "An error occurred on the server when processing the URL.");
      }
      throw e;
    }
  };
}
