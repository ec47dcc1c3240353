/**
 * Bad input fails at `pulumi preview`, before anything reaches the PBX, with a
 * message that names the resource, the field and the rule.
 */
import { PulumiProject } from "./harness";
import { RunningPbx, projectOnSite, startPbx, writeCount } from "./pbx";

interface Case {
  name: string;
  /** JS that declares one resource named after the case. */
  code: string;
  /** The property path the failure must name, and the rule. */
  field: string;
  rule: string;
}

const u = (name: string, extra: string) =>
  `new pbx.User("${name}", { extension: "2001", firstName: "Ann", lastName: "Lee", ${extra} });`;

export const cases: Case[] = [
  { name: "short-pin", code: u("short-pin", `voicemail: { pin: "12" }`), field: "voicemail.pin", rule: "pin_min_length" },
  { name: "letter-pin", code: u("letter-pin", `voicemail: { pin: "12a4" }`), field: "voicemail.pin", rule: "pin_digits" },
  { name: "ext-too-long", code: `new pbx.User("ext-too-long", { extension: "1234567", firstName: "A" });`, field: "extension", rule: "extension_length" },
  { name: "ext-reserved", code: `new pbx.User("ext-reserved", { extension: "1950", firstName: "A" });`, field: "extension", rule: "extension_reserved" },
  { name: "ext-letters", code: `new pbx.User("ext-letters", { extension: "10a1", firstName: "A" });`, field: "extension", rule: "extension_digits" },
  { name: "empty-first-name", code: `new pbx.User("empty-first-name", { extension: "2002", firstName: "  " });`, field: "firstName", rule: "first_name_empty" },
  { name: "bad-email", code: u("bad-email", `email: "not-an-email"`), field: "email", rule: "email_format" },
  { name: "mobile-not-e164", code: u("mobile-not-e164", `mobileNumber: "0470 12 34 56"`), field: "mobileNumber", rule: "e164" },
  { name: "rings-11", code: u("rings-11", `voicemail: { ringsBeforeVoicemail: 11 }`), field: "voicemail.ringsBeforeVoicemail", rule: "rings_before_voicemail_range" },
  { name: "short-portal-password", code: u("short-portal-password", `portal: { username: "ann", password: "short" }`), field: "portal.password", rule: "password_min_length" },
  { name: "bad-recording", code: u("bad-recording", `callRecording: "sometimes"`), field: "callRecording", rule: "enum" },
  { name: "unknown-permission", code: u("unknown-permission", `permissions: ["superPower"]`), field: "permissions.0", rule: "enum" },
  { name: "typo-property", code: u("typo-property", `extention: "2001"`), field: "extention", rule: "unknown_field" },
  { name: "number-not-e164", code: `new pbx.IncomingNumber("number-not-e164", { number: "12345", destination: { type: "none" } });`, field: "number", rule: "e164" },
  { name: "unknown-destination", code: `new pbx.IncomingNumber("unknown-destination", { number: "+3225550111", destination: { type: "fax" } });`, field: "destination.type", rule: "discriminator" },
  { name: "destination-no-user", code: `new pbx.IncomingNumber("destination-no-user", { number: "+3225550112", destination: { type: "user" } });`, field: "destination.userId", rule: "type" },
  { name: "key-position-0", code: `new pbx.FunctionKey("key-position-0", { userId: "usr_1", position: 0, type: "switch" });`, field: "position", rule: "key_position_range" },
  { name: "blf-no-target", code: `new pbx.FunctionKey("blf-no-target", { userId: "usr_1", position: 2, type: "blf" });`, field: "targetUserId", rule: "key_target_required" },
  { name: "quickcall-bad-number", code: `new pbx.FunctionKey("quickcall-bad-number", { userId: "usr_1", position: 3, type: "quickCall", number: "call mum" });`, field: "number", rule: "key_number_format" },
  { name: "followme-and-forward", code: `new pbx.Forwarding("followme-and-forward", { userId: "usr_1", mode: "followMe", followMe: [{ number: "+32470999999" }], onNoAnswer: [{ number: "+32470888888" }] });`, field: "onNoAnswer", rule: "forwarding_followme_exclusive" },
  { name: "step-two-targets", code: `new pbx.Forwarding("step-two-targets", { userId: "usr_2", mode: "forward", onBusy: [{ userId: "usr_3", number: "+32470999999" }] });`, field: "onBusy.0", rule: "step_target" },
  { name: "followme-empty", code: `new pbx.Forwarding("followme-empty", { userId: "usr_4", mode: "followMe" });`, field: "followMe", rule: "followme_steps_required" },
  { name: "group-empty-name", code: `new pbx.UserGroup("group-empty-name", { name: "" });`, field: "name", rule: "group_name_empty" },
  { name: "group-duplicate-member", code: `new pbx.UserGroup("group-duplicate-member", { name: "Twice", members: ["usr_1", "usr_1"] });`, field: "members", rule: "members_unique" },
];

describe("bad input is rejected at preview, naming resource, field and rule", () => {
  let pbx: RunningPbx;
  let project: PulumiProject;
  const outputs = new Map<string, { code: number; output: string }>();
  const programOf = (code: string) => `const pulumi = require("@pulumi/pulumi");\nconst pbx = require("pulumi-pbx");\n${code}\n`;

  beforeAll(async () => {
    pbx = await startPbx();
    ({ project } = await projectOnSite(pbx, "ghent", { name: "bad-input", files: { "index.js": programOf("") } }));
    await project.setConfig("pbx:numberingPlan", JSON.stringify({ minLength: 2, maxLength: 6, reserved: [{ from: "1900", to: "1999" }] }));
    // The engine stops at the first resource whose check fails, so one preview per case.
    for (const c of cases) {
      project.writeFile("index.js", programOf(c.code));
      const r = await project.preview();
      outputs.set(c.name, { code: r.code, output: r.output });
    }
  }, 900_000);
  afterAll(async () => {
    project?.cleanup();
    await pbx?.close();
  });

  test.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const r = outputs.get(c.name)!;
    expect(r.code).not.toBe(0);
    // The engine prints: `<type> resource '<name>': property <field> value {…} has a problem: <reason>`.
    const line = r.output.split("\n").find((l) => l.includes(`resource '${c.name}'`) && l.includes(`property ${c.field}`) && l.includes(`rule: ${c.rule}`));
    if (!line) throw new Error(`no failure naming '${c.name}', ${c.field} and rule ${c.rule}. Output:\n${r.output}`);
  });

  test("a rejected secret is not printed", () => {
    const r = outputs.get("short-portal-password")!;
    expect(r.output).not.toContain("short\"");
    expect(r.output).not.toMatch(/value \{short\}/);
  });

  test("up of a bad program writes nothing to the PBX", async () => {
    project.writeFile("index.js", programOf(cases.map((c) => c.code).join("\n")));
    const before = writeCount(await pbx.metrics());
    const r = await project.up();
    expect(r.code).not.toBe(0);
    expect(writeCount(await pbx.metrics())).toBe(before);
    expect(await pbx.console("ghent").users.listAll()).toEqual([]);
  });
});

describe("rules that need the PBX's data are enforced at up, with a clear error", () => {
  let pbx: RunningPbx;
  let project: PulumiProject;

  beforeAll(async () => {
    pbx = await startPbx({ applyDelayMs: 20 });
    ({ project } = await projectOnSite(pbx, "namur", { name: "pbx-rules", files: { "index.js": program } }));
  }, 120_000);
  afterAll(async () => {
    project?.cleanup();
    await pbx?.close();
  });

  const program = `const pbx = require("pulumi-pbx");
const ann = new pbx.User("ann", { extension: "3001", firstName: "Ann", keyCount: 10 });
const ben = new pbx.User("ben", { extension: "3002", firstName: "Ben" });
new pbx.FunctionKey("ann-11", { userId: ann.id, position: 11, type: "switch" });
const first = new pbx.FunctionKey("ann-1", { userId: ann.id, position: 1, type: "blf", targetUserId: ben.id });
new pbx.FunctionKey("ann-2", { userId: ann.id, position: 2, type: "blf", targetUserId: ben.id }, { dependsOn: [first] });
`;

  test("a key past the user's key count is refused by the PBX, naming the resource and rule", async () => {
    const r = await project.up();
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/FunctionKey \(ann-11\)[\s\S]*position 11 is beyond the user's 10 keys/);
  });

  test("the same key twice on one user is refused; nothing half-written", async () => {
    // The engine stops scheduling after the first failure, so one refusal per run.
    project.writeFile("index.js", program.replace(/^new pbx.FunctionKey\("ann-11".*$/m, ""));
    const r = await project.up();
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/FunctionKey \(ann-2\)[\s\S]*same blf key already exists at position 1/);
    const ann = (await pbx.console("namur").users.findByExtension("3001"))!;
    const keys = await pbx.console("namur").functionKeys.list(ann.id);
    expect(keys.map((k) => k.position)).toEqual([1]);
  });
});
