/**
 * The drift audit's parsing and formatting, on real `pulumi preview --refresh --json`
 * output captured from CLI v3.259 (see fixtures/README.md).
 */
import * as fs from "fs";
import * as path from "path";
import {
  diffFields,
  exitCodeOf,
  formatJson,
  formatMarkdown,
  formatTable,
  parsePreview,
  reportOf,
  StackDrift,
} from "../../../cli/drift";

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, "fixtures", `${name}.preview.json`), "utf8");
const parse = (name: string, stack = "dev", code = 0) => parsePreview(stack, fixture(name), code);
// Secret values the capture program used (config and console edits); none may ever print.
const SECRET_VALUES = ["4821", "9999", "1234", "5555"];

describe("parsePreview", () => {
  test("a clean refresh preview has no drift", () => {
    expect(parse("clean")).toEqual({ stack: "dev", status: "clean", resources: [] });
  });

  test("console edits: each differing field with program and live values; a deleted resource is missing", () => {
    const s = parse("drift");
    expect(s.status).toBe("drift");
    expect(s.resources.map((r) => [r.type, r.name, r.kind])).toEqual([
      ["e2e:Line", "alice", "changed"],
      ["e2e:Line", "bob", "changed"],
      ["e2e:Line", "carol", "missing"],
    ]);
    const [alice, bob, carol] = s.resources;
    // alice's secret pin changed too, but a visible field already explains the update.
    expect(alice.fields).toEqual([{ path: "label", program: "Alice", live: "Alice (console)", secret: false }]);
    expect(bob.fields).toEqual([
      { path: "destination.groupId", program: "g2", live: "g9", secret: false },
      { path: "tags", program: [], live: ["x"], secret: false },
    ]);
    expect(carol.fields).toEqual([]);
    expect(alice.urn).toBe("urn:pulumi:dev::drift-cap::pulumi-nodejs:dynamic/e2e:Line::alice");
  });

  test("a secret-only change is reported as the secret field, both sides [secret]", () => {
    const s = parse("secret-only", "prod");
    expect(s.resources).toEqual([
      expect.objectContaining({
        name: "alice",
        kind: "changed",
        fields: [{ path: "voicemail.pin", program: "[secret]", live: "[secret]", secret: true }],
      }),
    ]);
  });

  test("program changes: replace, never-deployed resource, removal", () => {
    const s = parse("program-changes");
    expect(s.resources.map((r) => [r.name, r.kind])).toEqual([
      ["alice", "changed"],
      ["bob", "replaced"],
      ["carol", "missing"],
      ["dave", "new"],
    ]);
    expect(s.resources[1].fields.map((f) => f.path)).toEqual(["destination.groupId", "key", "tags"]);
    const removed = parse("removed-from-program");
    expect(removed.resources.find((r) => r.name === "alice")?.kind).toBe("removed");
  });

  test("a failed preview is an error with the program's diagnostic", () => {
    const s = parse("program-error", "dev", 1);
    expect(s.status).toBe("error");
    expect(s.error).toContain("boom in program");
    expect(s.resources).toEqual([]);
  });

  test("no JSON (e.g. unknown stack) is an error with stderr", () => {
    const s = parsePreview("nope", "", 255, "error: no stack named 'nope' found\n");
    expect(s).toEqual({ stack: "nope", status: "error", resources: [], error: "no stack named 'nope' found" });
  });
});

describe("diffFields", () => {
  test.each([
    ["nested path", { voicemail: { pin: "1", enabled: true } }, { voicemail: { pin: "2", enabled: true } }, ["voicemail.pin"]],
    ["array elements by index", { onNoAnswer: [{ ringSeconds: 20 }] }, { onNoAnswer: [{ ringSeconds: 25 }] }, ["onNoAnswer[0].ringSeconds"]],
    ["array of another length as a whole", { members: ["a"] }, { members: ["a", "b"] }, ["members"]],
    ["fields the program leaves out are not managed", { label: "A" }, { label: "A", tags: ["x"] }, []],
    ["key order does not matter", { d: { a: 1, b: 2 } }, { d: { b: 2, a: 1 } }, []],
    ["unset live value", { email: "a@x" }, {}, ["email"]],
    ["__provider is plumbing", { __provider: "code v2" }, { __provider: "code v1" }, []],
  ])("%s", (_name, program, live, paths) => {
    expect(diffFields(program, live).visible.map((f) => f.path)).toEqual(paths);
  });

  test("a value known only after apply cannot be compared", () => {
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    expect(diffFields({ destination: { groupId: unknown } }, { destination: { groupId: "g1" } })).toEqual({
      visible: [],
      uncomparable: [{ path: "destination.groupId", program: "(known after apply)", live: "g1", secret: false }],
    });
  });

  test("a secret against a plaintext value never shows the plaintext", () => {
    const sig = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "4821" };
    for (const [program, live] of [["[secret]", "1234"], ["1234", "[secret]"], [sig, "1234"]]) {
      const { visible, uncomparable } = diffFields({ pin: program }, { pin: live });
      expect(JSON.stringify([visible, uncomparable])).not.toMatch(/1234|4821/);
      expect(uncomparable).toEqual([{ path: "pin", program: "[secret]", live: "[secret]", secret: true }]);
    }
  });
});

describe("output formats", () => {
  const stacks: StackDrift[] = [parse("drift", "dev"), parse("secret-only", "prod")];
  const report = reportOf(stacks);

  test("exit codes: 0 clean, 2 drift, 1 error (error wins)", () => {
    expect(exitCodeOf(reportOf([parse("clean")]))).toBe(0);
    expect(exitCodeOf(report)).toBe(2);
    expect(exitCodeOf(reportOf([...stacks, parse("program-error", "qa", 1)]))).toBe(1);
  });

  test("table: one aligned row per field, then one line per stack", () => {
    expect(formatTable(report)).toBe(
      [
        "STACK  RESOURCE        FIELD                PROGRAM   LIVE",
        'dev    e2e:Line alice  label                "Alice"   "Alice (console)"',
        'dev    e2e:Line bob    destination.groupId  "g2"      "g9"',
        'dev    e2e:Line bob    tags                 []        ["x"]',
        "dev    e2e:Line carol  (resource)           (exists)  missing on the PBX",
        "prod   e2e:Line alice  voicemail.pin        [secret]  [secret] (secret, may differ)",
        "",
        "dev: 3 resource(s) differ",
        "prod: 1 resource(s) differ",
        "",
      ].join("\n"),
    );
    expect(formatTable(reportOf([parse("clean", "dev"), parse("clean", "prod")]))).toBe("dev: clean\nprod: clean\n");
  });

  test("json: the report, parseable, values masked", () => {
    const parsed = JSON.parse(formatJson(report));
    expect(parsed.status).toBe("drift");
    expect(parsed.stacks.map((s: StackDrift) => [s.stack, s.status])).toEqual([["dev", "drift"], ["prod", "drift"]]);
    expect(parsed.stacks[1].resources[0].fields[0]).toEqual({ path: "voicemail.pin", program: "[secret]", live: "[secret]", secret: true });
  });

  test("markdown: heading, table with escaped cells, stack list, error in a code block", () => {
    const md = formatMarkdown(reportOf([...stacks, parse("program-error", "qa", 1)]));
    const lines = md.split("\n");
    expect(lines[0]).toBe("## PBX drift audit: Drift in 2 of 3 stack(s), 1 failed");
    expect(lines).toContain("| Stack | Resource | Field | Program | Live |");
    expect(lines).toContain('| dev | `e2e:Line bob` | `destination.groupId` | `"g2"` | `"g9"` |');
    expect(lines).toContain("| dev | `e2e:Line carol` | `(resource)` | `(exists)` | `missing on the PBX` |");
    expect(lines).toContain("- **qa**: error");
    expect(md).toContain("boom in program");
    const piped = reportOf([
      { stack: "dev", status: "drift", resources: [{ urn: "u", type: "pbx:User", name: "a", kind: "changed",
        fields: [{ path: "label", program: "a|b", live: "x\ny", secret: false }] }] },
    ]);
    expect(formatMarkdown(piped)).toContain('| dev | `pbx:User a` | `label` | `"a\\|b"` | `"x\\ny"` |');
    expect(formatMarkdown(reportOf([parse("clean")]))).toBe("## PBX drift audit: No drift in 1 stack(s)\n\n- **dev**: clean\n");
  });

  test("no format prints a secret value", () => {
    const all = reportOf(["clean", "drift", "secret-only", "program-changes", "removed-from-program"].map((f) => parse(f)));
    for (const text of [formatTable(all), formatJson(all), formatMarkdown(all)]) {
      for (const v of SECRET_VALUES) expect(text).not.toContain(v);
    }
  });
});
