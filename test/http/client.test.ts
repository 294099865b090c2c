import { z } from "zod";
import {
  ApiError,
  AuthError,
  ConfigError,
  HttpClient,
  NotFoundError,
  PamError,
  ResponseShapeError,
  ServerError,
  USER_AGENT,
} from "../../provider/http";
import { VERSION } from "../../provider/version";
import { EmulatorError } from "../emulators/common/errors";
import type { EmulatorServer } from "../emulators/common/server";
import { rejectionOf, startTestServer } from "./helpers";

/** SPS-style error body model: `{"error": {"type", "message", "details"}}` as One Identity's safeguard-ps reads it (https://github.com/OneIdentity/safeguard-ps). */
const parseSpsLikeError = (body: unknown) => {
  const e = (body as { error?: { type?: string; message?: string; details?: unknown } } | undefined)?.error;
  return e ? { code: e.type, message: e.message, details: e.details } : undefined;
};

describe("HttpClient", () => {
  let srv: EmulatorServer;
  let client: HttpClient;
  beforeAll(async () => {
    srv = await startTestServer((r) => {
      r.on("GET", "/prefix/api/echo", (req) => ({ status: 200, body: { query: req.query, headers: req.headers } }));
      r.on("POST", "/prefix/api/echo", (req) => ({ status: 200, body: { body: req.body, raw: req.rawBody.toString(), headers: req.headers, hasLength: req.hasLength } }));
      r.on("PUT", "/prefix/api/users/:id", (req) => ({ status: 200, body: { id: req.params.id } }));
      r.on("DELETE", "/prefix/api/empty", () => ({ status: 204 }));
      r.on("GET", "/prefix/api/empty200", () => ({ status: 200, body: "", contentType: "text/plain" }));
      r.on("GET", "/prefix/api/text", () => ({ status: 200, body: "plain words", contentType: "text/plain" }));
      r.on("GET", "/prefix/api/user", () => ({ status: 200, body: { name: "alice", age: "secret-looking-value" } }));
      r.on("GET", "/prefix/api/missing", () => {
        throw new EmulatorError(404, { error: { type: "NotFound", message: "Object not found", details: { key: "k1" } }, meta: {} });
      });
      r.on("GET", "/prefix/api/unauth", () => {
        throw new EmulatorError(401, { error: { type: "Unauthenticated", message: "The client is not authenticated" } }, { "x-request-id": "req-42" });
      });
      r.on("GET", "/prefix/api/offmodel", () => {
        throw new EmulatorError(400, { weird: true });
      });
    });
    client = new HttpClient({ vendor: "sps", baseUrl: `${srv.url}/prefix/`, allowHttp: true, parseVendorError: parseSpsLikeError, retry: { maxAttempts: 1 } });
  });
  afterAll(async () => {
    await client.close();
    await srv.close();
  });

  it("sends User-Agent pulumi-pam/<version> and Accept: application/json, even when a caller asks for another agent", async () => {
    const c = new HttpClient({ vendor: "sps", baseUrl: `${srv.url}/prefix`, allowHttp: true, headers: { "User-Agent": "Mozilla/5.0", "X-Default": "d" } });
    const r = await c.request<{ headers: Record<string, string> }>({ method: "GET", path: "/api/echo", headers: { "user-agent": "Mozilla/5.0 (Windows)" } });
    await c.close();
    expect(USER_AGENT).toBe(`pulumi-pam/${VERSION}`);
    expect(r.data.headers["user-agent"]).toBe(USER_AGENT);
    expect(r.data.headers.accept).toBe("application/json");
    expect(r.data.headers["x-default"]).toBe("d");
  });

  it("keeps the base URL's path prefix and encodes query parameters, leaving out undefined ones", async () => {
    const r = await client.request<{ query: Record<string, string> }>({ method: "GET", path: "api/echo", query: { a: "x y&z", n: 3, b: false, skip: undefined } });
    expect(r.data.query).toEqual({ a: "x y&z", n: "3", b: "false" });
    expect(srv.log.entries.at(-1)?.path).toBe("/prefix/api/echo");
  });

  it("sends JSON bodies with content-type and content-length, including an empty object", async () => {
    const r = await client.request<{ body: unknown; headers: Record<string, string> }>({ method: "POST", path: "/api/echo", json: {} });
    expect(r.data.body).toEqual({});
    expect(r.data.headers["content-type"]).toBe("application/json");
    expect(r.data.headers["content-length"]).toBe("2");
  });

  it("sends Content-Length: 0 on a bodiless POST (SPS answers 411 otherwise)", async () => {
    const r = await client.request<{ hasLength: boolean; headers: Record<string, string> }>({ method: "POST", path: "/api/echo" });
    expect(r.data.hasLength).toBe(true);
    expect(r.data.headers["content-length"]).toBe("0");
  });

  it("sends form bodies url-encoded", async () => {
    const r = await client.request<{ raw: string; headers: Record<string, string> }>({ method: "POST", path: "/api/echo", form: { grant_type: "client_credentials", scope: "a b" } });
    expect(r.data.raw).toBe("grant_type=client_credentials&scope=a+b");
    expect(r.data.headers["content-type"]).toBe("application/x-www-form-urlencoded");
  });

  it("rejects json and form together before sending", async () => {
    const before = srv.log.entries.length;
    await expect(client.request({ method: "POST", path: "/api/echo", json: {}, form: {} })).rejects.toBeInstanceOf(ConfigError);
    expect(srv.log.entries.length).toBe(before);
  });

  it("parses a 2xx body with the caller's schema", async () => {
    const r = await client.request({ method: "PUT", path: "/api/users/a%2Fb", json: {}, schema: z.object({ id: z.string() }) });
    expect(r.data).toEqual({ id: "a/b" });
    expect(r.status).toBe(200);
  });

  it("reports schema failures with issue paths and kinds but never the values", async () => {
    const e = await rejectionOf(client.request({ method: "GET", path: "/api/user", schema: z.object({ name: z.string(), age: z.number(), extra: z.object({ x: z.string() }) }) }));
    expect(e).toBeInstanceOf(ResponseShapeError);
    expect(e.code).toBe("RESPONSE_SHAPE_INVALID");
    expect(e.issues).toEqual(["age: invalid_type (expected number)", "extra: invalid_type (expected object)"]);
    expect(e.message).toContain("age");
    expect(e.message).not.toContain("secret-looking-value");
    expect(e).not.toBeInstanceOf(ApiError);
  });

  it("accepts an empty 204 only when the caller allows it", async () => {
    const ok = await client.request({ method: "DELETE", path: "/api/empty", allowEmpty: true });
    expect(ok.status).toBe(204);
    expect(ok.data).toBeUndefined();
    const e = await rejectionOf(client.request({ method: "DELETE", path: "/api/empty" }));
    expect(e).toBeInstanceOf(ResponseShapeError);
    expect(e.code).toBe("RESPONSE_EMPTY");
  });

  it("accepts an empty 200 with allowEmpty", async () => {
    const ok = await client.request({ method: "GET", path: "/api/empty200", allowEmpty: true });
    expect(ok.data).toBeUndefined();
  });

  it("turns a non-JSON 2xx into a ResponseShapeError naming the content type", async () => {
    const e = await rejectionOf(client.request({ method: "GET", path: "/api/text" }));
    expect(e).toBeInstanceOf(ResponseShapeError);
    expect(e.code).toBe("RESPONSE_NOT_JSON");
    expect(e.message).toContain("text/plain");
    const t = await client.request<string>({ method: "GET", path: "/api/text", responseType: "text" });
    expect(t.data).toBe("plain words");
  });

  it("maps a JSON error body through the vendor parser into the status subclass", async () => {
    const e = await rejectionOf(client.request({ method: "GET", path: "/api/missing" }));
    expect(e).toBeInstanceOf(NotFoundError);
    expect(PamError.isInstance(e)).toBe(true);
    expect(e).toMatchObject({ code: "HTTP_NOT_FOUND", vendor: "sps", method: "GET", path: "/prefix/api/missing", status: 404, vendorCode: "NotFound", vendorMessage: "Object not found", details: { key: "k1" }, retryable: false });
    expect(e.message).toBe("sps GET /prefix/api/missing: 404 NotFound Object not found");
  });

  it("keeps the request id of an error answer", async () => {
    const e = await rejectionOf(client.request({ method: "GET", path: "/api/unauth" }));
    expect(e).toBeInstanceOf(AuthError);
    expect(e.requestId).toBe("req-42");
  });

  it("falls back to a body excerpt when the vendor parser does not recognise a JSON error body", async () => {
    const e = await rejectionOf(client.request({ method: "GET", path: "/api/offmodel" }));
    expect(e.constructor).toBe(ApiError);
    expect(e.code).toBe("HTTP_BAD_REQUEST");
    expect(e.message).toBe('sps GET /prefix/api/offmodel: 400 {"weird":true}');
  });

  it("turns an IIS-style HTML error page into an ApiError with the status and a short tag-free excerpt", async () => {
    const filler = "<p>" + "lorem ipsum ".repeat(60) + "</p>";
    srv.faults.plan("GET /prefix/api/echo", {
      kind: "html",
      status: 500,
      html: `<!DOCTYPE html><html><head><title>Runtime Error</title><style>body{color:red}</style></head>\n<body>\n  <h1>Server Error in '/PasswordVault' Application.</h1>${filler}</body></html>`,
    });
    const e = await rejectionOf(client.request({ method: "GET", path: "/api/echo" }));
    expect(e).toBeInstanceOf(ServerError);
    expect(e.status).toBe(500);
    const detail = e.message.slice("sps GET /prefix/api/echo: 500 ".length);
    expect(e.message.startsWith("sps GET /prefix/api/echo: 500 Runtime Error: Server Error in '/PasswordVault' Application.")).toBe(true);
    expect(detail.length).toBeLessThanOrEqual(200);
    expect(detail).not.toMatch(/[<>]|\s{2}|color:red/);
  });

  it("keeps cookies from Set-Cookie and sends them on every later request", async () => {
    const s = await startTestServer((r) => {
      r.on("GET", "/api/authentication", () => ({ status: 200, body: {}, headers: { "set-cookie": ["session_id=087658d7e30cdc2552b015dd761b6f7ccb25bbd5; Path=/", "other=1; Path=/"] } }));
      r.on("GET", "/api/rotate", () => ({ status: 200, body: {}, headers: { "set-cookie": "session_id=ffff8d7e30cdc2552b015dd761b6f7ccb25bffff; Path=/" } }));
      r.on("GET", "/api/who", (req) => ({ status: 200, body: { cookie: req.headers.cookie ?? null } }));
    });
    const c = new HttpClient({ vendor: "sps", baseUrl: s.url, allowHttp: true, cookies: true });
    try {
      expect(await c.cookie("session_id")).toBeUndefined();
      await c.request({ method: "GET", path: "/api/authentication" });
      expect(await c.cookie("session_id")).toBe("087658d7e30cdc2552b015dd761b6f7ccb25bbd5");
      expect((await c.request<{ cookie: string }>({ method: "GET", path: "/api/who" })).data.cookie).toBe("session_id=087658d7e30cdc2552b015dd761b6f7ccb25bbd5; other=1");
      await c.request({ method: "GET", path: "/api/rotate" });
      expect((await c.request<{ cookie: string }>({ method: "GET", path: "/api/who" })).data.cookie).toContain("session_id=ffff8d7e30cdc2552b015dd761b6f7ccb25bffff");
      await c.clearCookies();
      expect((await c.request<{ cookie: string | null }>({ method: "GET", path: "/api/who" })).data.cookie).toBeNull();
    } finally {
      await c.close();
      await s.close();
    }
  });

  it("does not keep cookies unless asked", async () => {
    const s = await startTestServer((r) => {
      r.on("GET", "/set", () => ({ status: 200, body: {}, headers: { "set-cookie": "a=bbbbbbbb; Path=/" } }));
      r.on("GET", "/who", (req) => ({ status: 200, body: { cookie: req.headers.cookie ?? null } }));
    });
    const c = new HttpClient({ vendor: "x", baseUrl: s.url, allowHttp: true });
    await c.request({ method: "GET", path: "/set" });
    expect((await c.request<{ cookie: string | null }>({ method: "GET", path: "/who" })).data.cookie).toBeNull();
    expect(await c.cookie("a")).toBeUndefined();
    await c.close();
    await s.close();
  });

  it("validates options synchronously and names the field", () => {
    const bad = (opts: Record<string, unknown>) => {
      try {
        new HttpClient({ vendor: "sps", baseUrl: "https://sps.example.com", ...opts } as never);
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as ConfigError).field;
      }
      throw new Error("expected a ConfigError");
    };
    expect(bad({ baseUrl: "sps.example.com" })).toBe("baseUrl");
    expect(bad({ baseUrl: "ftp://sps.example.com" })).toBe("baseUrl");
    expect(bad({ baseUrl: "https://admin:pw@sps.example.com" })).toBe("baseUrl");
    expect(bad({ baseUrl: "https://sps.example.com/?token=x" })).toBe("baseUrl");
    expect(bad({ vendor: "" })).toBe("vendor");
    expect(bad({ timeouts: { connectMs: 0 } })).toBe("timeouts.connectMs");
    expect(bad({ retry: { maxAttempts: 0 } })).toBe("retry.maxAttempts");
    expect(bad({ caCertificates: "/nonexistent/ca.pem" })).toBe("caCertificates");
    expect(bad({ caCertificates: __filename })).toBe("caCertificates");
    expect(bad({ caCertificates: "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----" })).toBe("caCertificates");
    expect(bad({ caCertificates: "/x.pem", insecureSkipVerify: true })).toBe("insecureSkipVerify");
  });

  it("does not echo credentials of a rejected base URL", () => {
    const e = (() => {
      try {
        new HttpClient({ vendor: "sps", baseUrl: "https://admin:hunter2@sps.example.com" });
      } catch (x) {
        return x as Error;
      }
      throw new Error("expected a ConfigError");
    })();
    expect(e.message).not.toContain("hunter2");
  });

  it("rejects an absolute URL as a request path", async () => {
    await expect(client.request({ method: "GET", path: "https://evil.example.com/x" })).rejects.toMatchObject({ code: "CONFIG_INVALID", field: "path" });
  });
});
