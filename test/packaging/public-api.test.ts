import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT, repoHostCwd } from "../harness/serialize";

/**
 * The public API, as a user's `require` sees it through the package's `exports` map (the repo linked as
 * `node_modules/pulumi-pam`, built dist/). Adding or removing a name is a deliberate change: update the
 * list here, the README and the release notes together.
 */
const SESSIONS = [
  "CAPABILITIES",
  "DEFAULT_CONCURRENCY",
  "ListDeniedError",
  "SESSION_ACTIONS",
  "SESSION_TARGETS",
  "SUCCESS_OUTCOMES",
  "SessionRunError",
  "createSessionTarget",
  "filterSessions",
  "loadTargetConnection",
  "supports",
  "withSessionTarget",
];
const ROOT = [
  ...SESSIONS,
  "VERSION",
  "SpsLocalUser",
  "SpsLocalUserGroup",
  "SpsLocalAccess",
  "loadAccessFile",
  "parseAccessFile",
  "formatAccessFile",
  "PsmSuspendPermission",
  "PamError",
  "ApiError",
  "AuthError",
  "PermissionError",
  "NotFoundError",
  "ConflictError",
  "RateLimitError",
  "ServerError",
  "TransportError",
  "ConnectionError",
  "TimeoutError",
  "ResponseShapeError",
  "ConfigError",
  "SpsLockHeldError",
  "SpsSessionLostError",
  "SpsRefusedError",
  "SpsCommitUnknownError",
];

/** Runs a CommonJS snippet in a fresh node process from a directory whose node_modules has pulumi-pam. */
function node(code: string): string {
  return execFileSync(process.execPath, ["-e", code], { cwd: repoHostCwd(), encoding: "utf8" }).trim();
}

describe("public API", () => {
  beforeAll(() => {
    if (!fs.existsSync(path.join(REPO_ROOT, "dist", "provider", "index.js"))) execFileSync("npx", ["tsc", "-p", "tsconfig.json"], { cwd: REPO_ROOT });
  });

  it("the root exports exactly the resources, the session API, the error types and VERSION", () => {
    const names = JSON.parse(node(`console.log(JSON.stringify(Object.keys(require("pulumi-pam")).sort()))`));
    expect(names).toEqual([...ROOT].sort());
  });

  it("pulumi-pam/sessions exports the session API and loads no Pulumi SDK", () => {
    const out = JSON.parse(
      node(`const s = require("pulumi-pam/sessions");
        const sdk = Object.keys(require.cache).filter((f) => f.includes("@pulumi" + require("path").sep + "pulumi"));
        console.log(JSON.stringify({ names: Object.keys(s).sort(), sdk }))`),
    );
    expect(out.names).toEqual([...SESSIONS].sort());
    expect(out.sdk).toEqual([]);
  });

  it("the root does load the SDK (the check above can see it)", () => {
    const n = Number(node(`require("pulumi-pam"); console.log(Object.keys(require.cache).filter((f) => f.includes("@pulumi")).length)`));
    expect(n).toBeGreaterThan(0);
  });

  it("deep imports other than the dist/provider/*.js files that state refers to do not resolve", () => {
    const probe = (spec: string) => node(`try { require.resolve(${JSON.stringify(spec)}); console.log("ok") } catch (e) { console.log(e.code) }`);
    expect(probe("pulumi-pam/dist/provider/sps/client")).toBe("ERR_PACKAGE_PATH_NOT_EXPORTED");
    expect(probe("pulumi-pam/dist/provider/sessions")).toBe("ERR_PACKAGE_PATH_NOT_EXPORTED");
    // State written by 0.1.0 holds `require("pulumi-pam/dist/provider/<vendor>/<impl>.js")` (provider/dynamic/shim.ts).
    for (const impl of ["sps/local-user-provider", "sps/local-user-group-provider", "cyberark/psm-suspend-permission-provider"]) {
      expect(probe(`pulumi-pam/dist/provider/${impl}.js`)).toBe("ok");
    }
  });
});
