/** Shared HTTP core of every vendor client: one send pipeline, one error hierarchy, redaction. */
export * from "./errors";
export * from "./redact";
export * from "./log";
export * from "./retry";
export * from "./tls";
export * from "./path";
export { HttpClient, USER_AGENT } from "./client";
export type { AuthAttempt, HttpAuth } from "./auth";
export type { HttpClientOptions, HttpMethod, HttpResponse, RequestOptions, TimeoutOptions } from "./client";
