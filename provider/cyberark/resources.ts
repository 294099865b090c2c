import * as pulumi from "@pulumi/pulumi";
import { resourceOptions, resourceProps, TYPE_MODULE, type OutputProperties } from "../dynamic/resource-spec";
import { providerShim } from "../dynamic/shim";
import { PSM_SUSPEND_PERMISSION, type PsmRight, type PsmSuspendPermissionOutputs } from "./resource-specs";

/** The serialized provider (exported for the test harness, which serializes it as dynamic.Resource does). */
export const psmSuspendPermissionProvider = providerShim(PSM_SUSPEND_PERMISSION.impl);

/** Where and as whom to reach PVWA; every field overrides stack config `cyberark:*` and `CYBERARK_*` variables. */
export interface CyberArkConnectionArgs {
  /** `https://pvwa.example.com` (or `…/PasswordVault`). A change of URL replaces the resource (another Vault). */
  url?: pulumi.Input<string>;
  /** A Vault user with the Audit users and Add/Update users authorizations. */
  username?: pulumi.Input<string>;
  /** Stored as a Pulumi secret (only this field: the URL stays known during preview). */
  password?: pulumi.Input<string>;
  /** Logon endpoint; default "CyberArk". */
  authMethod?: pulumi.Input<"CyberArk" | "LDAP" | "RADIUS">;
  /** PEM text or a file path of the CA that signs the PVWA certificate. */
  caCertificates?: pulumi.Input<string>;
  /** Skip TLS verification (explicit opt-in; labs only). */
  insecureSkipVerify?: pulumi.Input<boolean>;
  /** Privilege Cloud: the Identity tenant, `https://<tenant>.id.cyberark.cloud` (with clientId/clientSecret instead of username/password). */
  identityUrl?: pulumi.Input<string>;
  /** Privilege Cloud: OAuth 2.0 client id of the service user. */
  clientId?: pulumi.Input<string>;
  /** Privilege Cloud: its client secret. Stored as a Pulumi secret. */
  clientSecret?: pulumi.Input<string>;
}

/** A member of the permission group. */
export interface PsmPermissionMemberArgs {
  /** Vault user name, or the name of a domain (LDAP) user or group. Unique in the list (PVWA lists members by name). */
  name: pulumi.Input<string>;
  /** "vault" (default) or "domain". */
  type?: pulumi.Input<"vault" | "domain">;
  /** DNS domain of a domain member, e.g. "corp.example.com"; required for `type: "domain"`. */
  domain?: pulumi.Input<string>;
}

/**
 * Confirmations of the PVWA Options steps that have no REST API. Each must be `true` for the chosen
 * right, or check fails naming the exact Options path.
 */
export interface PsmManualOptionsAcknowledgement {
  /**
   * Suspend only: Administration > Options > Privileged Session Management > General Settings > Server
   * Settings > Live Sessions Monitoring Settings > AllowPSMNotifications is Yes.
   */
  allowPsmNotifications?: pulumi.Input<boolean>;
  /** Suspend: the group is listed under … > Live Sessions Monitoring Settings > Suspending Live Sessions Users and Groups. */
  groupListedInSuspendingUsersAndGroups?: pulumi.Input<boolean>;
  /** Terminate: the group is listed under … > Live Sessions Monitoring Settings > Terminating Live Sessions Users and Groups. */
  groupListedInTerminatingUsersAndGroups?: pulumi.Input<boolean>;
}

/** Optional read-only check that a member really holds the right (its password stored as a secret; the `verify` output is secret as a whole). */
export interface PsmPermissionVerifyArgs {
  /** A member of the group who logs on to PVWA to read CanSuspend / CanTerminate on a live session. */
  username: pulumi.Input<string>;
  password: pulumi.Input<string>;
  /** Default "CyberArk". */
  authMethod?: pulumi.Input<"CyberArk" | "LDAP" | "RADIUS">;
  /** When the flag is false: fail the operation (default true) or only report `verification.status = "denied"`. */
  failOnDenied?: pulumi.Input<boolean>;
}

/** Inputs of {@link PsmSuspendPermission}. */
export interface PsmSuspendPermissionArgs {
  /** The Vault group listed in the Options list. A change replaces the resource. */
  groupName: pulumi.Input<string>;
  /** The exact membership; members added or removed outside Pulumi are reverted on the next up. */
  members: pulumi.Input<pulumi.Input<PsmPermissionMemberArgs>[]>;
  /** "suspend" (default: suspend and resume) or "terminate" (e.g. with the built-in PSMLiveSessionTerminators group). */
  right?: pulumi.Input<"suspend" | "terminate">;
  /** Manage an existing group of this name (e.g. PSMLiveSessionTerminators); delete then keeps the group. */
  adoptExisting?: pulumi.Input<boolean>;
  /** With `adoptExisting`: remove the group's current members that are not declared, on purpose (otherwise adoption fails, naming them). */
  removeUnlistedMembers?: pulumi.Input<boolean>;
  /** Required confirmations of the manual Options steps. */
  acknowledgeManualOptions: pulumi.Input<PsmManualOptionsAcknowledgement>;
  verify?: pulumi.Input<PsmPermissionVerifyArgs>;
  /** Overrides the stack's CyberArk connection for this resource (its password stored as a secret; the `connection` output is secret as a whole). */
  connection?: pulumi.Input<CyberArkConnectionArgs>;
}

/**
 * Who may suspend and resume (or terminate) CyberArk PSM live sessions: a Vault group whose membership
 * is reconciled exactly, plus acknowledged manual Options steps. Its id is the Vault group id.
 * See docs/cyberark-psm-suspend-permission.md.
 */
export class PsmSuspendPermission extends pulumi.dynamic.Resource {
  declare readonly groupName: pulumi.Output<string>;
  declare readonly right: pulumi.Output<PsmRight>;

  constructor(name: string, args: PsmSuspendPermissionArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      psmSuspendPermissionProvider,
      name,
      resourceProps(PSM_SUSPEND_PERMISSION, {
        groupName: args?.groupName,
        members: args?.members,
        right: args?.right,
        adoptExisting: args?.adoptExisting,
        removeUnlistedMembers: args?.removeUnlistedMembers,
        acknowledgeManualOptions: args?.acknowledgeManualOptions,
        verify: args?.verify,
        connection: args?.connection,
      }),
      resourceOptions(PSM_SUSPEND_PERMISSION, opts),
      TYPE_MODULE,
      PSM_SUSPEND_PERMISSION.type,
    );
  }

  /**
   * Reads a Vault group by id without managing it. Such a group counts as adopted, so nothing deletes it
   * (`pulumi import` cannot work for dynamic providers; use `adoptExisting` to manage an existing group).
   */
  static get(name: string, groupId: pulumi.Input<string>, connection?: pulumi.Input<CyberArkConnectionArgs>, opts?: pulumi.CustomResourceOptions): PsmSuspendPermission {
    return new PsmSuspendPermission(name, { connection } as PsmSuspendPermissionArgs, { ...opts, id: groupId });
  }
}

// The outputs, declared once in PsmSuspendPermissionOutputs (merged into the class; no runtime code).
export interface PsmSuspendPermission extends OutputProperties<PsmSuspendPermissionOutputs> {}
