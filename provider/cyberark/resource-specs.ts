/**
 * The spec of the CyberArk resource (see provider/dynamic/resource-spec.ts): type, implementation module,
 * outputs and secrets, used by the class, its implementation and the test harness. No zod here.
 */
import { CONNECTION_SECRET_FIELDS } from "../dynamic/inputs";
import { resourceSpec } from "../dynamic/resource-spec";

/** Which live-session right the group grants. */
export type PsmRight = "suspend" | "terminate";

/** Result of the optional verification. */
export interface PsmVerification {
  /** verified: the member holds the right on a live session; unverifiable: no session could show it; denied: it does not. */
  status: "verified" | "unverifiable" | "denied";
  /** Human-readable reason; never contains secrets. */
  detail: string;
  /** The live session the flag was read from, when one was. */
  sessionId: string | null;
}

/** What PVWA holds for a {@link PsmSuspendPermission}, as its outputs. */
export interface PsmSuspendPermissionOutputs {
  /** The Vault group id (also the resource id). */
  groupId: number;
  /** True when an existing group was adopted: delete keeps the group and removes only the members Pulumi added. */
  adopted: boolean;
  /** Members removed from an adopted group to match `members` (audit record), or null. */
  removedAtAdoption: string[] | null;
  /** Member names the group held when adopted; those still members stay when the resource is deleted. */
  membersBeforeAdoption: string[] | null;
  /** Member names PVWA lists, as last read (sorted). */
  actualMembers: string[];
  /** False when a refresh saw membership changed outside Pulumi; the next up reconciles it. */
  membersInSync: boolean;
  /** The manual Options steps this permission relies on (acknowledged, not enforced). */
  manualOptions: string[];
  /** The last verification, or null without `verify`. */
  verification: PsmVerification | null;
  /** The PVWA (normalised) the group lives on. */
  url: string | null;
}

export const PSM_SUSPEND_PERMISSION = resourceSpec<PsmSuspendPermissionOutputs>()({
  type: "PsmSuspendPermission",
  impl: "cyberark/psm-suspend-permission-provider",
  outputs: ["groupId", "adopted", "removedAtAdoption", "membersBeforeAdoption", "actualMembers", "membersInSync", "manualOptions", "verification", "url"],
  // `verify` and `connection` hold credentials: secret as a whole in state, only their passwords when sent.
  secretOutputs: ["verify", "connection"],
  // Privilege Cloud: the OAuth client secret is a credential like the password.
  secretInputs: { verify: ["password"], connection: [...CONNECTION_SECRET_FIELDS, "clientSecret"] },
});
