import type * as pulumi from "@pulumi/pulumi";

/** The package name under which the host resolves implementations (see README "How providers are serialized"). */
export const PACKAGE_NAME = "pulumi-pam";

/**
 * What every implementation module (`provider/<vendor>/*-provider.ts`) exports. `ctx` is whatever its
 * `configure` returned for this deserialized provider.
 */
export interface ProviderImpl<Ctx = unknown> {
  configure(req: pulumi.dynamic.ConfigureRequest): Ctx;
  check(olds: any, news: any, ctx: Ctx): Promise<pulumi.dynamic.CheckResult>;
  diff(id: string, olds: any, news: any, ctx: Ctx): Promise<pulumi.dynamic.DiffResult>;
  create(inputs: any, ctx: Ctx): Promise<pulumi.dynamic.CreateResult>;
  read(id: string, props: any, ctx: Ctx): Promise<pulumi.dynamic.ReadResult>;
  update(id: string, olds: any, news: any, ctx: Ctx): Promise<pulumi.dynamic.UpdateResult>;
  delete(id: string, props: any, ctx: Ctx): Promise<void>;
}

interface ShimThis {
  ctx?: unknown;
}

/**
 * The object Pulumi serializes into state as `__provider`.
 *
 * Why a shim: Pulumi's closure serializer copies local modules by value and fails on objects such as zod
 * schemas or undici agents (https://github.com/pulumi/pulumi/issues/5294). This object captures only
 * a module id string; every method `require`s the implementation by package path at call time, so:
 * - serialization never walks our code (small, stable `__provider` text that does not change with
 *   releases, so no spurious diffs);
 * - Read and Delete run the *installed* implementation, not code frozen in state (pulumi/pulumi#6238);
 * - all resources of one host share one module instance (connection pools, the SPS coordinator).
 * The host's working directory must resolve `pulumi-pam` (any project that installed it does).
 *
 * `configure` reads the stack config synchronously (the host races concurrent first calls) and keeps the
 * result on the deserialized provider object itself; config errors are rethrown by every later call.
 */
export function providerShim(implModule: string): pulumi.dynamic.ResourceProvider {
  const modulePath = `pulumi-pam/dist/provider/${implModule}.js`;
  /**
   * The host passes check/diff/read/delete errors straight to grpc-js, which reads `error.code` as the gRPC
   * status: our errors' string codes (`SPS_LOCK_HELD`) would replace the message with "code must be a
   * string...". So every error leaves as a plain Error with the same message and stack, keeping only the
   * partial-failure fields (`id`, `properties`, `reasons`) the host understands for create/update.
   */
  const run = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      const src = (e ?? {}) as { message?: unknown; stack?: unknown; id?: unknown; properties?: unknown; reasons?: unknown };
      const err = new Error(typeof src.message === "string" ? src.message : String(e)) as Error & Record<string, unknown>;
      if (typeof src.stack === "string") err.stack = src.stack;
      for (const k of ["id", "properties", "reasons"] as const) if (src[k] !== undefined) err[k] = src[k];
      throw err;
    }
  };
  const impl = () => require(modulePath);
  return {
    async configure(req) {
      (this as ShimThis).ctx = impl().configure(req);
    },
    async check(olds, news) {
      return run(() => impl().check(olds, news, (this as ShimThis).ctx));
    },
    async diff(id, olds, news) {
      return run(() => impl().diff(id, olds, news, (this as ShimThis).ctx));
    },
    async create(inputs) {
      return run(() => impl().create(inputs, (this as ShimThis).ctx));
    },
    async read(id, props) {
      return run(() => impl().read(id, props, (this as ShimThis).ctx));
    },
    async update(id, olds, news) {
      return run(() => impl().update(id, olds, news, (this as ShimThis).ctx));
    },
    async delete(id, props) {
      return run(() => impl().delete(id, props, (this as ShimThis).ctx));
    },
  };
}
