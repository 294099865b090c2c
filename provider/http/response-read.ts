/** Reads a 2xx answer as the caller asked: text, empty, JSON, or JSON checked against a zod schema. */
import type { HttpResponse, RequestOptions } from "./client-options";
import { ResponseShapeError, bodyExcerpt } from "./errors";
import type { Redactor } from "./redact";
import type { RawResponse } from "./send";

/** The 2xx answer's data, or a ResponseShapeError naming issue paths and kinds (never values). */
export function readSuccess<T>(
  opts: RequestOptions<T>,
  res: RawResponse,
  where: { vendor: string; shownPath: string; redactor: Redactor },
): HttpResponse<T> {
  const base = { status: res.status, headers: res.headers, rawText: res.text };
  const shape = (code: string, detail: string, issues?: string[]) =>
    new ResponseShapeError({ code, vendor: where.vendor, method: opts.method, path: where.shownPath, status: res.status, detail: where.redactor.text(detail), issues });
  if (opts.responseType === "text") return { ...base, data: res.text as T };
  const type = res.headers["content-type"] ?? "no content-type";
  if (res.text.trim() === "") {
    if (opts.allowEmpty || opts.method === "HEAD") return { ...base, data: undefined as T };
    throw shape("RESPONSE_EMPTY", "empty body where JSON was expected");
  }
  let json: unknown;
  try {
    json = JSON.parse(res.text);
  } catch {
    // An authentication answer may be the token itself in another format: never quote it.
    if (opts.sensitiveResponse) throw shape("RESPONSE_NOT_JSON", `expected JSON, got ${type} (body not shown: it is an authentication answer)`);
    throw shape("RESPONSE_NOT_JSON", `expected JSON, got ${type}: ${bodyExcerpt(res.text, 120, where.redactor)}`);
  }
  if (!opts.schema) return { ...base, data: json as T };
  const parsed = opts.schema.safeParse(json);
  if (parsed.success) return { ...base, data: parsed.data };
  const issues = parsed.error.issues.map((i) => {
    const where = i.path.length ? i.path.map(String).join(".") : "(root)";
    const expected = (i as { expected?: unknown }).expected;
    return `${where}: ${i.code}${typeof expected === "string" ? ` (expected ${expected})` : ""}`;
  });
  throw shape("RESPONSE_SHAPE_INVALID", `response does not match the expected shape: ${issues.slice(0, 10).join("; ")}`, issues);
}
