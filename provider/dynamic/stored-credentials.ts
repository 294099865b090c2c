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
 * hold credentials that were rotated since. When the appliance refuses them (`refused(e)`) and the stack
 * config or environment holds another password, `run` is tried once more with those credentials, keeping the
 * stored URL and TLS settings. Choice: documented in README "Rotating credentials".
 *
 * Credentials go only to the appliance they belong to: the stack's credentials are tried only when the
 * stored URL is the stack's URL (normalized). Otherwise the refusal becomes a
 * {@link StoredCredentialsRefusedError} that says which credentials to set, and nothing more is sent.
 */
export async function withCredentialFallback<C extends Credentials, T>(
  stored: C | undefined,
  defaults: Credentials,
  refused: (e: unknown) => boolean,
  run: (connection: C | undefined) => Promise<T>,
  opts: FallbackOptions,
): Promise<T> {
  try {
    return await run(stored);
  } catch (e) {
    const current = stored ?? ({} as C);
    const other = defaults.password !== undefined && (current.password ?? defaults.password) !== defaults.password;
    // A stored username with no stack-level username would pair the stack's password with the wrong user.
    const pairable = current.username === undefined || defaults.username !== undefined;
    if (!refused(e) || !other || !pairable) throw e;
    const target = current.url ?? defaults.url;
    const same = target !== undefined && defaults.url !== undefined && opts.normalizeUrl(target) === opts.normalizeUrl(defaults.url);
    if (!same) {
      throw new StoredCredentialsRefusedError(
        `${opts.vendor} at ${target ?? "(no URL)"} refused the credentials stored with this resource (rotated since?). ` +
          `The stack's credentials belong to ${defaults.url ?? "no appliance URL"} and are not sent to another appliance. ` +
          `To refresh or destroy it, run with stack credentials for that appliance (${opts.where} set to ${target ?? "its URL"} and a user it accepts), ` +
          "or make the stored credentials valid again.",
        { cause: e },
      );
    }
    return run({ ...current, username: defaults.username ?? current.username, password: defaults.password });
  }
}
