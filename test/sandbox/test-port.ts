import * as net from "net";

const canBind = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.createServer();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });

/**
 * A sandbox port base for tests whose ports (base .. base+span-1) are free now. Chosen below Linux's
 * ephemeral range (32768+), so emulators listening on port 0 in parallel test workers cannot take them,
 * and away from the default 18443 so a developer's running `npm run sandbox` does not collide either.
 */
export async function freeSandboxPortBase(span = 3): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const base = 20000 + Math.floor(Math.random() * 12000);
    const ports = Array.from({ length: span }, (_, k) => base + k);
    if ((await Promise.all(ports.map(canBind))).every(Boolean)) return base;
  }
  throw new Error("no free sandbox port base found between 20000 and 32000");
}

/** Sets PAM_SANDBOX_PORT_BASE to a free base for the duration of a describe block. */
export function useFreeSandboxPorts(): void {
  const saved = process.env.PAM_SANDBOX_PORT_BASE;
  beforeAll(async () => {
    process.env.PAM_SANDBOX_PORT_BASE = String(await freeSandboxPortBase());
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.PAM_SANDBOX_PORT_BASE;
    else process.env.PAM_SANDBOX_PORT_BASE = saved;
  });
}
