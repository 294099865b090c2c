import { inspect } from "util";
import { HttpClient, PamError, Redactor } from "../../provider/http";
import { EmulatorError } from "../emulators/common/errors";
import type { EmulatorServer } from "../emulators/common/server";
import { collectLog, rejectionOf, startTestServer } from "./helpers";

const PASSWORD = 'S3cr3t "pw" \\ & more';
const SESSION = "087658d7e30cdc2552b015dd761b6f7ccb25bbd5";
const TOKEN = "tok_9f8e7d6c5b4a39281706";
const BASIC = `Basic ${Buffer.from(`admin:${PASSWORD}`).toString("base64")}`;

/** Everything a user or a log could see of an error. */
function visible(e: unknown): string {
  return [String(e), (e as Error).stack, inspect(e, { depth: 10 }), JSON.stringify(e), inspect((e as Error).cause, { depth: 10 })].join("\n");
}

function expectClean(text: string): void {
  for (const secret of [PASSWORD, SESSION, TOKEN, BASIC, BASIC.slice(6), JSON.stringify(PASSWORD).slice(1, -1), encodeURIComponent(PASSWORD)]) {
    expect(text).not.toContain(secret);
  }
}

describe("HttpClient redaction", () => {
  let srv: EmulatorServer;
  beforeAll(async () => {
    srv = await startTestServer((r) => {
      r.on("GET", "/api/authentication", () => ({ status: 200, body: {}, headers: { "set-cookie": `session_id=${SESSION}; Path=/` } }));
      // An appliance that echoes the request (body, headers, cookie) in its error, as badly behaved ones do.
      r.on("POST", "/api/users", (req) => {
        throw new EmulatorError(400, {
          error: { type: "SemanticError", message: `invalid user ${req.rawBody.toString()} auth=${req.headers.authorization} cookie=${req.headers.cookie}`, details: { password: "x", echo: req.body } },
        });
      });
      r.on("GET", "/api/html", (req) => ({
        status: 502,
        contentType: "text/html",
        body: `<html><title>Bad Gateway</title><body>upstream said: ${req.headers.authorization} ${req.headers.cookie} ${req.query.token}</body></html>`,
      }));
      r.on("GET", "/api/shape", () => ({ status: 200, body: { token: TOKEN, n: PASSWORD } }));
    });
  });
  afterAll(() => srv.close());

  const make = () => {
    const { lines, log } = collectLog();
    const redactor = new Redactor();
    const c = new HttpClient({
      vendor: "sps",
      baseUrl: srv.url, allowHttp: true,
      cookies: true,
      redactor,
      log,
      retry: { maxAttempts: 1 },
      parseVendorError: (b) => {
        const e = (b as { error?: { type?: string; message?: string; details?: unknown } }).error;
        return e && { code: e.type, message: e.message, details: e.details };
      },
    });
    // What a vendor client does: register the password it sends.
    redactor.add(PASSWORD);
    return { c, lines };
  };

  it("keeps the password, Authorization and session cookie out of errors echoing the request", async () => {
    const { c, lines } = make();
    try {
      await c.request({ method: "GET", path: "/api/authentication", headers: { authorization: BASIC } });
      const e = await rejectionOf(c.request({ method: "POST", path: "/api/users", json: { name: "u1", password: PASSWORD }, headers: { authorization: BASIC } }));
      expect(PamError.isInstance(e)).toBe(true);
      expect(e.vendorCode).toBe("SemanticError");
      // The echo is still useful, minus the secrets.
      expect(e.message).toContain('"name":"u1"');
      expect(e.message).toContain("[redacted]");
      expect(e.details).toEqual({ password: "[redacted]", echo: { name: "u1", password: "[redacted]" } });
      expectClean(visible(e));
      expectClean(lines.join("\n"));
      expect(lines.length).toBeGreaterThan(3);
    } finally {
      await c.close();
    }
  });

  it("keeps secrets out of HTML error excerpts and masks secret query parameters in paths", async () => {
    const { c, lines } = make();
    try {
      await c.request({ method: "GET", path: "/api/authentication" });
      const e = await rejectionOf(c.request({ method: "GET", path: "/api/html", query: { token: TOKEN, page: 2 }, headers: { authorization: BASIC } }));
      expect(e.status).toBe(502);
      expect(e.path).toBe("/api/html?token=[redacted]&page=2");
      expect(e.message).toMatch(/^sps GET \/api\/html\?token=\[redacted\]&page=2: 502 Bad Gateway:? upstream said:/);
      expectClean(visible(e));
      expectClean(lines.join("\n"));
    } finally {
      await c.close();
    }
  });

  it("logs request headers with credentials masked and never logs bodies", async () => {
    const { c, lines } = make();
    try {
      await c.request({ method: "GET", path: "/api/authentication", headers: { authorization: BASIC, "x-token": "xtoken-value-123456" } });
      await c.request({ method: "GET", path: "/api/authentication" });
      const all = lines.join("\n");
      expect(all).toContain('"authorization":"[redacted]"');
      expect(all).toContain('"cookie":"[redacted]"');
      expect(all).not.toContain("xtoken-value-123456");
      expectClean(all);
    } finally {
      await c.close();
    }
  });

  it("keeps response values out of schema errors", async () => {
    const { c } = make();
    const { z } = await import("zod");
    try {
      const e = await rejectionOf(c.request({ method: "GET", path: "/api/shape", schema: z.object({ token: z.number(), n: z.enum(["a", "b"]) }) }));
      expect(e.code).toBe("RESPONSE_SHAPE_INVALID");
      expectClean(visible(e));
    } finally {
      await c.close();
    }
  });
});

describe("HttpClient automatic secret registration", () => {
  it("masks secret-named JSON and form fields it sends, even when the vendor client did not register them", async () => {
    const srv = await startTestServer((r) => {
      r.on("POST", "/echo", (req) => {
        throw new EmulatorError(400, { message: `got ${req.rawBody.toString()}` });
      });
    });
    const c = new HttpClient({ vendor: "senhasegura", baseUrl: srv.url, allowHttp: true, parseVendorError: (b) => ({ message: (b as { message: string }).message }) });
    try {
      const e1 = await rejectionOf(c.request({ method: "POST", path: "/echo", json: { user: { name: "n", password: "p4ssw0rd-json" } } }));
      expect(e1.message).toContain('"name":"n"');
      expect(e1.message).not.toContain("p4ssw0rd-json");
      const e2 = await rejectionOf(c.request({ method: "POST", path: "/echo", form: { grant_type: "client_credentials", client_id: "cid", client_secret: "cs-7f6e5d4c" } }));
      expect(e2.message).toContain("client_id=cid");
      expect(e2.message).not.toContain("cs-7f6e5d4c");
    } finally {
      await c.close();
      await srv.close();
    }
  });
});
