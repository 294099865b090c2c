/** One undici round trip: send, read the body (up to a size cap), hand back plain data. No other policy here. */
import type { Agent, request as undiciRequestFn } from "undici";

/** A response as plain data (the body fully read). */
export interface RawResponse {
  status: number;
  /** Lower-cased names; repeated headers joined with ", " (Set-Cookie is kept apart in `setCookie`). */
  headers: Record<string, string>;
  setCookie: string[];
  text: string;
}

/** Plain header record from undici's `string | string[]` map. */
export function toHeaderRecord(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}

/** Sends one request through `agent` and reads the body as UTF-8 text. Throws undici/Node errors as they are. */
export async function send(
  agent: Agent,
  url: string,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  limits: { headersMs: number; bodyMs: number; maxBytes: number; tooLarge: (status: number) => Error },
  signal: AbortSignal,
  request: typeof undiciRequestFn,
): Promise<RawResponse> {
  const timeouts = limits;
  const res = await request(url, {
    dispatcher: agent,
    method: method as "GET",
    headers,
    body,
    headersTimeout: timeouts.headersMs,
    bodyTimeout: timeouts.bodyMs,
    signal,
  });
  const text = await readCapped(res.body, res.statusCode, res.headers["content-length"], limits);
  const raw = res.headers["set-cookie"];
  const setCookie = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return { status: res.statusCode, headers: toHeaderRecord(res.headers), setCookie, text };
}

/**
 * The body as UTF-8 text, counting bytes as they arrive: past `maxBytes` the stream is destroyed (the
 * connection closes, nothing more is read) and `tooLarge` is thrown. A declared Content-Length over the
 * cap fails before reading anything.
 */
async function readCapped(
  body: AsyncIterable<Buffer> & { destroy(err?: Error): unknown },
  status: number,
  contentLength: string | string[] | undefined,
  limits: { maxBytes: number; tooLarge: (status: number) => Error },
): Promise<string> {
  const declared = typeof contentLength === "string" ? Number(contentLength) : NaN;
  if (Number.isFinite(declared) && declared > limits.maxBytes) {
    const e = limits.tooLarge(status);
    body.destroy();
    throw e;
  }
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of body) {
    received += chunk.length;
    if (received > limits.maxBytes) {
      const e = limits.tooLarge(status);
      body.destroy();
      throw e;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, received).toString("utf8");
}

/** Waits `ms`, rejecting with an AbortError as soon as `signal` aborts (the timer is cleared then). */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const abort = () => {
      clearTimeout(t);
      reject(Object.assign(new Error("aborted"), { name: "AbortError" }));
    };
    if (signal.aborted) return abort();
    const t = setTimeout(() => {
      signal.removeEventListener("abort", abort);
      resolve();
    }, ms);
    signal.addEventListener("abort", abort, { once: true });
  });
}
