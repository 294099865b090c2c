import { EmulatorError } from "../common/errors";
import { Router } from "../common/router";
import type { Handler } from "../common/server";
import type { PvwaContext } from "./context";

/** A Privilege Cloud service user: OAuth 2.0 confidential client mapped to a seeded Vault user. */
export interface PlatformClient {
  clientId: string;
  clientSecret: string;
  /** The Vault user whose rights the token carries (must be seeded). */
  username: string;
}

/** Options of the Privilege Cloud mode. */
export interface PrivilegeCloudOptions {
  clients: PlatformClient[];
  /** `expires_in` of issued tokens, seconds (measured on the emulator clock). Default 900. */
  tokenTtlSec?: number;
}

/**
 * The Identity tenant's token endpoint, served on its own port (a second host in real life):
 * `POST /oauth2/platformtoken`, form body `grant_type=client_credentials&client_id&client_secret`,
 * answer `{access_token, token_type: "Bearer", expires_in}` (as the issue and CyberArk's ISP
 * authentication docs describe). Choice: bad credentials → 401 `{"error":"invalid_client"}`
 * (RFC 6749); a wrong grant type → 400 `unsupported_grant_type`.
 */
export function identityHandler(ctx: PvwaContext, opts: PrivilegeCloudOptions, issued: { count: number }): Handler {
  const router = new Router({
    caseInsensitive: false,
    notFound: () => {
      throw new EmulatorError(404, { error: "not_found" });
    },
    methodNotAllowed: () => {
      throw new EmulatorError(405, { error: "method_not_allowed" });
    },
  });
  router.on("POST", "/oauth2/platformtoken", (req) => {
    if (!(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) throw new EmulatorError(400, { error: "invalid_request" });
    const form = new URLSearchParams(req.rawBody.toString("utf8"));
    if (form.get("grant_type") !== "client_credentials") throw new EmulatorError(400, { error: "unsupported_grant_type" });
    const client = opts.clients.find((c) => c.clientId === form.get("client_id") && c.clientSecret === form.get("client_secret"));
    if (!client) throw new EmulatorError(401, { error: "invalid_client", error_description: "Authentication failed." });
    const ttl = opts.tokenTtlSec ?? 900;
    const now = ctx.clock.now();
    const token = ctx.store.issueToken(client.username, now, true);
    ctx.store.tokens.get(token)!.expiresAt = now + ttl * 1000;
    issued.count++;
    return { status: 200, body: { access_token: token, token_type: "Bearer", expires_in: ttl } };
  });
  return (req) => router.handle(req);
}
