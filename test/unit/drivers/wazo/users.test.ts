/**
 * Users on Wazo: the requests of each operation, the mapping both ways, and
 * that every request is an operation of our Wazo description.
 */
import { PbxConflictError, PbxNotFoundError } from "../../../../sdk/errors";
import { ownerMarkOf } from "../../../../sdk/drivers/wazo";
import { AUTH, CONFD, INTERNAL, SIP1, U1, U2, contexts, expectValidRequests, rejectionOf, testWazo, useNock, userReads, wazoEndpoint, wazoUser, wazoVoicemail } from "./helpers";

useNock();

const noExtension = { items: [], total: 0 };

describe("users: create", () => {
  it("sends one POST /users with the line, SIP endpoint, extension, voicemail and login inline, then reads back", async () => {
    const t = testWazo();
    contexts(t.scope);
    t.scope.get(`${CONFD}/extensions`).query({ exten: "1001", context: INTERNAL }).reply(200, noExtension);
    let posted: Record<string, unknown> = {};
    t.scope.post(`${CONFD}/users`, (b) => ((posted = b), true)).reply(201, { ...wazoUser(), auth: { uuid: U1, username: "alice" } });
    t.scope.put(`${CONFD}/users/${U1}/services/dnd`, { enabled: true }).reply(204);
    userReads(t.scope, wazoUser({ services: { dnd: { enabled: true }, incallfilter: { enabled: false } }, description: "mark-1" }), { auth: { uuid: U1, username: "alice" } });

    const m = await t.driver.users.create(
      { extension: "1001", firstName: "Alice", lastName: "Martin", email: "alice@example.com", dnd: true, voicemail: { enabled: true, pin: "4821", ringsBeforeVoicemail: 4 }, portal: { username: "alice", password: "portal-pass-1" } },
      { ownerMark: "mark-1" },
    );

    expect(posted).toMatchObject({
      firstname: "Alice",
      lastname: "Martin",
      email: "alice@example.com",
      description: "mark-1",
      ring_seconds: 20,
      simultaneous_calls: 1,
      call_record_outgoing_external_enabled: false,
      online_call_record_enabled: false,
      voicemail: { name: "Alice Martin", number: "1001", context: INTERNAL, password: "4821", email: "alice@example.com" },
      auth: { username: "alice", password: "portal-pass-1", purpose: "user" },
    });
    const line = (posted.lines as Array<Record<string, unknown>>)[0];
    expect(line.context).toBe(INTERNAL);
    expect(line.extensions).toEqual([{ exten: "1001", context: INTERNAL }]);
    const sip = line.endpoint_sip as { name: string; auth_section_options: string[][] };
    expect(sip.auth_section_options[0]).toEqual(["username", sip.name]);
    expect(sip.auth_section_options[1][0]).toBe("password");
    expect(sip.auth_section_options[1][1]).toMatch(/^[A-Za-z0-9]{20}$/);

    expect(m).toMatchObject({ id: U1, extension: "1001", dnd: true, sipUsername: "abcdefgh", sipPassword: "sip-secret-xyz", voicemail: { enabled: true, pin: "4821", ringsBeforeVoicemail: 4 }, portal: { username: "alice", passwordSet: true } });
    expect(ownerMarkOf(m)).toBe("mark-1");
    expect(t.driver.users.ownerMarkOf(m)).toBe("mark-1");
    expect(m.revision).toBeUndefined();
    expect(t.scope.isDone()).toBe(true);
    expectValidRequests(t.calls);
  });

  it("does not send the voicemail or auth when the program has none, and maps the other fields", async () => {
    const t = testWazo();
    contexts(t.scope);
    t.scope.get(`${CONFD}/extensions`).query(true).reply(200, noExtension);
    let posted: Record<string, unknown> = {};
    t.scope.post(`${CONFD}/users`, (b) => ((posted = b), true)).reply(201, wazoUser());
    userReads(t.scope);
    await t.driver.users.create({ extension: "1001", firstName: "Bob", voicemail: { enabled: false }, multipleCalls: true, callRecording: "always", department: "Sales", language: "fr_FR", mobileNumber: "+32470123456", outgoingCallerId: "+3225550100" });
    expect(posted.voicemail).toBeUndefined();
    expect(posted.auth).toBeUndefined();
    expect(posted.description).toBeUndefined();
    expect(posted).toMatchObject({ simultaneous_calls: 5, userfield: "Sales", language: "fr_FR", mobile_phone_number: "+32470123456", outgoing_caller_id: "+3225550100", call_record_incoming_external_enabled: true, call_record_outgoing_internal_enabled: true, online_call_record_enabled: false });
    expect(t.scope.isDone()).toBe(true);
    expectValidRequests(t.calls);
  });

  it("is a PbxConflictError naming the user that holds the extension, before any write", async () => {
    const t = testWazo();
    contexts(t.scope);
    t.scope.get(`${CONFD}/extensions`).query({ exten: "1001", context: INTERNAL }).reply(200, { items: [{ id: 70, exten: "1001", context: INTERNAL, lines: [{ id: 7 }] }], total: 1 });
    t.scope.get(`${CONFD}/lines/7`).reply(200, { id: 7, users: [{ uuid: U2 }] });
    userReads(t.scope, wazoUser({ uuid: U2, id: 2 }));
    const e = await rejectionOf(t.driver.users.create({ extension: "1001", firstName: "Alice" }));
    expect(e).toBeInstanceOf(PbxConflictError);
    expect((e as PbxConflictError).existing).toEqual({ type: "user", id: U2, key: "extension 1001" });
    expect(t.scope.isDone()).toBe(true);
  });

  it("turns Wazo's 'already exists' (a 400) into a conflict naming the holder", async () => {
    const t = testWazo();
    contexts(t.scope);
    t.scope.get(`${CONFD}/extensions`).query(true).reply(200, noExtension);
    t.scope.post(`${CONFD}/users`).reply(400, ["Resource Error - Extension already exists ('exten': '1001', 'context': 'ctx-office-internal-1')"]);
    t.scope.get(`${CONFD}/extensions`).query(true).reply(200, noExtension);
    const e = await rejectionOf(t.driver.users.create({ extension: "1001", firstName: "Alice" }));
    expect(e).toBeInstanceOf(PbxConflictError);
    expect((e as PbxConflictError).existing).toEqual({ type: "extension", id: "1001", key: "extension 1001" });
  });

  it("finds the user an earlier attempt made instead of creating a second one (no idempotency keys in Wazo)", async () => {
    const t = testWazo();
    contexts(t.scope);
    t.scope.get(`${CONFD}/extensions`).query(true).reply(200, noExtension);
    t.scope.post(`${CONFD}/users`).reply(500, ["Unexpected error"]);
    // The recovery look-up: the user is there, with our mark.
    t.scope.get(`${CONFD}/extensions`).query(true).reply(200, { items: [{ id: 70, exten: "1001", context: INTERNAL, lines: [{ id: 7 }] }], total: 1 });
    t.scope.get(`${CONFD}/lines/7`).reply(200, { id: 7, users: [{ uuid: U1 }] });
    userReads(t.scope, wazoUser({ description: "mark-9" }));
    userReads(t.scope, wazoUser({ description: "mark-9" }));
    const m = await t.driver.users.create({ extension: "1001", firstName: "Alice" }, { ownerMark: "mark-9" });
    expect(m.id).toBe(U1);
    expect(t.calls.filter((c) => c.method === "POST")).toHaveLength(1);
    expect(t.scope.isDone()).toBe(true);
  });
});

describe("users: read maps Wazo back to our model", () => {
  const cases: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
    ["the defaults", {}, { firstName: "Alice", lastName: "Martin", email: "alice@example.com", mobileNumber: null, department: null, language: null, role: "user", permissions: [], directoryListed: true, multipleCalls: false, loginRequired: false, dnd: false, callRecording: "off", outgoingCallerId: null }],
    ["ring_seconds 30 → 6 rings", { ring_seconds: 30 }, { voicemail: { enabled: true, pin: "4821", ringsBeforeVoicemail: 6 } }],
    ["ring_seconds 23 → 5 rings (rounded)", { ring_seconds: 23 }, { voicemail: { enabled: true, pin: "4821", ringsBeforeVoicemail: 5 } }],
    ["simultaneous_calls 3 → multipleCalls", { simultaneous_calls: 3 }, { multipleCalls: true }],
    ["the four automatic flags → always", { call_record_outgoing_external_enabled: true, call_record_outgoing_internal_enabled: true, call_record_incoming_external_enabled: true, call_record_incoming_internal_enabled: true }, { callRecording: "always" }],
    ["one automatic flag → always", { call_record_incoming_external_enabled: true }, { callRecording: "always" }],
    ["*3 only → onDemand", { online_call_record_enabled: true }, { callRecording: "onDemand" }],
    ["dnd service", { services: { dnd: { enabled: true }, incallfilter: { enabled: false } } }, { dnd: true }],
    ["outgoing caller id", { outgoing_caller_id: "+3225550100" }, { outgoingCallerId: "+3225550100" }],
    ["anonymous caller id shows as itself", { outgoing_caller_id: "anonymous" }, { outgoingCallerId: "anonymous" }],
    ["userfield → department", { userfield: "Sales" }, { department: "Sales" }],
    ["no voicemail", { voicemail: null }, { voicemail: { enabled: false, pin: null, ringsBeforeVoicemail: 4 } }],
    ["no line", { lines: [] }, { extension: "", sipUsername: "", sipPassword: "" }],
  ];
  it.each(cases)("%s", async (_name, wazo, expected) => {
    const t = testWazo();
    contexts(t.scope);
    userReads(t.scope, wazoUser(wazo));
    const m = await t.driver.users.get(U1);
    expect(m).toMatchObject(expected);
    expect(m.sipDomain).toBe(new URL(t.host).hostname);
    expect(t.scope.isDone()).toBe(true);
  });

  it("reads the SIP credentials, PIN and login, and computes tags", async () => {
    const t = testWazo();
    contexts(t.scope);
    userReads(t.scope, wazoUser(), { endpoint: wazoEndpoint({ auth_section_options: [["username", "u1"], ["password", "p1"]] }), voicemail: wazoVoicemail({ password: "" }), auth: { uuid: U1, username: "alice" } });
    const m = await t.driver.users.get(U1);
    expect(m).toMatchObject({ sipUsername: "u1", sipPassword: "p1", voicemail: { pin: null }, portal: { username: "alice", passwordSet: true }, tags: [] });
  });

  it("a user that is gone is a PbxNotFoundError", async () => {
    const t = testWazo();
    t.scope.get(`${CONFD}/users/${U1}`).reply(404, ["Resource Not Found - User was not found ('uuid': '" + U1 + "')"]);
    expect(await rejectionOf(t.driver.users.get(U1))).toBeInstanceOf(PbxNotFoundError);
  });
});

describe("users: update, delete, find, list", () => {
  it("update sends only what the input sets, each to its place", async () => {
    const t = testWazo();
    contexts(t.scope);
    t.scope.get(`${CONFD}/users/${U1}`).reply(200, wazoUser());
    t.scope.get(`${CONFD}/voicemails/9`).reply(200, wazoVoicemail());
    let put: unknown;
    t.scope.put(`${CONFD}/users/${U1}`, (b) => ((put = b), true)).reply(204);
    // the new extension is free
    t.scope.get(`${CONFD}/extensions`).query({ exten: "1002", context: INTERNAL }).reply(200, { items: [], total: 0 });
    t.scope.put(`${CONFD}/extensions/70`, { exten: "1002" }).reply(204);
    t.scope.put(`${CONFD}/voicemails/9`, { password: "9999", number: "1002" }).reply(204);
    t.scope.put(`${CONFD}/users/${U1}/services/dnd`, { enabled: true }).reply(204);
    userReads(t.scope, wazoUser({ lines: [{ id: 7, extensions: [{ id: 70, exten: "1002", context: INTERNAL }], endpoint_sip: { uuid: SIP1 } }] }));

    await t.driver.users.update(U1, { extension: "1002", firstName: "Alicia", callRecording: "onDemand", dnd: true, voicemail: { pin: "9999", ringsBeforeVoicemail: 6 } });
    // Only what differs from what Wazo holds: the four automatic recording flags were already off.
    expect(put).toEqual({ firstname: "Alicia", ring_seconds: 30, online_call_record_enabled: true });
    expect(t.scope.isDone()).toBe(true);
    expectValidRequests(t.calls);
  });

  it("update turns the voicemail off (dissociate, delete) and on (create for the user)", async () => {
    const off = testWazo();
    contexts(off.scope);
    off.scope.get(`${CONFD}/users/${U1}`).reply(200, wazoUser());
    off.scope.get(`${CONFD}/voicemails/9`).reply(200, wazoVoicemail());
    off.scope.delete(`${CONFD}/users/${U1}/voicemails`).reply(204);
    off.scope.delete(`${CONFD}/voicemails/9`).reply(204);
    userReads(off.scope, wazoUser({ voicemail: null }));
    expect((await off.driver.users.update(U1, { voicemail: { enabled: false } } as never)).voicemail.enabled).toBe(false);
    expect(off.scope.isDone()).toBe(true);
    expectValidRequests(off.calls);

    const on = testWazo();
    contexts(on.scope);
    on.scope.get(`${CONFD}/users/${U1}`).reply(200, wazoUser({ voicemail: null }));
    on.scope.post(`${CONFD}/users/${U1}/voicemails`, { name: "Alice Martin", number: "1001", context: INTERNAL, password: "4821", email: "alice@example.com" }).reply(201, wazoVoicemail());
    userReads(on.scope);
    expect((await on.driver.users.update(U1, { voicemail: { enabled: true, pin: "4821" } } as never)).voicemail.enabled).toBe(true);
    expect(on.scope.isDone()).toBe(true);
    expectValidRequests(on.calls);
  });

  it("update to an extension another user holds is a conflict, before any write", async () => {
    const t = testWazo();
    contexts(t.scope);
    t.scope.get(`${CONFD}/users/${U1}`).reply(200, wazoUser());
    t.scope.get(`${CONFD}/voicemails/9`).reply(200, wazoVoicemail());
    t.scope.get(`${CONFD}/extensions`).query({ exten: "1002", context: INTERNAL }).reply(200, { items: [{ id: 71, exten: "1002", context: INTERNAL, lines: [{ id: 8 }] }], total: 1 });
    t.scope.get(`${CONFD}/lines/8`).reply(200, { id: 8, users: [{ uuid: U2 }] });
    userReads(t.scope, wazoUser({ uuid: U2, id: 2, lines: [{ id: 8, extensions: [{ id: 71, exten: "1002", context: INTERNAL }], endpoint_sip: null }], voicemail: null }));
    const e = await rejectionOf(t.driver.users.update(U1, { extension: "1002" } as never));
    expect((e as PbxConflictError).existing).toEqual({ type: "user", id: U2, key: "extension 1002" });
    expect(t.calls.filter((c) => c.method === "PUT")).toEqual([]);
  });

  it("update of the portal password goes to wazo-auth's reset (never into an error)", async () => {
    const t = testWazo();
    contexts(t.scope);
    t.scope.get(`${CONFD}/users/${U1}`).reply(200, wazoUser());
    t.scope.get(`${CONFD}/voicemails/9`).reply(200, wazoVoicemail());
    t.scope.get(`${AUTH}/users/${U1}`).reply(200, { uuid: U1, username: "alice" });
    t.scope.post(`${AUTH}/users/password/reset`, { password: "new-portal-pass" }).query({ user_uuid: U1 }).reply(400, { reason: ["bad password new-portal-pass"], timestamp: [0], status_code: 400 });
    const e = await rejectionOf(t.driver.users.update(U1, { portal: { password: "new-portal-pass" } } as never));
    expect(e.message).not.toContain("new-portal-pass");
    expect(JSON.stringify(e)).not.toContain("new-portal-pass");
  });

  it("delete: a look at the user's lines, then one recursive DELETE (confd removes line, endpoint, extension, voicemail, login)", async () => {
    const t = testWazo();
    t.scope.get(`${CONFD}/users/${U1}`).reply(200, wazoUser());
    t.scope.delete(`${CONFD}/users/${U1}`).query({ recursive: "true" }).reply(204);
    await t.driver.users.delete(U1);
    expect(t.scope.isDone()).toBe(true);
    expectValidRequests(t.calls);
  });

  it("delete of a user that still has devices (lines with no extension) is refused naming them, and sends no DELETE", async () => {
    const t = testWazo();
    const main = (wazoUser().lines as object[])[0];
    t.scope.get(`${CONFD}/users/${U1}`).reply(200, wazoUser({ lines: [main, { id: 77, name: "alice-desk", endpoint_sip: { uuid: SIP1 }, extensions: [] }] }));
    const e = await rejectionOf(t.driver.users.delete(U1));
    expect(e).toBeInstanceOf(PbxConflictError);
    expect(e.message).toContain("still has a device: line 77 (alice-desk)");
    expect((e as PbxConflictError).existing).toMatchObject({ type: "device", id: "77" });
    expect(t.calls.map((c) => c.method)).toEqual(["GET"]);
  });

  it("delete of a user that is gone is a PbxNotFoundError", async () => {
    const t = testWazo();
    t.scope.get(`${CONFD}/users/${U1}`).reply(404, ["Resource Not Found - User was not found"]);
    expect(await rejectionOf(t.driver.users.delete(U1))).toBeInstanceOf(PbxNotFoundError);
  });

  it("find by extension: extension in the internal context → line → user; nothing there → undefined", async () => {
    const t = testWazo();
    contexts(t.scope);
    t.scope.get(`${CONFD}/extensions`).query({ exten: "1001", context: INTERNAL }).reply(200, { items: [{ id: 70, exten: "1001", context: INTERNAL, lines: [{ id: 7 }] }], total: 1 });
    t.scope.get(`${CONFD}/lines/7`).reply(200, { id: 7, users: [{ uuid: U1 }] });
    userReads(t.scope);
    t.scope.get(`${CONFD}/extensions`).query({ exten: "1009", context: INTERNAL }).reply(200, { items: [], total: 0 });
    expect((await t.driver.users.find({ extension: "1001" }))?.id).toBe(U1);
    expect(await t.driver.users.find({ extension: "1009" })).toBeUndefined();
    expect(t.scope.isDone()).toBe(true);
    expectValidRequests(t.calls);
  });

  it("list pages with limit/offset, the later pages at once", async () => {
    const t = testWazo();
    contexts(t.scope);
    const stub = (i: number) => ({ id: i, uuid: `aaaaaaaa-0000-4000-8000-${String(i).padStart(12, "0")}` });
    const full = (i: number) => wazoUser({ ...stub(i), voicemail: null, lines: [] });
    t.scope.get(`${CONFD}/users`).query({ limit: "100", offset: "0" }).reply(200, { items: Array.from({ length: 100 }, (_, i) => full(i + 1)), total: 102 });
    t.scope.get(`${CONFD}/users`).query({ limit: "100", offset: "100" }).reply(200, { items: [full(101), full(102)], total: 102 });
    // The endpoints, voicemails and logins come in lists too, not one read per user.
    t.scope.get(`${CONFD}/endpoints/sip`).query({ limit: "100", offset: "0" }).reply(200, { items: [], total: 0 });
    t.scope.get(`${CONFD}/voicemails`).query({ limit: "100", offset: "0" }).reply(200, { items: [], total: 0 });
    t.scope.get(`${AUTH}/users`).query({ limit: "100", offset: "0" }).matchHeader("wazo-tenant", /.+/).reply(200, { items: [{ uuid: stub(3).uuid, tenant_uuid: "t", username: "u3", firstname: null, lastname: null, purpose: "user", enabled: true, emails: [] }], total: 1, filtered: 1 });
    const all = await t.driver.users.list();
    expect(all).toHaveLength(102);
    expect(all.find((u) => u.id === stub(3).uuid)?.portal).toEqual({ username: "u3", passwordSet: true });
    expect(all.find((u) => u.id === stub(4).uuid)?.portal).toEqual({ username: null, passwordSet: false });
    expect(t.scope.isDone()).toBe(true);
    expectValidRequests(t.calls);
  });
});
