import type { FastifyInstance } from "fastify";
import { parseXivoCsv } from "../../emulator";
import { mkUser, withSite, type Call } from "./helpers";

// The examples of seed 002, with E.164 mobile numbers and DIDs (this PBX stores numbers in E.164).
const HEADER = "entityid|firstname|lastname|language|phonenumber|context|protocol|mobilephonenumber|voicemailname|voicemailmailbox|voicemailpassword|incallexten|incallcontext";
/** One CSV line from the leading cells, padded to the header's width. */
const row = (...cells: string[]) => [...cells, ...Array(13 - cells.length).fill("")].join("|");
const GOOD = [
  HEADER,
  row("1", "John", "Doe", "en_US", "1000", "default", "sip", "00123456789", "John Doe", "1000", "1234", "+3225550150", "from-extern"),
  row("1", "George", "Clinton", "", "1001", "default", "sip", "00123456789"),
  row("1", "Bill", "Bush", "", "1002", "default", "sip", "00123456789"),
].join("\n");

describe("XiVO CSV import (seed 002)", () => {
  let app: FastifyInstance;
  let call: Call;
  beforeEach(async () => {
    ({ app, call } = await withSite());
  });
  afterEach(() => app.close());

  test("a good file creates every user, its voicemail and incall", async () => {
    const r = await call("POST", "sites/acme/import/users", GOOD);
    expect(r.status).toBe(201);
    expect(r.body.created.map((u: { extension: string }) => u.extension)).toEqual(["1000", "1001", "1002"]);
    expect(r.body.created[0]).toMatchObject({ firstName: "John", mobileNumber: "+123456789", language: "en_US", voicemail: { enabled: true, pin: "1234" } });
    expect(r.body.created[1].voicemail.enabled).toBe(false);
    const numbers = (await call("GET", "sites/acme/incoming-numbers")).body.items;
    expect(numbers).toEqual([expect.objectContaining({ number: "+3225550150", destination: { type: "user", userId: r.body.created[0].id } })]);
  });

  test("all or nothing: one issue per bad row with [line, column], nothing created", async () => {
    await mkUser(call, "1001");
    const bad = [GOOD, row("1", "", "Nobody", "", "1003", "default", "sip"), row("1", "Pin", "Short", "en_US", "1004", "default", "sip", "", "Pin", "1004", "12"), "1|Short|row"].join("\n");
    const r = await call("POST", "sites/acme/import/users", bad);
    expect(r.status).toBe(422);
    expect(r.body.error.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: [5, "firstname"], rule: "csv_required" }),
        expect.objectContaining({ path: [6, "voicemailpassword"], rule: "pin_min_length" }),
        expect.objectContaining({ path: [7], rule: "csv_column_count" }),
      ]),
    );
    // Pure rules pass for line 3 (extension 1001) but the PBX has it: the second pass reports it.
    const clash = await call("POST", "sites/acme/import/users", GOOD);
    expect(clash.status).toBe(422);
    expect(clash.body.error.issues).toEqual([expect.objectContaining({ path: [3, "phonenumber"], rule: "extension_unique" })]);
    expect((await call("GET", "sites/acme/users")).body.total).toBe(1);
    expect((await call("GET", "sites/acme/incoming-numbers")).body.total).toBe(0);
  });

  test("a file with every seed 002 column creates the user with each field", async () => {
    const header = "entityid|firstname|lastname|language|enableclient|username|password|profileclient|outcallerid|agentnumber|mobilephonenumber|bosssecretary|enablehint|enablexfer|phonenumber|context|protocol|linename|linesecret|incallexten|incallcontext|incallringseconds|voicemailname|voicemailmailbox|voicemailpassword|voicemailemail|voicemailattach|voicemaildelete|voicemailskippass";
    const line = "1|John|Doe|fr_FR|1|jdoe|cti-pass|client|default|501|0032470123456|secretary|0|1|1000|default|sip|1000||+3225550150|from-extern|25|John Doe|1000|4821|vm.john@example.com|1|1|1";
    const r = await call("POST", "sites/acme/import/users", `${header}\n${line}`);
    expect(r.status).toBe(201);
    expect(r.body.created[0]).toMatchObject({
      extension: "1000", language: "fr_FR", agentNumber: "501", mobileNumber: "+32470123456", bossSecretary: "secretary", supervision: false, callTransfer: true, outgoingCallerId: null,
      voicemail: { enabled: true, pin: "4821", email: "vm.john@example.com", attachAudio: true, deleteAfterNotification: true, askPassword: false },
      cti: { enabled: true, username: "jdoe", profile: "client", passwordSet: true },
    });
    expect(JSON.stringify(r.body)).not.toContain("cti-pass");
    expect((await call("GET", "sites/acme/incoming-numbers")).body.items).toEqual([expect.objectContaining({ number: "+3225550150", ringSeconds: 25 })]);
  });

  test("the pure parser keeps the good rows and reports every bad one", () => {
    const r = parseXivoCsv("firstname|phonenumber|context|protocol|linesecret\nA|1000|default|sip|\nB|1001|default|sip|x\nC|1002|default|sccp|");
    expect(r.rows.map((x) => x.line)).toEqual([2]);
    expect(r.issues).toEqual([expect.objectContaining({ path: [3, "linesecret"], rule: "csv_linesecret" }), expect.objectContaining({ path: [4, "protocol"], rule: "csv_protocol_unsupported" })]);
  });

  test("the pure parser reports unknown columns and bad booleans", () => {
    expect(parseXivoCsv("firstname|phonenumber|colour\nA|1000|red").issues).toEqual([expect.objectContaining({ path: [1, "colour"], rule: "csv_unknown_column" })]);
    const r = parseXivoCsv("firstname|phonenumber|context|protocol|enablexfer\nA|1000|default|sip|yes");
    expect(r.issues).toEqual([expect.objectContaining({ path: [2, "enablexfer"], rule: "csv_bool" })]);
    expect(r.rows).toEqual([]);
  });
});
