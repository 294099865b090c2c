/**
 * Authentication as a hook around one request (the pattern of Octokit's auth strategies): the vendor
 * says how to authenticate an attempt and how to get new credentials; the HTTP core decides when. So
 * "the appliance rejected our credentials: log in again once and resend" exists once, here.
 */
import { PamError, type ApiError } from "./errors";

/** What the hook is told about the attempt it authenticates. */
export interface AuthAttempt {
  method: string;
  /** Absolute URL as sent, query included (an OAuth 1.0a signature covers it). */
  url: string;
  /**
   * False when the request belongs to the session it was made in (RequestOptions `reauth: false`): the
   * hook must not start a new session for it, neither a first login nor a refresh.
   */
  reauth: boolean;
}

/** How an {@link HttpClient} authenticates; vendor details (login bodies, token caches) stay in the vendor module. */
export interface HttpAuth {
  /**
   * Headers that authenticate one attempt, merged over the request's own headers. Called before every
   * attempt, retries included (an OAuth 1.0a signature must not replay its nonce); may log in first.
   * Errors are thrown as they are (a failed login is the request's failure).
   */
  headers(attempt: AuthAttempt): Record<string, string> | Promise<Record<string, string>>;
  /** Whether `error` means the credentials were rejected. Default: HTTP 401. */
  rejected?(error: PamError): boolean;
  /**
   * Gets new credentials after a rejection; the request is then sent once more, and a second rejection
   * is final. Absent: every rejection is final. One call is shared by all requests rejected while it
   * runs. Not called for `reauth: false` requests. Safe because a 401 means the appliance did not act.
   */
  refresh?(reason: PamError): Promise<void>;
}

/** A non-2xx answer with status 401 (only ApiError carries a non-2xx status). */
const isUnauthorized = (e: PamError): boolean => (e as Partial<ApiError>).status === 401;

/** Runs requests under one {@link HttpAuth}: at most one refresh and resend per request, refreshes single-flight. */
export class AuthRunner {
  private refreshing?: Promise<void>;

  constructor(readonly auth: HttpAuth) {}

  async run<T>(reauth: boolean, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (e) {
      if (!reauth || !this.auth.refresh || !PamError.isInstance(e) || !(this.auth.rejected ?? isUnauthorized)(e)) throw e;
      await this.refresh(e);
      return send();
    }
  }

  private refresh(reason: PamError): Promise<void> {
    this.refreshing ??= this.auth.refresh!(reason).finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }
}
