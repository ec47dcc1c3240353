/**
 * A failed preview reports each distinct error once: the engine repeats a provider error
 * for every resource (a stack with no `pbx:url` printed the same line 23 times).
 */
import * as fs from "fs";
import * as path from "path";
import { diffFields, errorsOf, formatError, formatJson, formatMarkdown, formatTable, parsePreview, reportOf } from "../../../cli/drift";

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, "fixtures", `${name}.preview.json`), "utf8");
const NO_URL = 'no PBX URL for site "office": set pbx:url (or PBX_URL), or pbx:sites.office.url';
const urn = (type: string, name: string) => `urn:pulumi:office::pbx-office::pulumi-nodejs:dynamic/pbx:${type}::${name}`;

describe("errors of a failed preview", () => {
  test("the main job's stack with no connection: one error, counted over its 23 resources", () => {
    const s = parsePreview("office", fixture("connection-error"), 1);
    expect(s.status).toBe("error");
    expect(s.errors).toHaveLength(1);
    const [e] = s.errors!;
    expect(e.message).toBe(NO_URL);
    expect(e.count).toBe(23);
    expect(e.resources).toHaveLength(23);
    expect(e.resources.slice(0, 3)).toEqual(["pbx:Forwarding chloe-fwd", "pbx:Forwarding karin-followme", "pbx:FunctionKey alice-blf-chloe"]);
    expect(s.error).toBe(`${NO_URL} [23 resources: pbx:Forwarding chloe-fwd, pbx:Forwarding karin-followme, pbx:FunctionKey alice-blf-chloe, and 20 more]`);
    // Every output format prints it once, without the engine's wrapper or the objects' ids.
    const report = reportOf([s]);
    for (const text of [formatTable(report), formatMarkdown(report)]) {
      expect(text.split(NO_URL)).toHaveLength(2);
      expect(text).not.toMatch(/Preview failed|usr_|preview failed/);
    }
    expect(formatTable(report)).toBe(`office: error: ${s.error}\n`);
    const json = JSON.parse(formatJson(report));
    expect(json.stacks[0].error).toBe(s.error);
    expect(json.stacks[0].errors).toEqual([expect.objectContaining({ message: NO_URL, count: 23 })]);
  });

  test("distinct errors stay apart, each once, sorted; a single resource is named before its error", () => {
    const errors = errorsOf([
      { urn: urn("User", "bob"), message: 'error: Preview failed: User (id usr_2): 401: check pbx:token\n', severity: "error" },
      { message: "pulumi-pbx: User (id usr_1): 401: check pbx:token\n\n", severity: "info#err" },
      { urn: urn("User", "alice"), message: 'error: Preview failed: User (id usr_1): 401: check pbx:token\n', severity: "error" },
      { urn: urn("FunctionKey", "alice-1"), message: "error: Preview failed: FunctionKey (id usr_1/1): position 30 is past the user's 20 keys\n", severity: "error" },
      { message: "error: preview failed\n", severity: "error" },
    ]);
    expect(errors).toEqual([
      { message: "401: check pbx:token", count: 2, resources: ["pbx:User alice", "pbx:User bob"] },
      { message: "position 30 is past the user's 20 keys", count: 1, resources: ["pbx:FunctionKey alice-1"] },
    ]);
    expect(errors.map(formatError)).toEqual([
      "401: check pbx:token [2 resources: pbx:User alice, pbx:User bob]",
      "pbx:FunctionKey alice-1: position 30 is past the user's 20 keys",
    ]);
  });

  test("a check failure repeated on several resources (the engine names each) is one error", () => {
    const role = (name: string) => ({
      urn: urn("User", name),
      message: `error: pulumi-nodejs:dynamic/pbx:User resource '${name}': property role value {admin} has a problem: role: role "admin" has no meaning on Wazo (rule: driver_unsupported)\n`,
      severity: "error",
    });
    expect(errorsOf([role("louis"), role("alice"), role("karin")]).map(formatError)).toEqual([
      'property role value {admin} has a problem: role: role "admin" has no meaning on Wazo (rule: driver_unsupported) [3 resources: pbx:User alice, pbx:User karin, pbx:User louis]',
    ]);
  });

  test("a message that is not the resource's own label is kept whole; repeats without a resource are counted", () => {
    const errors = errorsOf([
      { urn: urn("User", "alice"), message: "error: Preview failed: Group (id g): odd\n", severity: "error" },
      { message: "error: boom\n", severity: "error" },
      { message: "error: boom\n", severity: "error" },
    ]);
    expect(errors.map(formatError)).toEqual(["boom (2 times)", "pbx:User alice: Group (id g): odd"]);
  });

  test("the engine's closing 'preview failed' is the error when nothing else says why", () => {
    expect(errorsOf([{ message: "error: preview failed\n", severity: "error" }])).toEqual([
      { message: "preview failed", count: 1, resources: [] },
    ]);
  });
});

describe("fields of a drifted pbx resource", () => {
  test("adopt and ownerMark are how a create behaves, not PBX fields: a refresh does not read them back, so they are not drift", () => {
    const program = { firstName: "Alice", adopt: true, ownerMark: "pulumi-pbx:073e099e814bc5f3bbb4f7b3", __provider: "…" };
    expect(diffFields(program, { firstName: "Eve" }).visible).toEqual([
      { path: "firstName", program: "Alice", live: "Eve", secret: false },
    ]);
  });
});

describe("resources of pbx.applyChangesOnce()", () => {
  test("ApplyChanges and its guard are deployment machinery: a console edit lists only the edited object", () => {
    const T = "urn:pulumi:office::pbx-office::pulumi-nodejs:dynamic/pbx:";
    const steps = [
      { op: "refresh", urn: `${T}User::alice` },
      { op: "refresh", urn: `${T}ApplyChanges::apply-changes` },
      { op: "refresh", urn: `${T}ApplyGuard::apply-changes-guard` },
      { op: "update", urn: `${T}User::alice`, oldState: { inputs: { firstName: "Eve" } }, newState: { type: "pulumi-nodejs:dynamic/pbx:User", inputs: { firstName: "Alice" } } },
      {
        op: "update",
        urn: `${T}ApplyChanges::apply-changes`,
        oldState: { inputs: { digests: { office: "7a466a0efc06c8393b183063ff79bf05" } } },
        newState: { type: "pulumi-nodejs:dynamic/pbx:ApplyChanges", inputs: { digests: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" } },
      },
      { op: "create", urn: `${T}ApplyGuard::apply-changes-guard`, newState: { type: "pulumi-nodejs:dynamic/pbx:ApplyGuard", inputs: {} } },
    ];
    const s = parsePreview("office", JSON.stringify({ steps }), 0);
    expect(s.resources.map((r) => `${r.type} ${r.name} ${r.kind}`)).toEqual(["pbx:User alice changed"]);
    expect(parsePreview("office", JSON.stringify({ steps: steps.filter((x) => !x.urn.includes("User")) }), 0).status).toBe("clean");
  });
});
