import { ConfigError } from "../../provider/http/errors";
import { senhaseguraConnectionFromEnv, validateSenhaseguraConnection } from "../../provider/senhasegura/connection";

const O2 = { SENHASEGURA_URL: "https://pam.example.test", SENHASEGURA_CLIENT_ID: "id1", SENHASEGURA_CLIENT_SECRET: "secret-value-1" };
const O1 = { SENHASEGURA_URL: "https://pam.example.test", SENHASEGURA_CONSUMER_KEY: "ck", SENHASEGURA_CONSUMER_SECRET: "cs-secret", SENHASEGURA_TOKEN: "tk-secret", SENHASEGURA_TOKEN_SECRET: "ts-secret" };

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

describe("senhasegura connection from the environment", () => {
  it("reads OAuth 2.0 credentials, prefix, CA and the insecure flag", () => {
    const c = senhaseguraConnectionFromEnv({ ...O2, SENHASEGURA_PATH_PREFIX: "/api/pam", SENHASEGURA_CA_CERTIFICATES: "/tmp/ca.pem", SENHASEGURA_INSECURE_SKIP_VERIFY: "false" });
    expect(c).toEqual({ url: "https://pam.example.test", pathPrefix: "/api/pam", clientId: "id1", clientSecret: "secret-value-1", caCertificates: "/tmp/ca.pem", insecureSkipVerify: false });
    expect(validateSenhaseguraConnection(c).auth).toBe("oauth2");
  });

  it("reads OAuth 1.0a credentials, and prefers OAuth 2.0 when both sets are complete", () => {
    expect(validateSenhaseguraConnection(senhaseguraConnectionFromEnv(O1)).auth).toBe("oauth1");
    expect(validateSenhaseguraConnection(senhaseguraConnectionFromEnv({ ...O1, ...O2 })).auth).toBe("oauth2");
  });

  it.each([
    [{ SENHASEGURA_CLIENT_ID: "x" }, "SENHASEGURA_URL"],
    [{ SENHASEGURA_URL: "pam.example.test", SENHASEGURA_CLIENT_ID: "a", SENHASEGURA_CLIENT_SECRET: "b" }, "SENHASEGURA_URL"],
    [{ SENHASEGURA_URL: "https://h" }, "SENHASEGURA_CLIENT_ID"],
    [{ SENHASEGURA_URL: "https://h", SENHASEGURA_CLIENT_ID: "a" }, "SENHASEGURA_CLIENT_SECRET"],
    [{ ...O1, SENHASEGURA_TOKEN_SECRET: "" }, "SENHASEGURA_TOKEN_SECRET"],
    [{ ...O2, SENHASEGURA_INSECURE_SKIP_VERIFY: "maybe" }, "SENHASEGURA_INSECURE_SKIP_VERIFY"],
    [{ ...O2, SENHASEGURA_PATH_PREFIX: "iso/" }, "SENHASEGURA_PATH_PREFIX"],
  ])("names the variable at fault (%j → %s)", (env, variable) => {
    const e = configError(() => senhaseguraConnectionFromEnv(env));
    expect(e.field).toBe(variable);
    expect(e.message).toContain(variable);
  });

  it("never echoes secret values in configuration errors", () => {
    const e = configError(() => senhaseguraConnectionFromEnv({ ...O1, SENHASEGURA_URL: "not a url" }));
    for (const s of ["cs-secret", "tk-secret", "ts-secret"]) expect(e.message).not.toContain(s);
  });

  it("rejects unknown settings in a programmatic connection", () => {
    const e = configError(() => validateSenhaseguraConnection({ url: "https://h", clientId: "a", clientSecret: "b", password: "x" } as never));
    expect(e.message).toContain("password");
  });
});
