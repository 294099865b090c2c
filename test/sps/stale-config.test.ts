/**
 * `pulumi refresh` / `destroy` configure the provider with the stack config stored at the last up, so a
 * rotated `sps:password` is not seen yet; the environment is read afresh by every operation, and a
 * refused login falls back to it.
 */
import { Deployment } from "../harness/engine";
import { repoHostCwd } from "../harness/serialize";
import { secret } from "../harness/values";
import { ADMIN_PASSWORD, committed, outOfBandAdmin, spsFixture } from "./fixture";

it("refresh after rotating sps:password uses the last up's config, and copes through SPS_PASSWORD", async () => {
  const fx = await spsFixture();
  try {
    const config = (password: string) => ({ ...fx.deployment().config, "sps:password": secret(password) });
    const up = await fx.deployment().up([fx.user("alice", "pw-alice-1")]);
    expect(up.failures).toEqual([]);
    // The admin password is rotated on SPS and in the stack config (`pulumi config set --secret`).
    const adminKey = fx.emu.snapshot().users.find((u) => u.name === "admin")!.key;
    const admin = await outOfBandAdmin(fx);
    await admin.tx(async () => {
      const pw = JSON.parse(await admin.post("/api/configuration/passwords", { plain: "adm1n-Rotated-42" })).key;
      await admin.put(`/api/configuration/aaa/local_database/users/${adminKey}`, { name: "admin", password: pw });
    });
    fx.emu.controls.expireAllSessions();
    const rotated = new Deployment({ stateFile: fx.stateFile, hostCwd: repoHostCwd(), project: "sps-test", config: config("adm1n-Rotated-42") });
    expect(rotated.lastUpConfig?.["sps:password"]).toEqual(secret(ADMIN_PASSWORD));
    const stale = await rotated.refresh();
    expect(stale.ok).toBe(false);
    expect(stale.failures[0].message).toMatch(/401/);

    const withEnv = new Deployment({ stateFile: fx.stateFile, hostCwd: repoHostCwd(), project: "sps-test", config: config("adm1n-Rotated-42"), env: { SPS_PASSWORD: "adm1n-Rotated-42" } });
    fx.emu.log.clear();
    const refreshed = await withEnv.refresh();
    expect(refreshed.failures).toEqual([]);
    expect(fx.emu.log.entries.filter((e) => e.path === "/api/authentication").map((e) => e.status)).toEqual([401, 200]);
    // An up stores the new config: refresh then works without the environment.
    expect((await rotated.up([fx.user("alice", "pw-alice-1")])).failures).toEqual([]);
    expect((await rotated.refresh()).failures).toEqual([]);
    expect(Object.keys(committed(fx.emu).users)).toEqual(["alice"]);
  } finally {
    await fx.close();
  }
});
