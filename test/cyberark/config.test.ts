import { ConfigError, PamError } from "../../provider/http";
import { apiPath, cyberArkConnectionFromEnv, pvwaBaseUrl, urlValueProblem, validateCyberArkConnection } from "../../provider/cyberark";

const base = { CYBERARK_URL: "https://pvwa.example.com", CYBERARK_USERNAME: "svc", CYBERARK_PASSWORD: "S3cr3t!pass" };

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    expect(PamError.isInstance(e)).toBe(true);
    return e as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

describe("cyberArkConnectionFromEnv", () => {
  it("reads the variables with CyberArk as the implied auth method", () => {
    expect(cyberArkConnectionFromEnv(base)).toEqual({ url: "https://pvwa.example.com", username: "svc", password: "S3cr3t!pass" });
  });

  it("normalises the auth method case-insensitively and parses the skip-verify flag", () => {
    const c = cyberArkConnectionFromEnv({ ...base, CYBERARK_AUTH_METHOD: "ldap", CYBERARK_INSECURE_SKIP_VERIFY: "yes", CYBERARK_CA_CERTIFICATES: "/etc/ca.pem" });
    expect(c).toMatchObject({ authMethod: "LDAP", insecureSkipVerify: true, caCertificates: "/etc/ca.pem" });
  });

  it.each([
    ["CYBERARK_URL", { ...base, CYBERARK_URL: undefined }],
    ["CYBERARK_PASSWORD", { ...base, CYBERARK_PASSWORD: "  " }],
    ["CYBERARK_AUTH_METHOD", { ...base, CYBERARK_AUTH_METHOD: "Windows" }],
    ["CYBERARK_INSECURE_SKIP_VERIFY", { ...base, CYBERARK_INSECURE_SKIP_VERIFY: "maybe" }],
    ["CYBERARK_URL", { ...base, CYBERARK_URL: "pvwa.example.com" }],
  ])("names %s and the fix when it is missing or invalid", (variable, env) => {
    const e = configError(() => cyberArkConnectionFromEnv(env));
    expect(e.field).toBe(variable);
    expect(e.message).toContain(variable);
    expect(e.message).toMatch(/give|use/);
    expect(e.message).not.toContain("S3cr3t!pass");
  });

  it("refuses unknown fields in a connection object and never echoes the password", () => {
    const e = configError(() => validateCyberArkConnection({ url: "https://h", username: "u", password: "P@ss-w0rd", token: "x" }));
    expect(e.message).toMatch(/unknown field/);
    expect(e.message).not.toContain("P@ss-w0rd");
  });
});

describe("PVWA URL rules", () => {
  it("appends /PasswordVault unless the URL already ends with it", () => {
    expect(pvwaBaseUrl("https://h/")).toBe("https://h/PasswordVault");
    expect(pvwaBaseUrl("https://h/passwordvault/")).toBe("https://h/passwordvault");
  });

  it("adds a trailing slash when a value contains a dot and keeps @ literal", () => {
    expect(apiPath`UserGroups/${12}/Members/${"j.doe@corp.example"}`).toBe("/API/UserGroups/12/Members/j.doe@corp.example/");
    expect(apiPath`UserGroups/${12}/Members/${"jdoe"}`).toBe("/API/UserGroups/12/Members/jdoe");
    expect(apiPath`UserGroups/${12}/Members/${"CORP\\jdoe"}`).toBe("/API/UserGroups/12/Members/CORP%5Cjdoe");
  });

  it.each(["a+b", "a&b", "50%", "two words", "", "..", "a/b"])("refuses the value %j", (v) => {
    expect(urlValueProblem(v)).toBeDefined();
    expect(() => apiPath`LiveSessions/${v}/Suspend`).toThrow(/cannot be used in a PVWA URL/);
  });
});
