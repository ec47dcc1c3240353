/**
 * Incoming numbers, user groups, function keys and forwardings on Wazo: the
 * requests of each operation, the mapping both ways, and that every request
 * is an operation of our Wazo description.
 */
import { PbxApiError, PbxConflictError, PbxNotFoundError, PbxValidationError } from "../../../../sdk/errors";
import type { Destination } from "../../../../sdk/schemas/incomingNumber";
import { splitMark } from "../../../../sdk/drivers/wazo/incomingNumbers";
import { CONFD, G1, INCALL, INTERNAL, U1, U2, contexts, expectValidRequests, rejectionOf, testWazo, useNock, wazoGroup, wazoIncall, wazoUser } from "./helpers";

useNock();

describe("incoming numbers", () => {
  it("create: DID free? POST /incalls, POST /extensions in the incall context (without +), associate, read", async () => {
    const t = testWazo();
    contexts(t.scope);
    t.scope.get(`${CONFD}/extensions`).query({ exten: "3225550100", context: INCALL }).reply(200, { items: [], total: 0 });
    t.scope.get(`${CONFD}/users/${U1}`).reply(200, wazoUser());
    t.scope.post(`${CONFD}/incalls`, { destination: { type: "user", user_id: 1, ring_time: 25 }, description: "Main" }).reply(201, wazoIncall({ extensions: [] }));
    t.scope.post(`${CONFD}/extensions`, { exten: "3225550100", context: INCALL }).reply(201, { id: 50, exten: "3225550100", context: INCALL });
    t.scope.put(`${CONFD}/incalls/5/extensions/50`).reply(204);
    t.scope.get(`${CONFD}/incalls/5`).reply(200, wazoIncall({ description: "Main", destination: { type: "user", user_id: 1, ring_time: 25, user_firstname: "Alice" } }));
    const n = await t.driver.incomingNumbers.create({ number: "+3225550100", destination: { type: "user", userId: U1 }, ringSeconds: 25, description: "Main" });
    expect(n).toEqual({ id: "5", site: "office", number: "+3225550100", destination: { type: "user", userId: U1 }, ringSeconds: 25, description: "Main", sms: { type: "none" } });
    expect(t.scope.isDone()).toBe(true);
    expectValidRequests(t.calls);
  });

  it("create after a 500: the incall an earlier attempt made is found, not made twice; if none, the POST is sent again", async () => {
    const landed = testWazo();
    contexts(landed.scope);
    landed.scope.get(`${CONFD}/extensions`).query(true).reply(200, { items: [], total: 0 });
    landed.scope.post(`${CONFD}/incalls`).reply(500, ["Unexpected error"]);
    landed.scope.get(`${CONFD}/incalls`).query(true).reply(200, { items: [wazoIncall({ id: 4, destination: { type: "none" }, extensions: [{ id: 40, exten: "1", context: INCALL }] }), wazoIncall({ id: 5, extensions: [] })], total: 2 });
    landed.scope.post(`${CONFD}/extensions`).reply(201, { id: 50, exten: "3225550100", context: INCALL });
    landed.scope.put(`${CONFD}/incalls/5/extensions/50`).reply(204);
    landed.scope.get(`${CONFD}/incalls/5`).reply(200, wazoIncall());
    expect((await landed.driver.incomingNumbers.create({ number: "+3225550100" })).id).toBe("5");
    expect(landed.calls.filter((c) => c.method === "POST" && c.path.endsWith("/incalls"))).toHaveLength(1);
    expect(landed.scope.isDone()).toBe(true);

    const lost = testWazo();
    contexts(lost.scope);
    lost.scope.get(`${CONFD}/extensions`).query(true).reply(200, { items: [], total: 0 });
    lost.scope.post(`${CONFD}/incalls`).reply(500, ["Unexpected error"]);
    lost.scope.get(`${CONFD}/incalls`).query(true).reply(200, { items: [], total: 0 });
    lost.scope.post(`${CONFD}/incalls`).reply(201, wazoIncall({ extensions: [] }));
    lost.scope.post(`${CONFD}/extensions`).reply(201, { id: 50, exten: "3225550100", context: INCALL });
    lost.scope.put(`${CONFD}/incalls/5/extensions/50`).reply(204);
    lost.scope.get(`${CONFD}/incalls/5`).reply(200, wazoIncall());
    expect((await lost.driver.incomingNumbers.create({ number: "+3225550100" })).id).toBe("5");
    expect(lost.sleeps).toHaveLength(1);
    expect(lost.scope.isDone()).toBe(true);
  });

  it("the owner mark rides on a last line of the description and never shows in it", async () => {
    const mark = "pulumi-pbx:0123456789abcdef01234567";
    const t = testWazo();
    contexts(t.scope);
    t.scope.get(`${CONFD}/extensions`).query(true).reply(200, { items: [], total: 0 });
    t.scope.post(`${CONFD}/incalls`, { destination: { type: "none" }, description: `Main\n${mark}` }).reply(201, wazoIncall({ extensions: [] }));
    t.scope.post(`${CONFD}/extensions`).reply(201, { id: 50, exten: "3225550100", context: INCALL });
    t.scope.put(`${CONFD}/incalls/5/extensions/50`).reply(204);
    t.scope.get(`${CONFD}/incalls/5`).reply(200, wazoIncall({ description: `Main\n${mark}` }));
    const n = await t.driver.incomingNumbers.create({ number: "+3225550100", description: "Main" }, { ownerMark: mark });
    expect(n.description).toBe("Main");
    expect(t.driver.incomingNumbers.ownerMarkOf?.(n)).toBe(mark);
    // A new description keeps the mark.
    t.scope.get(`${CONFD}/incalls/5`).reply(200, wazoIncall({ description: `Main\n${mark}` }));
    t.scope.put(`${CONFD}/incalls/5`, { description: `Front desk\n${mark}` }).reply(204);
    t.scope.get(`${CONFD}/incalls/5`).reply(200, wazoIncall({ description: `Front desk\n${mark}` }));
    expect((await t.driver.incomingNumbers.update("5", { description: "Front desk" } as never)).description).toBe("Front desk");
    expect(t.scope.isDone()).toBe(true);
    expectValidRequests(t.calls);
  });

  it.each([
    [null, { description: null }],
    ["Main", { description: "Main" }],
    ["pulumi-pbx:0123456789abcdef01234567", { description: null, mark: "pulumi-pbx:0123456789abcdef01234567" }],
    ["Main\npulumi-pbx:0123456789abcdef01234567", { description: "Main", mark: "pulumi-pbx:0123456789abcdef01234567" }],
    ["\npulumi-pbx:0123456789abcdef01234567", { description: "", mark: "pulumi-pbx:0123456789abcdef01234567" }],
  ])("splitMark(%j)", (stored, expected) => {
    expect(splitMark(stored)).toEqual(expected);
  });

  it("inputs are read as API v1 reads them: a number typed with spaces is E.164, a bad one is refused before any request", async () => {
    const t = testWazo();
    contexts(t.scope);
    t.scope.get(`${CONFD}/extensions`).query({ exten: "3225550100", context: INCALL }).reply(200, { items: [], total: 0 });
    t.scope.post(`${CONFD}/incalls`).reply(201, wazoIncall({ extensions: [] }));
    t.scope.post(`${CONFD}/extensions`, { exten: "3225550100", context: INCALL }).reply(201, { id: 50, exten: "3225550100", context: INCALL });
    t.scope.put(`${CONFD}/incalls/5/extensions/50`).reply(204);
    t.scope.get(`${CONFD}/incalls/5`).reply(200, wazoIncall());
    expect((await t.driver.incomingNumbers.create({ number: "+32 2 555 01 00" })).number).toBe("+3225550100");
    const bad = testWazo();
    const e = (await rejectionOf(bad.driver.incomingNumbers.create({ number: "0032-not-a-number" }))) as PbxValidationError;
    expect(e).toBeInstanceOf(PbxValidationError);
    expect(e.issues[0].path).toEqual(["number"]);
    expect(bad.calls).toEqual([]);
  });

  it("create: a DID that is taken is a conflict naming the incoming number", async () => {
    const t = testWazo();
    contexts(t.scope);
    t.scope.get(`${CONFD}/extensions`).query({ exten: "3225550100", context: INCALL }).reply(200, { items: [{ id: 50, exten: "3225550100", context: INCALL, incall: { id: 5 } }], total: 1 });
    t.scope.get(`${CONFD}/incalls/5`).reply(200, wazoIncall());
    const e = await rejectionOf(t.driver.incomingNumbers.create({ number: "+3225550100" }));
    expect((e as PbxConflictError).existing).toEqual({ type: "incomingNumber", id: "5", key: "number +3225550100" });
  });

  it("create: a DID outside the incall ranges takes back the incall (no orphan) and names number", async () => {
    const t = testWazo();
    contexts(t.scope);
    t.scope.get(`${CONFD}/extensions`).query(true).reply(200, { items: [], total: 0 });
    t.scope.post(`${CONFD}/incalls`).reply(201, wazoIncall({ extensions: [] }));
    t.scope.post(`${CONFD}/extensions`).reply(400, ["Input Error - exten: Exten 3225550100 not inside range of context ctx-office-incall-2"]);
    t.scope.delete(`${CONFD}/incalls/5`).reply(204);
    const e = await rejectionOf(t.driver.incomingNumbers.create({ number: "+3225550100" }));
    expect(e).toBeInstanceOf(PbxValidationError);
    expect((e as PbxValidationError).issues[0].path).toEqual(["number"]);
    expect(t.scope.isDone()).toBe(true);
  });

  const destinations: Array<[string, Destination, Record<string, unknown>, Array<(t: ReturnType<typeof testWazo>) => void>]> = [
    ["none", { type: "none" }, { type: "none" }, []],
    ["hangup", { type: "hangup" }, { type: "hangup", cause: "normal" }, []],
    ["user", { type: "user", userId: U1 }, { type: "user", user_id: 1, ring_time: 30 }, [(t) => t.scope.get(`${CONFD}/users/${U1}`).reply(200, wazoUser())]],
    ["userGroup", { type: "userGroup", groupId: G1 }, { type: "group", group_id: 3, ring_time: 30 }, [(t) => t.scope.get(`${CONFD}/groups/${G1}`).reply(200, wazoGroup())]],
    ["voicemail", { type: "voicemail", userId: U1 }, { type: "voicemail", voicemail_id: 9 }, [(t) => t.scope.get(`${CONFD}/users/${U1}`).reply(200, wazoUser())]],
    ["dialPlan → IVR by name", { type: "dialPlan", name: "Main menu" }, { type: "ivr", ivr_id: 4 }, [(t) => t.scope.get(`${CONFD}/ivr`).query(true).reply(200, { items: [{ id: 2, name: "Main menu 2" }, { id: 4, name: "Main menu" }], total: 2 })]],
    ["conference by name", { type: "conference", room: "Board" }, { type: "conference", conference_id: 6 }, [(t) => t.scope.get(`${CONFD}/conferences`).query(true).reply(200, { items: [{ id: 6, name: "Board" }], total: 1 })]],
  ];
  it.each(destinations)("update destination %s", async (_n, ours, wazo, setUp) => {
    const t = testWazo();
    t.scope.get(`${CONFD}/incalls/5`).reply(200, wazoIncall());
    for (const s of setUp) s(t);
    t.scope.put(`${CONFD}/incalls/5`, { destination: wazo } as never).reply(204);
    // Wazo answers destinations with the names of what they point at.
    t.scope.get(`${CONFD}/incalls/5`).reply(200, wazoIncall({ destination: { ...wazo, ivr_name: "Main menu", conference_name: "Board" } }));
    t.scope.get(`${CONFD}/voicemails/9`).optionally().reply(200, { id: 9, users: [{ uuid: U1 }] });
    expect((await t.driver.incomingNumbers.update("5", { destination: ours } as never)).destination).toEqual(ours);
    expect(t.scope.isDone()).toBe(true);
    expectValidRequests(t.calls);
  });

  const reads: Array<[string, Record<string, unknown>, Destination, number]> = [
    ["user", { type: "user", user_id: 2, ring_time: 15.0 }, { type: "user", userId: U2 }, 15],
    ["group", { type: "group", group_id: 3, ring_time: null }, { type: "userGroup", groupId: G1 }, 30],
    ["voicemail", { type: "voicemail", voicemail_id: 9 }, { type: "voicemail", userId: U1 }, 30],
    ["ivr", { type: "ivr", ivr_id: 4, ivr_name: "Main menu" }, { type: "dialPlan", name: "Main menu" }, 30],
    ["conference", { type: "conference", conference_id: 6, conference_name: "Board" }, { type: "conference", room: "Board" }, 30],
    ["hangup busy", { type: "hangup", cause: "busy" }, { type: "hangup" }, 30],
    ["queue (not modelled)", { type: "queue", queue_id: 1 }, { type: "dialPlan", name: "wazo:queue" }, 30],
  ];
  it.each(reads)("read destination %s", async (_n, wazo, ours, ring) => {
    const t = testWazo();
    t.scope.get(`${CONFD}/incalls/5`).reply(200, wazoIncall({ destination: wazo }));
    t.scope.get(`${CONFD}/users/2`).optionally().reply(200, wazoUser({ id: 2, uuid: U2 }));
    t.scope.get(`${CONFD}/groups`).query(true).optionally().reply(200, { items: [wazoGroup()], total: 1 });
    t.scope.get(`${CONFD}/voicemails/9`).optionally().reply(200, { id: 9, users: [{ uuid: U1 }] });
    const n = await t.driver.incomingNumbers.get("5");
    expect(n.destination).toEqual(ours);
    expect(n.ringSeconds).toBe(ring);
  });

  it("update of the number moves the extension; delete dissociates and deletes it, then the incall", async () => {
    const t = testWazo();
    contexts(t.scope);
    t.scope.get(`${CONFD}/incalls/5`).reply(200, wazoIncall());
    t.scope.get(`${CONFD}/extensions`).query({ exten: "3225550199", context: INCALL }).reply(200, { items: [], total: 0 });
    t.scope.put(`${CONFD}/extensions/50`, { exten: "3225550199" }).reply(204);
    t.scope.get(`${CONFD}/incalls/5`).reply(200, wazoIncall({ extensions: [{ id: 50, exten: "3225550199", context: INCALL }] }));
    expect((await t.driver.incomingNumbers.update("5", { number: "+3225550199" })).number).toBe("+3225550199");

    t.scope.get(`${CONFD}/incalls/5`).reply(200, wazoIncall());
    t.scope.delete(`${CONFD}/incalls/5/extensions/50`).reply(204);
    t.scope.delete(`${CONFD}/extensions/50`).reply(204);
    t.scope.delete(`${CONFD}/incalls/5`).reply(204);
    await t.driver.incomingNumbers.delete("5");
    expect(t.scope.isDone()).toBe(true);
    expectValidRequests(t.calls);
  });

  it("find by number and list", async () => {
    const t = testWazo();
    contexts(t.scope);
    t.scope.get(`${CONFD}/extensions`).query({ exten: "3225550100", context: INCALL }).reply(200, { items: [{ id: 50, exten: "3225550100", context: INCALL, incall: { id: 5 } }], total: 1 });
    t.scope.get(`${CONFD}/incalls/5`).reply(200, wazoIncall());
    t.scope.get(`${CONFD}/extensions`).query({ exten: "3225550111", context: INCALL }).reply(200, { items: [], total: 0 });
    t.scope.get(`${CONFD}/incalls`).query({ limit: "100", offset: "0" }).reply(200, { items: [wazoIncall(), wazoIncall({ id: 6, extensions: [{ id: 51, exten: "3225550101", context: INCALL }] })], total: 2 });
    expect((await t.driver.incomingNumbers.find({ number: "+3225550100" }))?.id).toBe("5");
    expect(await t.driver.incomingNumbers.find({ number: "+3225550111" })).toBeUndefined();
    expect((await t.driver.incomingNumbers.list()).map((n) => n.number)).toEqual(["+3225550100", "+3225550101"]);
    expect(t.scope.isDone()).toBe(true);
    expectValidRequests(t.calls);
  });
});

describe("user groups", () => {
  it("create: name free? POST /groups (label, strategy, timeouts), PUT members by uuid with priority, read", async () => {
    const t = testWazo();
    t.scope.get(`${CONFD}/groups`).query({ label: "Sales", limit: "100", offset: "0" }).reply(200, { items: [], total: 0 });
    t.scope.post(`${CONFD}/groups`, { label: "Sales", ring_strategy: "linear", user_timeout: 15, timeout: null }).reply(201, wazoGroup());
    t.scope.put(`${CONFD}/groups/${G1}/members/users`, { users: [{ uuid: U2, priority: 0 }, { uuid: U1, priority: 1 }] }).reply(204);
    t.scope.get(`${CONFD}/groups/${G1}`).reply(200, wazoGroup({ ring_strategy: "linear", timeout: null, user_timeout: 15, members: { users: [{ uuid: U1, priority: 1 }, { uuid: U2, priority: 0 }], extensions: [] } }));
    const g = await t.driver.userGroups.create({ name: "Sales", members: [U2, U1], ringStrategy: "inOrder", ringSeconds: 15 });
    expect(g).toEqual({ id: G1, site: "office", name: "Sales", members: [U2, U1], ringStrategy: "inOrder", ringSeconds: 15, queue: null });
    expect(t.scope.isDone()).toBe(true);
    expectValidRequests(t.calls);
  });

  it("create after a 500: found by name if it landed; never sent again when that cannot be known", async () => {
    const landed = testWazo();
    landed.scope.get(`${CONFD}/groups`).query(true).reply(200, { items: [], total: 0 });
    landed.scope.post(`${CONFD}/groups`).reply(500, ["Unexpected error"]);
    landed.scope.get(`${CONFD}/groups`).query(true).reply(200, { items: [wazoGroup()], total: 1 });
    landed.scope.get(`${CONFD}/groups/${G1}`).reply(200, wazoGroup());
    expect((await landed.driver.userGroups.create({ name: "Sales" })).id).toBe(G1);
    expect(landed.scope.isDone()).toBe(true);

    const unknown = testWazo();
    unknown.scope.get(`${CONFD}/groups`).query(true).reply(200, { items: [], total: 0 });
    unknown.scope.post(`${CONFD}/groups`).reply(500, ["Unexpected error"]);
    unknown.scope.get(`${CONFD}/groups`).query(true).reply(400, ["Input Error - odd"]);
    const e = (await rejectionOf(unknown.driver.userGroups.create({ name: "Sales" }))) as PbxApiError;
    expect(e.status).toBe(500);
    expect(unknown.calls.filter((c) => c.method === "POST")).toHaveLength(1);
  });

  it("create: a label already used is a conflict naming the group", async () => {
    const t = testWazo();
    t.scope.get(`${CONFD}/groups`).query(true).reply(200, { items: [wazoGroup()], total: 1 });
    const e = await rejectionOf(t.driver.userGroups.create({ name: "Sales" }));
    expect((e as PbxConflictError).existing).toEqual({ type: "userGroup", id: G1, key: "name Sales" });
  });

  const strategies: Array<[string, Record<string, unknown>, string, number]> = [
    ["all", { ring_strategy: "all", timeout: 25, user_timeout: 10 }, "allAtOnce", 25],
    ["linear", { ring_strategy: "linear", timeout: null, user_timeout: 12 }, "inOrder", 12],
    ["random (not modelled) reads as inOrder", { ring_strategy: "random", timeout: null, user_timeout: 12 }, "inOrder", 12],
  ];
  it.each(strategies)("read strategy %s", async (_n, wazo, strategy, seconds) => {
    const t = testWazo();
    t.scope.get(`${CONFD}/groups/${G1}`).reply(200, wazoGroup(wazo));
    const g = await t.driver.userGroups.get(G1);
    expect(g.ringStrategy).toBe(strategy);
    expect(g.ringSeconds).toBe(seconds);
  });

  it("update sends the changed label and members; delete is one DELETE", async () => {
    const t = testWazo();
    t.scope.get(`${CONFD}/groups/${G1}`).reply(200, wazoGroup());
    t.scope.get(`${CONFD}/groups`).query(true).reply(200, { items: [], total: 0 });
    t.scope.put(`${CONFD}/groups/${G1}`, { label: "Support" }).reply(204);
    t.scope.put(`${CONFD}/groups/${G1}/members/users`, { users: [{ uuid: U1, priority: 0 }] }).reply(204);
    t.scope.get(`${CONFD}/groups/${G1}`).reply(200, wazoGroup({ label: "Support", members: { users: [{ uuid: U1, priority: 0 }], extensions: [] } }));
    const g = await t.driver.userGroups.update(G1, { name: "Support", members: [U1] });
    expect(g).toMatchObject({ name: "Support", members: [U1] });
    t.scope.delete(`${CONFD}/groups/${G1}`).reply(204);
    await t.driver.userGroups.delete(G1);
    expect(t.scope.isDone()).toBe(true);
    expectValidRequests(t.calls);
  });

  it("a member that is not a user of the tenant names members", async () => {
    const t = testWazo();
    t.scope.get(`${CONFD}/groups/${G1}`).reply(200, wazoGroup());
    t.scope.put(`${CONFD}/groups/${G1}/members/users`).reply(404, ["Resource Not Found - User was not found ('uuid': 'x')"]);
    const e = await rejectionOf(t.driver.userGroups.update(G1, { members: [U2] } as never));
    expect(e).toBeInstanceOf(PbxValidationError);
    expect((e as PbxValidationError).issues[0].path).toEqual(["members"]);
  });
});

describe("function keys", () => {
  const none = { targetUserId: null, targetGroupId: null, number: null, forward: null, service: null, transfer: null, label: null, supervision: false };
  const types: Array<[string, Record<string, unknown>, Record<string, unknown>, Record<string, unknown>]> = [
    ["blf", { type: "blf", targetUserId: U2, label: "Bob" }, { blf: true, label: "Bob", destination: { type: "user", user_id: 2 } }, { ...none, type: "blf", targetUserId: U2, label: "Bob", supervision: true }],
    ["line", { type: "line", targetUserId: U2 }, { blf: false, label: null, destination: { type: "user", user_id: 2 } }, { ...none, type: "line", targetUserId: U2 }],
    ["quickCall", { type: "quickCall", number: "+32470999999" }, { blf: false, label: null, destination: { type: "custom", exten: "+32470999999" } }, { ...none, type: "quickCall", number: "+32470999999" }],
    // Seed 002: a forward unconditional key with no destination prompts; supervised, it watches every unconditional forward.
    ["forward (no number: prompts)", { type: "forward", forward: "unconditional", supervision: true, label: "Fwd" }, { blf: true, label: "Fwd", destination: { type: "forward", forward: "unconditional", exten: null } }, { ...none, type: "forward", forward: "unconditional", label: "Fwd", supervision: true }],
    ["forward to a number", { type: "forward", forward: "noAnswer", number: "+32470999999" }, { blf: false, label: null, destination: { type: "forward", forward: "noanswer", exten: "+32470999999" } }, { ...none, type: "forward", forward: "noAnswer", number: "+32470999999" }],
    ["service", { type: "service", service: "dnd", supervision: true }, { blf: true, label: null, destination: { type: "service", service: "enablednd" } }, { ...none, type: "service", service: "dnd", supervision: true }],
    ["transfer", { type: "transfer", transfer: "attended" }, { blf: false, label: null, destination: { type: "transfer", transfer: "attended" } }, { ...none, type: "transfer", transfer: "attended" }],
  ];
  it.each(types)("create %s: GET (free), PUT, GET", async (_n, input, body, model) => {
    const t = testWazo();
    t.scope.get(`${CONFD}/users/${U1}/funckeys/3`).reply(404, ["Resource Not Found - FuncKey was not found"]);
    t.scope.get(`${CONFD}/users/${U2}`).optionally().reply(200, wazoUser({ id: 2, uuid: U2 }));
    t.scope.put(`${CONFD}/users/${U1}/funckeys/3`, body as never).reply(204);
    t.scope.get(`${CONFD}/users/${U1}/funckeys/3`).reply(200, { inherited: false, ...body, destination: { ...(body.destination as object), href: null } });
    const k = await t.driver.functionKeys.create({ userId: U1, position: 3, ...input } as never);
    expect(k).toEqual({ id: `${U1}/3`, site: "office", userId: U1, position: 3, ...model });
    expect(t.scope.isDone()).toBe(true);
    expectValidRequests(t.calls);
  });

  it("create on a taken position is a conflict (PUT would replace it)", async () => {
    const t = testWazo();
    t.scope.get(`${CONFD}/users/${U1}/funckeys/3`).reply(200, { inherited: false, blf: true, label: null, destination: { type: "service", service: "pickup", href: null } });
    const e = await rejectionOf(t.driver.functionKeys.create({ userId: U1, position: 3, type: "quickCall", number: "123" }));
    expect((e as PbxConflictError).existing).toEqual({ type: "FunctionKey", id: `${U1}/3`, key: "position 3" });
    expect(t.calls.filter((c) => c.method === "PUT")).toEqual([]);
  });

  it("a group key: the group's integer id in Wazo, its uuid in ours", async () => {
    const t = testWazo();
    t.scope.get(`${CONFD}/users/${U1}/funckeys/6`).reply(404, ["Resource Not Found - FuncKey was not found"]);
    t.scope.get(`${CONFD}/groups/${G1}`).reply(200, wazoGroup());
    const body = { blf: false, label: "Sales", destination: { type: "group", group_id: 3 } };
    t.scope.put(`${CONFD}/users/${U1}/funckeys/6`, body).reply(204);
    t.scope.get(`${CONFD}/users/${U1}/funckeys/6`).reply(200, { inherited: false, ...body, destination: { ...body.destination, href: null } });
    const k = await t.driver.functionKeys.create({ userId: U1, position: 6, type: "group", targetGroupId: G1, label: "Sales" });
    expect(k).toEqual({ id: `${U1}/6`, site: "office", userId: U1, position: 6, ...none, type: "group", targetGroupId: G1, label: "Sales" });
    expect(t.scope.isDone()).toBe(true);
    expectValidRequests(t.calls);
  });

  it("a key Wazo has that we do not model reads as type switch; a pickup service as groupPickup; delete; find; list", async () => {
    const t = testWazo();
    t.scope.get(`${CONFD}/users/${U1}/funckeys/4`).reply(200, { inherited: false, blf: false, label: "Pickup", destination: { type: "service", service: "pickup", href: null } });
    expect(await t.driver.functionKeys.get(`${U1}/4`)).toMatchObject({ type: "service", service: "groupPickup" });
    t.scope.get(`${CONFD}/users/${U1}/funckeys/7`).reply(200, { inherited: false, blf: false, label: null, destination: { type: "paging", paging_id: 1, href: null } });
    expect((await t.driver.functionKeys.get(`${U1}/7`)).type).toBe("switch");
    t.scope.delete(`${CONFD}/users/${U1}/funckeys/4`).reply(204);
    await t.driver.functionKeys.delete(`${U1}/4`);
    t.scope.get(`${CONFD}/users/${U1}/funckeys/5`).reply(404, ["Resource Not Found - FuncKey was not found"]);
    expect(await t.driver.functionKeys.find({ userId: U1, position: 5 })).toBeUndefined();
    t.scope.get(`${CONFD}/users`).query(true).reply(200, { items: [{ id: 1, uuid: U1 }], total: 1 });
    t.scope.get(`${CONFD}/users/${U1}/funckeys`).reply(200, { name: null, keys: { "1": { inherited: false, blf: false, label: null, destination: { type: "custom", exten: "123", href: null } } } });
    expect(await t.driver.functionKeys.list()).toEqual([{ id: `${U1}/1`, site: "office", userId: U1, position: 1, ...none, type: "quickCall", number: "123" }]);
    expect(t.scope.isDone()).toBe(true);
    expectValidRequests(t.calls);
  });
});

describe("forwardings", () => {
  const off = { enabled: false, destination: null };
  const noFallbacks = { noanswer_destination: null, busy_destination: null, congestion_destination: null, fail_destination: null };

  it("create: read (off), PUT the three forwards, voicemail fallback (keeping the others), read", async () => {
    const t = testWazo();
    t.scope.get(`${CONFD}/users/${U1}/forwards`).reply(200, { busy: off, noanswer: off, unconditional: off });
    const busyFallback = { type: "user", user_id: 2, ring_time: null, moh_uuid: null, user_firstname: "Bob", user_lastname: null };
    t.scope.get(`${CONFD}/users/${U1}/fallbacks`).reply(200, { ...noFallbacks, busy_destination: busyFallback });
    t.scope.put(`${CONFD}/users/${U1}/forwards`, { busy: { enabled: true, destination: "+32470999999" }, noanswer: off, unconditional: off }).reply(204);
    t.scope.get(`${CONFD}/users/${U1}/fallbacks`).reply(200, { ...noFallbacks, busy_destination: busyFallback });
    t.scope.get(`${CONFD}/users/${U1}`).reply(200, wazoUser());
    t.scope.put(`${CONFD}/users/${U1}/fallbacks`, { noanswer_destination: { type: "voicemail", voicemail_id: 9 }, busy_destination: { type: "user", user_id: 2, ring_time: null, moh_uuid: null }, congestion_destination: null, fail_destination: null }).reply(204);
    t.scope.get(`${CONFD}/users/${U1}/forwards`).reply(200, { busy: { enabled: true, destination: "+32470999999" }, noanswer: off, unconditional: off });
    t.scope.get(`${CONFD}/users/${U1}/fallbacks`).reply(200, { ...noFallbacks, noanswer_destination: { type: "voicemail", voicemail_id: 9, voicemail_name: "Alice" } });
    const f = await t.driver.forwardings.create({ userId: U1, mode: "forward", onBusy: [{ number: "+32470999999" }], voicemailLastResort: true });
    expect(f).toEqual({ id: U1, site: "office", userId: U1, mode: "forward", onNoAnswer: [], onBusy: [{ number: "+32470999999", ringSeconds: 20 }], always: [], whenUnreachable: [], voicemailLastResort: true, followMe: [], ringStrategy: "inOrder", requireKeyPress: false, directCallsOnly: false, forwardedCallerId: "caller" });
    expect(t.scope.isDone()).toBe(true);
    expectValidRequests(t.calls);
  });

  it("create when a forward is already on is a conflict", async () => {
    const t = testWazo();
    t.scope.get(`${CONFD}/users/${U1}/forwards`).reply(200, { busy: off, noanswer: off, unconditional: { enabled: true, destination: "555" } });
    t.scope.get(`${CONFD}/users/${U1}/fallbacks`).reply(200, noFallbacks);
    contexts(t.scope);
    t.scope.get(`${CONFD}/extensions`).query(true).reply(200, { items: [], total: 0 });
    const e = await rejectionOf(t.driver.forwardings.create({ userId: U1, mode: "forward", always: [{ number: "+32470999999" }] }));
    expect(e).toBeInstanceOf(PbxConflictError);
  });

  it("a step to a user is sent as its extension and read back as the user", async () => {
    const t = testWazo();
    contexts(t.scope);
    t.scope.get(`${CONFD}/users/${U2}`).reply(200, wazoUser({ id: 2, uuid: U2, lines: [{ id: 8, extensions: [{ id: 71, exten: "1002", context: INTERNAL }], endpoint_sip: null }] }));
    t.scope.put(`${CONFD}/users/${U1}/forwards`, { busy: off, noanswer: { enabled: true, destination: "1002" }, unconditional: off }).reply(204);
    t.scope.get(`${CONFD}/users/${U1}/fallbacks`).reply(200, noFallbacks);
    t.scope.get(`${CONFD}/users/${U1}/forwards`).reply(200, { busy: off, noanswer: { enabled: true, destination: "1002" }, unconditional: off });
    t.scope.get(`${CONFD}/users/${U1}/fallbacks`).reply(200, noFallbacks);
    t.scope.get(`${CONFD}/extensions`).query({ exten: "1002", context: INTERNAL }).reply(200, { items: [{ id: 71, exten: "1002", context: INTERNAL, lines: [{ id: 8 }] }], total: 1 });
    t.scope.get(`${CONFD}/lines/8`).reply(200, { id: 8, users: [{ uuid: U2 }] });
    const f = await t.driver.forwardings.update(U1, { userId: U1, mode: "forward", onNoAnswer: [{ userId: U2 }] });
    expect(f.onNoAnswer).toEqual([{ userId: U2, ringSeconds: 20 }]);
    expect(t.scope.isDone()).toBe(true);
    expectValidRequests(t.calls);
  });

  it("mode off keeps the destinations with the forwards disabled, and reads them back", async () => {
    const t = testWazo();
    t.scope.put(`${CONFD}/users/${U1}/forwards`, { busy: { enabled: false, destination: "+32470999999" }, noanswer: off, unconditional: off }).reply(204);
    t.scope.get(`${CONFD}/users/${U1}/fallbacks`).reply(200, noFallbacks);
    t.scope.get(`${CONFD}/users/${U1}/forwards`).reply(200, { busy: { enabled: false, destination: "+32470999999" }, noanswer: off, unconditional: off });
    t.scope.get(`${CONFD}/users/${U1}/fallbacks`).reply(200, noFallbacks);
    const f = await t.driver.forwardings.update(U1, { userId: U1, mode: "off", onBusy: [{ number: "+32470999999" }] });
    expect(f).toMatchObject({ mode: "off", onBusy: [{ number: "+32470999999", ringSeconds: 20 }] });
    expect(t.scope.isDone()).toBe(true);
  });

  it("voicemailLastResort for a user without voicemail names the field", async () => {
    const t = testWazo();
    t.scope.put(`${CONFD}/users/${U1}/forwards`).reply(204);
    t.scope.get(`${CONFD}/users/${U1}/fallbacks`).reply(200, noFallbacks);
    t.scope.get(`${CONFD}/users/${U1}`).reply(200, wazoUser({ voicemail: null }));
    const e = await rejectionOf(t.driver.forwardings.update(U1, { userId: U1, mode: "forward", voicemailLastResort: true }));
    expect((e as PbxValidationError).issues[0].path).toEqual(["voicemailLastResort"]);
  });

  it("delete turns the forwards off and removes the voicemail fallback; find of an off forwarding is undefined; a missing user is not found", async () => {
    const t = testWazo();
    t.scope.put(`${CONFD}/users/${U1}/forwards`, { busy: off, noanswer: off, unconditional: off }).reply(204);
    t.scope.get(`${CONFD}/users/${U1}/fallbacks`).reply(200, { ...noFallbacks, noanswer_destination: { type: "voicemail", voicemail_id: 9 } });
    t.scope.put(`${CONFD}/users/${U1}/fallbacks`, noFallbacks).reply(204);
    await t.driver.forwardings.delete(U1);
    t.scope.get(`${CONFD}/users/${U1}/forwards`).reply(200, { busy: off, noanswer: off, unconditional: off });
    t.scope.get(`${CONFD}/users/${U1}/fallbacks`).reply(200, noFallbacks);
    expect(await t.driver.forwardings.find({ userId: U1 })).toBeUndefined();
    t.scope.get(`${CONFD}/users/${U2}/forwards`).reply(404, ["Resource Not Found - User was not found"]);
    t.scope.get(`${CONFD}/users/${U2}/fallbacks`).reply(404, ["Resource Not Found - User was not found"]);
    expect(await rejectionOf(t.driver.forwardings.get(U2))).toBeInstanceOf(PbxNotFoundError);
    expect(t.scope.isDone()).toBe(true);
    expectValidRequests(t.calls);
  });
});
