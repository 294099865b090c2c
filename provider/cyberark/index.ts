/** CyberArk PVWA client: connection config, logon/logoff, live sessions and their actions, Vault groups. */
export * from "./config";
export * from "./client";
export * from "./errors";
export * from "./url";
export * from "./groups";
export * from "./live-sessions";
