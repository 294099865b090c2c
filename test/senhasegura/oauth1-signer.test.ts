import { baseStringUri, normalizeParameters, percentEncode, signOAuth1 } from "../../provider/senhasegura/oauth1";
import { RFC5849_BASE_STRING_EXAMPLE, SENHASEGURA_DROP_VECTOR, TWITTER_VECTOR } from "../emulators/senhasegura/fixtures/oauth1-vectors";

describe("senhasegura OAuth 1.0a signer", () => {
  it.each([SENHASEGURA_DROP_VECTOR, TWITTER_VECTOR])("reproduces the published base string and signature of $name", (v) => {
    const s = signOAuth1(
      { method: v.method, url: v.url, form: v.form },
      { consumerKey: v.consumerKey, consumerSecret: v.consumerSecret, token: v.token, tokenSecret: v.tokenSecret },
      { timestamp: v.timestamp, nonce: v.nonce },
    );
    expect(s.baseString).toBe(v.baseString);
    expect(s.signature).toBe(v.signature);
    expect(s.header).toContain(`oauth_signature="${encodeURIComponent(v.signature!)}"`);
  });

  it("normalizes parameters like RFC 5849 §3.4.1.1 (duplicates, empty values, encoded names)", () => {
    const e = RFC5849_BASE_STRING_EXAMPLE;
    const base = [e.method, e.baseUri, normalizeParameters(e.params)].map(percentEncode).join("&");
    expect(base).toBe(e.baseString);
  });

  it("never sends the consumer secret or token secret and sends a fresh nonce each time", () => {
    const creds = { consumerKey: "ck", consumerSecret: "consumer-secret-x", token: "tok", tokenSecret: "token-secret-y" };
    const a = signOAuth1({ method: "GET", url: "https://h/iso/session/remotesessions" }, creds);
    const b = signOAuth1({ method: "GET", url: "https://h/iso/session/remotesessions" }, creds);
    for (const h of [a.header, b.header]) {
      expect(h).not.toContain("consumer-secret-x");
      expect(h).not.toContain("token-secret-y");
      expect(h).toMatch(/^OAuth oauth_consumer_key="ck", oauth_nonce="[0-9a-f]{32}", oauth_signature_method="HMAC-SHA1", oauth_timestamp="\d+", oauth_token="tok", oauth_version="1.0", oauth_signature="/);
    }
    expect(a.header).not.toBe(b.header);
  });

  it("lower-cases scheme and host, drops default ports and the query from the base URI", () => {
    expect(baseStringUri(new URL("HTTPS://PAM.Example.TEST:443/iso/a?x=1"))).toBe("https://pam.example.test/iso/a");
    expect(baseStringUri(new URL("http://h:8080/a"))).toBe("http://h:8080/a");
    expect(percentEncode("a b!*'()~")).toBe("a%20b%21%2A%27%28%29~");
  });
});
