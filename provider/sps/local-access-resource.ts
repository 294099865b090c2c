import * as pulumi from "@pulumi/pulumi";
import { resourceOptions, resourceProps, TYPE_MODULE, type OutputProperties } from "../dynamic/resource-spec";
import { providerShim } from "../dynamic/shim";
import { SPS_LOCAL_ACCESS, type SpsLocalAccessOutputs } from "./resource-specs";
import type { SpsConnectionArgs } from "./resources";

/** The serialized provider (exported for the test harness). */
export const spsLocalAccessProvider = providerShim(SPS_LOCAL_ACCESS.impl);

/** One local user of {@link SpsLocalAccess}. */
export interface SpsLocalAccessUser {
  /** SPS username; a change is a rename of the same SPS user. `admin` is refused. */
  name: string;
  /**
   * Password (kept as a secret). Omitted: an adopted user's password is never touched, and a new user gets
   * a random password nobody knows (for users who log in through RADIUS). May be an Output (secret config).
   */
  password?: pulumi.Input<string>;
  /** Take over an existing SPS user of this name instead of failing at commit. */
  adopt?: boolean;
}

/** One local usergroup of {@link SpsLocalAccess}. */
export interface SpsLocalAccessGroup {
  name: string;
  /** Ids of users declared in the same resource's `users`. */
  members?: string[];
  /** Usernames of SPS users this resource does not manage. */
  memberNames?: string[];
  /** Manage an existing group of this name; when it leaves the resource it is not deleted, only the members Pulumi added are removed. */
  adoptExisting?: boolean;
  /** With `adoptExisting`: allow adoption to remove current members that are not declared (otherwise it fails naming them). */
  removeUnlistedMembers?: boolean;
}

/** Inputs of {@link SpsLocalAccess}. */
export interface SpsLocalAccessArgs {
  /** Users by a stable id (the id, not the name, identifies the user across renames). */
  users?: pulumi.Input<Record<string, pulumi.Input<SpsLocalAccessUser>>>;
  /** Groups by a stable id. */
  groups?: pulumi.Input<Record<string, pulumi.Input<SpsLocalAccessGroup>>>;
  /**
   * Also delete the SPS local users and groups this resource does not declare (never `admin`, the built-in
   * groups or a group an ACL names). Default false. Preview shows them in the `pruned` input.
   */
  prune?: pulumi.Input<boolean>;
  connection?: pulumi.Input<SpsConnectionArgs>;
}

type Users = Record<string, SpsLocalAccessUser>;

/**
 * A team's SPS local users and usergroups as one resource: every `up`, `destroy` or change is one
 * transaction and one commit, all or nothing, whatever `--parallel` is.
 */
export class SpsLocalAccess extends pulumi.dynamic.Resource {
  constructor(name: string, args: SpsLocalAccessArgs, opts?: pulumi.CustomResourceOptions) {
    const all = pulumi.output(args?.users ?? {}) as pulumi.Output<Users>;
    // Names stay visible in `preview --diff` (which ids change); only the passwords are secret.
    const users = pulumi.unsecret(all.apply((u) => Object.fromEntries(Object.entries(u ?? {}).map(([id, x]) => [id, x?.adopt === undefined ? { name: x?.name } : { name: x?.name, adopt: x.adopt }]))));
    const passwords = all.apply((u) => Object.fromEntries(Object.entries(u ?? {}).flatMap(([id, x]) => (x?.password === undefined ? [] : [[id, x.password]]))));
    super(
      spsLocalAccessProvider,
      name,
      resourceProps(SPS_LOCAL_ACCESS, {
        users,
        passwords, // secret (the spec's secret inputs)
        groups: args?.groups ?? {},
        prune: args?.prune,
        connection: args?.connection,
        // Names this resource in "one owner per SPS object" errors (`__` inputs are hidden from diffs).
        __resourceName: name,
      }),
      resourceOptions(SPS_LOCAL_ACCESS, opts),
      TYPE_MODULE,
      SPS_LOCAL_ACCESS.type,
    );
  }
}

// The outputs, declared once in SpsLocalAccessOutputs (merged into the class; no runtime code).
export interface SpsLocalAccess extends OutputProperties<SpsLocalAccessOutputs> {}
