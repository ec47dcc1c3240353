import { z } from "zod";
import { checkWith, diffManaged, matchesManaged } from "../../../provider/framework";

describe("managed-field diff", () => {
  test.each([
    ["unset fields are not managed", { a: 1 }, { a: 1, b: 2 }, true],
    ["a set field that differs", { a: 1 }, { a: 2 }, false],
    ["nested: only what the program sets", { v: { enabled: true } }, { v: { enabled: true, pin: "1234" } }, true],
    ["nested difference", { v: { enabled: false } }, { v: { enabled: true } }, false],
    ["arrays compare whole", { m: ["a", "b"] }, { m: ["a", "b", "c"] }, false],
    ["arrays of objects compare their set members", { s: [{ n: 1 }] }, { s: [{ n: 1, x: 0 }] }, true],
  ])("%s", (_name, want, have, same) => {
    expect(matchesManaged(want, have)).toBe(same);
  });

  test("identity changes replace, with delete-before-replace when asked; adopt never diffs", () => {
    const d = diffManaged({ site: "a", name: "x" }, { site: "b", name: "x", adopt: true }, { replaceOn: ["site"], deleteBeforeReplace: true });
    expect(d).toMatchObject({ changes: true, replaces: ["site"], deleteBeforeReplace: true });
    const same = diffManaged({ site: "a", name: "x" }, { site: "a", adopt: true }, { replaceOn: ["site"] });
    expect(same.changes).toBe(false);
  });
});

describe("checkWith", () => {
  const schema = z.strictObject({
    number: z.string().transform((s) => s.replace(/\s/g, "")),
    ring: z.number().default(20),
  });
  test("keeps only what the program set, normalised", () => {
    const r = checkWith(schema, { number: "+32 2 555", extra: undefined });
    expect(r.failures).toEqual([]);
    expect(r.inputs).toEqual({ number: "+322555" });
  });
  test("one failure per problem, naming the property", () => {
    const r = checkWith(schema, { number: 5, typo: 1 });
    expect(r.failures!.map((f) => f.property).sort()).toEqual(["number", "typo"]);
  });
});
