/** pulumi-pam: Pulumi dynamic resources and session actions for PAM appliances. */
export { VERSION } from "./version";
export * as http from "./http";
export * as sps from "./sps";
export * as cyberark from "./cyberark";
export * as senhasegura from "./senhasegura";
export { SpsLocalUser, SpsLocalUserGroup } from "./sps";
export type { SpsLocalUserArgs, SpsLocalUserGroupArgs, SpsConnectionArgs } from "./sps";
export { loadAccessFile, parseAccessFile, formatAccessFile } from "./sps";
export type { AccessFile, AccessFileInput } from "./sps";
export { PsmSuspendPermission } from "./cyberark";
export type { PsmSuspendPermissionArgs, CyberArkConnectionArgs } from "./cyberark";
export * as sessions from "./sessions";
export { createSessionTarget, withSessionTarget, loadTargetConnection, CAPABILITIES } from "./sessions";
export type { SessionAction, SessionResult, SessionTargetName } from "./sessions";
