import { SenhaseguraClient, type SenhaseguraClientOptions } from "../../provider/senhasegura/client";
import type { SenhaseguraConnection } from "../../provider/senhasegura/connection";
import { createSenhaseguraEmulator, type SenhaseguraEmulator, type SenhaseguraEmulatorOptions } from "../emulators/senhasegura";

export const OAUTH2 = { clientId: "765299ec425cf0255badc739c2dce1b10634973e1", clientSecret: "f13aeddeb57f262835871dab5d839b70" };
export const READER = { clientId: "reader-app", clientSecret: "reader-secret-0123456789", scopes: ["read" as const] };
export const OAUTH1 = { consumerKey: "ck-0123456789", consumerSecret: "consumer-secret-abcdef", token: "oauth-token-abcdef012345", tokenSecret: "token-secret-fedcba" };
export const ACTIVE = "a".repeat(40);
export const ENDED = "b".repeat(40);

/** Emulator with one OAuth 2.0 client, a read-only client, one OAuth 1.0a app, an active and an ended session. */
export function startEmulator(extra: SenhaseguraEmulatorOptions = {}): Promise<SenhaseguraEmulator> {
  return createSenhaseguraEmulator({
    oauth2Clients: [OAUTH2, READER],
    oauth1Clients: [OAUTH1],
    sessions: [
      { id: "3", sessionId: ACTIVE, user: "alice" },
      { id: "4", sessionId: ENDED, user: "bob", startMs: Date.UTC(2024, 4, 6, 16, 5, 7), endMs: Date.UTC(2024, 4, 6, 16, 7, 59) },
    ],
    ...extra,
  });
}

/** A client for `emu`, sharing its clock; retries fast so fault tests stay quick. */
export function clientFor(
  emu: SenhaseguraEmulator,
  conn: Partial<SenhaseguraConnection> = {},
  opts: SenhaseguraClientOptions = {},
): SenhaseguraClient {
  const creds = conn.consumerKey ? {} : { clientId: OAUTH2.clientId, clientSecret: OAUTH2.clientSecret };
  return new SenhaseguraClient(
    { url: emu.url, allowHttp: true, ...creds, ...conn },
    { now: () => emu.clock.now(), retry: { baseDelayMs: 1, maxDelayMs: 5 }, ...opts },
  );
}
