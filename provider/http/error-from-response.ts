/** Turns a non-2xx answer into the right {@link ApiError}, every text from the body redacted. */

import { apiErrorClassFor, type ApiError } from "./api-errors";
import { EXCERPT_MAX, bodyExcerpt } from "./body-excerpt";
import { Redactor, redactUrl } from "./redact";

/** A vendor's error-body model: picks code/message/details out of a parsed JSON error body. */
export type VendorErrorParser = (body: unknown, status: number) => { code?: string; message?: string; details?: unknown } | undefined;

/** What {@link errorFromResponse} needs to know about a non-2xx answer. */
export interface ErrorFromResponseInput {
  vendor: string;
  method: string;
  /** Request path; passed through `redactUrl` again here, so raw paths are safe too. */
  path: string;
  status: number;
  /** Lower-cased response headers (for content-type and the request id). */
  headers?: Record<string, string>;
  /** The raw response body. */
  bodyText?: string;
  /** The vendor's error body model; when absent or when it returns undefined, an excerpt is used. */
  parseVendorError?: VendorErrorParser;
  /** Secrets to mask in every text taken from the body. */
  redactor?: Redactor;
  /** Overrides the status table (vendor clients mapping their own codes). */
  code?: string;
  /**
   * False for an authentication answer (login, token): no excerpt of the raw body, only the status,
   * the content type and a vendor code/message parsed from a JSON error body. Default true.
   */
  quoteBody?: boolean;
}

/** Answer headers that may carry a request id, for support tickets. */
const REQUEST_ID_HEADERS = ["x-request-id", "x-correlation-id", "request-id", "x-ms-request-id", "x-amzn-requestid"];

/**
 * Builds the {@link ApiError} subclass for a non-2xx answer: a JSON body goes through the vendor's
 * parser, anything else (HTML error pages, plain text, off-model JSON) becomes a short excerpt.
 * Every text taken from the body passes the redactor (error bodies may echo request fields).
 */
export function errorFromResponse(input: ErrorFromResponseInput): ApiError {
  const red = (s: string | undefined) => (s === undefined ? undefined : input.redactor ? input.redactor.text(s) : s);
  const quote = input.quoteBody !== false;
  const headers = input.headers ?? {};
  const text = input.bodyText ?? "";
  let parsed: ReturnType<VendorErrorParser>;
  let json: unknown;
  let isJson = false;
  if (text.trim() !== "" && !/^\s*</.test(text)) {
    try {
      json = JSON.parse(text);
      isJson = true;
    } catch {
      isJson = false;
    }
  }
  if (isJson && input.parseVendorError) {
    try {
      parsed = input.parseVendorError(json, input.status);
    } catch {
      // A vendor parser must never turn an API error into a TypeError; fall back to the excerpt.
      parsed = undefined;
    }
  }
  const vendorMessage = parsed?.message !== undefined && parsed.message !== "" ? red(bodyExcerpt(parsed.message, 500, input.redactor)) : undefined;
  // Redirects are not followed (a POST must not silently become a GET elsewhere); say where it pointed.
  const location = input.status >= 300 && input.status < 400 ? headers.location : undefined;
  const excerpt =
    vendorMessage !== undefined
      ? undefined
      : location !== undefined
        ? red(`redirected to ${redactUrl(location)}; redirects are not followed, check baseUrl (scheme, host, path prefix)`)
        : text.trim() === ""
          ? undefined
          : quote
            ? red(bodyExcerpt(text, EXCERPT_MAX, input.redactor))
            : `(${headers["content-type"] ?? "no content-type"} body not shown: it is an authentication answer)`;
  const requestIdHeader = REQUEST_ID_HEADERS.find((h) => headers[h]);
  const Cls = apiErrorClassFor(input.status);
  return new Cls({
    vendor: input.vendor,
    method: input.method,
    path: red(redactUrl(input.path)) as string,
    status: input.status,
    vendorCode: red(parsed?.code),
    vendorMessage,
    details: parsed?.details === undefined ? undefined : input.redactor ? input.redactor.value(parsed.details) : parsed.details,
    excerpt: excerpt ?? (text.trim() === "" ? "(empty body)" : undefined),
    requestId: requestIdHeader ? headers[requestIdHeader] : undefined,
    code: input.code,
  });
}
