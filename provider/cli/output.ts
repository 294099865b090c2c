/** Output of the `pam-session` CLI: aligned tables for people, one JSON object per line for scripts. */
import { SESSION_OUTCOMES } from "../session-outcome";
import type { SessionResult, SessionSummary } from "../sessions";

/** Renders rows as a left-aligned table with a header; cells are single-line. */
export function table(header: string[], rows: string[][]): string {
  const clean = (s: string) => s.replace(/\s+/g, " ").trim();
  const all = [header, ...rows.map((r) => r.map(clean))];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? "").length)));
  // The last column is not padded, so long details do not leave trailing blanks.
  return all.map((r) => r.map((c, i) => (i === r.length - 1 ? c : (c ?? "").padEnd(widths[i]))).join("  ").trimEnd()).join("\n") + "\n";
}

/** Human table of action results. */
export function resultsTable(results: SessionResult[]): string {
  return table(["TARGET", "SESSION", "ACTION", "OUTCOME", "DETAIL"], results.map((r) => [r.target, r.sessionId, r.action, r.outcome, r.detail]));
}

/** Human table of listed sessions. */
export function sessionsTable(sessions: SessionSummary[]): string {
  if (sessions.length === 0) return "no active sessions\n";
  // The SUSPENDED column only when the API told for at least one session (no documented API does).
  const known = sessions.some((s) => s.suspended !== undefined);
  const yesNo = (b: boolean | undefined) => (b === undefined ? "?" : b ? "yes" : "no");
  return table(
    ["TARGET", "SESSION", "USER", "PROTOCOL", "SERVER", "CLIENT", "START", ...(known ? ["SUSPENDED"] : []), "NOTE"],
    sessions.map((s) => [s.target, s.sessionId, s.user ?? "", s.protocol ?? "", s.server ?? "", s.client ?? "", s.start ?? "", ...(known ? [yesNo(s.suspended)] : []), s.note ?? ""]),
  );
}

/** One JSON line (undefined fields left out). */
export function jsonLine(v: object): string {
  return `${JSON.stringify(v)}\n`;
}

/** "2 done, 1 already, 1 failed" in a fixed order. */
export function summary(results: SessionResult[]): string {
  const n = (o: string) => results.filter((r) => r.outcome === o).length;
  return SESSION_OUTCOMES.filter((o) => n(o) > 0).map((o) => `${n(o)} ${o}`).join(", ") || "nothing to do";
}
