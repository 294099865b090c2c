import { EmulatorError } from "../common/errors";

/**
 * SPS error bodies: `{"error": {"type", "message", "details"}, "meta": {"href", "parent"}}`.
 * [CODE] PS (safeguard-ps reads error.type/message/details); `meta` alongside is [INF].
 */
export interface SpsErrorBody {
  error: { type: string; message: string; details: Record<string, unknown> };
  meta: { href: string; parent: string | null };
}

/** Parent of an API path ("/api/x/y" -> "/api/x"); "/api" has no parent. */
export function parentOf(path: string): string | null {
  const trimmed = path.replace(/\/+$/, "");
  if (trimmed === "/api" || trimmed === "") return null;
  return trimmed.slice(0, trimmed.lastIndexOf("/")) || null;
}

/** Builds an EmulatorError carrying an SPS error body. */
export function spsError(
  status: number,
  type: string,
  message: string,
  path: string,
  details: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): EmulatorError {
  const body: SpsErrorBody = { error: { type, message, details }, meta: { href: path, parent: parentOf(path) } };
  return new EmulatorError(status, body, headers);
}

/** Vendor texts. Types are [DOC] seed page unless marked Choice. */
export const MESSAGES = {
  /** [DOC] seed page, 401 row. */
  unauthenticated:
    "The requested resource cannot be retrieved because the client is not authenticated and the resource requires authorization to access it.",
  /** [DOC] seed page, 403 row. */
  unauthorized: "The requested resource cannot be retrieved because the client is not authorized to access it.",
  /** [DOC] seed page, 404 row. */
  notFound: "The requested object does not exist.",
  /** [DOC] seed page, 409 row. */
  noTransaction: "No open Transaction is available. You must open a transaction first",
  /** [DOC] seed page, 400 SemanticError row (users endpoint). */
  passwordReuse:
    "You tried to reuse a password object. You can use a password object for only one purpose, that is, you cannot reference a password object twice.",
  /** Choice: the following texts are not documented; phrased in the seed's style. */
  passwordUnknown: "The referenced password object does not exist.",
  duplicateUser: "A local user with this name already exists.",
  duplicateGroup: "A local usergroup with this name already exists.",
  memberNotUser: "Group members must refer to existing local user accounts by their reference IDs.",
  deleteAdmin: "The admin user cannot be deleted.",
  deleteBuiltinGroup: "Built-in usergroups are referenced by access control lists and cannot be deleted.",
  ldapBackend: "Local users cannot be managed when LDAP authentication is used.",
  methodNotAllowed: "The requested method is not allowed on this resource.",
  badStatus: 'The transaction status can only be set to "commit".',
  badBody: "The request body is not a valid JSON object for this endpoint.",
  lengthRequired: "Length Required",
  xTokenMissing: "The X-Token header is required for this request.",
} as const;

/** 401 `Unauthenticated` naming the attempted path in `details` ([DOC] seed page). */
export const unauthenticated = (path: string, headers: Record<string, string> = {}) =>
  spsError(401, "Unauthenticated", MESSAGES.unauthenticated, path, { path }, headers);
/** 403 `Unauthorized` ([DOC] seed page). */
export const unauthorized = (path: string) => spsError(403, "Unauthorized", MESSAGES.unauthorized, path, { path });
/** 404 `NotFound` ([DOC] seed page). */
export const notFound = (path: string) => spsError(404, "NotFound", MESSAGES.notFound, path, { path });
/** 409 `NoTransaction` ([DOC] seed page). */
export const noTransaction = (path: string) => spsError(409, "NoTransaction", MESSAGES.noTransaction, path);
/** Choice ([INF] from D-INTRO57): 405 `MethodNotAllowed` for methods an endpoint does not serve. */
export const methodNotAllowed = (path: string, method: string) =>
  spsError(405, "MethodNotAllowed", MESSAGES.methodNotAllowed, path, { method });
/** Choice: 400 `SyntacticError` for a body that is not the expected JSON (type name unconfirmed: emulator choice). */
export const badBody = (path: string, reason: string) => spsError(400, "SyntacticError", MESSAGES.badBody, path, { reason });
