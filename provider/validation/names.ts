/**
 * The one rule for names and ids that users give us and that we send to an appliance: SPS user and
 * group names, CyberArk PSM member names, session ids of every vendor.
 *
 * - Refused: control characters (C0 incl. NUL, CR, LF, TAB; DEL; C1), format characters (bidi
 *   overrides and marks such as U+202E, zero-width space/joiners, word joiner, BOM, soft hyphen, tag
 *   characters), line/paragraph separators, invisible fillers (U+115F, U+1160, U+3164, U+FFA0,
 *   U+034F), variation selectors, private-use, unassigned code points and lone surrogates. None of them
 *   is visible, so two names that look the same could differ, or a name could hide what it says.
 * - Normalized to NFC: "é" typed as one code point or as "e" + combining accent is the same name;
 *   {@link nameKey} is the comparison key, so NFC/NFD twins are duplicates.
 * - Length capped, counted in code points after NFC; each limit below says where it comes from.
 */

/** Length limits, in code points after NFC. */
export const NAME_LIMITS = {
  /** SPS local user name. Our choice: SPS publishes no limit; 128 fits every directory user name we know. */
  spsUserName: 128,
  /** SPS local usergroup name. Our choice (no published limit), as for user names. */
  spsGroupName: 128,
  /** CyberArk Vault group member (Vault user, or domain user/group). Our choice: 128, the usual Vault object-name size. */
  psmMemberName: 128,
  /** CyberArk Vault group name. Our choice, as for member names. */
  psmGroupName: 128,
  /** Session id of any vendor (CyberArk SessionID/Guid, SPS `svc/<key>/<policy>:<n>`, senhasegura session_id). Our choice: 256, ids seen are under 100. */
  sessionId: 256,
} as const;

// Cc control, Cf format (bidi, zero-width, BOM, soft hyphen, tags), Cs surrogate, Co private use,
// Cn unassigned, Zl/Zp separators, and invisible characters that Unicode classifies as letters or marks.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\u034F\u115F\u1160\u3164\uFFA0\uFE00-\uFE0F\u{E0100}-\u{E01EF}]/u;

/** `U+XXXX` of a code point, for messages (the character itself may be invisible). */
function codePointLabel(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * Why `value` is not an acceptable name or id (a sentence for an error message that names the field),
 * or undefined when it is. Never echoes the value (messages show the offending code point and position).
 */
export function nameProblem(value: string, max: number): string | undefined {
  if (value === "") return "must not be empty";
  // Lone surrogates first: String#normalize leaves them, the regex below flags them as Cs.
  const nfc = value.normalize("NFC");
  let i = 0;
  for (const ch of nfc) {
    if (INVISIBLE.test(ch)) {
      const kind = /\p{Cc}/u.test(ch) ? "a control character" : "an invisible or formatting character";
      return `must not contain ${kind} (${codePointLabel(ch)} at position ${i + 1}); names and ids must be printable text`;
    }
    i++;
  }
  if (i > max) return `must be at most ${max} characters (got ${i})`;
  if (nfc.trim() !== nfc) return "must not start or end with white space";
  return undefined;
}

/** The form we send and store: NFC. */
export function normalizeName(value: string): string {
  return value.normalize("NFC");
}

/** Comparison key: NFC, so that NFC/NFD twins compare equal. */
export function nameKey(value: string): string {
  return value.normalize("NFC");
}

/** {@link nameProblem} for a session id (limit {@link NAME_LIMITS.sessionId}). */
export function sessionIdProblem(id: string): string | undefined {
  return nameProblem(id, NAME_LIMITS.sessionId);
}

/** A zod `superRefine` callback applying {@link nameProblem}: ``z.string().superRefine(nameIssue(NAME_LIMITS.spsUserName))``. */
export function nameIssue(max: number) {
  return (value: string, ctx: { addIssue(issue: { code: "custom"; message: string }): void }): void => {
    const problem = nameProblem(value, max);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  };
}

/**
 * Copy of a resource's inputs with the named top-level fields in NFC: a string, each string of an
 * array, or the `name` of each object of an array (PSM members). Other values (unknowns during
 * preview, secrets) are left as they are. `check` returns this copy, so state and the appliance only
 * ever see the NFC form.
 */
export function nfcInputs(news: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const out = { ...news };
  const nfc = (v: unknown): unknown => {
    if (typeof v === "string") return normalizeName(v);
    if (v && typeof v === "object" && !Array.isArray(v) && typeof (v as { name?: unknown }).name === "string") {
      return { ...(v as object), name: normalizeName((v as { name: string }).name) };
    }
    return v;
  };
  for (const f of fields) {
    const v = out[f];
    if (Array.isArray(v)) out[f] = v.map(nfc);
    else if (typeof v === "string") out[f] = nfc(v);
  }
  return out;
}
