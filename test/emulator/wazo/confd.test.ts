/**
 * The Wazo emulator's confd 1.1 over HTTP: each operation's happy path, the
 * status codes and error strings confd answers, Wazo's defaults, the rules
 * confd enforces, tenant isolation — and, at the end, that every operation
 * of our description was served and every answer fits the description.
 */
import { OPERATIONS } from "../../../sdk/drivers/wazo/spec";
import { client, mkUser, offSpec, seen, withWazo, type Wazo } from "./helpers";

let w: Wazo;
beforeEach(async () => {
  w = await withWazo();
});
afterEach(async () => {
  await w.emu.close();
});

describe("users", () => {
  test("create fills Wazo's defaults; get by id and by uuid; list with search, filters and paging", async () => {
    const r = await w.call("POST", "/users", { firstname: "Alice", lastname: "Martin", email: "alice@example.com" });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      id: expect.any(Number),
      uuid: expect.any(String),
      tenant_uuid: w.office.uuid,
      firstname: "Alice",
      lastname: "Martin",
      caller_id: '"Alice Martin"',
      ring_seconds: 30,
      simultaneous_calls: 5,
      supervision_enabled: true,
      enabled: true,
      call_record_enabled: false,
      mobile_phone_number: null,
      lines: [],
      voicemail: null,
      forwards: { busy: { enabled: false, destination: null }, noanswer: { enabled: false, destination: null }, unconditional: { enabled: false, destination: null } },
      services: { dnd: { enabled: false }, incallfilter: { enabled: false } },
      fallbacks: { noanswer_destination: null, busy_destination: null, congestion_destination: null, fail_destination: null },
    });
    expect((await w.call("GET", `/users/${r.body.id}`)).body.uuid).toBe(r.body.uuid);
    expect((await w.call("GET", `/users/${r.body.uuid}`)).body.id).toBe(r.body.id);
    await w.call("POST", "/users", { firstname: "Bob", lastname: "Baker" });
    await w.call("POST", "/users", { firstname: "Chloé", lastname: "Zola" });
    const all = await w.call("GET", "/users");
    expect(all.body.total).toBe(3);
    expect(all.body.items.map((u: { lastname: string }) => u.lastname)).toEqual(["Baker", "Martin", "Zola"]);
    expect((await w.call("GET", "/users?search=mart")).body.items.map((u: { firstname: string }) => u.firstname)).toEqual(["Alice"]);
    expect((await w.call("GET", "/users?search=chloe")).body.total).toBe(1);
    expect((await w.call("GET", "/users?email=alice@example.com")).body.total).toBe(1);
    const page = await w.call("GET", "/users?limit=1&offset=1&order=firstname&direction=desc");
    expect(page.body).toMatchObject({ total: 3, items: [{ firstname: "Bob" }] });
    expect((await w.call("GET", "/users?order=nope")).body).toEqual(["Input Error - order: column 'nope' was not found"]);
    expect((await w.call("GET", "/users?direction=up")).body).toEqual(["Input Error - direction: must be 'asc' or 'desc'"]);
    expect((await w.call("GET", "/users?offset=-1")).body).toEqual(["Input Error - offset: [{'constraint_id': 'range', 'constraint': {'min': 0}, 'message': 'Must be greater than or equal to 0.'}]"]);
    expect((await w.call("GET", "/users?limit=abc")).body).toEqual(["Input Error - limit: {'message': 'Not a valid integer.', 'constraint_id': 'type', 'constraint': 'integer'}"]);
    expect((await w.call("GET", "/users?limit=0")).body).toEqual(["Input Error - field 'limit': wrong type. Should be a positive number"]);
  });

  test("an input error names the field with marshmallow's message", async () => {
    const r = await w.call("POST", "/users", { lastname: "Nobody", ring_seconds: 20000, mobile_phone_number: "not a number" });
    expect(r.status).toBe(400);
    expect(r.body).toEqual([
      "Input Error - firstname: ['Missing data for required field.']",
      "Input Error - mobile_phone_number: ['String does not match expected pattern.']",
      "Input Error - ring_seconds: ['Must be greater than or equal to 0 and less than or equal to 10800.']",
    ]);
    expect((await w.call("POST", "/users", { firstname: "A", enabled: "yes" })).body).toEqual(["Input Error - enabled: ['Not a valid boolean.']"]);
    expect((await w.call("POST", "/users", "{not json", { "content-type": "application/json" })).status).toBe(400);
  });

  test("unknown fields are ignored, not refused", async () => {
    const r = await w.call("POST", "/users", { firstname: "A", shoe_size: 44 });
    expect(r.status).toBe(201);
    expect(r.body.shoe_size).toBeUndefined();
  });

  test("email is unique; a missing user is a 404 naming it", async () => {
    await w.call("POST", "/users", { firstname: "A", email: "a@example.com" });
    expect((await w.call("POST", "/users", { firstname: "B", email: "a@example.com" })).body).toEqual(["Resource Error - User already exists ('email': 'a@example.com')"]);
    const missing = await w.call("GET", "/users/4242");
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual(["Resource Not Found - User was not found ('id': 4242)"]);
  });

  test("PUT is partial and answers 204 with no body; names change the voicemail's name", async () => {
    const { user } = await mkUser(w, "1001", { lastname: "Martin" });
    const vm = await w.call("POST", `/users/${user.uuid}/voicemails`, { name: "U1001 Martin", number: "1001", context: w.internal, password: "4821" });
    expect(vm.status).toBe(201);
    const r = await w.call("PUT", `/users/${user.id}`, { lastname: "Dupont", ring_seconds: 25 });
    expect(r.status).toBe(204);
    expect(r.body).toBeUndefined();
    const got = (await w.call("GET", `/users/${user.id}`)).body;
    expect(got).toMatchObject({ firstname: "U1001", lastname: "Dupont", ring_seconds: 25, caller_id: '"U1001 Martin"' });
    expect((await w.call("GET", `/voicemails/${vm.body.id}`)).body.name).toBe("U1001 Dupont");
    expect((await w.call("PUT", `/users/${user.id}`, { call_record_enabled: true })).status).toBe(204);
    expect((await w.call("GET", `/users/${user.id}`)).body).toMatchObject({ call_record_enabled: true, call_record_incoming_external_enabled: true });
  });

  test("delete is refused while a voicemail is associated; recursive deletes what hangs off the user", async () => {
    const { user, line, sip, extension } = await mkUser(w, "1001");
    const vm = await w.call("POST", `/users/${user.id}/voicemails`, { name: "vm", number: "1001", context: w.internal });
    const refused = await w.call("DELETE", `/users/${user.id}`);
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual([`Resource Error - User is associated with a Voicemail ('user_id': ${user.id}, 'voicemail_id': ${vm.body.id})`]);
    const r = await w.call("DELETE", `/users/${user.id}?recursive=true`);
    expect(r.status).toBe(204);
    for (const p of [`/users/${user.id}`, `/lines/${line.id}`, `/endpoints/sip/${sip.uuid}`, `/extensions/${extension.id}`, `/voicemails/${vm.body.id}`]) {
      expect((await w.call("GET", p)).status).toBe(404);
    }
  });

  test("POST /users with its inline forms: line with SIP endpoint and extension, voicemail, auth login", async () => {
    const r = await w.call("POST", "/users", {
      firstname: "Inline",
      lastname: "User",
      lines: [{ context: w.internal, endpoint_sip: { auth_section_options: [["username", "inline"], ["password", "pw-inline"]] }, extensions: [{ exten: "1050" }] }],
      voicemail: { number: "1050", context: w.internal, password: "1234" },
      auth: { username: "inline", password: "inline-pass" },
    });
    expect(r.status).toBe(201);
    expect(r.body.lines).toHaveLength(1);
    expect(r.body.lines[0].extensions).toEqual([expect.objectContaining({ exten: "1050", context: w.internal })]);
    expect(r.body.voicemail).toMatchObject({ name: "Inline User", number: "1050" });
    expect(r.body.auth).toMatchObject({ uuid: r.body.uuid, username: "inline" });
    const sip = await w.call("GET", `/endpoints/sip/${r.body.lines[0].endpoint_sip.uuid}`);
    expect(sip.body.endpoint_section_options).toContainEqual(["context", w.internal]);
    const got = await w.call("GET", `/users/${r.body.id}`);
    expect(got.body.lines[0].extensions[0].exten).toBe("1050");
    // The same exten again is taken.
    const again = await w.call("POST", "/users", { firstname: "Twin", lines: [{ context: w.internal, endpoint_sip: {}, extensions: [{ exten: "1050" }] }] });
    expect(again.status).toBe(400);
  });
});

describe("lines, SIP endpoints, extensions", () => {
  test("the driver's path: endpoint, line, extension, associations", async () => {
    const { user, line, sip, extension } = await mkUser(w, "1001");
    expect(sip).toMatchObject({ name: expect.stringMatching(/^[a-z0-9]{8}$/), auth_section_options: [["username", "u1001"], ["password", "pw-1001"]] });
    expect(line).toMatchObject({ context: w.internal, provisioning_code: expect.stringMatching(/^\d{6}$/), position: 1, registrar: "default", endpoint_sip: null });
    const l = (await w.call("GET", `/lines/${line.id}`)).body;
    expect(l).toMatchObject({ name: sip.name, protocol: "sip", endpoint_sip: { uuid: sip.uuid }, extensions: [{ id: extension.id, exten: "1001" }], users: [{ uuid: user.uuid }] });
    expect((await w.call("GET", `/extensions/${extension.id}`)).body.lines).toEqual([expect.objectContaining({ id: line.id })]);
    expect((await w.call("GET", `/extensions?exten=1001&context=${w.internal}`)).body.total).toBe(1);
    expect((await w.call("GET", `/lines?search=${sip.name}`)).body.total).toBe(1);
    expect((await w.call("GET", `/endpoints/sip?uuid=${sip.uuid}`)).body.total).toBe(1);
  });

  test("SIP option names confd does not know are refused", async () => {
    const r = await w.call("POST", "/endpoints/sip", { auth_section_options: [["foo", "bar"]] });
    expect(r.status).toBe(400);
    expect(r.body[0]).toMatch(/^Input Error - 'auth_section_options: invalid variable \(foo\)' must be one of \(auth_type, password, username, /);
    expect((await w.call("POST", "/endpoints/sip", { auth_section_options: [["username"]] })).body).toEqual(["Input Error - auth_section_options: {0: ['Length must be between 2 and 2.']}"]);
    expect((await w.call("POST", "/endpoints/sip", { endpoint_section_options: [["callerid", '"A" <1>'], ["allow", "opus"]] })).status).toBe(201);
  });

  test("an exten already taken in its context is refused", async () => {
    await w.call("POST", "/extensions", { exten: "1001", context: w.internal });
    const r = await w.call("POST", "/extensions", { exten: "1001", context: w.internal });
    expect(r.status).toBe(400);
    expect(r.body).toEqual([`Resource Error - Extension already exists ('exten': '1001', 'context': '${w.internal}')`]);
    expect((await w.call("POST", "/extensions", { exten: "1001", context: w.incall })).status).toBe(201);
  });

  test("an unknown context, a bad exten, an exten outside the user ranges", async () => {
    expect((await w.call("POST", "/extensions", { exten: "1001", context: "nowhere" })).body).toEqual(["Input Error - field 'context': Context was not found ('context': 'nowhere')"]);
    expect((await w.call("POST", "/extensions", { exten: "+3225550100", context: w.incall })).body).toEqual(["exten: ['String does not match expected pattern.']"]);
    expect((await w.call("POST", "/lines", { context: "nowhere" })).status).toBe(400);
    const sip = await w.call("POST", "/endpoints/sip", {});
    const line = await w.call("POST", "/lines", { context: w.internal });
    await w.call("PUT", `/lines/${line.body.id}/endpoints/sip/${sip.body.uuid}`);
    const ext = await w.call("POST", "/extensions", { exten: "1", context: w.internal });
    const r = await w.call("PUT", `/lines/${line.body.id}/extensions/${ext.body.id}`);
    expect(r.body).toEqual([`Input Error - Extension '1' is outside of range for context '${w.internal}'`]);
  });

  test("associations Wazo refuses: a line without endpoint, a second endpoint, an endpoint on two lines, an incall extension on a line", async () => {
    const { line, sip } = await mkUser(w, "1001");
    const bare = await w.call("POST", "/lines", { context: w.internal });
    const ext = await w.call("POST", "/extensions", { exten: "1002", context: w.internal });
    expect((await w.call("PUT", `/lines/${bare.body.id}/extensions/${ext.body.id}`)).body).toEqual([`Resource Error - Line must be associated with a Endpoint ('line_id': ${bare.body.id})`]);
    const sip2 = await w.call("POST", "/endpoints/sip", {});
    expect((await w.call("PUT", `/lines/${line.id}/endpoints/sip/${sip2.body.uuid}`)).status).toBe(400);
    expect((await w.call("PUT", `/lines/${bare.body.id}/endpoints/sip/${sip.uuid}`)).status).toBe(400);
    const u2 = await w.call("POST", "/users", { firstname: "NoEndpoint" });
    expect((await w.call("PUT", `/users/${u2.body.id}/lines/${bare.body.id}`)).body).toEqual([`Resource Error - Line must be associated with a Endpoint ('line_id': ${bare.body.id})`]);
    const did = await w.call("POST", "/extensions", { exten: "3225550100", context: w.incall });
    await w.call("PUT", `/lines/${bare.body.id}/endpoints/sip/${sip2.body.uuid}`);
    const r = await w.call("PUT", `/lines/${bare.body.id}/extensions/${did.body.id}`);
    expect(r.status).toBe(400);
    expect(r.body[0]).toMatch(/^Resource Error - ContextType 'incall' cannot be associated/);
  });

  test("a held extension cannot be deleted; deleting a line deletes its endpoint", async () => {
    const { line, sip, extension } = await mkUser(w, "1001");
    const r = await w.call("DELETE", `/extensions/${extension.id}`);
    expect(r.status).toBe(400);
    expect(r.body[0]).toMatch(/^Resource Error - Extension is associated with a line/);
    expect((await w.call("DELETE", `/lines/${line.id}`)).status).toBe(204);
    expect((await w.call("GET", `/endpoints/sip/${sip.uuid}`)).body).toEqual([`Resource Not Found - SIPEndpoint was not found ('uuid': UUID('${sip.uuid}'))`]);
    expect((await w.call("GET", `/extensions/${extension.id}`)).status).toBe(200);
    expect((await w.call("DELETE", `/extensions/${extension.id}`)).status).toBe(204);
  });

  test("create a line with its endpoint and extension inline; update and dissociate", async () => {
    const r = await w.call("POST", "/lines", { context: w.internal, endpoint_sip: { label: "inline" }, extensions: [{ exten: "1060" }] });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ protocol: "sip", extensions: [{ exten: "1060" }] });
    expect((await w.call("PUT", `/lines/${r.body.id}`, { caller_id_name: "Desk", position: 2 })).status).toBe(204);
    expect((await w.call("GET", `/lines/${r.body.id}`)).body).toMatchObject({ caller_id_name: "Desk", position: 2 });
    const extId = r.body.extensions[0].id;
    expect((await w.call("DELETE", `/lines/${r.body.id}/extensions/${extId}`)).status).toBe(204);
    expect((await w.call("POST", `/lines/${r.body.id}/extensions`, { exten: "1061", context: w.internal })).status).toBe(201);
    expect((await w.call("PUT", `/extensions/${extId}`, { exten: "1062" })).status).toBe(204);
    expect((await w.call("PUT", `/endpoints/sip/${r.body.endpoint_sip.uuid}`, { auth_section_options: [["password", "new"]] })).status).toBe(204);
    expect((await w.call("GET", `/endpoints/sip/${r.body.endpoint_sip.uuid}`)).body.auth_section_options).toEqual([["password", "new"]]);
  });

  test("users ↔ lines: dissociate, and the line of another user's extension", async () => {
    const a = await mkUser(w, "1001");
    expect((await w.call("DELETE", `/users/${a.user.id}/lines/${a.line.id}`)).status).toBe(204);
    expect((await w.call("GET", `/users/${a.user.id}`)).body.lines).toEqual([]);
    expect((await w.call("DELETE", `/users/${a.user.id}/lines/${a.line.id}`)).status).toBe(400);
    expect((await w.call("PUT", `/users/${a.user.id}/lines/${a.line.id}`)).status).toBe(204);
    expect((await w.call("DELETE", `/lines/${a.line.id}/endpoints/sip/${a.sip.uuid}`)).status).toBe(400);
    const sip = await w.call("POST", "/endpoints/sip", {});
    expect((await w.call("DELETE", `/endpoints/sip/${sip.body.uuid}`)).status).toBe(204);
  });
});

describe("voicemails", () => {
  test("create, read, the user's voicemail, a number taken in its context, one voicemail per user", async () => {
    const { user } = await mkUser(w, "1001");
    const vm = await w.call("POST", `/users/${user.id}/voicemails`, { name: "Alice", number: "1001", context: w.internal, password: "4821", email: "alice@example.com" });
    expect(vm.status).toBe(201);
    // Answered as created, before the association (as wazo-confd does).
    expect(vm.body).toMatchObject({ number: "1001", password: "4821", ask_password: true, delete_messages: false, accesstype: "personal", users: [] });
    expect((await w.call("GET", `/voicemails/${vm.body.id}`)).body.users).toEqual([expect.objectContaining({ uuid: user.uuid })]);
    expect((await w.call("GET", `/users/${user.id}/voicemails`)).body).toMatchObject({ total: 1, items: [{ id: vm.body.id }] });
    expect((await w.call("GET", `/users/${user.id}`)).body.voicemail).toMatchObject({ id: vm.body.id, name: "Alice" });
    const taken = await w.call("POST", "/voicemails", { name: "Other", number: "1001", context: w.internal });
    expect(taken.body).toEqual([`Resource Error - Voicemail already exists ('number': '1001', 'context': '${w.internal}')`]);
    const second = await w.call("POST", "/voicemails", { name: "Second", number: "1002", context: w.internal });
    expect((await w.call("PUT", `/users/${user.id}/voicemails/${second.body.id}`)).body).toEqual([`Resource Error - User is associated with a Voicemail ('user_id': ${user.id}, 'voicemail_id': ${second.body.id})`]);
    expect((await w.call("POST", "/voicemails", { name: "Bad", number: "12a", context: w.internal, password: "abcd" })).body).toEqual([
      "Input Error - number: ['String does not match expected pattern.']",
      "Input Error - password: ['String does not match expected pattern.']",
    ]);
    expect((await w.call("DELETE", `/voicemails/${vm.body.id}`)).status).toBe(400);
    expect((await w.call("DELETE", `/users/${user.id}/voicemails`)).status).toBe(204);
    expect((await w.call("PUT", `/voicemails/${vm.body.id}`, { password: "9999" })).status).toBe(204);
    expect((await w.call("GET", "/voicemails?number=1001")).body.items[0].password).toBe("9999");
    expect((await w.call("DELETE", `/voicemails/${vm.body.id}`)).status).toBe(204);
  });
});

describe("services, forwards, fallbacks", () => {
  test("DND on and off", async () => {
    const { user } = await mkUser(w, "1001");
    expect((await w.call("PUT", `/users/${user.id}/services/dnd`, { enabled: true })).status).toBe(204);
    expect((await w.call("GET", `/users/${user.id}/services/dnd`)).body).toEqual({ enabled: true });
    expect((await w.call("GET", `/users/${user.id}/services`)).body).toEqual({ dnd: { enabled: true }, incallfilter: { enabled: false } });
    expect((await w.call("PUT", `/users/${user.id}/services/dnd`, {})).body).toEqual(["Input Error - enabled: ['Missing data for required field.']"]);
    expect((await w.call("PUT", `/users/${user.id}/services/nope`, { enabled: true })).status).toBe(404);
  });

  test("forwards: one or all; enabling one without a destination is refused", async () => {
    const { user } = await mkUser(w, "1001");
    expect((await w.call("PUT", `/users/${user.id}/forwards/noanswer`, { enabled: true, destination: "+32470999999" })).status).toBe(204);
    expect((await w.call("PUT", `/users/${user.id}/forwards`, { busy: { enabled: true, destination: "1002" } })).status).toBe(204);
    expect((await w.call("GET", `/users/${user.id}/forwards`)).body).toEqual({
      busy: { enabled: true, destination: "1002" },
      noanswer: { enabled: true, destination: "+32470999999" },
      unconditional: { enabled: false, destination: null },
    });
    expect((await w.call("GET", `/users/${user.id}/forwards/busy`)).body).toEqual({ enabled: true, destination: "1002" });
    expect((await w.call("PUT", `/users/${user.id}/forwards/unconditional`, { enabled: true })).body).toEqual(["Resource Error - Forward must be disabled to remove destination"]);
    expect((await w.call("PUT", `/users/${user.id}/forwards/busy`, { destination: null })).status).toBe(400);
  });

  test("fallbacks replace all four; a destination must exist", async () => {
    const { user } = await mkUser(w, "1001");
    const vm = await w.call("POST", `/users/${user.id}/voicemails`, { name: "vm", number: "1001", context: w.internal });
    expect((await w.call("PUT", `/users/${user.id}/fallbacks`, { noanswer_destination: { type: "voicemail", voicemail_id: vm.body.id }, busy_destination: { type: "hangup", cause: "busy" } })).status).toBe(204);
    const got = (await w.call("GET", `/users/${user.id}/fallbacks`)).body;
    expect(got).toMatchObject({ noanswer_destination: { type: "voicemail", voicemail_id: vm.body.id, voicemail_name: "vm" }, busy_destination: { type: "hangup", cause: "busy" }, congestion_destination: null, fail_destination: null });
    expect((await w.call("PUT", `/users/${user.id}/fallbacks`, { busy_destination: { type: "hangup", cause: "busy" } })).status).toBe(204);
    expect((await w.call("GET", `/users/${user.id}/fallbacks`)).body.noanswer_destination).toBeNull();
    expect((await w.call("PUT", `/users/${user.id}/fallbacks`, { noanswer_destination: { type: "user", user_id: 999 } })).body).toEqual(["Input Error - field 'actionarg1': User was not found ('actionarg1': 999)"]);
  });
});

describe("function keys", () => {
  test("set, read, list, delete a key by position", async () => {
    const a = await mkUser(w, "1001");
    const b = await mkUser(w, "1002");
    expect((await w.call("PUT", `/users/${a.user.id}/funckeys/1`, { label: "Bob", destination: { type: "user", user_id: b.user.id } })).status).toBe(204);
    expect((await w.call("PUT", `/users/${a.user.id}/funckeys/2`, { blf: false, destination: { type: "service", service: "pickup" } })).status).toBe(204);
    expect((await w.call("PUT", `/users/${a.user.id}/funckeys/3`, { destination: { type: "custom", exten: "+32470999999" } })).status).toBe(204);
    const k1 = (await w.call("GET", `/users/${a.user.id}/funckeys/1`)).body;
    expect(k1).toMatchObject({ blf: true, label: "Bob", inherited: false, destination: { type: "user", user_id: b.user.id, user_firstname: "U1002", href: expect.stringContaining(`/users/${b.user.id}`) } });
    const all = (await w.call("GET", `/users/${a.user.uuid}/funckeys`)).body;
    expect(Object.keys(all.keys)).toEqual(["1", "2", "3"]);
    expect(all.keys["2"]).toMatchObject({ blf: false, destination: { type: "service", service: "pickup" } });
    expect((await w.call("DELETE", `/users/${a.user.id}/funckeys/3`)).status).toBe(204);
    expect((await w.call("GET", `/users/${a.user.id}/funckeys/3`)).status).toBe(404);
    expect((await w.call("PUT", `/users/${a.user.id}/funckeys`, { keys: { "5": { destination: { type: "user", user_id: b.user.id } } } })).status).toBe(204);
    expect(Object.keys((await w.call("GET", `/users/${a.user.id}/funckeys`)).body.keys)).toEqual(["5"]);
  });

  test("a destination user that does not exist, the same destination twice, a bad label", async () => {
    const a = await mkUser(w, "1001");
    const b = await mkUser(w, "1002");
    expect((await w.call("PUT", `/users/${a.user.id}/funckeys/1`, { destination: { type: "user", user_id: 9999 } })).body).toEqual(["Input Error - field 'user_id': User was not found ('user_id': 9999)"]);
    await w.call("PUT", `/users/${a.user.id}/funckeys/1`, { destination: { type: "user", user_id: b.user.id } });
    const dup = await w.call("PUT", `/users/${a.user.id}/funckeys/2`, { destination: { type: "user", user_id: b.user.id } });
    expect(dup.status).toBe(400);
    expect(dup.body).toEqual([`Resource Error - destination already exists ('type': 'user', 'user_id': ${b.user.id})`]);
    expect((await w.call("PUT", `/users/${a.user.id}/funckeys/2`, { label: "a;b", destination: { type: "service", service: "pickup" } })).body[0]).toMatch(/^Input Error - field 'label': wrong type/);
    expect((await w.call("PUT", `/users/${a.user.id}/funckeys/2`, { destination: { type: "nope" } })).body[0]).toMatch(/^Input Error - destination: \{'type': \['Must be one of: /);
    // Keys that cannot supervise are stored with blf off whatever is asked (confd's _adjust_blfs).
    expect((await w.call("PUT", `/users/${a.user.id}/funckeys/3`, { blf: true, destination: { type: "service", service: "pickup" } })).status).toBe(204);
    expect((await w.call("GET", `/users/${a.user.id}/funckeys/3`)).body.blf).toBe(false);
    expect((await w.call("PUT", `/users/${a.user.id}/funckeys/0`, { destination: { type: "service", service: "enablednd" } })).status).toBe(500);
  });
});

describe("incalls", () => {
  test("an incall to a user with its DID; search by exten; the DID's extension stays when the incall goes", async () => {
    const { user } = await mkUser(w, "1001");
    const i = await w.call("POST", "/incalls", { destination: { type: "user", user_id: user.id, ring_time: 20 } });
    expect(i.status).toBe(201);
    expect(i.body).toMatchObject({ destination: { type: "user", user_id: user.id, ring_time: 20, user_firstname: "U1001" }, extensions: [] });
    const did = await w.call("POST", "/extensions", { exten: "3225550100", context: w.incall });
    expect((await w.call("PUT", `/incalls/${i.body.id}/extensions/${did.body.id}`)).status).toBe(204);
    expect((await w.call("GET", "/incalls?exten=3225550100")).body).toMatchObject({ total: 1, items: [{ id: i.body.id, extensions: [{ exten: "3225550100", context: w.incall }] }] });
    expect((await w.call("GET", `/users/${user.id}`)).body.incalls).toEqual([expect.objectContaining({ id: i.body.id })]);
    expect((await w.call("PUT", `/incalls/${i.body.id}`, { destination: { type: "hangup", cause: "normal" } })).status).toBe(204);
    expect((await w.call("GET", `/incalls/${i.body.id}`)).body.destination).toEqual({ type: "hangup", cause: "normal" });
    expect((await w.call("DELETE", `/incalls/${i.body.id}/extensions/${did.body.id}`)).status).toBe(204);
    expect((await w.call("PUT", `/incalls/${i.body.id}/extensions/${did.body.id}`)).status).toBe(204);
    expect((await w.call("DELETE", `/incalls/${i.body.id}`)).status).toBe(204);
    expect((await w.call("GET", `/extensions/${did.body.id}`)).body.incall).toBeNull();
  });

  test("what Wazo refuses: a missing destination user, a DID on two incalls, an internal extension as DID", async () => {
    const bad = await w.call("POST", "/incalls", { destination: { type: "user", user_id: 777 } });
    expect(bad.body).toEqual(["Input Error - field 'actionarg1': User was not found ('actionarg1': 777)"]);
    expect((await w.call("POST", "/incalls", {})).body).toEqual(["Input Error - destination: ['Missing data for required field.']"]);
    const a = await w.call("POST", "/incalls", { destination: { type: "none" } });
    const b = await w.call("POST", "/incalls", { destination: { type: "none" } });
    const did = await w.call("POST", "/extensions", { exten: "3225550100", context: w.incall });
    await w.call("PUT", `/incalls/${a.body.id}/extensions/${did.body.id}`);
    const twice = await w.call("PUT", `/incalls/${b.body.id}/extensions/${did.body.id}`);
    expect(twice.body).toEqual([`Resource Error - Incall is associated with a Extension ('incall_id': '${a.body.id}', 'extension_id': ${did.body.id})`]);
    const internal = await w.call("POST", "/extensions", { exten: "1999", context: w.internal });
    expect((await w.call("PUT", `/incalls/${b.body.id}/extensions/${internal.body.id}`)).body[0]).toMatch(/^Resource Error - ContextType 'internal' cannot be associated/);
  });
});

describe("IVRs and conferences (incall destinations by name)", () => {
  test("create, find by name, point an incall at them; a missing one is refused", async () => {
    const ivr = await w.call("POST", "/ivr", { name: "main-menu", menu_sound: "menu", choices: [{ exten: "1", destination: { type: "none" } }] });
    expect(ivr.status).toBe(201);
    expect(ivr.body).toMatchObject({ name: "main-menu", timeout: 5, max_tries: 3, choices: [{ exten: "1", destination: { type: "none" } }] });
    const conf = await w.call("POST", "/conferences", { name: "standup" });
    expect(conf.status).toBe(201);
    expect((await w.call("GET", "/ivr?search=main")).body).toMatchObject({ total: 1, items: [{ id: ivr.body.id }] });
    expect((await w.call("GET", "/conferences?name=standup")).body.total).toBe(1);
    const toIvr = await w.call("POST", "/incalls", { destination: { type: "ivr", ivr_id: ivr.body.id } });
    expect(toIvr.body.destination).toEqual({ type: "ivr", ivr_id: ivr.body.id, ivr_name: "main-menu" });
    const toConf = await w.call("POST", "/incalls", { destination: { type: "conference", conference_id: conf.body.id } });
    expect(toConf.body.destination).toMatchObject({ type: "conference", conference_id: conf.body.id, conference_name: "standup" });
    expect((await w.call("GET", `/ivr/${ivr.body.id}`)).body.incalls).toEqual([expect.objectContaining({ id: toIvr.body.id })]);
    expect((await w.call("GET", `/conferences/${conf.body.id}`)).body.incalls).toEqual([expect.objectContaining({ id: toConf.body.id })]);
    expect((await w.call("POST", "/incalls", { destination: { type: "ivr", ivr_id: 999 } })).body).toEqual(["Input Error - field 'actionarg1': IVR was not found ('actionarg1': 999)"]);
    expect((await w.other("GET", `/ivr/${ivr.body.id}`)).status).toBe(404);
    expect((await w.call("DELETE", `/ivr/${ivr.body.id}`)).status).toBe(204);
    expect((await w.call("GET", `/incalls/${toIvr.body.id}`)).body.destination).toEqual({ type: "none" });
    expect((await w.call("DELETE", `/conferences/${conf.body.id}`)).status).toBe(204);
    expect((await w.call("GET", `/conferences/${conf.body.id}`)).body).toEqual([`Resource Not Found - Conference was not found ('id': ${conf.body.id})`]);
  });
});

describe("groups", () => {
  test("create with Wazo's defaults, members with their order, an extension; label not unique", async () => {
    const a = await mkUser(w, "1001");
    const b = await mkUser(w, "1002");
    const g = await w.call("POST", "/groups", { label: "Sales" });
    expect(g.status).toBe(201);
    expect(g.body).toMatchObject({ label: "Sales", name: `grp-office-${g.body.uuid}`, ring_strategy: "all", user_timeout: 15, retry_delay: 5, timeout: null, ring_in_use: true, enabled: true, members: { users: [], extensions: [] } });
    expect((await w.call("POST", "/groups", { label: "Sales" })).status).toBe(201);
    expect((await w.call("PUT", `/groups/${g.body.uuid}/members/users`, { users: [{ uuid: b.user.uuid }, { uuid: a.user.uuid }] })).status).toBe(204);
    const got = (await w.call("GET", `/groups/${g.body.uuid}`)).body;
    expect(got.members.users.map((m: { uuid: string; priority: number }) => [m.uuid, m.priority])).toEqual([
      [b.user.uuid, 0],
      [a.user.uuid, 1],
    ]);
    expect((await w.call("GET", `/users/${a.user.id}`)).body.groups).toEqual([expect.objectContaining({ uuid: g.body.uuid, name: g.body.name })]);
    const ext = await w.call("POST", "/extensions", { exten: "2000", context: w.internal });
    expect((await w.call("PUT", `/groups/${g.body.uuid}/extensions/${ext.body.id}`)).status).toBe(204);
    expect((await w.call("GET", `/groups?label=Sales`)).body.total).toBe(2);
    expect((await w.call("PUT", `/groups/${g.body.id}`, { ring_strategy: "linear", user_timeout: 20 })).status).toBe(204);
    expect((await w.call("GET", `/groups/${g.body.id}`)).body).toMatchObject({ ring_strategy: "linear", user_timeout: 20 });
    expect((await w.call("DELETE", `/groups/${g.body.uuid}/extensions/${ext.body.id}`)).status).toBe(204);
    expect((await w.call("DELETE", `/groups/${g.body.uuid}`)).status).toBe(204);
    expect((await w.call("GET", `/groups/${g.body.uuid}`)).status).toBe(404);
  });

  test("what Wazo refuses: an unknown user, a user without a line, a user twice, a bad label or strategy", async () => {
    const a = await mkUser(w, "1001");
    const g = await w.call("POST", "/groups", { label: "Sales" });
    const unknown = await w.call("PUT", `/groups/${g.body.uuid}/members/users`, { users: [{ uuid: "11111111-1111-1111-1111-111111111111" }] });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual(["Input Error - field 'users': User was not found ('uuid': '11111111-1111-1111-1111-111111111111')"]);
    const lineless = await w.call("POST", "/users", { firstname: "Lineless" });
    expect((await w.call("PUT", `/groups/${g.body.uuid}/members/users`, { users: [{ uuid: lineless.body.uuid }] })).body).toEqual([`Resource Error - User must be associated with a Line ('user_uuid': '${lineless.body.uuid}')`]);
    expect((await w.call("PUT", `/groups/${g.body.uuid}/members/users`, { users: [{ uuid: a.user.uuid }, { uuid: a.user.uuid }] })).body).toEqual(["Resource Error - Operation not permitted. Cannot associate same user more than once"]);
    expect((await w.call("POST", "/groups", { label: "Sales/Support", ring_strategy: "everyone" })).body).toEqual([
      "Input Error - label: ['String does not match expected pattern.']",
      "Input Error - ring_strategy: ['Must be one of: all, random, least_recent, linear, fewest_calls, memorized_round_robin, weight_random.']",
    ]);
  });
});

describe("contexts", () => {
  test("create and read a context; its name is generated", async () => {
    const r = await w.call("POST", "/contexts", { label: "Sales floor", type: "internal", user_ranges: [{ start: "3000", end: "3999" }] });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ label: "Sales floor", type: "internal", name: expect.stringMatching(/^ctx-office-internal-/), tenant_uuid: w.office.uuid });
    expect((await w.call("GET", `/contexts/${r.body.id}`)).body.name).toBe(r.body.name);
    expect((await w.call("GET", "/contexts?type=incall")).body.items).toEqual([expect.objectContaining({ name: w.incall })]);
    expect((await w.call("POST", "/contexts", { label: "x", user_ranges: [{ start: "100", end: "99" }] })).body).toEqual(["Input Error - user_ranges: {0: {'_schema': ['Start and end must be of the same length']}}"]);
  });
});

describe("user import", () => {
  const header = "firstname,lastname,email,exten,context,line_protocol,sip_username,sip_secret,voicemail_name,voicemail_number,voicemail_context,voicemail_password,incall_exten,incall_context,username,password";

  test("a good file creates users with lines, voicemails, incalls and logins", async () => {
    const csv = `${header}\nAlice,Martin,alice@example.com,1001,${w.internal},sip,alice,pw-alice,Alice,1001,${w.internal},4821,3225550101,${w.incall},alice,alice-pass\nBob,Baker,,1002,${w.internal},sip,bob,pw-bob,,,,,,,,\n`;
    const r = await w.call("POST", "/users/import", csv);
    expect(r.status).toBe(201);
    expect(r.body.created).toHaveLength(2);
    expect(r.body.created[0]).toMatchObject({ row_number: 1, user_id: expect.any(Number), line_id: expect.any(Number), extension_id: expect.any(Number), voicemail_id: expect.any(Number), incall_extension_id: expect.any(Number) });
    const alice = (await w.call("GET", `/users/${r.body.created[0].user_id}`)).body;
    expect(alice).toMatchObject({ firstname: "Alice", lines: [{ extensions: [{ exten: "1001" }] }], voicemail: { id: r.body.created[0].voicemail_id }, incalls: [expect.objectContaining({ extensions: [expect.objectContaining({ exten: "3225550101" })] })] });
    await login(w, "alice", "alice-pass");
  });

  test("a bad row: 400 with an error per bad row, and nothing is kept", async () => {
    const csv = `${header}\nAlice,Martin,,1001,${w.internal},sip,,,,,,,,,,\n,NoFirstname,,1002,${w.internal},sip,,,,,,,,,,\nCarol,Twin,,1001,${w.internal},sip,,,,,,,,,,\nDan,NoVmName,,1003,${w.internal},sip,,,,1003,${w.internal},,,,,\n`;
    const r = await w.call("POST", "/users/import", csv);
    expect(r.status).toBe(400);
    expect(r.body.errors.map((e: { details: { row_number: number } }) => e.details.row_number)).toEqual([2, 3, 4]);
    expect(r.body.errors[0].message).toBe("{'firstname': ['Field may not be null.']}");
    expect(r.body.errors[1].message).toContain("Extension already exists");
    expect(r.body.errors[2].message).toBe("{'name': ['Missing data for required field.']}");
    expect((await w.call("GET", "/users")).body.total).toBe(0);
    expect((await w.call("GET", "/extensions")).body.total).toBe(0);
  });
});

async function login(wz: Wazo, username: string, password: string): Promise<string> {
  const r = await wz.auth("POST", "/token", {}, { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}` });
  expect(r.status).toBe(200);
  return r.body.data.token;
}

describe("tenant isolation", () => {
  test("another tenant's objects are invisible: 404 by id, absent from lists, unusable as references", async () => {
    const a = await mkUser(w, "1001");
    const g = await w.call("POST", "/groups", { label: "Sales" });
    const vm = await w.call("POST", "/voicemails", { name: "vm", number: "1001", context: w.internal });
    const i = await w.call("POST", "/incalls", { destination: { type: "none" } });
    for (const p of [`/users/${a.user.id}`, `/users/${a.user.uuid}`, `/lines/${a.line.id}`, `/endpoints/sip/${a.sip.uuid}`, `/extensions/${a.extension.id}`, `/voicemails/${vm.body.id}`, `/incalls/${i.body.id}`, `/groups/${g.body.uuid}`, `/users/${a.user.id}/forwards`, `/users/${a.user.id}/funckeys`, `/users/${a.user.id}/fallbacks`, `/users/${a.user.id}/services/dnd`]) {
      const r = await w.other("GET", p);
      expect([p, r.status]).toEqual([p, 404]);
      expect(Array.isArray(r.body)).toBe(true);
    }
    for (const p of ["/users", "/lines", "/extensions", "/voicemails", "/incalls", "/groups", "/endpoints/sip"]) expect((await w.other("GET", p)).body.total).toBe(0);
    expect((await w.other("PUT", `/users/${a.user.id}`, { firstname: "Hacked" })).status).toBe(404);
    expect((await w.other("DELETE", `/users/${a.user.id}?recursive=true`)).status).toBe(404);
    expect((await w.call("GET", `/users/${a.user.id}`)).body.firstname).toBe("U1001");
    const mine = await w.other("POST", "/users", { firstname: "Olga" });
    expect((await w.other("PUT", `/users/${mine.body.id}/funckeys/1`, { destination: { type: "user", user_id: a.user.id } })).status).toBe(400);
    expect((await w.other("POST", "/incalls", { destination: { type: "user", user_id: a.user.id } })).status).toBe(400);
    expect((await w.other("POST", "/extensions", { exten: "1500", context: w.internal })).status).toBe(400);
    const og = await w.other("POST", "/groups", { label: "Theirs" });
    expect((await w.other("PUT", `/groups/${og.body.uuid}/members/users`, { users: [{ uuid: a.user.uuid }] })).status).toBe(400);
    expect((await w.other("PUT", `/users/${mine.body.id}/lines/${a.line.id}`)).status).toBe(404);
    // The master token with Wazo-Tenant sees the office's objects.
    expect((await client(w.emu, "confd", w.emu.adminToken, w.office.uuid)("GET", `/users/${a.user.id}`)).status).toBe(200);
  });
});

describe("metrics", () => {
  test("requests are counted per route, so tests can count writes", async () => {
    await mkUser(w, "1001");
    const m = await w.call("GET", "/metrics");
    expect(m.body.requests["POST /api/confd/1.1/users"]).toBe(1);
    expect(m.body.requests["PUT /api/confd/1.1/lines/:line_id/endpoints/sip/:sip_uuid"]).toBe(1);
    expect(m.body.requests["POST /api/auth/0.1/token"]).toBeGreaterThanOrEqual(2);
  });
});

describe("wazo-auth operations (answers checked against the description too)", () => {
  test("token, tenants, logins", async () => {
    const admin = client(w.emu, "auth", w.emu.adminToken);
    expect((await w.auth("GET", `/token/${w.token}`)).body.data.metadata.tenant_uuid).toBe(w.office.uuid);
    expect((await admin("GET", "/tenants?search=off")).body.items).toEqual([expect.objectContaining({ slug: "office" })]);
    const t = await admin("POST", "/tenants", { name: "Lyon" });
    expect(t.body.slug).toBe("Lyon");
    const lyon = client(w.emu, "auth", w.emu.adminToken, t.body.uuid);
    const u = await lyon("POST", "/users", { username: "lyon", password: "lyon-pass" });
    expect(u.status).toBe(200);
    expect((await lyon("GET", `/users/${u.body.uuid}`)).body).toMatchObject({ username: "lyon", purpose: "user", enabled: true });
    expect((await client(w.emu, "auth", w.token)("GET", `/users/${u.body.uuid}`)).status).toBe(404);
    // The list shows the tenant's logins only (total in scope, filtered by the search).
    const listed = await lyon("GET", "/users?search=lyo&limit=10");
    expect(listed.body).toMatchObject({ total: 1, filtered: 1, items: [expect.objectContaining({ uuid: u.body.uuid, username: "lyon" })] });
    expect((await client(w.emu, "auth", w.token)("GET", "/users")).body.items.map((x: { uuid: string }) => x.uuid)).not.toContain(u.body.uuid);
    expect((await lyon("GET", "/users?order=nope")).status).toBe(400);
    expect((await lyon("PUT", `/users/${u.body.uuid}`, { username: "lyon2", firstname: "Léa" })).body).toMatchObject({ username: "lyon2", firstname: "Léa" });
    const session = await login(w, "lyon2", "lyon-pass");
    expect((await lyon("POST", `/users/password/reset?user_uuid=${u.body.uuid}`, { password: "new-pass" })).status).toBe(204);
    expect((await client(w.emu, "confd", session)("GET", "/users")).status).toBe(401);
    expect((await w.auth("POST", "/token", {}, { authorization: `Basic ${Buffer.from("lyon2:lyon-pass").toString("base64")}` })).status).toBe(401);
    await login(w, "lyon2", "new-pass");
    const dup = await lyon("POST", "/users", { username: "lyon2", password: "x" });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ message: "Conflict detected", error_id: "conflict" });
    expect((await w.auth("DELETE", `/token/${w.token}`)).status).toBe(200);
  });
});

describe("the description", () => {
  test("every operation of the description was served", () => {
    const missing = OPERATIONS.filter((o) => !seen.has(o.id)).map((o) => o.id);
    expect(missing).toEqual([]);
  });

  test("every answer fits the description's response schema", () => {
    expect(offSpec).toEqual([]);
  });
});
