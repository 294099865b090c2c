/**
 * Turns what undici throws (no answer, or an answer cut short) into {@link ConnectionError} or
 * {@link TimeoutError}. The undici error is NOT attached: its `cause` chain can reference the request
 * (with its headers). Only name, code and a redacted message survive, in a fresh Error.
 */
import { ConnectionError, PamError, TimeoutError } from "./errors";
import type { Redactor } from "./redact";
import { isTlsVerifyCode, tlsVerifyDetail } from "./tls";

/** Where a transport failure happened, for messages. */
export interface TransportContext {
  vendor: string;
  method: string;
  /** Redacted path. */
  path: string;
  /** `https://host:port` of the appliance. */
  origin: string;
  caConfigured: boolean;
  /** True when the request's own `timeoutMs` deadline fired (vs. the caller's signal). */
  deadlineFired: boolean;
  timeoutMs?: number;
  /** Where users change the default deadline, when the request did not set its own. */
  timeoutSetting?: string;
  redactor: Redactor;
}

/** A transport error plus whether repeating the request could help. */
export interface ClassifiedTransportError {
  error: ConnectionError | TimeoutError;
  /** Transient: the request may be sent again (if its method allows). */
  transient: boolean;
}

/** A fresh Error carrying only name, code and a redacted message of `e`. */
export function wrapCause(e: unknown, redactor: Redactor): Error {
  const src = (e ?? {}) as { name?: unknown; message?: unknown; code?: unknown };
  const c = new Error(redactor.text(String(src.message ?? e)));
  c.name = typeof src.name === "string" ? src.name : "Error";
  if (typeof src.code === "string") (c as Error & { code: string }).code = src.code;
  // The stack of `c` points here, not into undici; that is fine for users and leaks nothing.
  return c;
}

/** The first meaningful error code in `e`, its `cause` chain and AggregateError members. */
function findCode(e: unknown, depth = 0): string | undefined {
  if (!e || typeof e !== "object" || depth > 4) return undefined;
  const x = e as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof x.code === "string" && x.code !== "UND_ERR_SOCKET" && x.code !== "UND_ERR_CONNECT") return x.code;
  const inner = findCode(x.cause, depth + 1) ?? (Array.isArray(x.errors) ? x.errors.map((m) => findCode(m, depth + 1)).find(Boolean) : undefined);
  return inner ?? (typeof x.code === "string" ? x.code : undefined);
}

/** Classifies a thrown transport failure. */
export function classifyTransportError(e: unknown, ctx: TransportContext): ClassifiedTransportError {
  if (PamError.isInstance(e) && (e instanceof ConnectionError || e instanceof TimeoutError)) return { error: e, transient: false };
  const code = findCode(e);
  const name = (e as { name?: string } | undefined)?.name;
  const cause = wrapCause(e, ctx.redactor);
  const base = { vendor: ctx.vendor, method: ctx.method, path: ctx.path, cause };
  const timeout = (c: string, detail: string, transient = false) => ({ error: new TimeoutError({ ...base, code: c, detail }), transient });
  const conn = (c: string, detail: string, transient: boolean) => ({ error: new ConnectionError({ ...base, code: c, detail }), transient });

  if (code === "UND_ERR_ABORTED" || name === "AbortError" || code === "ABORT_ERR") {
    return ctx.deadlineFired
      ? timeout("REQUEST_TIMEOUT", `no complete answer within ${ctx.timeoutMs} ms (${ctx.timeoutSetting ?? "timeoutMs"})`)
      : timeout("ABORTED", "the request was aborted by the caller");
  }
  // A connect timeout is safe to repeat: nothing reached the server.
  if (code === "UND_ERR_CONNECT_TIMEOUT") return timeout("CONNECT_TIMEOUT", `could not connect to ${ctx.origin} in time (timeouts.connectMs)`, true);
  // Choice: header/body timeouts are not repeated: the server may be slow, not gone, and each repeat
  // would wait the full timeout again.
  if (code === "UND_ERR_HEADERS_TIMEOUT") return timeout("HEADERS_TIMEOUT", "no response headers in time (timeouts.headersMs)");
  if (code === "UND_ERR_BODY_TIMEOUT") return timeout("BODY_TIMEOUT", "the response body stalled (timeouts.bodyMs)");
  if (isTlsVerifyCode(code)) return conn("TLS_VERIFY_FAILED", tlsVerifyDetail(code!, ctx.origin, ctx.caConfigured), false);
  if (code === "ECONNREFUSED") return conn("CONNECTION_REFUSED", `connection to ${ctx.origin} refused; check the host and port`, true);
  if (code === "ECONNRESET" || code === "EPIPE" || code === "UND_ERR_SOCKET") {
    return conn("CONNECTION_RESET", `connection to ${ctx.origin} was closed before a complete answer`, true);
  }
  if (code === "ENOTFOUND") return conn("DNS_LOOKUP_FAILED", `host of ${ctx.origin} not found (DNS)`, false);
  if (code === "EAI_AGAIN") return conn("DNS_LOOKUP_FAILED", `DNS lookup for ${ctx.origin} failed temporarily`, true);
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH" || code === "ETIMEDOUT") {
    return conn("CONNECTION_FAILED", `cannot reach ${ctx.origin} (${code})`, true);
  }
  if (code?.startsWith("ERR_SSL") || code?.startsWith("ERR_TLS") || code === "EPROTO") {
    return conn("TLS_FAILED", `TLS handshake with ${ctx.origin} failed (${code}); check that the URL scheme and port serve HTTPS`, false);
  }
  if (code === "UND_ERR_DESTROYED" || code === "UND_ERR_CLOSED") return conn("CLIENT_CLOSED", "the HTTP client was closed", false);
  return conn("CONNECTION_FAILED", `request to ${ctx.origin} failed (${code ?? name ?? "unknown error"}): ${cause.message}`, false);
}
