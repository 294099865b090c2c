/** Credentials as a resource's `connection` input and the stack config both carry them. */
export interface Credentials {
  url?: string;
  username?: string;
  password?: string;
}

/** What the fallback needs to know about the vendor. */
export interface FallbackOptions {
  /** "SPS", "CyberArk": shown in the error. */
  vendor: string;
  /** Normalizes an appliance URL for comparison (see {@link normalizeApplianceUrl}). */
  normalizeUrl: (url: string) => string;
  /** Where the user sets the stack credentials, e.g. "sps:url, sps:username and sps:password (or SPS_URL, SPS_USERNAME, SPS_PASSWORD)". */
  where: string;
}

/**
 * An appliance URL reduced to what identifies the appliance: scheme and host lower-cased, default port
 * dropped, trailing slashes dropped, path lower-cased. An unparseable URL is only trimmed and lower-cased.
 */
export function normalizeApplianceUrl(url: string): string {
  const trimmed = url.trim();
  try {
    const u = new URL(trimmed);
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, "")}`.toLowerCase();
  } catch {
    return trimmed.replace(/\/+$/, "").toLowerCase();
  }
}

/** The stored credentials were refused, and the stack's belong to another appliance. Code `STORED_CREDENTIALS_REFUSED`. */
export class StoredCredentialsRefusedError extends Error {
  readonly code = "STORED_CREDENTIALS_REFUSED";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StoredCredentialsRefusedError";
  }
}

/**
 * Runs `run` with the connection stored in a resource's outputs (refresh, delete). A credential change in a
 * resource's `connection` alone is not a diff (it changes nothing on the appliance), so the stored copy can
 * hold credentials that were rotated since. Likewise `pulumi refresh` and `pulumi destroy` do not run the
 * program: the engine configures the provider with the stack config stored at the last `up`, so a password
 * rotated with `pulumi config set --secret` since is not seen yet; environment variables, in contrast, are
 * read afresh by the provider host of every operation.
 *
 * When the appliance refuses the credentials (`refused(e)`), `run` is tried once with each `fallbacks` entry
 * whose password has not been tried yet, in order (the stack config as configured, then the environment),
 * keeping the stored URL and TLS settings. Choice: documented in README "Rotating credentials".
 *
 * Credentials go only to the appliance they belong to: a fallback is tried only when its URL is the stored
 * URL (normalized). When every untried fallback belongs to another appliance, the refusal becomes a
 * {@link StoredCredentialsRefusedError} that says which credentials to set, and nothing more is sent.
 */
export async function withCredentialFallback<C extends Credentials, T>(
  stored: C | undefined,
  fallbacks: Credentials[],
  refused: (e: unknown) => boolean,
  run: (connection: C | undefined) => Promise<T>,
  opts: FallbackOptions,
): Promise<T> {
  const current = stored ?? ({} as C);
  const target = current.url ?? fallbacks[0]?.url;
  const tried = new Set([current.password ?? fallbacks[0]?.password]);
  let last: unknown;
  try {
    return await run(stored);
  } catch (e) {
    if (!refused(e)) throw e;
    last = e;
  }
  let elsewhere: Credentials | undefined;
  for (const f of fallbacks) {
    if (f.password === undefined || tried.has(f.password)) continue;
    // A stored username with no stack-level username would pair the stack's password with the wrong user.
    if (current.username !== undefined && f.username === undefined) continue;
    const same = target !== undefined && f.url !== undefined && opts.normalizeUrl(target) === opts.normalizeUrl(f.url);
    if (!same) {
      elsewhere ??= f;
      continue;
    }
    tried.add(f.password);
    try {
      return await run({ ...current, username: f.username ?? current.username, password: f.password });
    } catch (e) {
      if (!refused(e)) throw e;
      last = e;
    }
  }
  if (elsewhere && tried.size === 1) {
    throw new StoredCredentialsRefusedError(
      `${opts.vendor} at ${target ?? "(no URL)"} refused the credentials stored with this resource (rotated since?). ` +
        `The stack's credentials belong to ${elsewhere.url ?? "no appliance URL"} and are not sent to another appliance. ` +
        `To refresh or destroy it, run with stack credentials for that appliance (${opts.where} set to ${target ?? "its URL"} and a user it accepts), ` +
        "or make the stored credentials valid again.",
      { cause: last },
    );
  }
  throw last;
}
