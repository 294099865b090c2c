import type { Clock } from "../common/clock";
import { EmulatorError } from "../common/errors";
import type { PvwaBehaviour, PvwaErrorAnswer } from "./options";
import type { PvwaStore } from "./store";

/** What every handler gets: the instance state, its behaviour switches and its clock. */
export interface PvwaContext {
  store: PvwaStore;
  behaviour: PvwaBehaviour;
  clock: Clock;
}

/** A PVWA error: `{ErrorCode, ErrorMessage}` ([DOC] PAS REST "Return Codes"), with optional `Details`. */
export function pvwaError(status: number, ErrorCode: string, ErrorMessage: string, Details?: unknown): EmulatorError {
  return new EmulatorError(status, Details === undefined ? { ErrorCode, ErrorMessage } : { ErrorCode, ErrorMessage, Details });
}

/** The error for a configured answer. */
export function answerError(a: PvwaErrorAnswer): EmulatorError {
  return pvwaError(a.status, a.ErrorCode, a.ErrorMessage);
}

/** An IIS-style HTML error page ([CODE] psPAS "Guru Meditation - HTML Response Received"). */
export function iisHtml(status: number, title: string, detail: string): EmulatorError {
  const html =
    `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n` +
    `<html xmlns="http://www.w3.org/1999/xhtml"><head><title>IIS 10.0 Detailed Error - ${status} - ${title}</title></head>` +
    `<body><div id="content"><h3>HTTP Error ${status} - ${title}</h3><h4>${detail}</h4></div></body></html>`;
  return new EmulatorError(status, html, {}, "text/html; charset=utf-8");
}

/** ASP.NET Web API's JSON 404 for an unmatched route under /API ([INF] the framework's default text). */
export function webApiNotFound(path: string): EmulatorError {
  return new EmulatorError(404, { Message: `No HTTP resource was found that matches the request URI '${path}'.` });
}
