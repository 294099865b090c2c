import { EmulatorError } from "./errors";
import type { EmulatorRequest, EmulatorResponse, Handler } from "./server";

interface Route {
  method: string;
  regex: RegExp;
  names: string[];
  handler: Handler;
}

export interface RouterOptions {
  /** Match paths case-insensitively (PVWA/IIS). */
  caseInsensitive?: boolean;
  /** Accept an optional trailing "/" (PVWA). */
  optionalTrailingSlash?: boolean;
  /** Answer for an unknown path. */
  notFound: (req: EmulatorRequest) => EmulatorResponse;
  /** Answer for a known path with a method it does not serve. */
  methodNotAllowed: (req: EmulatorRequest) => EmulatorResponse;
}

/** A small method + path-pattern router; `:name` captures one segment (percent-decoded). */
export class Router {
  private routes: Route[] = [];
  constructor(private readonly opts: RouterOptions) {}

  on(method: string, pattern: string, handler: Handler): this {
    const names: string[] = [];
    const src = pattern
      .split("/")
      .map((seg) => (seg.startsWith(":") ? (names.push(seg.slice(1)), "([^/]+)") : seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
      .join("/");
    const tail = this.opts.optionalTrailingSlash ? "/?" : "";
    this.routes.push({ method: method.toUpperCase(), regex: new RegExp(`^${src}${tail}$`, this.opts.caseInsensitive ? "i" : ""), names, handler });
    return this;
  }

  readonly handle: Handler = async (req) => {
    let pathMatched = false;
    for (const r of this.routes) {
      const m = r.regex.exec(req.path);
      if (!m) continue;
      pathMatched = true;
      if (r.method !== req.method) continue;
      req.params = Object.fromEntries(r.names.map((n, i) => [n, decodeURIComponent(m[i + 1])]));
      return r.handler(req);
    }
    if (pathMatched) return this.opts.methodNotAllowed(req);
    return this.opts.notFound(req);
  };
}

export { EmulatorError };
