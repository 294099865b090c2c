import { ManualClock, type Wait } from "../common/clock";
import type { FaultAction } from "../common/faults";
import { startEmulatorServer, type EmulatorServer } from "../common/server";
import { AuthState, type AuthCall, type AuthOptions, type OAuth1ClientSpec, type OAuth2ClientSpec, type Scope } from "./auth";
import { SessionHandlers, type ActiveEndStyle } from "./handlers/session";
import { envelope, PROFILES, TEXT, type SenhaseguraProfile } from "./profile";
import { ALL_PREFIXES, buildRouter, type SessionPrefix } from "./routes";
import { SessionStore, type SessionSeed } from "./store";

export type { AuthCall, OAuth1ClientSpec, OAuth2ClientSpec, Scope, SenhaseguraProfile, SessionPrefix, SessionSeed, ActiveEndStyle };
export { ALL_PREFIXES, TEXT };

/** Options of {@link createSenhaseguraEmulator}; every [UNK] default is documented on its field. */
export interface SenhaseguraEmulatorOptions {
  /** Release to answer like (default "latest"). */
  profile?: SenhaseguraProfile;
  /** Session-route prefixes served (default all of `/iso`, `/api`, `/api/pam`). */
  prefixes?: readonly SessionPrefix[];
  /** OAuth 2.0 applications (default none). */
  oauth2Clients?: OAuth2ClientSpec[];
  /** OAuth 1.0a applications (default none). */
  oauth1Clients?: OAuth1ClientSpec[];
  /** Seeded sessions, in list order. */
  sessions?: SessionSeed[];
  /** `expires_in` seconds (default 3600). */
  tokenTtlSec?: number;
  /** Accept body credentials at the token endpoint (default true; false = Basic only, v3.25). */
  bodyCredentials?: boolean;
  /** Also serve `/api/oauth2/token` (default false). */
  apiTokenPath?: boolean;
  /** Status for failed authentication on resource routes (default 401). */
  unauthenticatedStatus?: number;
  /** Kong gateway mode for `/api/…` without Authorization (default false). */
  gateway?: boolean;
  /** OAuth 1.0a timestamp window in seconds (default: not checked). */
  oauth1MaxSkewSec?: number;
  /** Reject reused OAuth 1.0a nonces (default false). */
  oauth1RejectReplay?: boolean;
  /** Representation of a running session's `end` (default "null"). */
  activeEnd?: ActiveEndStyle;
  /** Status of "You are not authorized to access this resource" (default 500, per v3.33 docs). */
  deniedStatus?: number;
  /** Dropping an already-ended session answers 200 instead of the 500 (default false). */
  dropEndedSucceeds?: boolean;
  /** HTTPS with the test CA (default false). */
  tls?: boolean;
  /** Fixed port (sandbox); default random. */
  port?: number;
  /** Clock for token expiry, OAuth timestamps and session times; default a ManualClock frozen at start-up. */
  clock?: ManualClock;
  /** How `delay` faults wait; default a real timer. */
  wait?: Wait;
}

/** A running senhasegura PAM Core emulator. */
export interface SenhaseguraEmulator {
  url: string;
  close(): Promise<void>;
  store: SessionStore;
  auth: AuthState;
  /** Authentication decisions (auth kind, signature valid?), no secrets. */
  calls: AuthCall[];
  faults: EmulatorServer["faults"];
  log: EmulatorServer["log"];
  latency: EmulatorServer["latency"];
  clock: ManualClock;
  controls: {
    /** Next `times` requests matching "METHOD /path" prefix get the vendor's 500 "Unexpected error." [DOC]. */
    unexpectedErrorNext(match: string | RegExp, times?: number): void;
    /** Next matching request: connection reset before handling. */
    resetNext(match: string | RegExp): void;
    /** Changes an application's permissions. */
    setScopes(id: string, scopes: Scope[]): void;
    /** Invalidates every issued access token. */
    revokeTokens(): void;
  };
}

/** Starts a senhasegura PAM Core A2A emulator (token endpoint, bearer/OAuth 1.0a, session routes). */
export async function createSenhaseguraEmulator(opts: SenhaseguraEmulatorOptions = {}): Promise<SenhaseguraEmulator> {
  const clock = opts.clock ?? new ManualClock();
  const traits = PROFILES[opts.profile ?? "latest"];
  const authOptions: AuthOptions = {
    tokenTtlSec: opts.tokenTtlSec ?? 3600,
    bodyCredentials: opts.bodyCredentials ?? true,
    unauthenticatedStatus: opts.unauthenticatedStatus ?? 401,
    gateway: opts.gateway ?? false,
    oauth1MaxSkewSec: opts.oauth1MaxSkewSec,
    oauth1RejectReplay: opts.oauth1RejectReplay ?? false,
  };
  const auth = new AuthState(authOptions, clock, traits, opts.tls ? "https" : "http");
  for (const c of opts.oauth2Clients ?? []) auth.addOAuth2Client({ ...c });
  for (const c of opts.oauth1Clients ?? []) auth.addOAuth1Client({ ...c });
  const store = new SessionStore(clock);
  for (const s of opts.sessions ?? []) store.add(s);
  const sessions = new SessionHandlers(store, clock, {
    traits,
    activeEnd: opts.activeEnd ?? "null",
    deniedStatus: opts.deniedStatus ?? 500,
    dropEndedSucceeds: opts.dropEndedSucceeds ?? false,
  });
  const router = buildRouter(auth, sessions, { traits, prefixes: opts.prefixes ?? ALL_PREFIXES, apiTokenPath: opts.apiTokenPath ?? false });
  const server = await startEmulatorServer({ handle: router.handle, tls: opts.tls, port: opts.port, wait: opts.wait });
  const plan = (match: string | RegExp, action: FaultAction, times = 1) => server.faults.plan(match, action, { times });
  return {
    url: server.url,
    close: () => server.close(),
    store,
    auth,
    calls: auth.calls,
    faults: server.faults,
    log: server.log,
    latency: server.latency,
    clock,
    controls: {
      unexpectedErrorNext: (match, times = 1) =>
        plan(match, { kind: "status", status: 500, body: envelope(traits, 500, { message: TEXT.unexpected }) }, times),
      resetNext: (match) => plan(match, { kind: "drop-before" }),
      setScopes: (id, scopes) => auth.setScopes(id, scopes),
      revokeTokens: () => auth.revokeTokens(),
    },
  };
}
