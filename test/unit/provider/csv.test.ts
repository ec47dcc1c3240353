/**
 * usersFromXivoCsv: what a XiVO file (seed 002) declares, and that a bad file
 * names every bad row (line, column, rule) and declares nothing.
 */
import * as pulumi from "@pulumi/pulumi";
import { XivoCsvError, readXivoCsv, usersFromXivoCsv } from "../../../provider/csv";
import { User } from "../../../provider/resources/user";

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, any>;
}

let registered: Registered[] = [];

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `id-${args.name}`, state: args.inputs };
      },
      call: (args) => args.inputs,
    },
    "csv-unit",
    "dev",
  );
});
beforeEach(() => {
  registered = [];
  pulumi.runtime.setAllConfig({});
});

/** Waits for the mocks to see every registration, then returns what they saw, by name. */
async function declared(res: { users: Record<string, pulumi.CustomResource>; incomingNumbers: Record<string, pulumi.CustomResource> }) {
  const all = [...Object.values(res.users), ...Object.values(res.incomingNumbers)];
  await new Promise<void>((resolve) => pulumi.all(all.map((r) => r.urn)).apply(() => resolve()));
  return Object.fromEntries(registered.map((r) => [r.name, r.inputs]));
}

/** A secret as the engine receives it: wrapped with the secret signature. */
function secretValue(v: any): unknown {
  expect(v?.[pulumi.runtime.specialSigKey]).toBe(pulumi.runtime.specialSecretSig);
  return v.value;
}

/** The problems a file raises, as `line:column:rule`. */
function problems(text: string, opts: Parameters<typeof readXivoCsv>[1] = {}): string[] {
  try {
    readXivoCsv(text, opts);
  } catch (err) {
    if (!(err instanceof XivoCsvError)) throw err;
    return err.problems.map((p) => `${p.line}:${p.column ?? ""}:${p.rule}`);
  }
  return [];
}

const GOOD = [
  "entityid|firstname|lastname|language|phonenumber|context|protocol|mobilephonenumber|incallexten|incallcontext|incallringseconds|voicemailname|voicemailmailbox|voicemailpassword|voicemailemail",
  "1|John|Doe|en_US|1000|default|sip|+32470123456|+3225550100|from-extern|20|John Doe|1000|1234|john@example.com",
  "1|George|||1001|default|sip||||||||",
].join("\n");

/** A file with every column of seed 002's table. */
const ALL_COLUMNS = [
  "entityid|firstname|lastname|language|enableclient|username|password|profileclient|outcallerid|agentnumber|mobilephonenumber|bosssecretary|enablehint|enablexfer|phonenumber|context|protocol|linename|linesecret|incallexten|incallcontext|incallringseconds|voicemailname|voicemailmailbox|voicemailpassword|voicemailemail|voicemailattach|voicemaildelete|voicemailskippass",
  "1|John|Doe|en_US|1|jdoe|cti-pass|client|+3225550100|501|0032470123456|boss|1|1|1000|default|sip|1000||+3225550100|from-extern|25|John Doe|1000|4821|vm.john@example.com|1|1|1",
  "",
].join("\n");

describe("readXivoCsv", () => {
  test("the seed's examples are good files", () => {
    expect(problems("entityid|firstname|lastname|phonenumber|context|protocol\n1|John|Doe|1000|default|sip\n1|George|Clinton|1001|default|sip\n1|Bill|Bush|1002|default|sip")).toEqual([]);
    expect(problems("entityid|firstname|lastname|language|phonenumber|context|protocol|voicemailname|voicemailmailbox|voicemailpassword\n1|John|Doe|en_US|1000|default|sip|John Doe|1000|1234")).toEqual([]);
    expect(readXivoCsv(GOOD).map((r) => r.user.extension)).toEqual(["1000", "1001"]);
  });

  test.each([
    ["a letter in the extension", "firstname|phonenumber|context|protocol\nA|10a1|default|sip", ["2:phonenumber:extension_digits"]],
    ["no first name", "firstname|phonenumber|context|protocol\n|1001|default|sip", expect.arrayContaining(["2:firstname:csv_required"])],
    ["a boolean that is not 0/1", "firstname|phonenumber|context|protocol|enablexfer\nA|1001|default|sip|yes", ["2:enablexfer:csv_bool"]],
    ["a voicemail without a language", "firstname|phonenumber|context|protocol|voicemailname|voicemailmailbox\nA|1001|default|sip|A|1001", ["2:language:csv_required"]],
    ["a short PIN", "firstname|language|phonenumber|context|protocol|voicemailname|voicemailmailbox|voicemailpassword\nA|en_US|1001|default|sip|A|1001|12", ["2:voicemailpassword:pin_min_length"]],
    ["an incall that is not E.164", "firstname|phonenumber|context|protocol|incallexten|incallcontext\nA|1001|default|sip|2050|from-extern", ["2:incallexten:e164"]],
    ["an unknown column", "firstname|phonenumber|colour\nA|1001|red", ["1:colour:csv_unknown_column"]],
    ["a row with a missing cell", "firstname|phonenumber|context|protocol\nA|1001|default", ["2::csv_column_count"]],
  ])("%s", (_what, text, expected) => {
    expect(problems(text)).toEqual(expected);
  });

  test("every bad row is reported at once, each on its own line", () => {
    const text = "firstname|lastname|phonenumber|context|protocol|enablexfer\nAnn|Ok|1001|default|sip|0\nBea|X|10b|default|sip|0\nCid|Y|1003|default|sip|2";
    expect(problems(text)).toEqual(["3:phonenumber:extension_digits", "4:enablexfer:csv_bool"]);
    expect(() => readXivoCsv(text, { fileName: "staff.csv" })).toThrow(
      /staff\.csv: 2 problems on 2 lines; no user was declared from it:\n  staff\.csv line 3, column phonenumber: .*\(rule: extension_digits\)\n  staff\.csv line 4, column enablexfer: .*\(rule: csv_bool\)/,
    );
  });

  test("rows good alone are judged across rows even when other rows are bad: one error lists both", () => {
    const text = "firstname|phonenumber|context|protocol\nA|1001|default|sip\nB|1001|default|sip\nC|10x|default|sip";
    expect(problems(text)).toEqual(["3:phonenumber:extension_unique", "4:phonenumber:extension_digits"]);
    const err = (() => {
      try {
        readXivoCsv(text);
      } catch (e) {
        return e as XivoCsvError;
      }
    })();
    expect(err?.lines).toEqual([3, 4]);
  });

  test("a column this PBX cannot honour is refused naming it, never dropped", () => {
    const head = "entityid|firstname|lastname|language|phonenumber|context|protocol|linename|linesecret|outcallerid|bosssecretary|incallexten|incallcontext|voicemailname|voicemailmailbox";
    const row = (cells: Record<string, string>) => {
      const base: Record<string, string> = { entityid: "1", firstname: "A", lastname: "B", language: "en_US", phonenumber: "1001", context: "default", protocol: "sip", linename: "", linesecret: "", outcallerid: "", bosssecretary: "", incallexten: "", incallcontext: "", voicemailname: "", voicemailmailbox: "" };
      return head.split("|").map((c) => cells[c] ?? base[c]).join("|");
    };
    const cases: [Record<string, string>, string][] = [
      [{ linesecret: "s3cret" }, "2:linesecret:csv_linesecret"],
      [{ protocol: "sccp" }, "2:protocol:csv_protocol_unsupported"],
      [{ linename: "abc" }, "2:linename:csv_linename"],
      [{ outcallerid: "anonymous" }, "2:outcallerid:csv_outcallerid_anonymous"],
      [{ bosssecretary: "chief" }, "2:bosssecretary:csv_bosssecretary"],
      [{ voicemailname: "Someone Else", voicemailmailbox: "1001" }, "2:voicemailname:csv_voicemail_name"],
      [{ voicemailname: "A B", voicemailmailbox: "2001" }, "2:voicemailmailbox:csv_voicemail_mailbox"],
      [{ entityid: "x" }, "2:entityid:csv_int"],
    ];
    for (const [cells, expected] of cases) expect(problems(`${head}\n${row(cells)}`)).toEqual([expected]);
    // One site per file: entity, internal and incoming contexts are file-wide.
    const two = `${head}\n${row({})}\n${row({ phonenumber: "1002", entityid: "2", context: "other" })}`;
    expect(problems(two)).toEqual(["3:entityid:csv_entity_mixed", "3:context:csv_context_mixed"]);
    // The good forms pass: linename = extension, outcallerid default, mailbox = extension, name = user's name.
    expect(problems(`${head}\n${row({ linename: "1001", outcallerid: "default", bosssecretary: "no", voicemailname: "A B", voicemailmailbox: "1001" })}`)).toEqual([]);
  });

  test("every seed 002 column maps to a declared field", () => {
    const [row] = readXivoCsv(ALL_COLUMNS);
    expect(row.declared).toEqual({
      extension: "1000",
      firstName: "John",
      lastName: "Doe",
      language: "en_US",
      mobileNumber: "+32470123456",
      outgoingCallerId: "+3225550100",
      agentNumber: "501",
      bossSecretary: "boss",
      supervision: true,
      callTransfer: true,
      voicemail: { enabled: true, pin: "4821", email: "vm.john@example.com", attachAudio: true, deleteAfterNotification: true, askPassword: false },
      cti: { enabled: true, username: "jdoe", password: "cti-pass", profile: "client" },
    });
    expect(row.incall).toEqual({ number: "+3225550100", ringSeconds: 25 });
    // The PBX-side rules of the voicemail hold on a row too.
    expect(problems(ALL_COLUMNS.replace("|1|1|1\n", "|0|1|1\n"))).toEqual(["2:voicemaildelete:voicemail_delete_needs_attach"]);
  });

  test("rows that are good alone are checked against the numbering plan and each other", () => {
    const text = "firstname|phonenumber|context|protocol|incallexten|incallcontext\nA|1001|default|sip|+3225550100|x\nB|1001|default|sip|+3225550100|x\nC|12|default|sip||\nD|1950|default|sip||";
    expect(problems(text, { numberingPlan: { minLength: 3, maxLength: 4, reserved: [{ from: "1900", to: "1999" }] } })).toEqual([
      "3:phonenumber:extension_unique",
      "3:incallexten:number_unique",
      "4:phonenumber:extension_length",
      "5:phonenumber:extension_reserved",
    ]);
  });
});

describe("usersFromXivoCsv", () => {
  test("declares a user per row and an incoming number per incall, ringing its user", async () => {
    const res = usersFromXivoCsv(GOOD, { userDefaults: { role: "user", department: "Imported" } });
    expect(Object.keys(res.users)).toEqual(["1000", "1001"]);
    expect(Object.keys(res.incomingNumbers)).toEqual(["+3225550100"]);
    const byName = await declared(res);
    expect(Object.keys(byName).sort()).toEqual(["number-3225550100", "user-1000", "user-1001"]);
    expect(byName["user-1000"]).toMatchObject({
      extension: "1000",
      firstName: "John",
      lastName: "Doe",
      language: "en_US",
      mobileNumber: "+32470123456",
      role: "user",
      department: "Imported",
    });
    // voicemailemail is the voicemail's address (seed 002 "Mail to send a notification"), not the user's e-mail.
    expect(byName["user-1000"]).not.toHaveProperty("email");
    // The PIN stays secret (pbx.User wraps voicemail and portal).
    expect(secretValue(byName["user-1000"].voicemail)).toEqual({ enabled: true, pin: "1234", email: "john@example.com" });
    // Unset columns stay unmanaged: no empty last name, no empty mobile number.
    expect(byName["user-1001"]).not.toHaveProperty("lastName");
    expect(byName["user-1001"]).not.toHaveProperty("mobileNumber");
    expect(secretValue(byName["user-1001"].voicemail)).toEqual({ enabled: false });
    expect(byName["number-3225550100"]).toMatchObject({
      number: "+3225550100",
      destination: { type: "user", userId: "id-user-1000" },
      ringSeconds: 20,
    });
  });

  test("the CTI login and the hot-desking PIN are secret inputs", async () => {
    const byName = await declared(usersFromXivoCsv(ALL_COLUMNS));
    expect(secretValue(byName["user-1000"].cti)).toEqual({ enabled: true, username: "jdoe", password: "cti-pass", profile: "client" });
    expect(byName["user-1000"]).toMatchObject({ callTransfer: true, supervision: true, bossSecretary: "boss", agentNumber: "501" });
    registered = [];
    const u = new User("hot", { extension: "1005", firstName: "H", hotDeskingPin: "2468" });
    await new Promise<void>((resolve) => u.urn.apply(() => resolve()));
    expect(secretValue(registered.find((r) => r.name === "hot")!.inputs.hotDeskingPin)).toBe("2468");
  });

  test("site, name prefix and adopt go to every resource", async () => {
    const byName = await declared(usersFromXivoCsv(GOOD, { site: "paris", namePrefix: "paris-", adopt: true }));
    expect(Object.keys(byName).sort()).toEqual(["paris-number-3225550100", "paris-user-1000", "paris-user-1001"]);
    for (const inputs of Object.values(byName)) expect(inputs).toMatchObject({ site: "paris", adopt: true });
  });

  test("a bad file throws before declaring anything", async () => {
    const bad = GOOD + "\n1|Bad|Row||12x4|default|sip||||||||";
    expect(() => usersFromXivoCsv(bad, { fileName: "users.csv" })).toThrow(/users\.csv line 4, column phonenumber: .*\(rule: extension_digits\)/);
    await new Promise((r) => setTimeout(r, 50));
    expect(registered).toEqual([]);
  });

  test("the numbering plan comes from the site's pbx:sites entry, else pbx:numberingPlan", () => {
    const text = "firstname|phonenumber|context|protocol\nA|55|default|sip";
    pulumi.runtime.setAllConfig({ "pbx:numberingPlan": JSON.stringify({ minLength: 2, maxLength: 4, reserved: [] }) });
    expect(() => usersFromXivoCsv(text, { site: "lyon" })).not.toThrow();
    pulumi.runtime.setAllConfig(
      { "pbx:sites": JSON.stringify({ lyon: { token: "t", numberingPlan: { minLength: 3, maxLength: 4, reserved: [] } } }) },
      ["pbx:sites"],
    );
    expect(() => usersFromXivoCsv(text, { site: "lyon" })).toThrow(/line 2, column phonenumber: extension "55" must be 3–4 digits \(rule: extension_length\)/);
  });
});
