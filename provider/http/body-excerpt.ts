/** Short, redacted, tag-stripped excerpts of error bodies (HTML error pages, plain text) for error messages. */

import { Redactor, decodeEntities } from "./redact";

/** Maximum length of a body excerpt in an error message. */
export const EXCERPT_MAX = 200;
/**
 * Characters of a body that the excerpt looks at (our choice: 64 KiB). Redaction runs over the whole
 * body first, so the cap never cuts a secret in half before it is masked.
 */
export const EXCERPT_INPUT_MAX = 64 * 1024;

/**
 * A short, whitespace-collapsed, tag-stripped excerpt of an error body. For HTML pages (IIS, API
 * gateways) the `<title>` is the most telling part, so it leads; scripts, styles and comments are dropped.
 *
 * With a `redactor`, every known secret is masked BEFORE each transformation that could change how it
 * looks: in the raw body, after decoding `\uXXXX` escapes, after stripping tags, after decoding HTML
 * entities, after collapsing whitespace, and before the cut-off. Every step is a single forward scan
 * (no backtracking regular expressions), so the cost is linear in the body size.
 */
export function bodyExcerpt(text: string, max = EXCERPT_MAX, redactor?: Redactor): string {
  const red = (s: string) => (redactor ? redactor.text(s) : s);
  let s = red(text);
  if (redactor && s.includes("\\u")) s = red(decodeUnicodeEscapes(s));
  if (s.length > EXCERPT_INPUT_MAX) s = s.slice(0, EXCERPT_INPUT_MAX);
  const { title, body } = stripMarkup(s);
  const tidy = (x: string) => red(red(decodeEntities(red(x))).replace(/\s+/g, " ").trim());
  const b = tidy(body);
  const t = title === undefined ? "" : tidy(title);
  let out = t && !b.startsWith(t) ? `${t}: ${b}` : b || t;
  if (out.length > max) out = `${out.slice(0, max - 1)}…`;
  return out;
}

/** `\uXXXX` escapes (JSON, JavaScript) decoded; a secret sent escaped that way is then visible to the redactor. */
function decodeUnicodeEscapes(s: string): string {
  return s.replace(/\\u([0-9a-fA-F]{4})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** ASCII-only lower case: keeps every index of `s` valid (String#toLowerCase may change the length). */
function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/** Elements whose content is not text for a reader. */
const SKIPPED_ELEMENTS = ["script", "style", "head"];

/** Whether `lower` has the start tag `<name` at `at` (followed by a non-name character). */
function startTagAt(lower: string, at: number, name: string): boolean {
  return lower.startsWith(name, at + 1) && !/[a-z0-9-]/.test(lower.charAt(at + 1 + name.length));
}

/**
 * Tags stripped in one forward scan: each search starts where the previous one ended, and a construct
 * that is never closed (`<!--`, `<script`) ends the scan, so the work is linear in `s`.
 */
function stripMarkup(s: string): { title?: string; body: string } {
  const lower = asciiLower(s);
  let title: string | undefined;
  const t = lower.indexOf("<title");
  if (t >= 0) {
    const open = s.indexOf(">", t);
    const close = open < 0 ? -1 : lower.indexOf("</title", open);
    if (close > open) title = s.slice(open + 1, close);
  }
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    const lt = s.indexOf("<", i);
    if (lt < 0) {
      out.push(s.slice(i));
      break;
    }
    out.push(s.slice(i, lt), " ");
    if (s.startsWith("<!--", lt)) {
      const end = s.indexOf("-->", lt + 4);
      if (end < 0) break;
      i = end + 3;
      continue;
    }
    const skipped = SKIPPED_ELEMENTS.find((n) => startTagAt(lower, lt, n));
    if (skipped) {
      const close = lower.indexOf(`</${skipped}`, lt);
      if (close < 0) break;
      const gt = s.indexOf(">", close);
      if (gt < 0) break;
      i = gt + 1;
      continue;
    }
    const gt = s.indexOf(">", lt);
    if (gt < 0) {
      // A lone "<" in plain text ("a < b") is text, not a tag.
      out.push(s.slice(lt));
      break;
    }
    i = gt + 1;
  }
  return { title, body: out.join("") };
}
