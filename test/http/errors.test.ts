import {
  ApiError,
  AuthError,
  ConfigError,
  ConflictError,
  ConnectionError,
  NotFoundError,
  PamError,
  PermissionError,
  RateLimitError,
  Redactor,
  ResponseTooLargeError,
  ServerError,
  TimeoutError,
  TransportError,
  apiErrorClassFor,
  bodyExcerpt,
  errorFromResponse,
} from "../../provider/http";
import { SessionRunError } from "../../provider/sessions/types";
import { SpsLockHeldError, SpsSessionLostError } from "../../provider/sps/errors";

describe("error hierarchy", () => {
  it("recognises errors from another copy of the module by brand, where instanceof fails", () => {
    let Other: typeof import("../../provider/http/errors") | undefined;
    jest.isolateModules(() => {
      Other = require("../../provider/http/errors");
    });
    const foreign = new Other!.NotFoundError({ vendor: "sps", method: "GET", path: "/x", status: 404 });
    expect(foreign instanceof PamError).toBe(false);
    expect(PamError.isInstance(foreign)).toBe(true);
    expect(PamError.isInstance(new Error("plain"))).toBe(false);
    expect(PamError.isInstance({ code: "HTTP_NOT_FOUND" })).toBe(false);
    expect(PamError.isInstance(null)).toBe(false);
  });

  it("gives every exported error class its own brand: X.isInstance holds for X and its subclasses, across copies, never by name", () => {
    let Other: typeof import("../../provider/http/errors") | undefined;
    let OtherSps: typeof import("../../provider/sps/errors") | undefined;
    let OtherSessions: typeof import("../../provider/sessions/types") | undefined;
    jest.isolateModules(() => {
      Other = require("../../provider/http/errors");
      OtherSps = require("../../provider/sps/errors");
      OtherSessions = require("../../provider/sessions/types");
    });
    const root = require("../../provider") as Record<string, unknown>;
    const classes = Object.entries(root).filter(([, v]) => typeof v === "function" && (v as { prototype?: unknown }).prototype instanceof Error) as [string, typeof PamError][];
    expect(classes.length).toBeGreaterThanOrEqual(19);
    const brands = new Set<symbol>();
    for (const [name, cls] of classes) {
      // Declared on the class itself, spelled out (a minifier may rename classes; the brand stays).
      expect([name, Object.prototype.hasOwnProperty.call(cls, "brand")]).toEqual([name, true]);
      brands.add((cls as unknown as { brand: symbol }).brand);
    }
    expect(brands.size).toBe(classes.length);

    const init = { vendor: "sps", method: "GET", path: "/x" };
    const foreignConn = new Other!.ConnectionError({ ...init, code: "CONNECTION_REFUSED", detail: "refused" });
    const foreignAuth = new Other!.AuthError({ ...init, status: 401 });
    expect(foreignConn instanceof ConnectionError).toBe(false);
    expect(ConnectionError.isInstance(foreignConn)).toBe(true);
    expect(TransportError.isInstance(foreignConn)).toBe(true);
    expect(TimeoutError.isInstance(foreignConn)).toBe(false);
    expect(ApiError.isInstance(foreignConn)).toBe(false);
    expect(AuthError.isInstance(foreignAuth) && ApiError.isInstance(foreignAuth) && PamError.isInstance(foreignAuth)).toBe(true);
    expect(NotFoundError.isInstance(foreignAuth)).toBe(false);
    expect(SpsLockHeldError.isInstance(new OtherSps!.SpsLockHeldError("held"))).toBe(true);
    expect(SpsSessionLostError.isInstance(new OtherSps!.SpsLockHeldError("held"))).toBe(false);
    expect(SessionRunError.isInstance(new OtherSessions!.SessionRunError("auth", "refused"))).toBe(true);
    // A look-alike by name or code is not one of ours.
    const fake = Object.assign(new Error("x"), { name: "ConnectionError", code: "CONNECTION_REFUSED" });
    expect(ConnectionError.isInstance(fake) || PamError.isInstance(fake)).toBe(false);
    expect(ConfigError.isInstance(new ConfigError("baseUrl", "is missing"))).toBe(true);
    expect(Object.prototype.hasOwnProperty.call(ResponseTooLargeError, "brand")).toBe(true);
  });

  it("picks the subclass and stable code from the status table", () => {
    const table: Array<[number, unknown, string, boolean]> = [
      [400, ApiError, "HTTP_BAD_REQUEST", false],
      [401, AuthError, "HTTP_UNAUTHORIZED", false],
      [403, PermissionError, "HTTP_FORBIDDEN", false],
      [404, NotFoundError, "HTTP_NOT_FOUND", false],
      [409, ConflictError, "HTTP_CONFLICT", false],
      [411, ApiError, "HTTP_411", false],
      [429, RateLimitError, "HTTP_RATE_LIMITED", true],
      [500, ServerError, "HTTP_SERVER_ERROR", false],
      [502, ServerError, "HTTP_SERVER_ERROR", true],
      [503, ServerError, "HTTP_SERVER_ERROR", true],
      [504, ServerError, "HTTP_SERVER_ERROR", true],
    ];
    for (const [status, cls, code, retryable] of table) {
      expect(apiErrorClassFor(status)).toBe(cls);
      const e = errorFromResponse({ vendor: "cyberark", method: "GET", path: "/PasswordVault/API/Users", status, bodyText: "" });
      expect(e.constructor).toBe(cls);
      expect(e.name).toBe((cls as { name: string }).name);
      expect([e.code, e.retryable]).toEqual([code, retryable]);
      expect(e).toBeInstanceOf(ApiError);
      expect(e).toBeInstanceOf(Error);
    }
  });

  it("formats messages as '<vendor> <METHOD> <path>: <status> <vendorCode> <message>'", () => {
    const e = errorFromResponse({
      vendor: "cyberark",
      method: "POST",
      path: "/PasswordVault/API/auth/Cyberark/Logon",
      status: 403,
      bodyText: JSON.stringify({ ErrorCode: "PASWS013E", ErrorMessage: "Authentication failure for User [x]." }),
      parseVendorError: (b) => ({ code: (b as { ErrorCode: string }).ErrorCode, message: (b as { ErrorMessage: string }).ErrorMessage }),
    });
    expect(e.message).toBe("cyberark POST /PasswordVault/API/auth/Cyberark/Logon: 403 PASWS013E Authentication failure for User [x].");
    expect(e).toBeInstanceOf(PermissionError);
  });

  it("lets vendor clients set their own stable code", () => {
    const e = errorFromResponse({ vendor: "sps", method: "POST", path: "/api/transaction", status: 409, bodyText: "{}", code: "SPS_LOCK_HELD" });
    expect(e.code).toBe("SPS_LOCK_HELD");
    expect(e).toBeInstanceOf(ConflictError);
  });

  it("survives a vendor parser that throws, and says when the body was empty", () => {
    const e = errorFromResponse({ vendor: "sps", method: "GET", path: "/x", status: 500, bodyText: '{"a":1}', parseVendorError: () => { throw new TypeError("boom"); } });
    expect(e.message).toBe('sps GET /x: 500 {"a":1}');
    expect(errorFromResponse({ vendor: "sps", method: "GET", path: "/x", status: 503, bodyText: "  " }).message).toBe("sps GET /x: 503 (empty body)");
  });

  it("masks query secrets in the path even when given a raw path", () => {
    const e = errorFromResponse({ vendor: "senhasegura", method: "GET", path: "/iso/pam/credential/7?credential=7&access_token=abc", status: 401, bodyText: "" });
    expect(e.path).toBe("/iso/pam/credential/7?credential=7&access_token=[redacted]");
  });

  it("redacts registered secrets in vendor code, message and details", () => {
    const r = new Redactor();
    r.add("hunter2");
    const e = errorFromResponse({
      vendor: "sps", method: "POST", path: "/api/x", status: 400, redactor: r,
      bodyText: JSON.stringify({ error: { type: "Bad hunter2", message: "pw hunter2 rejected", details: { list: ["hunter2"] } } }),
      parseVendorError: (b) => {
        const x = (b as { error: { type: string; message: string; details: unknown } }).error;
        return { code: x.type, message: x.message, details: x.details };
      },
    });
    expect(e.message).toBe("sps POST /api/x: 400 Bad [redacted] pw [redacted] rejected");
    expect(e.details).toEqual({ list: ["[redacted]"] });
  });

  it("explains a redirect instead of following it", () => {
    const e = errorFromResponse({ vendor: "cyberark", method: "POST", path: "/PasswordVault/API/Users", status: 301, headers: { location: "https://pvwa.example.com/PasswordVault/API/Users?token=abc" }, bodyText: "<html>moved</html>" });
    expect(e.message).toBe("cyberark POST /PasswordVault/API/Users: 301 redirected to https://pvwa.example.com/PasswordVault/API/Users?token=[redacted]; redirects are not followed, check baseUrl (scheme, host, path prefix)");
  });

  it("keeps transport errors apart from API errors", () => {
    const e = new ConnectionError({ code: "CONNECTION_REFUSED", vendor: "sps", method: "GET", path: "/x", detail: "refused" });
    expect(e).not.toBeInstanceOf(ApiError);
    expect(e.message).toBe("sps GET /x: refused");
    expect(e.name).toBe("ConnectionError");
  });
});

describe("bodyExcerpt", () => {
  it("leads with the HTML title, strips tags, scripts and entities, and collapses whitespace", () => {
    const html = `<html><head><title>404 - File or directory not found.</title><script>var x = "<b>";</script></head>
      <body><div id="header"><h1>Server Error</h1></div>\n\n<h2>404 &amp; gone&nbsp;here</h2></body></html>`;
    expect(bodyExcerpt(html)).toBe("404 - File or directory not found.: Server Error 404 & gone here");
  });

  it("never exceeds the limit", () => {
    const out = bodyExcerpt(`<p>${"word ".repeat(500)}</p>`);
    expect(out.length).toBeLessThanOrEqual(200);
    expect(out.endsWith("…")).toBe(true);
  });
});
