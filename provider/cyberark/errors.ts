import { PamError, type ApiError, type VendorErrorParser } from "../http";

/** Reads a key case-insensitively: PVWA's docs and clients disagree on JSON key case (`UserName` vs `username`, `Total` vs `total`). */
export function ciGet(o: unknown, key: string): unknown {
  if (!o || typeof o !== "object") return undefined;
  const rec = o as Record<string, unknown>;
  if (key in rec) return rec[key];
  const k = Object.keys(rec).find((x) => x.toLowerCase() === key.toLowerCase());
  return k === undefined ? undefined : rec[k];
}

/**
 * The PVWA error model `{ErrorCode, ErrorMessage, Details}` ("Return Codes",
 * https://docs.cyberark.com/PAS/Latest/en/Content/WebServices/Implementing%20Privileged%20Account%20Security%20Web%20Services%20.htm), plus ASP.NET's
 * `{"Message": …}` for unmatched routes. Anything else (HTML pages, `{}`) yields undefined, and the
 * HTTP core falls back to a short excerpt of the body.
 */
export const parseCyberArkError: VendorErrorParser = (body) => {
  const code = ciGet(body, "ErrorCode");
  const message = ciGet(body, "ErrorMessage") ?? ciGet(body, "Message");
  const details = ciGet(body, "Details");
  if (typeof code !== "string" && typeof message !== "string") return undefined;
  return {
    code: typeof code === "string" ? code : undefined,
    message: typeof message === "string" ? message : undefined,
    details: details ?? undefined,
  };
};

/**
 * `e` as an ApiError (a non-2xx answer), also when it comes from another copy of the HTTP core,
 * where `instanceof` fails (our choice: errors are checked by brand): a branded PamError with a numeric status and `retryable`.
 */
export function asApiError(e: unknown): ApiError | undefined {
  if (!PamError.isInstance(e)) return undefined;
  const r = e as unknown as Record<string, unknown>;
  return typeof r.status === "number" && typeof r.retryable === "boolean" ? (e as ApiError) : undefined;
}

/** Codes meaning "no valid session token" ([DOC] EPV PASWS006E; [CODE] aiobastion CAWS00001E, psPAS #189 CAIWS001E). */
const TOKEN_CODES = new Set(["PASWS006E", "CAWS00001E", "CAIWS001E"]);

/** True when `e` says the logon token is missing, invalid or expired (so one re-logon may help). */
export function isTokenRejected(e: unknown): boolean {
  const a = asApiError(e);
  return a !== undefined && (a.status === 401 || TOKEN_CODES.has((a.vendorCode ?? "").toUpperCase()));
}

/**
 * True for the add-member conflict "already a member": 409 PASWS213E or a message with ITATS262E (CyberArk's
 * Ansible collection treats it as unchanged: https://github.com/cyberark/ansible-security-automation-collection).
 */
export function isAlreadyMember(e: unknown): boolean {
  const a = asApiError(e);
  if (!a || a.status !== 409) return false;
  return (a.vendorCode ?? "").toUpperCase() === "PASWS213E" || /ITATS262E/i.test(a.vendorMessage ?? "");
}
