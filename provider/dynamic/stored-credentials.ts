/** Credentials as a resource's `connection` input and the stack config both carry them. */
export interface Credentials {
  username?: string;
  password?: string;
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
 */
export async function withCredentialFallback<C extends Credentials, T>(
  stored: C | undefined,
  fallbacks: Credentials[],
  refused: (e: unknown) => boolean,
  run: (connection: C | undefined) => Promise<T>,
): Promise<T> {
  const current = stored ?? ({} as C);
  const tried = new Set([current.password ?? fallbacks[0]?.password]);
  let last: unknown;
  try {
    return await run(stored);
  } catch (e) {
    if (!refused(e)) throw e;
    last = e;
  }
  for (const f of fallbacks) {
    if (f.password === undefined || tried.has(f.password)) continue;
    // A stored username with no stack-level username would pair the stack's password with the wrong user.
    if (current.username !== undefined && f.username === undefined) continue;
    tried.add(f.password);
    try {
      return await run({ ...current, username: f.username ?? current.username, password: f.password });
    } catch (e) {
      if (!refused(e)) throw e;
      last = e;
    }
  }
  throw last;
}
