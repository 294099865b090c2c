import { execFileSync } from "child_process";
import * as path from "path";
import { pulumiDebugLog } from "../../provider/dynamic/debug-log";
import { HttpClient, stderrDebugLog } from "../../provider/http";

const ROOT = path.join(__dirname, "..", "..");

describe("debug log hooks", () => {
  it("writes prefixed lines to stderr only when enabled", () => {
    const spy = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      stderrDebugLog(false)("hidden");
      expect(spy).not.toHaveBeenCalled();
      stderrDebugLog(true)("shown");
      expect(spy).toHaveBeenCalledWith("[pulumi-pam] shown\n");
    } finally {
      spy.mockRestore();
    }
  });

  it("forwards to pulumi.log.debug without throwing when no engine is attached", () => {
    const log = pulumiDebugLog();
    expect(() => {
      log("one");
      log("two");
    }).not.toThrow();
  });

  it("passes every line through the client's redactor before the hook", () => {
    const lines: string[] = [];
    const spy = jest.spyOn(process, "emitWarning").mockImplementation(() => undefined);
    const c = new HttpClient({ vendor: "sps", baseUrl: "https://sps.example.com", insecureSkipVerify: true, log: (m) => lines.push(m) });
    // The warning line names the origin; a secret equal to the host shows the hook sees redacted text.
    expect(lines.join("\n")).toContain("sps.example.com");
    void c.close();
    const lines2: string[] = [];
    const { Redactor } = require("../../provider/http") as typeof import("../../provider/http");
    const r = new Redactor();
    r.add("sps.example.com");
    const c2 = new HttpClient({ vendor: "sps", baseUrl: "https://sps.example.com", insecureSkipVerify: true, redactor: r, log: (m) => lines2.push(m) });
    spy.mockRestore();
    expect(lines2.length).toBe(1);
    expect(lines2[0]).not.toContain("sps.example.com");
    void c2.close();
  });

  it("loads neither @pulumi/pulumi nor any socket or timer at module load (closure-serialization safe)", () => {
    const script = `
      require("ts-node").register({ transpileOnly: true });
      require("./provider/http");
      const pulumiLoaded = Object.keys(require.cache).some((k) => k.includes("@pulumi/pulumi"));
      const handles = process._getActiveHandles().filter((h) => !(h === process.stdout || h === process.stderr || h === process.stdin)).length;
      console.log(JSON.stringify({ pulumiLoaded, handles }));`;
    const out = execFileSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8", timeout: 30000 });
    expect(JSON.parse(out.trim().split("\n").pop()!)).toEqual({ pulumiLoaded: false, handles: 0 });
  });
});
