import { normalizeApplianceUrl, withCredentialFallback } from "../dynamic/stored-credentials";
import { cyberArkDefaultsFrom, type CyberArkConnection, type CyberArkConnectionInput } from "./connection";
import { connectionFor, type CyberArkProviderContext } from "./context";
import { asApiError } from "./errors";

/**
 * Runs `fn` with the connection stored in a resource's outputs (refresh, delete); when PVWA refuses those
 * credentials at logon (403 PASWS013E, or 401) because they were rotated since, retries with the stack
 * config's, then the environment's credentials (provider/dynamic/stored-credentials.ts says when a fallback may be sent).
 */
export function withStoredCyberArkConnection<T>(
  connection: CyberArkConnectionInput | undefined,
  ctx: CyberArkProviderContext | undefined,
  fn: (conn: CyberArkConnection) => Promise<T>,
): Promise<T> {
  const env = cyberArkDefaultsFrom(undefined, process.env);
  const defaults = ctx?.defaults ?? env;
  const refused = (e: unknown) => {
    const a = asApiError(e);
    return a !== undefined && (a.status === 401 || (a.status === 403 && (a.vendorCode ?? "").toUpperCase() === "PASWS013E"));
  };
  // The environment last: refresh and destroy are configured with the stack config of the last up.
  const fallbacks = [defaults, { url: env.url ?? defaults.url, username: env.username ?? defaults.username, password: env.password }];
  return withCredentialFallback(connection, fallbacks, refused, async (c) => fn(connectionFor(c, ctx)), {
    vendor: "CyberArk PVWA",
    normalizeUrl: (u) => normalizeApplianceUrl(u).replace(/\/passwordvault$/, ""),
    where: "cyberark:url, cyberark:username and cyberark:password (or CYBERARK_URL, CYBERARK_USERNAME, CYBERARK_PASSWORD)",
  });
}
