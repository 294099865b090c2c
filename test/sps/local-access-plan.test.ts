import fc from "fast-check";
import { emptyRecord, planAccess, WRITE_ORDER, type AccessDesired, type AccessRecord, type Write } from "../../provider/sps/local-access-plan";

/** Desired states over a small id/name space, so that adds, removals, renames and reuse of names all occur. */
const ids = ["a", "b", "c", "d", "e"];
const desiredArb: fc.Arbitrary<AccessDesired> = fc
  .record({
    users: fc.subarray(ids),
    names: fc.array(fc.constantFrom("n1", "n2", "n3", "n4", "n5", "n6"), { minLength: 5, maxLength: 5 }),
    pw: fc.array(fc.option(fc.constantFrom("p1", "p2"), { nil: undefined }), { minLength: 5, maxLength: 5 }),
    groups: fc.subarray(["g1", "g2", "g3"]),
    members: fc.array(fc.subarray(ids), { minLength: 3, maxLength: 3 }),
  })
  .map(({ users, names, pw, groups, members }) => {
    const used = new Set<string>();
    const u: AccessDesired["users"] = {};
    users.forEach((id, i) => {
      const name = used.has(names[i]) ? `${names[i]}-${id}` : names[i];
      used.add(name);
      u[id] = { name };
    });
    const passwords = Object.fromEntries(users.flatMap((id, i) => (pw[i] ? [[id, pw[i]!]] : [])));
    const g = Object.fromEntries(groups.map((id, i) => [id, { name: `grp-${id}`, members: members[i].filter((m) => m in u) }]));
    return { users: u, passwords, groups: g };
  });

/** What an apply of `plan` records (keys for creates are invented). */
function applied(d: AccessDesired, old: AccessRecord, writes: Write[], keys: { userKeys: Record<string, string>; groupKeys: Record<string, string> }): AccessRecord {
  let n = 0;
  const userKeys = { ...keys.userKeys };
  const groupKeys = { ...keys.groupKeys };
  for (const w of writes) {
    if (w.kind === "create-user") userKeys[w.id] = `uk${n++}`;
    if (w.kind === "create-group") groupKeys[w.id] = `gk${n++}`;
  }
  const memberKeys = Object.fromEntries(Object.entries(d.groups).map(([id, g]) => [id, (g.members ?? []).map((m) => userKeys[m])]));
  return {
    ...emptyRecord(), users: d.users, passwords: d.passwords, groups: d.groups, userKeys, groupKeys, groupMemberKeys: memberKeys,
    passwordKeys: Object.fromEntries(Object.keys(d.users).map((id) => [id, old.passwordKeys[id] ?? `pw-${id}`])),
  };
}

const rank = (w: Write) => WRITE_ORDER.indexOf(w.kind);

describe("planAccess (pure)", () => {
  it("orders writes deletes → updates → creates with groups after their users, and converges: re-planning an applied state writes nothing", () => {
    fc.assert(
      fc.property(desiredArb, desiredArb, (first, second) => {
        const p1 = planAccess(first, emptyRecord());
        expect(p1.errors).toEqual([]);
        expect(p1.writes.every((w) => w.kind === "create-user" || w.kind === "create-group")).toBe(true);
        const r1 = applied(first, emptyRecord(), p1.writes, p1);
        expect(planAccess(first, r1).writes).toEqual([]);

        const p2 = planAccess(second, r1);
        for (let i = 1; i < p2.writes.length; i++) expect(rank(p2.writes[i - 1])).toBeLessThanOrEqual(rank(p2.writes[i]));
        // A group only references users that exist or are created earlier in the same plan.
        const createdBefore = new Set<string>();
        for (const w of p2.writes) {
          if (w.kind === "create-user") createdBefore.add(w.id);
          if (w.kind === "create-group" || w.kind === "update-group") for (const m of w.members) if ("userId" in m) expect(createdBefore.has(m.userId)).toBe(true);
        }
        // Exactly the removed ids are deleted, exactly the new ids created.
        const del = p2.writes.filter((w) => w.kind === "delete-user").map((w) => (w as { id: string }).id).sort();
        expect(del).toEqual(Object.keys(first.users).filter((id) => !(id in second.users)).sort());
        const created = p2.writes.filter((w) => w.kind === "create-user").map((w) => (w as { id: string }).id).sort();
        expect(created).toEqual(Object.keys(second.users).filter((id) => !(id in first.users)).sort());
        // Unchanged users are not written.
        for (const w of p2.writes) if (w.kind === "update-user") expect(first.users[w.id].name !== second.users[w.id].name || w.setPassword).toBe(true);
        const r2 = applied(second, r1, p2.writes, p2);
        expect(planAccess(second, r2).writes).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it("deletes pruned objects only when undeclared, never admin, and strips deleted users from groups", () => {
    const old: AccessRecord = { ...emptyRecord(), users: { a: { name: "alice" } }, userKeys: { a: "ka" }, passwordKeys: { a: "p" } };
    const d: AccessDesired = { users: { a: { name: "alice" } }, passwords: {}, groups: {}, pruned: { users: { admin: "k0", alice: "ka", bob: "kb" }, groups: { old: "kg" } } };
    const p = planAccess(d, old, { groups: [{ key: "kx", name: "other", members: ["kb", "ka"] }] });
    expect(p.writes).toEqual([
      { kind: "delete-group", key: "kg", name: "old" },
      { kind: "strip-group", key: "kx", name: "other", remove: ["kb"] },
      { kind: "delete-user", key: "kb", name: "bob" },
    ]);
  });

  it("refuses to adopt a group whose current members are not declared, unless removeUnlistedMembers", () => {
    const d: AccessDesired = { users: {}, passwords: {}, groups: { g: { name: "legacy", memberNames: ["bob"], adoptExisting: true } } };
    const facts = { userKeyByName: new Map([["bob", "kb"], ["eve", "ke"]]), groups: [{ key: "kg", name: "legacy", members: ["kb", "ke"] }] };
    expect(planAccess(d, emptyRecord(), facts).errors).toEqual([expect.stringMatching(/groups\.g: adopting SPS group "legacy" would remove "eve"/)]);
    const ok = planAccess({ ...d, groups: { g: { ...d.groups.g, removeUnlistedMembers: true } } }, emptyRecord(), facts);
    expect(ok.errors).toEqual([]);
    expect(ok.adoptedGroups).toEqual({ g: ["kb", "ke"] });
    expect(ok.writes).toEqual([{ kind: "update-group", id: "g", key: "kg", name: "legacy", members: [{ key: "kb" }] }]);
  });
});
