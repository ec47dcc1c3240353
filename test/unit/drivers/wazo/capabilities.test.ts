/**
 * What Wazo cannot express is reported at preview, field by field, with no
 * network; what it can is not. Also the mapping table, and the CSV import.
 */
import nock from "nock";
import { capabilities, IMPORT_COLUMNS, WAZO_MAPPING, toCsv, wazoImportRow } from "../../../../sdk/drivers/wazo";
import { parseXivoCsv } from "../../../../sdk/import/xivoCsv";
import { PbxValidationError } from "../../../../sdk/errors";
import { KINDS, type Kind } from "../../../../sdk/drivers/driver";
import { CONFD, INCALL, INTERNAL, U1, contexts, expectValidRequests, rejectionOf, testWazo, useNock, userReads, wazoUser } from "./helpers";

useNock();

const unsupported: Array<[Kind, Record<string, unknown>, string[]]> = [
  ["user", { extension: "1001", firstName: "A", role: "admin" }, ["role"]],
  ["user", { extension: "1001", firstName: "A", role: "noPortal" }, ["role"]],
  ["user", { extension: "1001", firstName: "A", permissions: ["userPortal"] }, ["permissions"]],
  ["user", { extension: "1001", firstName: "A", directoryListed: false }, ["directoryListed"]],
  ["user", { extension: "1001", firstName: "A", loginRequired: true }, ["loginRequired"]],
  ["user", { extension: "1001", firstName: "A", keyCount: 12 }, ["keyCount"]],
  ["user", { extension: "1001", firstName: "A".repeat(129) }, ["firstName"]],
  ["user", { extension: "1001", firstName: "A", scope: "Office Manager" }, ["scope"]],
  ["user", { extension: "1001", firstName: "A", bossSecretary: "boss", agentNumber: "501", hotDeskingPin: "1234", extraExtensions: ["1101"] }, ["bossSecretary", "agentNumber", "hotDeskingPin", "extraExtensions"]],
  ["user", { extension: "1001", firstName: "A", voicemail: { notificationEmails: ["a@example.com"], email: `${"v".repeat(80)}@example.com` } }, ["voicemail.notificationEmails", "voicemail.email"]],
  ["user", { extension: "1001", firstName: "A", cti: { username: "a1", password: "has space", profile: "client" } }, ["cti.profile", "cti.password"]],
  ["user", { extension: "1001", firstName: "A", cti: { enabled: false, username: "a1" } }, ["cti.enabled"]],
  ["user", { extension: "1001", firstName: "A", department: "D".repeat(129) }, ["department"]],
  ["incomingNumber", { number: "+3225550100", destination: { type: "hangup" }, ringSeconds: 45 }, ["ringSeconds"]],
  ["userGroup", { name: "Ventes & Support" }, ["name"]],
  ["userGroup", { name: "Accueil Liège" }, ["name"]],
  ["functionKey", { userId: "u", position: 1, type: "switch" }, ["type"]],
  ["functionKey", { userId: "u", position: 1, type: "pickup", targetUserId: "v" }, ["type"]],
  ["functionKey", { userId: "u", position: 1, type: "quickCall", number: "123", label: "a;b" }, ["label"]],
  ["forwarding", { userId: "u", mode: "followMe", followMe: [{ number: "+32470999999" }] }, ["mode", "followMe"]],
  ["forwarding", { userId: "u", mode: "forward", whenUnreachable: [{ number: "+32470999999" }] }, ["whenUnreachable"]],
  ["forwarding", { userId: "u", mode: "forward", onNoAnswer: [{ number: "+32470999999" }, { number: "+32470999998" }] }, ["onNoAnswer.1"]],
  ["forwarding", { userId: "u", mode: "forward", onBusy: [{ number: "+32470999999", ringSeconds: 30 }] }, ["onBusy.0.ringSeconds"]],
  ["forwarding", { userId: "u", mode: "off", voicemailLastResort: true }, ["voicemailLastResort"]],
  ["forwarding", { userId: "u", mode: "forward" }, ["mode"]],
  // Issue 14: seed 000 SMS routing and queue link, seed 001/003 forwarding options.
  ["incomingNumber", { number: "+3225550100", destination: { type: "none" }, sms: { type: "email", email: "sms@example.com" } }, ["sms"]],
  ["incomingNumber", { number: "+3225550100", destination: { type: "none" }, sms: { type: "user", userId: "u" } }, ["sms"]],
  ["userGroup", { name: "Support", queue: "support-queue" }, ["queue"]],
  ["forwarding", { userId: "u", mode: "forward", always: [{ number: "+32470999999" }], ringStrategy: "allAtOnce" }, ["ringStrategy"]],
  ["forwarding", { userId: "u", mode: "forward", always: [{ number: "+32470999999" }], requireKeyPress: true, directCallsOnly: true, forwardedCallerId: "user" }, ["requireKeyPress", "directCallsOnly", "forwardedCallerId"]],
  ["forwarding", { userId: "u", mode: "forward", always: [{ number: "+32470999999", numberKind: "mobile" }] }, ["always.0.numberKind"]],
  // Issue 14: a Wazo device is a SIP line of the user; the mobile app, SCCP and MAC provisioning are not mapped.
  ["device", { name: "Phone", userId: "u", type: "mobile", sipUsername: "alice-app" }, ["type"]],
  ["device", { name: "Lobby", userId: "u", protocol: "sccp", macAddress: "00:1b:54:aa:bb:cc", make: "cisco", model: "7942G" }, ["protocol", "macAddress", "make", "model"]],
  ["device", { name: "Desk", userId: "u", sipUsername: "alice-desk", macAddress: "00:15:65:aa:bb:cc", make: "yealink", model: "T46U" }, ["macAddress", "make", "model"]],
  ["device", { name: "D".repeat(129), userId: "u", sipUsername: "alice-desk" }, ["name"]],
];

const supported: Array<[Kind, Record<string, unknown>]> = [
  ["user", { extension: "1001", firstName: "Alice", lastName: "Martin", email: "a@example.com", role: "user", permissions: [], directoryListed: true, loginRequired: false, multipleCalls: true, dnd: true, callRecording: "always", voicemail: { enabled: true, pin: "4821", ringsBeforeVoicemail: 6 }, portal: { username: "alice", password: "longenough" } }],
  ["user", { extension: "1001", firstName: "A", scope: "Basic User", callTransfer: true, supervision: false, bossSecretary: "none", extraExtensions: [], cti: { enabled: true, username: "alice", password: "cti-pass" }, voicemail: { email: "vm@example.com", attachAudio: true, deleteAfterNotification: true, askPassword: false } }],
  ["incomingNumber", { number: "+3225550100", destination: { type: "user", userId: "u" }, ringSeconds: 45 }],
  ["incomingNumber", { number: "+3225550100", destination: { type: "voicemail", userId: "u" } }],
  ["incomingNumber", { number: "+3225550100", destination: { type: "dialPlan", name: "Main" }, ringSeconds: 30 }],
  ["userGroup", { name: "Sales-EU 2", members: ["a", "b"], ringStrategy: "inOrder", ringSeconds: 15 }],
  ["functionKey", { userId: "u", position: 1, type: "blf", targetUserId: "v", label: "Bob" }],
  ["functionKey", { userId: "u", position: 2, type: "quickCall", number: "+32470999999" }],
  ["forwarding", { userId: "u", mode: "forward", onNoAnswer: [{ number: "+32470999999", ringSeconds: 20 }], onBusy: [{ userId: "v" }], voicemailLastResort: true }],
  ["forwarding", { userId: "u", mode: "forward", voicemailLastResort: true }],
  ["forwarding", { userId: "u", mode: "off" }],
  // Issue 14: the XiVO key types and supervision (seed 002); defaults of the new options.
  ["functionKey", { userId: "u", position: 3, type: "forward", forward: "unconditional", supervision: true }],
  ["functionKey", { userId: "u", position: 4, type: "forward", forward: "busy", number: "+32470999999" }],
  ["functionKey", { userId: "u", position: 5, type: "service", service: "dnd", supervision: true }],
  ["functionKey", { userId: "u", position: 6, type: "group", targetGroupId: "g" }],
  ["functionKey", { userId: "u", position: 7, type: "transfer", transfer: "blind" }],
  ["incomingNumber", { number: "+3225550100", destination: { type: "none" }, sms: { type: "none" } }],
  ["forwarding", { userId: "u", mode: "forward", always: [{ number: "+32470999999" }], ringStrategy: "inOrder", requireKeyPress: false, directCallsOnly: false, forwardedCallerId: "caller" }],
  ["device", { name: "Alice desk", userId: "u", type: "sip", protocol: "sip", sipUsername: "alice-desk", sipPassword: "S3cret-pass" }],
];

describe("capabilities.unsupported", () => {
  it.each(unsupported)("%s %j → %j", (kind, input, properties) => {
    const out = capabilities.unsupported(kind, input);
    expect(out.map((u) => u.property)).toEqual(properties);
    for (const u of out) expect(u.message.length).toBeGreaterThan(20);
  });

  it.each(supported)("%s %j is expressible", (kind, input) => {
    expect(capabilities.unsupported(kind, input)).toEqual([]);
  });

  it("is pure: no request leaves", () => {
    const before = nock.pendingMocks().length;
    for (const k of KINDS) capabilities.unsupported(k, {});
    expect(nock.pendingMocks().length).toBe(before);
  });
});

describe("the mapping table", () => {
  it("covers every kind and says where each field goes", () => {
    for (const k of KINDS) expect(WAZO_MAPPING.some((r) => r.kind === k)).toBe(true);
    for (const r of WAZO_MAPPING) expect(r.wazo.length).toBeGreaterThan(3);
    const userFields = WAZO_MAPPING.filter((r) => r.kind === "user").map((r) => r.field.split(".")[0]);
    for (const f of ["extension", "firstName", "lastName", "email", "mobileNumber", "department", "language", "role", "permissions", "directoryListed", "multipleCalls", "loginRequired", "dnd", "callRecording", "outgoingCallerId", "keyCount", "voicemail", "portal"]) {
      expect(userFields).toContain(f);
    }
  });
});

describe("CSV import through POST /users/import", () => {
  const xivo = [
    "entityid|firstname|lastname|language|phonenumber|context|protocol|voicemailname|voicemailmailbox|voicemailpassword|incallexten|incallcontext",
    "1|Alice|Martin|fr_FR|1001|default|sip|Alice Martin|1001|4821|+3225550100|from-extern",
  ].join("\n");

  it("turns XiVO rows into Wazo's columns and reads the users back", async () => {
    const t = testWazo();
    contexts(t.scope);
    let sent = "";
    t.scope.post(`${CONFD}/users/import`, (b) => ((sent = typeof b === "string" ? b : JSON.stringify(b)), true)).reply(201, { created: [{ row_number: 1, user_id: 1, user_uuid: U1 }] });
    userReads(t.scope, wazoUser());
    const result = await t.driver.importUsers(xivo);
    expect(result.created.map((u) => u.id)).toEqual([U1]);
    const [header, row] = sent.trim().split("\r\n");
    expect(header.split(",")).toEqual([...IMPORT_COLUMNS]);
    const cells = Object.fromEntries(header.split(",").map((c, i) => [c, row.split(",")[i]]));
    expect(cells).toMatchObject({ firstname: "Alice", lastname: "Martin", language: "fr_FR", exten: "1001", context: INTERNAL, line_protocol: "sip", voicemail_number: "1001", voicemail_password: "4821", voicemail_context: INTERNAL, incall_exten: "3225550100", incall_context: INCALL, ring_seconds: "20" });
    expect(t.calls.find((c) => c.path.endsWith("/users/import"))?.headers["content-type"]).toMatch(/^text\/csv/);
    expect(t.scope.isDone()).toBe(true);
    expectValidRequests(t.calls);
  });

  it("a bad file fails before any request, naming line and column", async () => {
    const t = testWazo();
    const e = await rejectionOf(t.driver.importUsers("firstname|phonenumber\n|1001"));
    expect(e).toBeInstanceOf(PbxValidationError);
    expect((e as PbxValidationError).issues[0].path).toEqual([2, "firstname"]);
    expect(t.calls).toEqual([]);
  });

  it("Wazo's row errors point at our lines, without echoing the row's cells", async () => {
    const t = testWazo();
    contexts(t.scope);
    t.scope.post(`${CONFD}/users/import`).reply(400, { errors: [{ message: "Extension already exists", timestamp: 0, details: { row_number: 1, row: { voicemail_password: "4821" } } }] });
    const e = (await rejectionOf(t.driver.importUsers(xivo))) as PbxValidationError;
    expect(e.issues).toEqual([{ path: [2], rule: "wazo_rejected", message: "Extension already exists" }]);
    expect(JSON.stringify(e)).not.toContain("4821");
  });

  it("quotes cells as CSV needs", () => {
    const { rows } = parseXivoCsv("firstname|lastname|phonenumber|context|protocol\nAnne, \"Jo\"|Smith|1002|default|sip");
    const csv = toCsv([wazoImportRow(rows[0], "ctx", undefined)]);
    expect(csv.split("\r\n")[1].startsWith('"Anne, ""Jo"""')).toBe(true);
  });
});
