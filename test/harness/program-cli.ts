/**
 * One Pulumi operation in a fresh process (Pulumi's runtime keeps per-process state, and a program's
 * modules must load anew for every `up`, as under the real CLI):
 *
 *   node -r ts-node/register/transpile-only test/harness/program-cli.ts \
 *     --op up|preview|refresh|destroy --state FILE [--program DIR] [--host-cwd DIR] [--project P] [--stack S]
 *
 * Stack config comes from `PULUMI_CONFIG` (JSON, namespaced keys) and `PULUMI_CONFIG_SECRET_KEYS` (JSON
 * array), exactly what the language host hands a program: the program reads it through `pulumi.Config`,
 * and the provider host gets it in `Configure` (secret keys as secrets). Prints the CLI-like summary, then
 * one final line `{"op", "ok", "counts", "failures", "programErrors", "providers"}`. Exit code 1 when not ok.
 */
import { parseArgs } from "util";
import { Deployment } from "./engine";
import { formatResult } from "./format";
import { configFromEnv, runProgram } from "./program";
import { repoHostCwd } from "./serialize";

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      op: { type: "string" },
      state: { type: "string" },
      program: { type: "string" },
      "host-cwd": { type: "string" },
      project: { type: "string" },
      stack: { type: "string" },
    },
  });
  const op = values.op;
  if (!op || !["up", "preview", "refresh", "destroy"].includes(op) || !values.state) {
    process.stderr.write("usage: program-cli --op up|preview|refresh|destroy --state FILE [--program DIR] [--host-cwd DIR]\n");
    return 2;
  }
  const deployment = new Deployment({
    stateFile: values.state,
    hostCwd: values["host-cwd"] ?? repoHostCwd(),
    project: values.project,
    stack: values.stack,
    config: configFromEnv(process.env),
  });
  let programErrors: string[] = [];
  let providers: Record<string, string> = {};
  let result;
  if (op === "up" || op === "preview") {
    if (!values.program) throw new Error(`--program is required for ${op}`);
    const run = await runProgram({ program: values.program, deployment, preview: op === "preview" });
    ({ result, programErrors, providers } = run);
  } else {
    result = op === "refresh" ? await deployment.refresh() : await deployment.destroy();
  }
  process.stdout.write(formatResult(result, deployment.stack) + "\n");
  for (const e of programErrors) process.stdout.write(`error: ${e}\n`);
  const counts: Record<string, number> = {};
  for (const s of result.steps) counts[s.op] = (counts[s.op] ?? 0) + 1;
  const summary = { op, ok: result.ok, counts, steps: result.steps, failures: result.failures, programErrors, providers };
  process.stdout.write(JSON.stringify(summary) + "\n");
  return result.ok ? 0 : 1;
}

main().then(
  // Exit only once stdout is flushed: a pipe write is asynchronous, and a large summary would be cut.
  (code) => process.stdout.write("", () => process.exit(code)),
  (e) => {
    process.stderr.write(`program-cli: ${(e as Error).stack ?? e}\n`);
    process.exit(2);
  },
);
