import { spawn, type ChildProcess } from "child_process";
import * as path from "path";
import * as readline from "readline";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as P from "@pulumi/pulumi/proto/provider_pb";

// The SDK's OWN copies of grpc and protobuf: messages or credentials from another copy can be rejected
// (the engine itself uses the SDK-generated stubs).
const sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const fromSdk = (m: string) => require(require.resolve(m, { paths: [sdkDir] }));
const grpc = fromSdk("@grpc/grpc-js");
const { Struct } = fromSdk("google-protobuf/google/protobuf/struct_pb");

export type Props = Record<string, unknown>;

/** JSON round trip: drops `undefined`, which `Struct.fromJavaScript` rejects. */
const toStruct = (o: object) => Struct.fromJavaScript(JSON.parse(JSON.stringify(o)));

/** A gRPC failure from the host, with the engine-visible parts pulled out. */
export class HostCallError extends Error {
  constructor(
    readonly method: string,
    readonly grpcCode: number,
    readonly details: string,
    /** Set when a create/update failed with `ErrorResourceInitFailed` (partial success). */
    readonly initFailed?: { id: string; properties: Props; reasons: string[] },
  ) {
    super(details);
  }
}

export interface CheckResult { inputs: Props; failures: { property: string; reason: string }[] }
export interface DiffResult { changes: "unknown" | "none" | "some"; replaces: string[]; deleteBeforeReplace: boolean }

/** A running `@pulumi/pulumi/cmd/dynamic-provider` host and typed wrappers for its RPCs. */
export interface ProviderHost {
  child: ChildProcess;
  /** Everything the host wrote to stderr (stack traces for failed check/diff/read/delete). */
  stderr: string[];
  /** Everything the host (or a provider's console.log) wrote to stdout after the port line. */
  stdout: string[];
  configure(config: Props): Promise<void>;
  check(urn: string, olds: Props, news: Props): Promise<CheckResult>;
  diff(urn: string, id: string, olds: Props, news: Props, oldInputs: Props): Promise<DiffResult>;
  create(urn: string, properties: Props): Promise<{ id: string; properties: Props }>;
  read(urn: string, id: string, properties: Props, inputs: Props): Promise<{ id: string; properties: Props; inputs?: Props }>;
  update(urn: string, id: string, olds: Props, news: Props, oldInputs: Props): Promise<{ properties: Props }>;
  delete(urn: string, id: string, properties: Props, oldInputs: Props): Promise<void>;
  stop(): Promise<void>;
}

function decodeInitFailed(err: any): HostCallError["initFailed"] {
  const bins = err?.metadata?.get?.("grpc-status-details-bin") as Buffer[] | undefined;
  if (!bins?.length) return undefined;
  const statusPb = fromSdk("@pulumi/pulumi/proto/status_pb");
  const status = statusPb.Status.deserializeBinary(bins[0]);
  for (const any of status.getDetailsList()) {
    if (!String(any.getTypeUrl()).endsWith("pulumirpc.ErrorResourceInitFailed")) continue;
    const f = P.ErrorResourceInitFailed.deserializeBinary(any.getValue());
    return { id: f.getId(), properties: (f.getProperties()?.toJavaScript() ?? {}) as Props, reasons: f.getReasonsList() };
  }
  return undefined;
}

/**
 * Spawns the dynamic-provider host the way the engine does: `node <sdk>/cmd/dynamic-provider <engine addr>`
 * with `cwd` = the project directory (it must resolve every `require` in serialized providers), reads the
 * port from the first stdout line and dials it.
 */
export async function startHost(opts: { cwd: string; project?: string; env?: NodeJS.ProcessEnv }): Promise<ProviderHost> {
  const script = require.resolve("@pulumi/pulumi/cmd/dynamic-provider");
  const child = spawn(process.execPath, [script, "127.0.0.1:1" /* engine address: required, never used */], {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env, PULUMI_NODEJS_PROJECT: opts.project ?? "project" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stderr: string[] = [];
  const stdout: string[] = [];
  child.stderr!.on("data", (d) => stderr.push(String(d)));
  const port = await new Promise<number>((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout! });
    rl.once("line", (l) => {
      rl.on("line", (more) => stdout.push(more));
      resolve(Number(l.trim()));
    });
    child.once("exit", (c) => reject(new Error(`provider host exited with ${c} before printing its port: ${stderr.join("")}`)));
  });
  const client: any = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const call = <T = any>(m: string, req: unknown) =>
    new Promise<T>((resolve, reject) =>
      client[m](req, (e: any, r: T) => (e ? reject(new HostCallError(m, e.code, e.details ?? e.message, decodeInitFailed(e))) : resolve(r))),
    );

  return {
    child,
    stderr,
    stdout,
    async configure(config) {
      const req = new P.ConfigureRequest();
      req.setArgs(toStruct(config));
      req.setAcceptsecrets(true);
      req.setAcceptresources(true);
      req.setType("pulumi:providers:pulumi-nodejs");
      await call("configure", req);
    },
    async check(urn, olds, news) {
      const req = new P.CheckRequest();
      req.setUrn(urn);
      req.setOlds(toStruct(olds));
      req.setNews(toStruct(news));
      const r: any = await call("check", req);
      return {
        inputs: (r.getInputs()?.toJavaScript() ?? {}) as Props,
        failures: r.getFailuresList().map((f: any) => ({ property: f.getProperty(), reason: f.getReason() })),
      };
    },
    async diff(urn, id, olds, news, oldInputs) {
      const req = new P.DiffRequest();
      req.setUrn(urn);
      req.setId(id);
      req.setOlds(toStruct(olds));
      req.setNews(toStruct(news));
      req.setOldInputs(toStruct(oldInputs));
      const r: any = await call("diff", req);
      const c = r.getChanges();
      const changes = c === P.DiffResponse.DiffChanges.DIFF_SOME ? "some" : c === P.DiffResponse.DiffChanges.DIFF_NONE ? "none" : "unknown";
      return { changes, replaces: r.getReplacesList(), deleteBeforeReplace: r.getDeletebeforereplace() };
    },
    async create(urn, properties) {
      const req = new P.CreateRequest();
      req.setUrn(urn);
      req.setProperties(toStruct(properties));
      const r: any = await call("create", req);
      return { id: r.getId(), properties: (r.getProperties()?.toJavaScript() ?? {}) as Props };
    },
    async read(urn, id, properties, inputs) {
      const req = new P.ReadRequest();
      req.setUrn(urn);
      req.setId(id);
      req.setProperties(toStruct(properties));
      req.setInputs(toStruct(inputs));
      const r: any = await call("read", req);
      return {
        id: r.getId(),
        properties: (r.getProperties()?.toJavaScript() ?? {}) as Props,
        inputs: r.getInputs() ? (r.getInputs().toJavaScript() as Props) : undefined,
      };
    },
    async update(urn, id, olds, news, oldInputs) {
      const req = new P.UpdateRequest();
      req.setUrn(urn);
      req.setId(id);
      req.setOlds(toStruct(olds));
      req.setNews(toStruct(news));
      req.setOldInputs(toStruct(oldInputs));
      const r: any = await call("update", req);
      return { properties: (r.getProperties()?.toJavaScript() ?? {}) as Props };
    },
    async delete(urn, id, properties, oldInputs) {
      const req = new P.DeleteRequest();
      req.setUrn(urn);
      req.setId(id);
      req.setProperties(toStruct(properties));
      req.setOldInputs(toStruct(oldInputs));
      await call("delete", req);
    },
    async stop() {
      client.close();
      if (child.exitCode !== null || child.signalCode !== null) return; // already gone (crashed or interrupted)
      // The host never exits on its own; the engine interrupts it, then kills it after 5 s.
      const exited = new Promise<void>((r) => child.once("exit", () => r()));
      child.kill("SIGINT");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
