import * as fs from "fs";
import * as path from "path";
import { Router } from "../emulators/common/router";
import { startEmulatorServer, TLS_DIR, type EmulatorServer, type Handler } from "../emulators/common/server";

export const CA_PATH = path.join(TLS_DIR, "ca.pem");
export const OTHER_CA_PATH = path.join(TLS_DIR, "other-ca.pem");
export const CA_PEM = fs.readFileSync(CA_PATH, "utf8");

/** A JSON echo server for the HTTP core: routes are added per test file. */
export async function startTestServer(
  setup: (router: Router) => void,
  opts: { tls?: boolean } = {},
): Promise<EmulatorServer> {
  const router = new Router({
    notFound: () => ({ status: 404, body: { error: { type: "NotFound", message: "no such endpoint" } } }),
    methodNotAllowed: () => ({ status: 405, body: { error: { type: "MethodNotAllowed", message: "method" } } }),
  });
  setup(router);
  const handle: Handler = (req) => router.handle(req);
  return startEmulatorServer({ handle, tls: opts.tls });
}

/** Collects debug log lines. */
export function collectLog(): { lines: string[]; log: (m: string) => void } {
  const lines: string[] = [];
  return { lines, log: (m) => lines.push(m) };
}

/** The rejection of `p` (fails the test when `p` resolves). */
export async function rejectionOf(p: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await p;
  } catch (e) {
    return e as Error & Record<string, unknown>;
  }
  throw new Error("expected the promise to reject, but it resolved");
}
