/** Credentials as a resource's `connection` input and the stack config both carry them. */
export interface Credentials {
  username?: string;
  password?: string;
}

/**
 * Runs `run` with the connection stored in a resource's outputs (refresh, delete). A credential change in a
 * resource's `connection` alone is not a diff (it changes nothing on the appliance), so the stored copy can
 * hold credentials that were rotated since. When the appliance refuses them (`refused(e)`) and the stack
 * config or environment holds another password, `run` is tried once more with those credentials, keeping the
 * stored URL and TLS settings. Choice: documented in README "Rotating credentials".
 */
export async function withCredentialFallback<C extends Credentials, T>(
  stored: C | undefined,
  defaults: Credentials,
  refused: (e: unknown) => boolean,
  run: (connection: C | undefined) => Promise<T>,
): Promise<T> {
  try {
    return await run(stored);
  } catch (e) {
    const current = stored ?? ({} as C);
    const other = defaults.password !== undefined && (current.password ?? defaults.password) !== defaults.password;
    // A stored username with no stack-level username would pair the stack's password with the wrong user.
    const pairable = current.username === undefined || defaults.username !== undefined;
    if (!refused(e) || !other || !pairable) throw e;
    return run({ ...current, username: defaults.username ?? current.username, password: defaults.password });
  }
}
