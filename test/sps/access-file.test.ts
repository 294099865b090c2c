import * as fc from "fast-check";
import { formatAccessFile, parseAccessFile, type AccessFileInput } from "../../provider/sps/access-file";

describe("access file format (provider/sps/access-file)", () => {
  const sample: AccessFileInput = {
    users: [
      { id: "alice", name: "alice.smith", adopt: true },
      { id: "bob", name: "bob.jones", password: "managed" },
    ],
    groups: [
      { id: "ops", name: "platform-ops", members: ["alice", "bob"], memberNames: ["radius.carol"], adoptExisting: true },
      { id: "audit", name: "audit", adoptExisting: true, removeUnlistedMembers: true },
    ],
  };

  it("round-trips through YAML and JSON, leaving defaults out", () => {
    for (const format of ["yaml", "json"] as const) {
      const text = formatAccessFile(sample, format);
      expect(parseAccessFile(text)).toEqual(parseAccessFile(JSON.stringify(sample)));
      expect(text).not.toMatch(/adopt: false|members: \[\]|"memberNames": \[\]/);
    }
    expect(formatAccessFile(sample)).toContain("members: [alice, bob]");
  });

  it("round-trips any valid file (property)", () => {
    const id = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
    const file = fc.uniqueArray(id, { minLength: 0, maxLength: 6 }).chain((ids) =>
      fc.record({
        users: fc.constant(ids.map((i) => ({ id: i, name: `u.${i}` }))),
        groups: fc.uniqueArray(id, { maxLength: 3 }).chain((gids) =>
          fc.tuple(...gids.map((g) => fc.record({ id: fc.constant(g), name: fc.constant(`g-${g}`), members: fc.subarray(ids), adoptExisting: fc.boolean() }))),
        ),
      }),
    );
    fc.assert(
      fc.property(file, fc.constantFrom("yaml" as const, "json" as const), (f, format) => {
        expect(parseAccessFile(formatAccessFile(f, format))).toEqual(parseAccessFile(JSON.stringify(f)));
      }),
    );
  });

  it("refuses a literal password: passwords never go in the file", () => {
    expect(() => parseAccessFile("users:\n  - {id: a, name: ann, password: hunter2}\n", "f.yaml")).toThrow(
      /users\.0\.password: must be "managed" or omitted: the password itself goes in secret stack config/,
    );
    let message = "";
    try {
      parseAccessFile("users:\n  - {id: a, name: ann, password: hunter2}\n");
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).not.toContain("hunter2");
  });

  it("reads the earlier externalMembers name as memberNames", () => {
    expect(parseAccessFile("groups:\n  - {id: g, name: G, externalMembers: [x.y]}\n").groups[0].memberNames).toEqual(["x.y"]);
  });

  it("names the fix for memberNames that are users of the file, duplicates and removeUnlistedMembers without adoption", () => {
    const text = "users:\n  - {id: a, name: ann}\ngroups:\n  - {id: g, name: G, members: [a, a], memberNames: [ann], removeUnlistedMembers: true}\n  - {id: h, name: G}\n";
    let message = "";
    try {
      parseAccessFile(text, "x.yaml");
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('groups.0.memberNames.0: "ann" is a user of this file: list its id "a" in members instead');
    expect(message).toContain('groups.0.members: lists "a" twice');
    expect(message).toContain("groups.0.removeUnlistedMembers: applies only with adoptExisting: true");
    expect(message).toContain('groups: group name "G" appears twice');
  });

  it("formatAccessFile refuses data that would not load back", () => {
    expect(() => formatAccessFile({ groups: [{ id: "g", name: "G", members: ["nobody"] }] })).toThrow(/not a user id/);
  });
});
