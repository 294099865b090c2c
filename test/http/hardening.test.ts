/**
 * Hostile answers and inputs against the shared HTTP core: plain http, drip-fed and oversized bodies,
 * secrets echoed in every encoded form, authentication answers, path segments.
 * Raw node:http servers stand in for the appliance (they count what they sent); no wall-clock bounds.
 */
import * as http from "http";
import type { AddressInfo } from "net";
import { HttpClient, Redactor, bodyExcerpt, encodePath, errorFromResponse, pathSegment } from "../../provider/http";
import { DEFAULT_REQUEST_TIMEOUT_MS } from "../../provider/http/client";
import { rejectionOf } from "./helpers";

interface RawServer {
  url: string;
  /** Body bytes the handler managed to write before the client went away. */
  written: () => number;
  closed: Promise<void>;
  close: () => Promise<void>;
}

/** A server whose handler writes the body itself (`write` resolves false once the client is gone). */
async function rawServer(handler: (res: http.ServerResponse, write: (chunk: Buffer | string) => Promise<boolean>) => Promise<void>): Promise<RawServer> {
  let written = 0;
  let markClosed!: () => void;
  const closed = new Promise<void>((r) => (markClosed = r));
  const server = http.createServer((req, res) => {
    let gone = false;
    res.on("close", () => {
      gone = true;
      markClosed();
    });
    const write = (chunk: Buffer | string) =>
      new Promise<boolean>((resolve) => {
        if (gone) return resolve(false);
        written += Buffer.byteLength(chunk);
        if (res.write(chunk)) return resolve(true);
        // Backpressure: wait until the client reads, or until it closes the connection.
        const done = (ok: boolean) => {
          res.off("drain", onDrain);
          res.off("close", onClose);
          resolve(ok);
        };
        const onDrain = () => done(true);
        const onClose = () => done(false);
        res.on("drain", onDrain);
        res.on("close", onClose);
      });
    req.resume();
    void handler(res, write).catch(() => undefined);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    written: () => written,
    closed,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

const client = (url: string, extra: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) =>
  new HttpClient({ vendor: "cyberark", baseUrl: url, allowHttp: true, retry: { maxAttempts: 1 }, ...extra });

describe("plain http", () => {
  it("is refused without allowHttp, naming the vendor's opt-in, before any request", () => {
    let e: unknown;
    try {
      new HttpClient({ vendor: "sps", baseUrl: "http://sps.example.com" });
    } catch (x) {
      e = x;
    }
    expect(e).toMatchObject({ code: "CONFIG_INVALID", field: "baseUrl" });
    expect(String((e as Error).message)).toMatch(/plain http:\/\/ is refused.*https:\/\/.*sps:allowHttp \/ SPS_ALLOW_HTTP/);
  });

  it("is accepted with allowHttp, with one warning per client", () => {
    const spy = jest.spyOn(process, "emitWarning").mockImplementation(() => undefined);
    try {
      const lines: string[] = [];
      const c = new HttpClient({ vendor: "senhasegura", baseUrl: "http://pam.example.com", allowHttp: true, log: (l) => lines.push(l) });
      expect(spy).toHaveBeenCalledTimes(1);
      expect(spy.mock.calls[0][1]).toMatchObject({ code: "PULUMI_PAM_INSECURE_HTTP" });
      expect(lines.join("\n")).toMatch(/WARNING senhasegura: plain http:\/\/ is used for http:\/\/pam\.example\.com/);
      void c.close();
      // https never warns about http, with or without the flag.
      new HttpClient({ vendor: "sps", baseUrl: "https://sps.example.com", allowHttp: true });
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });
});

describe("overall deadline", () => {
  it("ends a drip-fed body at requestTimeoutMs with REQUEST_TIMEOUT, long before the body is complete", async () => {
    const TOTAL = 400;
    const srv = await rawServer(async (res, write) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": String(TOTAL) });
      // One byte every 25 ms: each pause is far below the idle body timeout, so only the deadline can stop it.
      for (let i = 0; i < TOTAL; i++) {
        if (!(await write(i === 0 ? "[" : " "))) return;
        await new Promise((r) => setTimeout(r, 25));
      }
    });
    const c = client(srv.url, { requestTimeoutMs: 300, timeoutSetting: "cyberark:requestTimeoutMs / CYBERARK_REQUEST_TIMEOUT_MS" });
    try {
      const e = await rejectionOf(c.request({ method: "GET", path: "/drip" }));
      expect(e).toMatchObject({ name: "TimeoutError", code: "REQUEST_TIMEOUT" });
      expect(e.message).toBe("cyberark GET /drip: no complete answer within 300 ms (cyberark:requestTimeoutMs / CYBERARK_REQUEST_TIMEOUT_MS)");
      await srv.closed;
      // Bounded by bytes, not time: the client hung up while most of the body was still unsent.
      expect(srv.written()).toBeLessThan(TOTAL);
    } finally {
      await c.close();
      await srv.close();
    }
  });

  it("applies the 120 s default deadline when none is set, and its error names the setting (no real wait)", async () => {
    expect(DEFAULT_REQUEST_TIMEOUT_MS).toBe(120_000);
    expect(() => client("http://127.0.0.1:1", { requestTimeoutMs: 0 })).toThrow(/requestTimeoutMs: must be a positive number/);
    // The client arms its deadline with setTimeout: capture the 120 s timer and fire it once the request is in flight.
    const realSetTimeout = global.setTimeout;
    const armed: number[] = [];
    let fire: (() => void) | undefined;
    const spy = jest.spyOn(global, "setTimeout").mockImplementation(((fn: (...a: unknown[]) => void, ms?: number, ...rest: unknown[]) => {
      if (ms === DEFAULT_REQUEST_TIMEOUT_MS) {
        armed.push(ms);
        fire = fn;
        return realSetTimeout(() => undefined, 0);
      }
      return realSetTimeout(() => fn(...rest), ms);
    }) as typeof setTimeout);
    const srv = await rawServer(async () => {
      fire?.(); // the server never answers: only the deadline ends the request
    });
    const c = client(srv.url, { timeoutSetting: "cyberark:requestTimeoutMs / CYBERARK_REQUEST_TIMEOUT_MS" });
    try {
      const e = await rejectionOf(c.request({ method: "GET", path: "/hang" }));
      expect(armed).toEqual([120_000]);
      expect(e).toMatchObject({ name: "TimeoutError", code: "REQUEST_TIMEOUT" });
      expect(e.message).toBe("cyberark GET /hang: no complete answer within 120000 ms (cyberark:requestTimeoutMs / CYBERARK_REQUEST_TIMEOUT_MS)");
    } finally {
      spy.mockRestore();
      await c.close();
      await srv.close();
    }
  });
});

describe("body size cap", () => {
  const MiB = 1024 * 1024;
  const chunk = Buffer.alloc(64 * 1024, 0x61);

  it.each([
    ["chunked, no Content-Length", false],
    ["with a Content-Length", true],
  ])("stops reading a 64 MiB answer at the cap (%s) with RESPONSE_TOO_LARGE", async (_label, declare) => {
    const srv = await rawServer(async (res, write) => {
      res.writeHead(500, { "content-type": "text/plain", ...(declare ? { "content-length": String(64 * MiB) } : {}) });
      for (let sent = 0; sent < 64 * MiB; sent += chunk.length) if (!(await write(chunk))) return;
      res.end();
    });
    const c = client(srv.url, { maxResponseBytes: 4 * MiB });
    try {
      const e = await rejectionOf(c.request({ method: "GET", path: "/huge" }));
      expect(e).toMatchObject({ name: "ResponseTooLargeError", code: "RESPONSE_TOO_LARGE", status: 500, limit: 4 * MiB });
      expect(e.message).toMatch(/^cyberark GET \/huge: 500 answer larger than 4194304 bytes, not read further \(maxResponseBytes/);
      await srv.closed;
      // The client hung up near the cap: far less than the 64 MiB were sent (socket buffers allow a few MiB more).
      expect(srv.written()).toBeLessThan(16 * MiB);
    } finally {
      await c.close();
      await srv.close();
    }
  });

  it("defaults to 16 MiB", async () => {
    const srv = await rawServer(async (res, write) => {
      res.writeHead(200, { "content-type": "application/json" });
      for (let sent = 0; sent < 64 * MiB; sent += chunk.length) if (!(await write(chunk))) return;
      res.end();
    });
    const c = client(srv.url);
    try {
      const e = await rejectionOf(c.request({ method: "GET", path: "/huge" }));
      expect(e).toMatchObject({ code: "RESPONSE_TOO_LARGE", limit: 16 * MiB });
      await srv.closed;
      expect(srv.written()).toBeLessThan(32 * MiB);
    } finally {
      await c.close();
      await srv.close();
    }
  });
});

describe("error excerpts never show a secret, in any form", () => {
  const SECRET = "Pa55  <b>wörd</b> \"x\"";
  const redactor = () => {
    const r = new Redactor();
    r.add(SECRET);
    return r;
  };
  const forms: Array<[string, string]> = [
    ["raw", SECRET],
    ["JSON-escaped", JSON.stringify(SECRET).slice(1, -1)],
    ["\\u-escaped", [...SECRET].map((ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`).join("")],
    ["HTML-escaped", SECRET.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")],
    ["numeric entities", [...SECRET].map((ch) => `&#${ch.codePointAt(0)};`).join("")],
    ["URL-encoded", encodeURIComponent(SECRET)],
    ["base64", Buffer.from(SECRET).toString("base64")],
  ];
  // Pieces a partial redaction would leave behind.
  const pieces = ["Pa55", "wörd", "Pa55 wörd", "Pa55 <b>"];

  it.each(forms)("%s, echoed across the excerpt cut-off, in an HTML page", (_name, form) => {
    const body = `<html><title>Error</title><body><p>${"x".repeat(190)} you sent ${form} which was refused</p></body></html>`;
    const e = errorFromResponse({ vendor: "sps", method: "POST", path: "/api/x", status: 500, headers: { "content-type": "text/html" }, bodyText: body, redactor: redactor() });
    for (const p of pieces) expect(e.message).not.toContain(p);
    expect(e.message.length).toBeLessThan(300);
  });

  it.each(forms)("%s, in a JSON vendor message", (_name, form) => {
    const body = JSON.stringify({ error: { message: `bad password ${form} given` } });
    const e = errorFromResponse({
      vendor: "sps", method: "POST", path: "/api/x", status: 400, bodyText: body, redactor: redactor(),
      parseVendorError: (b) => ({ message: (b as { error: { message: string } }).error.message }),
    });
    for (const p of pieces) expect(e.message).not.toContain(p);
  });

  it("redacts before collapsing whitespace and stripping tags", () => {
    const out = bodyExcerpt(`<div>${SECRET}</div>`, 200, redactor());
    expect(out).toBe("[redacted]");
  });

  it("takes linear time: 256 KiB of '<!--' and a 128 KiB tag soup finish and stay short", () => {
    // The old regular expressions backtracked quadratically here (tens of seconds); a single scan is instant.
    expect(bodyExcerpt("<!--".repeat(64 * 1024))).toBe("");
    expect(bodyExcerpt("<script".repeat(40 * 1024))).toBe("");
    const soup = `<p>${"<a <b x=".repeat(16 * 1024)}`;
    expect(bodyExcerpt(soup).length).toBeLessThanOrEqual(200);
    const big = `<html><title>T</title><body>${"word <i>x</i> ".repeat(10 * 1024)}</body></html>`;
    expect(bodyExcerpt(big, 200, redactor())).toMatch(/^T word x word x/);
  });

  it("keeps a lone '<' of plain text", () => {
    expect(bodyExcerpt("limit: a < b and more")).toBe("limit: a < b and more");
  });
});

describe("authentication answers", () => {
  const TOKEN = "tok-9f8e7d6c5b4a39281706-secret";
  let srv: RawServer;
  beforeAll(async () => {
    srv = await rawServer(async (res) => {
      const url = res.req.url ?? "";
      if (url.startsWith("/plain")) {
        res.writeHead(200, { "content-type": "text/plain" });
        res.end(TOKEN);
      } else if (url.startsWith("/form")) {
        res.writeHead(200, { "content-type": "application/x-www-form-urlencoded" });
        res.end(`access_token=${TOKEN}&expires_in=3600`);
      } else {
        res.writeHead(401, { "content-type": "text/html" });
        res.end(`<html><body>denied, your token ${TOKEN}</body></html>`);
      }
    });
  });
  afterAll(() => srv.close());

  it.each(["/plain", "/form", "/denied"])("never quotes the body of %s", async (path) => {
    const c = client(srv.url);
    try {
      const e = await rejectionOf(c.request({ method: "POST", path, form: { grant_type: "client_credentials" }, sensitiveResponse: true }));
      expect(String(e.message)).not.toContain("tok-9f8e7d6c5b4a39281706");
      expect(String(e.message)).toMatch(/body not shown: it is an authentication answer/);
    } finally {
      await c.close();
    }
  });

  it("quotes an ordinary answer's body (the marker is what hides it)", async () => {
    const c = client(srv.url);
    try {
      const e = await rejectionOf(c.request({ method: "GET", path: "/plain" }));
      expect(e.message).toContain("expected JSON, got text/plain: tok-");
    } finally {
      await c.close();
    }
  });
});

describe("path segments", () => {
  it.each(["", ".", "..", "a\u0000b", "x\r\ny", "del\u007f", "\ud800"])("refuses %j before any request", (v) => {
    expect(() => pathSegment(v, "SPS object key")).toThrow(/SPS object key: .*cannot be used in a URL path/);
    expect(() => encodePath`/api/users/${v}`).toThrow(/cannot be used in a URL path/);
  });

  it("encodes everything else as one segment", () => {
    expect(pathSegment("a/b c%2e")).toBe("a%2Fb%20c%252e");
    expect(encodePath`/LiveSessions/${"..x"}/Suspend`).toBe("/LiveSessions/..x/Suspend");
  });
});
