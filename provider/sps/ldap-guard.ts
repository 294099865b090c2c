import type { SpsTarget } from "./context";
import type { SpsSessionHandle } from "./coordinator";
import { SpsRefusedError } from "./errors";

const BACKENDS = Symbol.for("pulumi-pam.sps.backend-checked");

/**
 * The authentication backend each session read, once (a failed read is not kept, so the next call asks
 * again). On `globalThis`, like the coordinators (registry.ts), so two copies of this package ask once.
 */
function backends(): WeakMap<SpsSessionHandle, Promise<string>> {
  const g = globalThis as unknown as Record<symbol, WeakMap<SpsSessionHandle, Promise<string>> | undefined>;
  return (g[BACKENDS] ??= new WeakMap());
}

/**
 * Local users cannot be managed while SPS authenticates against LDAP (SPS guide, "Manage users locally"):
 * their accounts are disabled, not deleted. Checked once per session, before any user write.
 */
export async function assertLocalUsersManageable(target: SpsTarget): Promise<void> {
  const session = target.coordinator;
  const cache = backends();
  let pending = cache.get(session);
  if (!pending) {
    pending = session.read((client) => client.authBackend());
    cache.set(session, pending);
  }
  let backend: string;
  try {
    backend = await pending;
  } catch (e) {
    if (cache.get(session) === pending) cache.delete(session);
    throw e;
  }
  if (backend === "ldap") {
    throw new SpsRefusedError(
      `SPS at ${target.conn.url} authenticates users with LDAP, so local users cannot be managed (SPS disables them while LDAP is on). ` +
        "Switch Users & Access Control > Login options to local or RADIUS, or remove the SpsLocalUser resources.",
    );
  }
}
