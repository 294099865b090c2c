import * as pulumi from "@pulumi/pulumi";
import { resourceOptions, resourceProps, TYPE_MODULE, type OutputProperties } from "../dynamic/resource-spec";
import { providerShim } from "../dynamic/shim";
import { SPS_LOCAL_USER, SPS_LOCAL_USER_GROUP, type SpsLocalUserGroupOutputs, type SpsLocalUserOutputs } from "./resource-specs";

/** The serialized providers (exported for the test harness, which serializes them as dynamic.Resource does). */
export const spsLocalUserProvider = providerShim(SPS_LOCAL_USER.impl);
export const spsLocalUserGroupProvider = providerShim(SPS_LOCAL_USER_GROUP.impl);

/** Where and as whom to reach SPS; every field overrides stack config `sps:*` and `SPS_*` variables. */
export interface SpsConnectionArgs {
  /** `https://sps.example.com`. A change of URL replaces the resource (another appliance). */
  url?: pulumi.Input<string>;
  username?: pulumi.Input<string>;
  /** Stored as a Pulumi secret (only this field: the URL stays known during preview). */
  password?: pulumi.Input<string>;
  /** PEM text or a file path of the SPS CA certificate. */
  caCertificates?: pulumi.Input<string>;
  /** Skip TLS verification (explicit opt-in; labs only). */
  insecureSkipVerify?: pulumi.Input<boolean>;
  /** Accept a plain `http://` url (explicit opt-in; labs only: credentials cross the network unencrypted). */
  allowHttp?: pulumi.Input<boolean>;
}

/** Inputs of {@link SpsLocalUser}. */
export interface SpsLocalUserArgs {
  /** SPS username; renaming is an in-place update. `admin` is refused. */
  name: pulumi.Input<string>;
  /**
   * Password; always stored as a secret. A change creates a fresh SPS password object. Omitted: the
   * password is not managed: an adopted user's is never touched and no password drift is reported; a new
   * user gets a random strong password nobody knows (RADIUS users, users who log in another way).
   * Setting it later manages it from then on.
   */
  password?: pulumi.Input<string>;
  /**
   * Take over an existing user of this name instead of failing; its password is set only when `password`
   * is given. An adopted user is a managed user: removing the resource (or destroy) deletes it on SPS;
   * use the `retainOnDelete` resource option to release it instead. See docs/adoption.md.
   */
  adopt?: pulumi.Input<boolean>;
  /** Overrides the stack's SPS connection for this resource. */
  connection?: pulumi.Input<SpsConnectionArgs>;
}

/**
 * A local user of One Identity Safeguard for Privileged Sessions
 * (`/api/configuration/aaa/local_database/users`). Its id is the SPS key. Group membership is managed by
 * {@link SpsLocalUserGroup}, never here.
 */
export class SpsLocalUser extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;

  constructor(name: string, args: SpsLocalUserArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      spsLocalUserProvider,
      name,
      resourceProps(SPS_LOCAL_USER, {
        name: args?.name,
        password: args?.password,
        adopt: args?.adopt,
        connection: args?.connection,
        // Names this resource in "one owner per SPS object" errors (`__` inputs are hidden from diffs).
        __resourceName: name,
      }),
      resourceOptions(SPS_LOCAL_USER, opts),
      TYPE_MODULE,
      SPS_LOCAL_USER.type,
    );
  }

  /** Reads an existing user by key without managing it (`pulumi import` cannot work for dynamic providers; use `adopt`). */
  static get(name: string, key: pulumi.Input<string>, connection?: pulumi.Input<SpsConnectionArgs>, opts?: pulumi.CustomResourceOptions): SpsLocalUser {
    return new SpsLocalUser(name, { connection } as SpsLocalUserArgs, { ...opts, id: key });
  }
}

// The outputs, declared once in SpsLocalUserOutputs (merged into the class; no runtime code).
export interface SpsLocalUser extends OutputProperties<SpsLocalUserOutputs> {}

/** Inputs of {@link SpsLocalUserGroup}. */
export interface SpsLocalUserGroupArgs {
  /** Group name; renaming is an in-place update. */
  name: pulumi.Input<string>;
  /** Member user keys, typically `SpsLocalUser.key` (which also orders users before the group). */
  members?: pulumi.Input<pulumi.Input<string>[]>;
  /** Member usernames, resolved to keys on SPS at apply time (for users not managed by this program). */
  memberNames?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Manage an existing group of this name (e.g. a built-in one). Adoption fails, naming them, when the
   * group has members that are not declared, unless `removeUnlistedMembers`. Delete keeps the group and
   * removes only the members Pulumi added. See docs/adoption.md.
   */
  adoptExisting?: pulumi.Input<boolean>;
  /** With `adoptExisting`: remove the group's current members that are not declared, on purpose. */
  removeUnlistedMembers?: pulumi.Input<boolean>;
  connection?: pulumi.Input<SpsConnectionArgs>;
}

/** A local usergroup of SPS with its exact membership (`/api/configuration/aaa/local_database/groups`). */
export class SpsLocalUserGroup extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;

  constructor(name: string, args: SpsLocalUserGroupArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      spsLocalUserGroupProvider,
      name,
      resourceProps(SPS_LOCAL_USER_GROUP, {
        name: args?.name,
        members: args?.members,
        memberNames: args?.memberNames,
        adoptExisting: args?.adoptExisting,
        removeUnlistedMembers: args?.removeUnlistedMembers,
        connection: args?.connection,
        __resourceName: name,
      }),
      resourceOptions(SPS_LOCAL_USER_GROUP, opts),
      TYPE_MODULE,
      SPS_LOCAL_USER_GROUP.type,
    );
  }

  static get(name: string, key: pulumi.Input<string>, connection?: pulumi.Input<SpsConnectionArgs>, opts?: pulumi.CustomResourceOptions): SpsLocalUserGroup {
    return new SpsLocalUserGroup(name, { connection } as SpsLocalUserGroupArgs, { ...opts, id: key });
  }
}

// The outputs, declared once in SpsLocalUserGroupOutputs (merged into the class; no runtime code).
export interface SpsLocalUserGroup extends OutputProperties<SpsLocalUserGroupOutputs> {}
