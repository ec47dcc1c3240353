/**
 * examples/csv-users through the real CLI: a XiVO file (seed 002) becomes users
 * and incoming numbers on the PBX; a file with bad rows fails preview and up,
 * naming each bad line, column and rule, and changes nothing on the PBX.
 */
import * as path from "path";
import { PulumiProject, expectCode, repoRoot } from "./harness";
import { RunningPbx, projectOnSite, startPbx } from "./pbx";

const SITE = "office";
const HEADER = "entityid|firstname|lastname|language|phonenumber|context|protocol|linesecret|enablexfer|incallexten|incallcontext|voicemailname|voicemailmailbox|voicemailpassword";
/** Line 2 is good; lines 3–6 each break one rule (line 6: a column this PBX cannot honour is refused, never dropped). */
const BAD = [
  HEADER,
  "1|Ann|Good|en_US|1100|default|sip||1|||||",
  "1|Bea|Letters|en_US|11a1|default|sip||1|||||",
  "1|Cid|Bool|en_US|1102|default|sip||yes|||||",
  "1|Dan|Pin|en_US|1103|default|sip||0|||Dan Pin|1103|12",
  "1|Eve|Secret|en_US|1104|default|sip|s3cret|0|||||",
].join("\n");
const BAD_ROWS = [
  ["line 3, column phonenumber", "extension_digits"],
  ["line 4, column enablexfer", "csv_bool"],
  ["line 5, column voicemailpassword", "pin_min_length"],
  ["line 6, column linesecret", "csv_linesecret"],
];

describe("examples/csv-users", () => {
  let pbx: RunningPbx;
  let project: PulumiProject;
  const console = () => pbx.console(SITE);

  beforeAll(async () => {
    pbx = await startPbx({ applyDelayMs: 50 });
    ({ project } = await projectOnSite(pbx, SITE, { name: "pbx-csv-users", fromDir: path.join(repoRoot, "examples", "csv-users"), files: { "bad.csv": BAD } }));
  }, 60_000);
  afterAll(async () => {
    project?.cleanup();
    await pbx?.close();
  });

  function expectBadRowsNamed(output: string): void {
    expect(output).toContain("bad.csv: 4 problems on 4 lines; no user was declared from it");
    for (const [where, rule] of BAD_ROWS) expect(output).toMatch(new RegExp(`bad\\.csv ${where}: .*\\(rule: ${rule}\\)`));
  }

  test("a file with bad rows fails preview and up, naming each row, column and rule; the PBX gets no user", async () => {
    await project.setConfig("usersFile", "bad.csv");
    const preview = await project.preview();
    expect(preview.code).not.toBe(0);
    expectBadRowsNamed(preview.output);
    const up = await project.up();
    expect(up.code).not.toBe(0);
    expectBadRowsNamed(up.output);
    expect(await console().users.listAll()).toEqual([]);
    // No write reached the PBX after the site was made.
    const writes = Object.keys((await pbx.metrics()).requests).filter((route) => !route.startsWith("GET ") && route !== "POST /api/v1/sites");
    expect(writes).toEqual([]);
  });

  test("the sample file (every seed 002 column) becomes users with each field, and the incall a number ringing its user", async () => {
    await project.setConfig("usersFile", "users.csv");
    expectCode(await project.up(), 0);
    const users = await console().users.listAll();
    expect(users.map((u) => [u.extension, u.firstName, u.lastName]).sort()).toEqual([
      ["1000", "John", "Doe"],
      ["1001", "George", "Clinton"],
      ["1002", "Bill", "Bush"],
    ]);
    const john = users.find((u) => u.extension === "1000")!;
    expect(john).toMatchObject({
      language: "en_US", mobileNumber: "+32470123456", email: null, agentNumber: "501", bossSecretary: "boss", supervision: true, callTransfer: true, outgoingCallerId: null,
      voicemail: { enabled: true, pin: "4821", email: "john.doe@example.com", attachAudio: true, deleteAfterNotification: true, askPassword: true },
      cti: { enabled: true, username: "jdoe", profile: "client", passwordSet: true },
      applied: true,
    });
    expect(users.find((u) => u.extension === "1001")).toMatchObject({ bossSecretary: "secretary", supervision: false, callTransfer: false, voicemail: { attachAudio: false, askPassword: false }, cti: { enabled: false } });
    expect(users.find((u) => u.extension === "1002")).toMatchObject({ mobileNumber: "+32470654321", bossSecretary: "none", voicemail: { enabled: false } });
    const numbers = await console().incomingNumbers.listAll();
    expect(numbers).toEqual([expect.objectContaining({ number: "+3225550100", destination: { type: "user", userId: john.id }, ringSeconds: 20 })]);
    expect((await project.outputs()).extensions).toEqual(["1000", "1001", "1002"]);
    // A console edit of a CSV field is drift on the next refresh (exit 7, naming the field).
    await console().users.update(john.id, { callTransfer: false });
    await console().apply();
    const drift = await project.preview({ refresh: true, expectNoChanges: true, diff: true });
    expectCode(drift, 7);
    expect(drift.output).toContain("callTransfer");
    expectCode(await project.up({ refresh: true }), 0);
    expect((await console().users.get(john.id)).callTransfer).toBe(true);
    // The CTI password stays out of the state.
    expect((await project.exportStack()).text).not.toContain("cti-pass-1");
    expectCode(await project.preview({ expectNoChanges: true }), 0);
  });

  test("a bad file later leaves the users as they are (it never reads as 'nobody')", async () => {
    await project.setConfig("usersFile", "bad.csv");
    const up = await project.up();
    expect(up.code).not.toBe(0);
    expectBadRowsNamed(up.output);
    expect((await console().users.listAll()).map((u) => u.extension).sort()).toEqual(["1000", "1001", "1002"]);
  });
});
