/**
 * pulumi-pam: Pulumi dynamic resources and session actions for PAM appliances.
 *
 * This file is the public API: every name exported here is a promise to users, so a new export (or a
 * removed one) is a deliberate change, pinned by test/packaging/public-api.test.ts. Clients, coordinators,
 * schemas and helpers stay internal (tests import them by relative path). The declarations reachable from
 * here must not reference zod: its types do not compile in a project with Pulumi's template tsconfig.
 */
export { VERSION } from "./version";

// One Identity SPS resources.
export { SpsLocalUser, SpsLocalUserGroup } from "./sps/resources";
export type { SpsConnectionArgs, SpsLocalUserArgs, SpsLocalUserGroupArgs } from "./sps/resources";
export { SpsLocalAccess } from "./sps/local-access-resource";
export type { SpsLocalAccessArgs, SpsLocalAccessGroup, SpsLocalAccessUser } from "./sps/local-access-resource";
// The access file shared by the sps-access example, pam-export and users' programs.
export { formatAccessFile, loadAccessFile, parseAccessFile } from "./sps/access-file";
export type { AccessFile, AccessFileGroup, AccessFileInput, AccessFileUser } from "./sps/access-file";

// CyberArk PVWA/PSM resource.
export { PsmSuspendPermission } from "./cyberark/resources";
export type {
  CyberArkConnectionArgs,
  PsmManualOptionsAcknowledgement,
  PsmPermissionMemberArgs,
  PsmPermissionVerifyArgs,
  PsmSuspendPermissionArgs,
} from "./cyberark/resources";

// Session actions (also `pulumi-pam/sessions`, which does not load the Pulumi SDK).
export * from "./sessions";

// Errors. Every one extends PamError; test with `X.isInstance(e)` (e.g. `ConnectionError.isInstance(e)`) and `e.code`,
// which also hold across copies of the package, where `instanceof` does not.
export {
  ApiError,
  AuthError,
  ConfigError,
  ConflictError,
  ConnectionError,
  NotFoundError,
  PamError,
  PermissionError,
  RateLimitError,
  ResponseShapeError,
  ServerError,
  TimeoutError,
  TransportError,
} from "./http/errors";
export { SpsCommitUnknownError, SpsLockHeldError, SpsRefusedError, SpsSessionLostError } from "./sps/errors";
