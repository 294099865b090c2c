import * as pulumi from "@pulumi/pulumi";
import { CONNECTION_SECRET_FIELDS, secretFields, secretIfSet, withSecretOutputs } from "../dynamic/inputs";
import { providerShim } from "../dynamic/shim";

/** The serialized providers (exported for the test harness, which serializes them as dynamic.Resource does). */
export const spsLocalUserProvider = providerShim("sps/local-user-provider");
export const spsLocalUserGroupProvider = providerShim("sps/local-user-group-provider");

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
  /** The SPS key of the user (also the resource id). */
  declare readonly key: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  /** SPS `password_created` (UNIX seconds) as last read; null until the first refresh after a create or password change. */
  declare readonly passwordCreated: pulumi.Output<number | null>;
  /** Key of the SPS password object Pulumi set (a reference, not the secret); another key on SPS means drift. */
  declare readonly passwordKey: pulumi.Output<string | null>;
  /** False when a refresh saw the password changed on SPS; the next `up` sets it again. */
  declare readonly passwordInSync: pulumi.Output<boolean>;
  /** False when `password` is omitted: Pulumi never sets, compares or reports the password. */
  declare readonly passwordManaged: pulumi.Output<boolean>;
  /** True when an existing user was adopted. */
  declare readonly adopted: pulumi.Output<boolean>;
  /** The appliance URL the user lives on. */
  declare readonly url: pulumi.Output<string | null>;

  constructor(name: string, args: SpsLocalUserArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      spsLocalUserProvider,
      name,
      {
        key: undefined, passwordCreated: undefined, passwordKey: undefined, passwordInSync: undefined, passwordManaged: undefined, adopted: undefined, url: undefined,
        name: args?.name,
        password: secretIfSet(args?.password),
        adopt: args?.adopt,
        connection: secretFields(args?.connection, CONNECTION_SECRET_FIELDS),
        // Names this resource in "one owner per SPS object" errors (`__` inputs are hidden from diffs).
        __resourceName: name,
      },
      withSecretOutputs(opts, ["password", "connection"]),
      "pam",
      "SpsLocalUser",
    );
  }

  /** Reads an existing user by key without managing it (`pulumi import` cannot work for dynamic providers; use `adopt`). */
  static get(name: string, key: pulumi.Input<string>, connection?: pulumi.Input<SpsConnectionArgs>, opts?: pulumi.CustomResourceOptions): SpsLocalUser {
    return new SpsLocalUser(name, { connection } as SpsLocalUserArgs, { ...opts, id: key });
  }
}

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
  declare readonly key: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  /** The member keys SPS holds, as last read. */
  declare readonly memberKeys: pulumi.Output<string[]>;
  /** False when a refresh saw the membership or name changed outside Pulumi. */
  declare readonly membersInSync: pulumi.Output<boolean>;
  declare readonly adopted: pulumi.Output<boolean>;
  declare readonly adoptedMembers: pulumi.Output<string[] | null>;
  declare readonly url: pulumi.Output<string | null>;

  constructor(name: string, args: SpsLocalUserGroupArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      spsLocalUserGroupProvider,
      name,
      {
        key: undefined, memberKeys: undefined, membersInSync: undefined, adopted: undefined, adoptedMembers: undefined, url: undefined,
        name: args?.name,
        members: args?.members,
        memberNames: args?.memberNames,
        adoptExisting: args?.adoptExisting,
        removeUnlistedMembers: args?.removeUnlistedMembers,
        connection: secretFields(args?.connection, CONNECTION_SECRET_FIELDS),
        __resourceName: name,
      },
      withSecretOutputs(opts, ["connection"]),
      "pam",
      "SpsLocalUserGroup",
    );
  }

  static get(name: string, key: pulumi.Input<string>, connection?: pulumi.Input<SpsConnectionArgs>, opts?: pulumi.CustomResourceOptions): SpsLocalUserGroup {
    return new SpsLocalUserGroup(name, { connection } as SpsLocalUserGroupArgs, { ...opts, id: key });
  }
}
