import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { secret } from "./values";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/**
 * Serializes a provider exactly as `pulumi.dynamic.Resource` does (`serializeFunctionMaybeSecret`):
 * the closure `() => provider`, secrets allowed; the text becomes a secret when the closure captured one.
 */
export async function serializeProvider(provider: object): Promise<unknown> {
  const r = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
  return r.containsSecrets ? secret(r.text) : r.text;
}

/**
 * A host working directory whose `node_modules/pulumi-pam` links to this repository (built `dist/`),
 * as a user's project resolves the installed package. Created once per repo under `.pulumi-harness/`.
 */
export function repoHostCwd(): string {
  const dir = path.join(REPO_ROOT, ".pulumi-harness", "host");
  const link = path.join(dir, "node_modules", "pulumi-pam");
  fs.mkdirSync(path.dirname(link), { recursive: true });
  try {
    fs.symlinkSync(REPO_ROOT, link, "dir");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  }
  return dir;
}

let counter = 0;
/** A fresh state file path under `.pulumi-harness/state/` for one test deployment. */
export function freshStateFile(label: string): string {
  const dir = path.join(REPO_ROOT, ".pulumi-harness", "state");
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, `${label}-${process.pid}-${Date.now()}-${++counter}.json`);
}
