/**
 * One error hierarchy for every vendor client.
 *
 * - {@link PamError}: the base. Every class carries its own `Symbol.for` brand, so that
 *   `X.isInstance(e)` works across copies of this module where `instanceof` fails; no check needs
 *   `e.name`.
 * - {@link ApiError} and its status subclasses: the vendor answered with a non-2xx status.
 * - {@link ConnectionError} / {@link TimeoutError}: no (complete) answer. Kept apart from 5xx on
 *   purpose: "the appliance said 500" and "we never reached it" need different fixes.
 * - {@link ResponseShapeError}: a 2xx whose body is not what the caller's schema expects.
 * - {@link ConfigError}: invalid client options, before any request.
 *
 * Every field that reaches a message is redacted when the error is built (never later), and no error
 * carries request bodies, request headers or raw undici objects.
 */
// This module is the one import path of the error hierarchy; each part lives in its own module.
export { PamError } from "./pam-error";
export { ApiError, AuthError, ConflictError, NotFoundError, PermissionError, RETRYABLE_STATUSES, RateLimitError, ServerError, apiErrorClassFor, type ApiErrorInit } from "./api-errors";
export { ConfigError, ConnectionError, ResponseShapeError, ResponseTooLargeError, TimeoutError, TransportError, type TransportErrorInit } from "./request-errors";
export { EXCERPT_INPUT_MAX, EXCERPT_MAX, bodyExcerpt } from "./body-excerpt";
export { errorFromResponse, type ErrorFromResponseInput, type VendorErrorParser } from "./error-from-response";
