/**
 * Issue 14, seed features of forwardings, function keys, incoming numbers and
 * user groups, over HTTP against the API v1 emulator: each new field is
 * stored and returned, its rules answer 422 naming the field and rule, and the
 * references follow deletes.
 */
import { mkUser, rules, withSite, type Call } from "./helpers";

let call: Call;
let close: () => Promise<void>;

beforeAll(async () => {
  const s = await withSite();
  call = s.call;
  close = () => s.app.close();
});
afterAll(() => close());

describe("forwarding options (seed 001, seed 003)", () => {
  it("stores the ring strategy, key press, direct calls only, caller ID and the kind of each number", async () => {
    const u = await mkUser(call, "2001");
    const body = {
      mode: "forward",
      always: [{ number: "+32470111111", numberKind: "mobile", ringSeconds: 25 }, { number: "+3225550111", numberKind: "deskPhone" }],
      ringStrategy: "allAtOnce",
      requireKeyPress: true,
      directCallsOnly: true,
      forwardedCallerId: "user",
    };
    const r = await call("PUT", `sites/acme/users/${u.id}/forwarding`, body);
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ ...body, always: [{ number: "+32470111111", numberKind: "mobile", ringSeconds: 25 }, { number: "+3225550111", numberKind: "deskPhone", ringSeconds: 20 }] });
    const back = await call("GET", `sites/acme/users/${u.id}/forwarding`);
    expect(back.body).toMatchObject({ ringStrategy: "allAtOnce", requireKeyPress: true, directCallsOnly: true, forwardedCallerId: "user" });
  });

  it("seed 003 fail-over mode: a list for when every device is unregistered", async () => {
    const u = await mkUser(call, "2005");
    const r = await call("PUT", `sites/acme/users/${u.id}/forwarding`, { mode: "forward", whenUnreachable: [{ number: "+32470111114", numberKind: "mobile" }] });
    expect(r.status).toBe(201);
    expect(r.body.whenUnreachable).toEqual([{ number: "+32470111114", numberKind: "mobile", ringSeconds: 20 }]);
  });

  it("defaults: in order, no key press, every call, the caller's ID", async () => {
    const u = await mkUser(call, "2002");
    const r = await call("PUT", `sites/acme/users/${u.id}/forwarding`, { mode: "followMe", followMe: [{ number: "+32470111112" }] });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ ringStrategy: "inOrder", requireKeyPress: false, directCallsOnly: false, forwardedCallerId: "caller" });
  });

  it("refuses a number kind without a number, a key press with no external number, and unknown values", async () => {
    const u = await mkUser(call, "2003");
    const v = await mkUser(call, "2004");
    const kind = await call("PUT", `sites/acme/users/${u.id}/forwarding`, { mode: "forward", always: [{ userId: v.id, numberKind: "mobile" }] });
    expect(kind.status).toBe(422);
    expect(rules(kind)).toEqual(["step_number_kind"]);
    expect(kind.body.error.issues[0].path).toEqual(["always", 0, "numberKind"]);
    const press = await call("PUT", `sites/acme/users/${u.id}/forwarding`, { mode: "forward", onBusy: [{ userId: v.id }], requireKeyPress: true });
    expect(press.status).toBe(422);
    expect(rules(press)).toEqual(["key_press_needs_number"]);
    expect(press.body.error.issues[0].path).toEqual(["requireKeyPress"]);
    // Seed 000 "sliding the seconds bar": 5–300 s.
    const slider = await call("PUT", `sites/acme/users/${u.id}/forwarding`, { mode: "forward", always: [{ number: "+32470111113", ringSeconds: 3 }] });
    expect([slider.status, rules(slider), slider.body.error.issues[0].path]).toEqual([422, ["ring_seconds_range"], ["always", 0, "ringSeconds"]]);
    const bad = await call("PUT", `sites/acme/users/${u.id}/forwarding`, { mode: "forward", always: [{ number: "+32470111113" }], ringStrategy: "random", forwardedCallerId: "nobody" });
    expect(bad.status).toBe(422);
    expect(bad.body.error.issues.map((i: { path: unknown[] }) => i.path[0]).sort()).toEqual(["forwardedCallerId", "ringStrategy"]);
  });
});

describe("function keys: XiVO types and supervision (seed 002)", () => {
  it("a forward unconditional key without a destination (the phone prompts), supervised", async () => {
    const u = await mkUser(call, "2101");
    const r = await call("PUT", `sites/acme/users/${u.id}/keys/1`, { type: "forward", forward: "unconditional", supervision: true, label: "Fwd" });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ type: "forward", forward: "unconditional", number: null, supervision: true, label: "Fwd" });
    const withNumber = await call("PUT", `sites/acme/users/${u.id}/keys/2`, { type: "forward", forward: "busy", number: "+32470222222" });
    expect(withNumber.body).toMatchObject({ type: "forward", forward: "busy", number: "+32470222222", supervision: false });
  });

  it("supervision defaults to on for blf and off otherwise; a service, group and transfer key", async () => {
    const u = await mkUser(call, "2102");
    const v = await mkUser(call, "2103");
    const g = (await call("POST", "sites/acme/user-groups", { name: "Keys group" })).body;
    const blf = await call("PUT", `sites/acme/users/${u.id}/keys/1`, { type: "blf", targetUserId: v.id });
    expect(blf.body.supervision).toBe(true);
    const line = await call("PUT", `sites/acme/users/${u.id}/keys/2`, { type: "line", targetUserId: v.id });
    expect(line.body.supervision).toBe(false);
    const dnd = await call("PUT", `sites/acme/users/${u.id}/keys/3`, { type: "service", service: "dnd", supervision: true });
    expect(dnd.body).toMatchObject({ type: "service", service: "dnd", supervision: true });
    const group = await call("PUT", `sites/acme/users/${u.id}/keys/4`, { type: "group", targetGroupId: g.id });
    expect(group.body).toMatchObject({ type: "group", targetGroupId: g.id, supervision: false });
    const transfer = await call("PUT", `sites/acme/users/${u.id}/keys/5`, { type: "transfer", transfer: "attended" });
    expect(transfer.body).toMatchObject({ type: "transfer", transfer: "attended" });
  });

  it("refuses supervision against the type, on a key with no state, and missing or foreign targets", async () => {
    const u = await mkUser(call, "2104");
    const v = await mkUser(call, "2105");
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ type: "blf", targetUserId: v.id, supervision: false }, "key_supervision_type", "supervision"],
      [{ type: "line", targetUserId: v.id, supervision: true }, "key_supervision_type", "supervision"],
      [{ type: "transfer", transfer: "blind", supervision: true }, "key_supervision_unsupported", "supervision"],
      [{ type: "service", service: "directory", supervision: true }, "key_supervision_unsupported", "supervision"],
      [{ type: "forward" }, "key_target_required", "forward"],
      [{ type: "service" }, "key_target_required", "service"],
      [{ type: "group" }, "key_target_required", "targetGroupId"],
      [{ type: "quickCall", number: "123", forward: "busy" }, "key_target_forbidden", "forward"],
      [{ type: "blf", targetUserId: v.id, number: "123" }, "key_target_forbidden", "number"],
    ];
    for (const [body, rule, field] of cases) {
      const r = await call("PUT", `sites/acme/users/${u.id}/keys/1`, body);
      expect([r.status, rules(r), r.body.error.issues[0].path]).toEqual([422, [rule], [field]]);
    }
    const missing = await call("PUT", `sites/acme/users/${u.id}/keys/1`, { type: "group", targetGroupId: "grp_nope" });
    expect(missing.status).toBe(422);
    expect(rules(missing)).toEqual(["key_target_missing"]);
  });

  it("the same forward key twice on one user is refused (seed 002); another forward is not the same key", async () => {
    const u = await mkUser(call, "2106");
    expect((await call("PUT", `sites/acme/users/${u.id}/keys/1`, { type: "forward", forward: "unconditional" })).status).toBe(201);
    const twin = await call("PUT", `sites/acme/users/${u.id}/keys/2`, { type: "forward", forward: "unconditional" });
    expect(twin.status).toBe(409);
    expect((await call("PUT", `sites/acme/users/${u.id}/keys/2`, { type: "forward", forward: "busy" })).status).toBe(201);
  });

  it("deleting a user group removes the group keys aimed at it", async () => {
    const u = await mkUser(call, "2107");
    const g = (await call("POST", "sites/acme/user-groups", { name: "Doomed" })).body;
    expect((await call("PUT", `sites/acme/users/${u.id}/keys/1`, { type: "group", targetGroupId: g.id })).status).toBe(201);
    expect((await call("DELETE", `sites/acme/user-groups/${g.id}`)).status).toBe(204);
    expect((await call("GET", `sites/acme/users/${u.id}/keys/1`)).status).toBe(404);
  });
});

describe("incoming numbers: SMS information (seed 000) and ring seconds (seed 002)", () => {
  it("defaults to none; routes to an e-mail or a user; a PATCH changes it", async () => {
    const u = await mkUser(call, "2201");
    const plain = await call("POST", "sites/acme/incoming-numbers", { number: "+3225550201" });
    expect(plain.body).toMatchObject({ sms: { type: "none" }, ringSeconds: 30 });
    const mail = await call("POST", "sites/acme/incoming-numbers", { number: "+3225550202", ringSeconds: 45, sms: { type: "email", email: " sms@example.com " } });
    expect(mail.status).toBe(201);
    expect(mail.body).toMatchObject({ ringSeconds: 45, sms: { type: "email", email: "sms@example.com" } });
    const patched = await call("PATCH", `sites/acme/incoming-numbers/${mail.body.id}`, { sms: { type: "user", userId: u.id } });
    expect(patched.body.sms).toEqual({ type: "user", userId: u.id });
  });

  it("refuses a bad e-mail, a missing user and an unknown type, naming the field", async () => {
    const mail = await call("POST", "sites/acme/incoming-numbers", { number: "+3225550203", sms: { type: "email", email: "nope" } });
    expect([mail.status, rules(mail), mail.body.error.issues[0].path]).toEqual([422, ["sms_email_format"], ["sms", "email"]]);
    const user = await call("POST", "sites/acme/incoming-numbers", { number: "+3225550204", sms: { type: "user", userId: "usr_nope" } });
    expect([user.status, rules(user), user.body.error.issues[0].path]).toEqual([422, ["sms_target_missing"], ["sms", "userId"]]);
    const type = await call("POST", "sites/acme/incoming-numbers", { number: "+3225550205", sms: { type: "fax" } });
    expect(type.status).toBe(422);
    expect(type.body.error.issues[0].path[0]).toBe("sms");
  });

  it("deleting the user SMS go to sends them nowhere, in one new revision with the destination", async () => {
    const u = await mkUser(call, "2202");
    const n = (await call("POST", "sites/acme/incoming-numbers", { number: "+3225550206", destination: { type: "user", userId: u.id }, sms: { type: "user", userId: u.id } })).body;
    expect((await call("DELETE", `sites/acme/users/${u.id}`)).status).toBe(204);
    const back = (await call("GET", `sites/acme/incoming-numbers/${n.id}`)).body;
    expect(back).toMatchObject({ destination: { type: "none" }, sms: { type: "none" }, revision: n.revision + 1 });
  });
});

describe("user groups: the queue link (seed 000)", () => {
  it("stores the queue a group is linked to, clears it with null, refuses an empty one", async () => {
    const g = await call("POST", "sites/acme/user-groups", { name: "Call center", queue: "support" });
    expect(g.status).toBe(201);
    expect(g.body.queue).toBe("support");
    const cleared = await call("PATCH", `sites/acme/user-groups/${g.body.id}`, { queue: null });
    expect(cleared.body.queue).toBeNull();
    const plain = await call("POST", "sites/acme/user-groups", { name: "No queue" });
    expect(plain.body.queue).toBeNull();
    const empty = await call("POST", "sites/acme/user-groups", { name: "Empty queue", queue: "  " });
    expect([empty.status, rules(empty), empty.body.error.issues[0].path]).toEqual([422, ["queue_empty"], ["queue"]]);
  });
});

describe("the seed walk: features already on main, over HTTP", () => {
  it("seed 000: every destination type for voice calls, each stored as given", async () => {
    const u = await mkUser(call, "2301", { voicemail: { enabled: true } });
    const g = (await call("POST", "sites/acme/user-groups", { name: "Walk group" })).body;
    const destinations = [
      { type: "none" }, // Not configured
      { type: "user", userId: u.id }, // Extension
      { type: "dialPlan", name: "Main menu" }, // Dial plan
      { type: "voicemail", userId: u.id }, // Voicemail
      { type: "hangup" }, // Hang up
      { type: "conference", room: "Board" }, // Conference
      { type: "userGroup", groupId: g.id },
    ];
    for (const [i, destination] of destinations.entries()) {
      const r = await call("POST", "sites/acme/incoming-numbers", { number: `+32255503${10 + i}`, destination });
      expect([r.status, r.body.destination]).toEqual([201, destination]);
    }
    // Seed 003 "Add From Spare": a spare number (not configured) given to a user.
    const spare = (await call("POST", "sites/acme/incoming-numbers", { number: "+3225550398" })).body;
    expect(spare.destination).toEqual({ type: "none" });
    const given = await call("PATCH", `sites/acme/incoming-numbers/${spare.id}`, { destination: { type: "user", userId: u.id } });
    expect(given.body.destination).toEqual({ type: "user", userId: u.id });
    const empty = await call("POST", "sites/acme/incoming-numbers", { number: "+3225550399", destination: { type: "conference", room: " " } });
    expect(rules(empty)).toEqual(["conference_room_empty"]);
  });

  it("seed 000 General tab, seed 001 DND, seed 002 call recording, seed 004 department, seed 000 permissions and keys: stored and returned", async () => {
    const fields = { directoryListed: false, multipleCalls: true, loginRequired: true, dnd: true, callRecording: "onDemand", department: "Sales", language: "fr_FR", permissions: ["userPortal", "queueManagement"], keyCount: 12 };
    const u = await mkUser(call, "2302", fields);
    expect(u).toMatchObject(fields);
    const bad = await call("POST", "sites/acme/users", { extension: "2303", firstName: "B", permissions: ["userPortal", "userPortal"], keyCount: 0, language: "french" });
    expect(rules(bad).sort()).toEqual(["key_count_range", "language_format", "permissions_unique"]);
  });
});
