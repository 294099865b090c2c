import fc from "fast-check";
import { REDACTED, Redactor, encodePath, redactHeaders, redactUrl } from "../../provider/http";

describe("Redactor", () => {
  it("replaces a secret and its base64, URL-encoded, form-encoded and JSON-escaped forms", () => {
    const r = new Redactor();
    const s = 'p@ss w"rd\\é';
    r.add(s);
    const forms = [s, Buffer.from(s).toString("base64"), encodeURIComponent(s), new URLSearchParams({ a: s }).toString().slice(2), JSON.stringify(s).slice(1, -1)];
    for (const f of forms) expect(r.text(`before ${f} after`)).toBe(`before ${REDACTED} after`);
  });

  it("ignores undefined and empty secrets and leaves text alone when it knows none", () => {
    const r = new Redactor();
    r.add(undefined);
    r.add("");
    expect(r.size).toBe(0);
    expect(r.text("nothing to hide")).toBe("nothing to hide");
  });

  it("replaces a longer secret whole when it contains a shorter one", () => {
    const r = new Redactor();
    r.add("abcd");
    r.add("abcdefgh");
    expect(r.text("x abcdefgh y abcd")).toBe(`x ${REDACTED} y ${REDACTED}`);
  });

  it("never leaves a registered secret in any text (property)", () => {
    // Secrets sharing a character with "[redacted]" could re-form across the replacement's edges.
    const secretArb = fc.string({ minLength: 1 }).filter((s) => ![...s].some((ch) => REDACTED.includes(ch)));
    fc.assert(
      fc.property(secretArb, fc.string(), fc.string(), (secret, a, b) => {
        const r = new Redactor();
        r.add(secret);
        return !r.text(a + secret + b).includes(secret);
      }),
    );
  });

  it("deep-redacts values, masking secret-named fields", () => {
    const r = new Redactor();
    r.add("hunter2");
    expect(r.value({ a: ["x hunter2"], password: "anything", n: 1, nested: { client_secret: "s", keep: null } })).toEqual({
      a: [`x ${REDACTED}`],
      password: REDACTED,
      n: 1,
      nested: { client_secret: REDACTED, keep: null },
    });
  });
});

describe("redactHeaders", () => {
  it("masks credential headers, lower-cases names, joins arrays and drops undefined", () => {
    expect(
      redactHeaders({ Authorization: "Basic abc", Cookie: "session_id=1", "set-cookie": ["a=1", "b=2"], "X-Token": "t", "Proxy-Authorization": "p", Accept: "application/json", "x-multi": ["1", "2"], gone: undefined }),
    ).toEqual({ authorization: REDACTED, cookie: REDACTED, "set-cookie": REDACTED, "x-token": REDACTED, "proxy-authorization": REDACTED, accept: "application/json", "x-multi": "1, 2" });
  });
});

describe("redactUrl", () => {
  it.each([
    ["/api/x?token=abc&id=1", `/api/x?token=${REDACTED}&id=1`],
    ["https://h/p?access_token=a&refresh_token=b", `https://h/p?access_token=${REDACTED}&refresh_token=${REDACTED}`],
    ["/x?password=p&Password=q&client_secret=s&apiKey=k", `/x?password=${REDACTED}&Password=${REDACTED}&client_secret=${REDACTED}&apiKey=${REDACTED}`],
    ["/x?oauth_consumer_key=c&oauth_signature=s&oauth_nonce=n", `/x?oauth_consumer_key=${REDACTED}&oauth_signature=${REDACTED}&oauth_nonce=${REDACTED}`],
    ["/iso/pam/credential/7?credential=7", "/iso/pam/credential/7?credential=7"],
    ["https://admin:pw@h/p", `https://${REDACTED}@h/p`],
    ["/x?tok%65n=abc", `/x?tok%65n=${REDACTED}`],
    ["/x#frag", "/x"],
    ["/api/active-sessions?id=svc/abc", "/api/active-sessions?id=svc/abc"],
  ])("redacts %s", (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
  });
});

describe("encodePath", () => {
  it("encodes each parameter as one segment", () => {
    expect(encodePath`/api/users/${"a/b c"}/x/${7}`).toBe("/api/users/a%2Fb%20c/x/7");
  });

  it("rejects parameters that would change the path", () => {
    for (const bad of ["", ".", "..", undefined, null, { a: 1 }]) {
      expect(() => encodePath`/api/users/${bad}`).toThrow(/path/);
    }
  });
});
