/** CyberArk PVWA client: connection config, logon/logoff, live sessions and their actions, Vault groups. */
export * from "./connection";
export * from "./client";
export * from "./errors";
export * from "./url";
export * from "./groups";
export * from "./live-sessions";
export { PsmSuspendPermission, psmSuspendPermissionProvider } from "./resources";
export type {
  PsmSuspendPermissionArgs,
  PsmPermissionMemberArgs,
  PsmManualOptionsAcknowledgement,
  PsmPermissionVerifyArgs,
  CyberArkConnectionArgs,
} from "./resources";
export { LIVE_SESSIONS_OPTIONS_PATH } from "./psm-permission-schema";
export type { PsmPermissionOutputs, PsmVerification, PsmRight } from "./psm-permission-schema";
