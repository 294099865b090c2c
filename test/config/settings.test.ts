import { envBool, envInt } from "../../provider/config/env";
import { envOnly, mergeFields, readSettings, stackThenEnv, type SettingsTable } from "../../provider/config/settings";
import { cyberArkConnectionFromEnv, cyberArkDefaultsFrom, resolveCyberArkConnection } from "../../provider/cyberark/connection";
import { ConfigError, PamError } from "../../provider/http/errors";
import { senhaseguraConnectionFromEnv } from "../../provider/senhasegura/connection";
import { resolveSpsConnection, spsConnectionFromEnv, spsDefaultsFrom } from "../../provider/sps/connection";

/** A stand-in for pulumi.dynamic.Config: `get` of fully qualified keys. */
const stack = (values: Record<string, string>) => ({ get: (k: string) => values[k] }) as never;

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect(PamError.isInstance(e)).toBe(true);
    return e as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

describe("envBool and envInt", () => {
  it.each(["true", "1", "yes", "on", " ON "])("%p is true", (v) => expect(envBool(v, "X")).toBe(true));
  it.each(["false", "0", "no", "off"])("%p is false", (v) => expect(envBool(v, "X")).toBe(false));
  it("blank is unset", () => expect(envBool("  ", "X")).toBeUndefined());
  it("refuses other text with a ConfigError naming the setting", () => {
    const e = configError(() => envBool("maybe", "SPS_ALLOW_HTTP"));
    expect(e.field).toBe("SPS_ALLOW_HTTP");
    expect(e.code).toBe("CONFIG_INVALID");
  });
  it("reads whole numbers within range and refuses the rest", () => {
    expect(envInt(" 42 ", "N", { min: 1 })).toBe(42);
    expect(configError(() => envInt("0", "N", { min: 1 })).field).toBe("N");
    expect(configError(() => envInt("1.5", "N")).field).toBe("N");
    expect(configError(() => envInt("soon", "N")).field).toBe("N");
  });
});

describe("readSettings and mergeFields", () => {
  const table: SettingsTable<{ url: string; flag: boolean; n: number }> = {
    url: { config: "url", env: "V_URL", kind: "trimmed" },
    flag: { config: "flag", env: "V_FLAG", kind: "bool" },
    n: { config: "n", kind: "int", min: 1 },
  };

  it("stack config wins over the environment, field by field; blanks count as unset", () => {
    const got = readSettings(table, stackThenEnv("v", stack({ "v:url": " https://cfg ", "v:flag": "" }), { V_URL: "https://env", V_FLAG: "yes" }));
    expect(got).toEqual({ url: "https://cfg", flag: true });
  });

  it("names both places of a bad value in the provider, the variable outside it", () => {
    expect(configError(() => readSettings(table, stackThenEnv("v", stack({ "v:flag": "maybe" }), {}))).field).toBe("v:flag / V_FLAG");
    expect(configError(() => readSettings(table, stackThenEnv("v", stack({ "v:n": "0" }), {}))).field).toBe("v:n");
    expect(configError(() => readSettings(table, envOnly({ V_FLAG: "maybe" }))).field).toBe("V_FLAG");
  });

  it("a later layer wins; undefined and null never override", () => {
    expect(mergeFields<{ a: string; b: string; c: string }>({ a: "1", b: "1" }, { a: "2", b: undefined }, null, { c: "3" })).toEqual({ a: "2", b: "1", c: "3" });
  });
});

describe("every vendor reads flags the same way", () => {
  it.each(["on", "yes", "1", "true"])("%p opts in to plain http for SPS, CyberArk and senhasegura", (v) => {
    expect(spsDefaultsFrom(stack({ "sps:allowHttp": v }), {}).connection.allowHttp).toBe(true);
    expect(spsDefaultsFrom(undefined, { SPS_ALLOW_HTTP: v }).connection.allowHttp).toBe(true);
    expect(cyberArkDefaultsFrom(stack({ "cyberark:allowHttp": v }), {}).allowHttp).toBe(true);
    expect(cyberArkConnectionFromEnv({ CYBERARK_URL: "http://pvwa", CYBERARK_USERNAME: "u", CYBERARK_PASSWORD: "p", CYBERARK_ALLOW_HTTP: v }).allowHttp).toBe(true);
    expect(senhaseguraConnectionFromEnv({ SENHASEGURA_URL: "http://pam", SENHASEGURA_CLIENT_ID: "i", SENHASEGURA_CLIENT_SECRET: "s", SENHASEGURA_ALLOW_HTTP: v }).allowHttp).toBe(true);
    expect(spsConnectionFromEnv({ SPS_URL: "http://sps", SPS_USERNAME: "u", SPS_PASSWORD: "p", SPS_ALLOW_HTTP: v }).allowHttp).toBe(true);
  });
});

describe("resource input over stack config over environment", () => {
  it("SPS", () => {
    const d = spsDefaultsFrom(stack({ "sps:url": "https://cfg.example.com", "sps:username": "cfg" }), { SPS_URL: "https://env.example.com", SPS_USERNAME: "env", SPS_PASSWORD: "envpw" });
    expect(resolveSpsConnection({ username: "input" }, d.connection)).toEqual({ url: "https://cfg.example.com", username: "input", password: "envpw" });
    const e = configError(() => resolveSpsConnection(undefined, {}));
    expect(e.field).toBe("url");
    expect(e.message).toMatch(/sps:url or SPS_URL/);
  });

  it("CyberArk, where a resource's credential set replaces the other set of the defaults", () => {
    const d = cyberArkDefaultsFrom(stack({ "cyberark:url": "https://pvwa.example.com", "cyberark:username": "cfg" }), { CYBERARK_USERNAME: "env", CYBERARK_PASSWORD: "envpw" });
    expect(resolveCyberArkConnection({}, d)).toEqual({ url: "https://pvwa.example.com", username: "cfg", password: "envpw" });
    expect(resolveCyberArkConnection({ identityUrl: "https://t.id.cyberark.cloud", clientId: "c", clientSecret: "s" }, d)).toEqual({
      url: "https://pvwa.example.com", identityUrl: "https://t.id.cyberark.cloud", clientId: "c", clientSecret: "s",
    });
    const e = configError(() => resolveCyberArkConnection({ username: "u" }, { url: "https://pvwa.example.com" }));
    expect(e.field).toBe("password");
    expect(e.message).not.toMatch(/envpw/);
  });
});
