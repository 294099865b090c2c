import { EmulatorError } from "../common/errors";
import { Router } from "../common/router";
import type { EmulatorRequest } from "../common/server";
import type { AuthState } from "./auth";
import type { SessionHandlers } from "./handlers/session";
import { envelope, TEXT, type ProfileTraits } from "./profile";

/** Documented path prefixes of the session operations [DOC] v3.32, v3.33 and v4 session pages. */
export type SessionPrefix = "/iso" | "/api" | "/api/pam";

/** Every documented prefix. */
export const ALL_PREFIXES: readonly SessionPrefix[] = ["/iso", "/api", "/api/pam"];

/** Route table inputs. */
export interface RouteOptions {
  traits: ProfileTraits;
  prefixes: readonly SessionPrefix[];
  /** Also serve the token endpoint at `/api/oauth2/token` (off by default: emulator choice). */
  apiTokenPath: boolean;
}

/** routes → handlers → store: the token endpoint, then the three session routes under each prefix. */
export function buildRouter(auth: AuthState, sessions: SessionHandlers, opts: RouteOptions): Router {
  // Unknown path (and, Choice, a known path with another method): the envelope 404 [DOC].
  const notFound = () => {
    throw new EmulatorError(404, envelope(opts.traits, 404, { message: TEXT.resourceNotFound }));
  };
  const router = new Router({ notFound, methodNotAllowed: notFound });
  router.on("POST", "/iso/oauth2/token", (req) => auth.tokenEndpoint(req));
  if (opts.apiTokenPath) router.on("POST", "/api/oauth2/token", (req) => auth.tokenEndpoint(req));
  const guarded =
    (fn: (req: EmulatorRequest, p: ReturnType<AuthState["authenticate"]>) => ReturnType<SessionHandlers["list"]>) =>
    (req: EmulatorRequest) =>
      fn(req, auth.authenticate(req));
  for (const p of opts.prefixes) {
    router.on("GET", `${p}/session/remotesessions`, guarded((r, who) => sessions.list(r, who)));
    router.on("GET", `${p}/session/remotesessions/:id`, guarded((r, who) => sessions.get(r, who)));
    router.on("DELETE", `${p}/session/drop/:sessionId`, guarded((r, who) => sessions.drop(r, who)));
  }
  return router;
}
