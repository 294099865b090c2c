import {
  ApiError,
  AuthError,
  ConflictError,
  ConnectionError,
  NotFoundError,
  PamError,
  PermissionError,
  RateLimitError,
  Redactor,
  ServerError,
  apiErrorClassFor,
  bodyExcerpt,
  errorFromResponse,
} from "../../provider/http";

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
