/**
 * Redaction of secrets in anything that can reach an error message or a log line (redacted when the
 * message is built, never later). Two layers: names we know are sensitive (headers, query parameters) and
 * values we know are secret (the {@link Redactor}, fed by vendor clients and by the HTTP client).
 */

/** The replacement text for every redacted value. */
export const REDACTED = "[redacted]";

/**
 * Replaces every registered secret value with `[redacted]`, also in the encoded forms in which a
 * secret travels: base64 (Basic auth, tokens), URL/form encoding and JSON string escaping (a password
 * with a `"` or `\` appears escaped inside a JSON body echoed by an error page).
 */
export class Redactor {
  private readonly forms = new Set<string>();
  private sorted: string[] | undefined;

  /** Registers a secret; `undefined` and `""` are ignored. Choice: even short secrets are registered (over-redaction beats a leak). */
  add(secret: string | undefined): void {
    if (secret === undefined || secret === "") return;
    const variants = [
      secret,
      Buffer.from(secret, "utf8").toString("base64"),
      Buffer.from(secret, "utf8").toString("base64").replace(/=+$/, ""),
      Buffer.from(secret, "utf8").toString("base64url"),
      encodeURIComponent(secret),
      new URLSearchParams({ s: secret }).toString().slice(2),
      JSON.stringify(secret).slice(1, -1),
    ];
    const before = this.forms.size;
    for (const v of variants) if (v.length > 0) this.forms.add(v);
    // The client re-registers header credentials on every request; only re-sort when something is new.
    if (this.forms.size !== before) this.sorted = undefined;
  }

  /** Number of registered secrets' forms (for tests and debugging; never the values). */
  get size(): number {
    return this.forms.size;
  }

  /** `s` with every known secret form replaced by `[redacted]`. */
  text(s: string): string {
    if (this.forms.size === 0 || s === "") return s;
    // Longest first, so that a secret containing another secret is replaced whole.
    this.sorted ??= [...this.forms].sort((a, b) => b.length - a.length);
    let out = s;
    for (const f of this.sorted) if (out.includes(f)) out = out.split(f).join(REDACTED);
    return out;
  }

  /** Deep copy of `v` with secrets replaced in every string (keys included) and secret-named fields masked. */
  value(v: unknown): unknown {
    if (typeof v === "string") return this.text(v);
    if (Array.isArray(v)) return v.map((x) => this.value(x));
    if (v && typeof v === "object") {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>).map(([k, x]) => [this.text(k), SECRET_FIELD.test(k) && x !== null && x !== undefined ? REDACTED : this.value(x)]),
      );
    }
    return v;
  }
}

/** Header names whose values are credentials. */
export const SENSITIVE_HEADERS: ReadonlySet<string> = new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
  "x-token",
  "x-api-key",
  "x-auth-token",
]);

/** Copy of `h` with lower-cased names, arrays joined with ", ", and credential headers replaced by `[redacted]`. */
export function redactHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined) continue;
    const name = k.toLowerCase();
    out[name] = SENSITIVE_HEADERS.has(name) ? REDACTED : Array.isArray(v) ? v.join(", ") : v;
  }
  return out;
}

/**
 * Query parameter (and JSON field) names whose values are secrets. `credential` is deliberately NOT
 * here: senhasegura uses `?credential=<id>` for an id, not a secret.
 */
const SECRET_PARAM = /(token|password|passwd|secret|apikey|api_key|^oauth_|signature|^sig$|^plain$)/i;
const SECRET_FIELD = SECRET_PARAM;

/** Whether a query parameter or JSON field with this name holds a secret. */
export function isSecretName(name: string): boolean {
  return SECRET_PARAM.test(name);
}

/**
 * Masks the values of secret-named query parameters (token, password, secret, oauth_*, …) and any
 * `user:pass@` userinfo. Works on absolute URLs and on bare paths with a query string.
 */
export function redactUrl(url: string): string {
  const hash = url.indexOf("#");
  const noHash = hash >= 0 ? url.slice(0, hash) : url;
  const q = noHash.indexOf("?");
  let head = q >= 0 ? noHash.slice(0, q) : noHash;
  head = head.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, `$1${REDACTED}@`);
  if (q < 0) return head;
  const query = noHash
    .slice(q + 1)
    .split("&")
    .map((pair) => {
      const eq = pair.indexOf("=");
      if (eq < 0) return pair;
      let name = pair.slice(0, eq);
      try {
        name = decodeURIComponent(name.replace(/\+/g, " "));
      } catch {
        // Keep the raw name: a malformed escape cannot hide a secret name from the test below.
      }
      return SECRET_PARAM.test(name) ? `${pair.slice(0, eq)}=${REDACTED}` : pair;
    })
    .join("&");
  return `${head}?${query}`;
}

const NAMED_ENTITIES: Record<string, string> = { nbsp: " ", lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" };

/**
 * HTML entities decoded in one pass (`&lt;`, `&quot;`, `&#39;`, `&#x41;`…), so that a secret echoed
 * HTML-escaped in an error page is visible to the {@link Redactor}. Unknown names are left as they are.
 */
export function decodeEntities(s: string): string {
  if (!s.includes("&")) return s;
  return s.replace(/&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,6});/g, (m, e: string) => {
    if (e[0] !== "#") return NAMED_ENTITIES[e.toLowerCase()] ?? m;
    const code = e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
  });
}
