import { normalizeApplianceUrl, withCredentialFallback } from "../dynamic/stored-credentials";
import { spsDefaultsFrom, type SpsConnectionInput } from "./connection";
import { targetFor, type SpsProviderContext, type SpsTarget } from "./context";

/**
 * Runs `fn` against the connection stored in a resource's outputs (refresh, delete), retrying with the
 * stack config's, then the environment's credentials when SPS refuses rotated ones
 * (provider/dynamic/stored-credentials.ts says when a fallback may be sent).
 */
export function withStoredConnection<T>(
  connection: SpsConnectionInput | undefined,
  ctx: SpsProviderContext | undefined,
  fn: (target: SpsTarget) => Promise<T>,
): Promise<T> {
  const env = spsDefaultsFrom(undefined, process.env).connection;
  const defaults = ctx?.defaults?.connection ?? env;
  // SPS answers a refused login with 401 (the coordinator keeps the code when it labels the error).
  const refused = (e: unknown) => (e as { code?: string }).code === "HTTP_UNAUTHORIZED";
  // The environment last: refresh and destroy are configured with the stack config of the last up.
  const fallbacks = [defaults, { url: env.url ?? defaults.url, username: env.username ?? defaults.username, password: env.password }];
  return withCredentialFallback(connection, fallbacks, refused, (c) => fn(targetFor(c, ctx)), {
    vendor: "SPS",
    normalizeUrl: normalizeApplianceUrl,
    where: "sps:url, sps:username and sps:password (or SPS_URL, SPS_USERNAME, SPS_PASSWORD)",
  });
}
