/**
 * Inputs and outputs of `PsmSuspendPermission`, and the manual PVWA Options steps it cannot perform
 * (no PVWA REST API reads or writes the Live Sessions Monitoring Settings).
 * Schemas are built by functions: nothing at module level (the provider is serialized with its closures).
 */
import { z } from "zod";
import type { ResourceState } from "../dynamic/resource-spec";
import type { PsmRight, PsmSuspendPermissionOutputs } from "./resource-specs";
import type { CyberArkConnectionInput } from "./connection";
import { cyberArkConnectionInputSchema } from "./connection-schema";
import { urlValueProblem } from "./url";
import { NAME_LIMITS, nameIssue, nameKey } from "../validation/names";

/** The PVWA Options node holding the live-session settings (PSM documentation, "Configuration" steps of live-session suspension). */
export const LIVE_SESSIONS_OPTIONS_PATH =
  "Administration > Options > Privileged Session Management > General Settings > Server Settings > Live Sessions Monitoring Settings";

/** The Options list a group must be in for each right (PSM documentation on suspending and terminating live sessions). */
export const RIGHT_LIST = {
  suspend: "Suspending Live Sessions Users and Groups",
  terminate: "Terminating Live Sessions Users and Groups",
} as const satisfies Record<PsmRight, string>;

export type { PsmRight, PsmVerification } from "./resource-specs";

/** The manual Options steps, keyed by the `acknowledgeManualOptions` field that confirms each one. */
export function manualSteps(right: PsmRight, groupName: string): Array<{ field: string; step: string }> {
  if (right === "terminate") {
    return [{ field: "groupListedInTerminatingUsersAndGroups", step: `Vault group "${groupName}" is listed under ${LIVE_SESSIONS_OPTIONS_PATH} > ${RIGHT_LIST.terminate}` }];
  }
  return [
    { field: "allowPsmNotifications", step: `AllowPSMNotifications is set to Yes under ${LIVE_SESSIONS_OPTIONS_PATH}` },
    { field: "groupListedInSuspendingUsersAndGroups", step: `Vault group "${groupName}" is listed under ${LIVE_SESSIONS_OPTIONS_PATH} > ${RIGHT_LIST.suspend}` },
  ];
}

const memberSchema = () =>
  z
    .object({
      name: z
        .string({ error: "is required: a Vault user name, or a domain user or group name" })
        .superRefine(nameIssue(NAME_LIMITS.psmMemberName))
        .superRefine((n, ctx) => {
          // Members are removed with DELETE /UserGroups/{id}/Members/{name}, so the name must fit a URL.
          const p = urlValueProblem(n);
          if (p) ctx.addIssue({ code: "custom", message: `${JSON.stringify(n)} cannot be managed through the PVWA REST API: ${p}` });
        }),
      type: z.enum(["vault", "domain"], { error: 'must be "vault" or "domain"' }).optional(),
      domain: z.string().min(1, "must not be empty").optional(),
    })
    .strict()
    .superRefine((m, ctx) => {
      if (m.type === "domain" && !m.domain) ctx.addIssue({ code: "custom", path: ["domain"], message: `is required for the domain member "${m.name}": its DNS domain, e.g. "corp.example.com"` });
      if (m.type !== "domain" && m.domain) ctx.addIssue({ code: "custom", path: ["type"], message: `must be "domain" when a domain is given (member "${m.name}")` });
    });

/** One declared member: a Vault user (default), or a domain user or group with its DNS domain. */
export type PsmMember = z.infer<ReturnType<typeof memberSchema>>;

const ackSchema = () =>
  z
    .object({
      allowPsmNotifications: z.boolean().optional(),
      groupListedInSuspendingUsersAndGroups: z.boolean().optional(),
      groupListedInTerminatingUsersAndGroups: z.boolean().optional(),
    })
    .strict();

const verifySchema = () =>
  z
    .object({
      username: z.string().min(1, "must not be empty: a member of the group who logs on to check the right"),
      password: z.string().min(1, "must not be empty"),
      authMethod: z.enum(["CyberArk", "LDAP", "RADIUS"], { error: 'must be "CyberArk", "LDAP" or "RADIUS"' }).optional(),
      failOnDenied: z.boolean().optional(),
    })
    .strict();

/** Inputs of PsmSuspendPermission (strict: unknown fields are check failures). */
export function psmPermissionInputsSchema() {
  return z
    .object({
      groupName: z
        .string({ error: "is required: the Vault group that is listed in the Options list" })
        .superRefine(nameIssue(NAME_LIMITS.psmGroupName))
        .refine((n) => !/[+&%]/.test(n), 'must not contain "+", "&" or "%" (PVWA does not support them in URL values)'),
      right: z.enum(["suspend", "terminate"], { error: 'must be "suspend" or "terminate"' }).optional(),
      members: z.array(memberSchema(), { error: "is required: the exact list of members (may be empty)" }).superRefine((ms, ctx) => {
        const seen = new Set<string>();
        for (const m of ms) {
          // PVWA lists members by name only (its group members API), so names must be unique whatever their domain.
          const k = nameKey(m?.name ?? "").toLowerCase();
          if (seen.has(k)) ctx.addIssue({ code: "custom", message: `lists "${m.name}" twice; PVWA identifies group members by name, so list each name once` });
          seen.add(k);
        }
      }),
      adoptExisting: z.boolean().optional(),
      /** With adoptExisting: remove current members that are not declared (otherwise adoption refuses, naming them). */
      removeUnlistedMembers: z.boolean().optional(),
      acknowledgeManualOptions: ackSchema().optional(),
      verify: verifySchema().optional(),
      connection: cyberArkConnectionInputSchema().optional(),
      __provider: z.unknown().optional(),
    })
    .strict();
}

/** Validated inputs. */
export type PsmPermissionInputs = z.infer<ReturnType<typeof psmPermissionInputsSchema>>;

/** The state: the inputs as stored (defaults filled in) plus what PVWA holds. */
export type PsmPermissionOutputs = ResourceState<PsmPermissionInputs, PsmSuspendPermissionOutputs, "right" | "adoptExisting" | "removeUnlistedMembers" | "acknowledgeManualOptions">;
