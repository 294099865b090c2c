import { spawn } from "child_process";
import * as path from "path";
import type { Step } from "./engine";
import { REPO_ROOT, repoHostCwd } from "./serialize";

/** The final JSON line program-cli.ts prints. */
export interface OperationSummary {
  op: "up" | "preview" | "refresh" | "destroy";
  ok: boolean;
  /** Steps by operation (`create`, `update`, `delete`, `same`, ...). */
  counts: Partial<Record<Step["op"], number>>;
  steps: Step[];
  failures: { name: string; type: string; message: string }[];
  programErrors: string[];
  /** Serialized `__provider` text per resource name (up/preview only). */
  providers: Record<string, string>;
}

/** Options of {@link runOperation}. */
export interface OperationOptions {
  op: OperationSummary["op"];
  stateFile: string;
  /** Pulumi project directory; required for up and preview. */
  program?: string;
  /** Provider host working directory; default the repo link (see serialize.ts). Also where `pulumi-pam` resolves for the program. */
  hostCwd?: string;
  project?: string;
  stack?: string;
  /** Plain stack config, namespaced keys. */
  config?: Record<string, string>;
  /** Keys of `config` that are secret (`pulumi config set --secret`). */
  secretKeys?: string[];
  env?: NodeJS.ProcessEnv;
}

/** What one operation printed and its parsed summary. */
export interface OperationOutput {
  /** The CLI-like text (summary line excluded). */
  text: string;
  summary: OperationSummary;
  stderr: string;
  exitCode: number;
}

/**
 * Runs one operation in a child process (program-cli.ts under ts-node) so that the program loads with
 * fresh module state. `pulumi-pam` resolves for the program through `NODE_PATH=<hostCwd>/node_modules`,
 * the same place the provider host resolves it.
 */
export function runOperation(o: OperationOptions): Promise<OperationOutput> {
  const hostCwd = o.hostCwd ?? repoHostCwd();
  const args = [
    "-r", require.resolve("ts-node/register/transpile-only"),
    path.join(__dirname, "program-cli.ts"),
    "--op", o.op, "--state", o.stateFile, "--host-cwd", hostCwd,
    ...(o.program ? ["--program", path.resolve(o.program)] : []),
    ...(o.project ? ["--project", o.project] : []),
    ...(o.stack ? ["--stack", o.stack] : []),
  ];
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      ...o.env,
      NODE_PATH: path.join(hostCwd, "node_modules"),
      PULUMI_CONFIG: JSON.stringify(o.config ?? {}),
      PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(o.secretKeys ?? []),
      // The repo's tsconfig.json is for provider/; programs only need transpiling.
      TS_NODE_PROJECT: path.join(REPO_ROOT, "tsconfig.json"),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (err += d));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      const lines = out.trimEnd().split("\n");
      const last = lines.pop() ?? "";
      let summary: OperationSummary;
      try {
        summary = JSON.parse(last) as OperationSummary;
      } catch {
        return reject(new Error(`program-cli ${o.op} exited ${code} without a summary:\n${out}\n${err}`));
      }
      resolve({ text: lines.join("\n"), summary, stderr: err, exitCode: code ?? -1 });
    });
  });
}
