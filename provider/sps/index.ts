/** One Identity Safeguard for Privileged Sessions (SPS): resources, client and session helper. */
export { SpsLocalUser, SpsLocalUserGroup, spsLocalUserProvider, spsLocalUserGroupProvider } from "./resources";
export type { SpsLocalUserArgs, SpsLocalUserGroupArgs, SpsConnectionArgs } from "./resources";
export { SpsLocalAccess, spsLocalAccessProvider } from "./local-access-resource";
export type { SpsLocalAccessArgs, SpsLocalAccessUser, SpsLocalAccessGroup } from "./local-access-resource";
export { SpsClient } from "./client";
export { SpsCoordinator } from "./coordinator";
export type { StagedOperation, SpsSessionHandle } from "./coordinator";
export { resolveSpsConnection, spsConnectionFromEnv, spsDefaultsFrom, DEFAULT_TUNING } from "./connection";
export type { SpsConnection, SpsTuning } from "./connection";
export { SpsLockHeldError, SpsSessionLostError, SpsRefusedError } from "./errors";
export { allCoordinators, resetCoordinators } from "./registry";
export { closeSpsActiveSession, listSpsActiveSessions } from "./active-sessions";
export type { SpsActiveSession, SpsCloseOutcome, SpsCloseResult, ListSpsActiveSessionsOptions } from "./active-sessions";
export { loadAccessFile, parseAccessFile, formatAccessFile } from "./access-file";
export { accessFileSchema } from "./access-file-schema";
export type { AccessFile, AccessFileUser, AccessFileGroup, AccessFileInput } from "./access-file";
