import { hmacSha1Signature, normalizeBaseUri, parseOAuthHeader, rfc3986, signatureBaseString } from "./oauth1-verify";
import { RFC5849_BASE_STRING_EXAMPLE, SENHASEGURA_DROP_VECTOR, TWITTER_VECTOR, type OAuth1Vector } from "./fixtures/oauth1-vectors";

function baseOf(v: OAuth1Vector): string {
  const u = new URL(v.url);
  const params: Array<[string, string]> = [...u.searchParams.entries()];
  params.push(
    ["oauth_consumer_key", v.consumerKey],
    ["oauth_nonce", v.nonce],
    ["oauth_signature_method", "HMAC-SHA1"],
    ["oauth_timestamp", v.timestamp],
    ["oauth_token", v.token],
    ["oauth_version", "1.0"],
  );
  params.push(...(v.form ?? []));
  return signatureBaseString({ method: v.method, baseUri: normalizeBaseUri(u.protocol.slice(0, -1), u.host, u.pathname), params });
}

describe("senhasegura emulator OAuth 1.0a verifier", () => {
  it.each([SENHASEGURA_DROP_VECTOR, TWITTER_VECTOR])("reproduces the base string and signature of $name", (v) => {
    const base = baseOf(v);
    expect(base).toBe(v.baseString);
    expect(hmacSha1Signature(base, v.consumerSecret, v.tokenSecret)).toBe(v.signature);
  });

  it("normalizes duplicate, empty and encoded parameters like RFC 5849 §3.4.1.1", () => {
    const e = RFC5849_BASE_STRING_EXAMPLE;
    expect(signatureBaseString({ method: e.method, baseUri: e.baseUri, params: e.params })).toBe(e.baseString);
  });

  it("drops default ports and lower-cases scheme and host but keeps other ports", () => {
    expect(normalizeBaseUri("HTTPS", "PAM.Example.test:443", "/iso/x")).toBe("https://pam.example.test/iso/x");
    expect(normalizeBaseUri("http", "h:80", "/a")).toBe("http://h/a");
    expect(normalizeBaseUri("https", "127.0.0.1:18445", "/a")).toBe("https://127.0.0.1:18445/a");
  });

  it("encodes with the RFC 3986 unreserved set (%20, not +; UTF-8 bytes)", () => {
    expect(rfc3986("a b+c~*é")).toBe("a%20b%2Bc~%2A%C3%A9");
  });

  it("parses OAuth headers leniently (spaces, realm, space after oauth_signature=)", () => {
    const p = parseOAuthHeader('OAuth realm="",oauth_consumer_key="ck" ,  oauth_signature= " abc%3D"');
    expect(p).toEqual({ realm: "", oauth_consumer_key: "ck", oauth_signature: "abc=" });
    expect(parseOAuthHeader("Bearer x")).toBeUndefined();
  });
});
