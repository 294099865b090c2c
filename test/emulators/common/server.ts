import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import type { AddressInfo } from "net";
import * as path from "path";
import { realWait, type Wait } from "./clock";
import { EmulatorError } from "./errors";
import { Faults } from "./faults";
import { RequestLog, redactBody } from "./request-log";

/** A request as handlers see it: parsed once, body kept raw and as JSON when it parses. */
export interface EmulatorRequest {
  method: string;
  /** Path without the query string, percent-decoding left to the handler. */
  path: string;
  query: Record<string, string>;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  rawBody: Buffer;
  /** The parsed JSON body; undefined when empty or not JSON. */
  body: unknown;
  /** True when the client sent Content-Length or chunked Transfer-Encoding (SPS answers 411 otherwise). */
  hasLength: boolean;
  /** Route parameters filled by the Router. */
  params: Record<string, string>;
}

export interface EmulatorResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string | string[]>;
  /** Defaults to JSON; any other type writes `body` as a string. */
  contentType?: string;
}

export type Handler = (req: EmulatorRequest) => Promise<EmulatorResponse> | EmulatorResponse;

export interface EmulatorServerOptions {
  handle: Handler;
  /** Serve HTTPS with the committed test certificate (test/fixtures/tls). */
  tls?: boolean;
  /** Fixed port (the sandbox); 0 (random) by default. */
  port?: number;
  /** Extra latency per request, in ms (benchmarks); may be changed at run time via `latency`. */
  latencyMs?: number;
  /** How latency and `delay` faults wait; default a real timer (tests may inject `recordingWait()`). */
  wait?: Wait;
}

export interface EmulatorServer {
  url: string;
  faults: Faults;
  log: RequestLog;
  /** Mutable per-request latency in ms. */
  latency: { ms: number };
  close(): Promise<void>;
}

export const TLS_DIR = path.join(__dirname, "..", "..", "fixtures", "tls");

function headerMap(req: http.IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
  }
  return out;
}

/** Headers kept in the request log, with credentials masked (the log is shown in test failures). */
function loggedHeaders(h: Record<string, string>): Record<string, string> {
  const out = { ...h };
  for (const k of ["authorization", "cookie"]) if (out[k]) out[k] = "[redacted]";
  return out;
}

function write(res: http.ServerResponse, r: EmulatorResponse): void {
  const type = r.contentType ?? "application/json";
  const payload =
    r.body === undefined ? "" : type.startsWith("application/json") ? JSON.stringify(r.body) : String(r.body);
  const headers: Record<string, string | string[] | number> = { ...(r.headers ?? {}) };
  if (payload.length > 0 || r.status !== 204) headers["content-type"] = type;
  headers["content-length"] = Buffer.byteLength(payload);
  res.writeHead(r.status, headers);
  res.end(payload);
}

/** Starts an HTTP(S) server on 127.0.0.1 that runs `handle` behind latency, faults and a request log. */
export async function startEmulatorServer(opts: EmulatorServerOptions): Promise<EmulatorServer> {
  const faults = new Faults();
  const log = new RequestLog();
  const latency = { ms: opts.latencyMs ?? 0 };
  const sleep = opts.wait ?? realWait;

  const listener = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const rawBody = Buffer.concat(chunks);
    const url = new URL(req.url ?? "/", "http://emulator");
    const headers = headerMap(req);
    let body: unknown;
    if (rawBody.length > 0) {
      try {
        body = JSON.parse(rawBody.toString("utf8"));
      } catch {
        body = undefined;
      }
    }
    const er: EmulatorRequest = {
      method: (req.method ?? "GET").toUpperCase(),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams.entries()),
      headers,
      rawBody,
      body,
      hasLength: headers["content-length"] !== undefined || /chunked/i.test(headers["transfer-encoding"] ?? ""),
      params: {},
    };
    const entry = log.add({
      at: Date.now(), // wall time, for reading a failure; tests assert on `seq`, never on `at`
      method: er.method,
      path: er.path,
      query: er.query,
      headers: loggedHeaders(headers),
      body: body === undefined && rawBody.length > 0 ? "[non-json body]" : redactBody(body),
    });
    if (latency.ms > 0) await sleep(latency.ms);

    const fault = faults.take(er.method, er.path);
    if (fault?.kind === "delay") await sleep(fault.ms);
    if (fault?.kind === "call") fault.fn();
    if (fault?.kind === "drop-before") {
      log.settle(entry, -1);
      req.socket.destroy();
      fault.then?.();
      return;
    }
    if (fault?.kind === "status") {
      log.settle(entry, fault.status);
      return write(res, { status: fault.status, body: fault.body, contentType: fault.contentType, headers: fault.headers });
    }
    if (fault?.kind === "html") {
      log.settle(entry, fault.status);
      const html = fault.html ?? `<html><head><title>${fault.status} Error</title></head><body><h1>Server Error</h1><p>The page cannot be displayed.</p></body></html>`;
      return write(res, { status: fault.status, body: html, contentType: "text/html" });
    }

    let out: EmulatorResponse;
    try {
      out = await opts.handle(er);
    } catch (e) {
      if (e instanceof EmulatorError) {
        out = { status: e.status, body: e.body, headers: e.headers, contentType: e.contentType };
      } else {
        out = { status: 500, body: { emulatorBug: String((e as Error)?.stack ?? e) } };
      }
    }
    if (fault?.kind === "drop-after") {
      log.settle(entry, -1);
      req.socket.destroy();
      fault.then?.();
      return;
    }
    log.settle(entry, out.status);
    write(res, out);
  };

  const server = opts.tls
    ? https.createServer(
        { cert: fs.readFileSync(path.join(TLS_DIR, "server.pem")), key: fs.readFileSync(path.join(TLS_DIR, "server-key.pem")) },
        (q, s) => void listener(q, s),
      )
    : http.createServer((q, s) => void listener(q, s));
  // Keep-alive sockets would hold close() open; emulators answer quickly, so a short timeout is fine.
  server.keepAliveTimeout = 5000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `${opts.tls ? "https" : "http"}://127.0.0.1:${port}`,
    faults,
    log,
    latency,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
