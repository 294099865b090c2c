/** `Resource.get` is a Read step (in preview too), kept in state as external: never created, never deleted. */
import { Deployment } from "../harness/engine";
import { freshStateFile, repoHostCwd } from "../harness/serialize";
import { committed, spsFixture, USER_TYPE } from "../sps/fixture";
import { permissionFixture } from "../cyberark/psm-permission-fixture";

describe("Resource.get through the harness", () => {
  it("SpsLocalUser.get reads the user, in preview too, and destroy leaves it on SPS", async () => {
    const fx = await spsFixture();
    try {
      const up = await fx.deployment().up([fx.user("alice", "pw-alice-x1")]);
      const key = fx.deployment().state.get("alice")!.id;
      expect(up.ok).toBe(true);
      // Another stack reads it: SpsLocalUser.get("ro", key) registers props {connection: undefined} with an id.
      const other = new Deployment({ stateFile: freshStateFile("get"), hostCwd: repoHostCwd(), project: "sps-test", config: fx.deployment().config });
      const readOnly = { name: "ro", type: USER_TYPE, provider: fx.userProvider, additionalSecretOutputs: ["password", "connection"], inputs: {} };
      const preview = await other.begin({ preview: true });
      await expect(preview.read(readOnly, key)).resolves.toMatchObject({ name: "alice", key });
      expect((await preview.finish()).steps).toEqual([{ op: "read", name: "ro", type: USER_TYPE }]);
      expect(other.state.size).toBe(0);

      const session = await other.begin();
      await session.read(readOnly, key);
      await session.finish();
      expect(other.state.get("ro")).toMatchObject({ id: key, external: true });
      const gone = await other.destroy();
      expect(gone.steps).toEqual([{ op: "discard", name: "ro", type: USER_TYPE }]);
      expect(committed(fx.emu).users).toEqual({ alice: key });
    } finally {
      await fx.close();
    }
  });

  it("PsmSuspendPermission.get reads the group by id without managing it", async () => {
    const fx = await permissionFixture();
    try {
      await fx.deployment().up([fx.permission("perm", { groupName: "PamGetters", members: [{ name: "alice" }] })]);
      const id = fx.deployment().state.get("perm")!.id;
      const other = new Deployment({ stateFile: freshStateFile("get"), hostCwd: repoHostCwd(), project: "psm-test", config: fx.deployment().config });
      const { provider, type, additionalSecretOutputs } = fx.permission("x", {});
      const preview = await other.begin({ preview: true });
      await expect(preview.read({ name: "ro", type, provider, additionalSecretOutputs, inputs: {} }, id)).resolves.toMatchObject({ groupName: "PamGetters", actualMembers: ["alice"], adopted: true });
      expect((await preview.finish()).steps.map((s) => s.op)).toEqual(["read"]);
      const session = await other.begin();
      await session.read({ name: "ro", type, provider, additionalSecretOutputs, inputs: {} }, id);
      await session.finish();
      await other.destroy();
      expect(fx.members("PamGetters")).toEqual(["alice"]);
    } finally {
      await fx.close();
    }
  });
});
