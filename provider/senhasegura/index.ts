/** senhasegura PAM Core A2A: connection config, client, OAuth signers and session helpers. */
export * from "./connection";
export * from "./client";
export * from "./oauth1";
export * from "./oauth2";
export * from "./sessions";
export { parseSenhaseguraError } from "./schemas";
