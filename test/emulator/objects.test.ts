import type { FastifyInstance } from "fastify";
import { mkUser, rules, withSite, type Call } from "./helpers";

describe("incoming numbers, user groups, function keys, forwarding", () => {
  let app: FastifyInstance;
  let call: Call;
  beforeEach(async () => {
    ({ app, call } = await withSite({ site: { defaultKeyCount: 4 } }));
  });
  afterEach(() => app.close());

  test("incoming number: E.164, unique per site (409 names it), destinations must exist", async () => {
    const alice = await mkUser(call, "1001");
    expect(rules(await call("POST", "sites/acme/incoming-numbers", { number: "2050" }))).toEqual(["e164"]);
    const main = await call("POST", "sites/acme/incoming-numbers", { number: "+32 2 555 01 00", destination: { type: "user", userId: alice.id } });
    expect(main.status).toBe(201);
    expect(main.body).toMatchObject({ number: "+3225550100", ringSeconds: 30, destination: { type: "user", userId: alice.id } });
    const dup = await call("POST", "sites/acme/incoming-numbers", { number: "+3225550100" });
    expect(dup.status).toBe(409);
    expect(dup.body.error.existing).toEqual({ type: "incomingNumber", id: main.body.id, key: "number +3225550100" });
    const missing = await call("POST", "sites/acme/incoming-numbers", { number: "+3225550101", destination: { type: "userGroup", groupId: "grp_gone" } });
    expect(missing.body.error.issues).toEqual([expect.objectContaining({ path: ["destination", "groupId"], rule: "destination_missing" })]);
    expect(rules(await call("POST", "sites/acme/incoming-numbers", { number: "+3225550102", destination: { type: "fax" } }))).toEqual(["discriminator"]);
  });

  test("user group: members must be users of the same site; name unique", async () => {
    const alice = await mkUser(call, "1001");
    const g = await call("POST", "sites/acme/user-groups", { name: "Sales", members: [alice.id] });
    expect(g.status).toBe(201);
    expect(g.body).toMatchObject({ ringStrategy: "allAtOnce", members: [alice.id] });
    const dup = await call("POST", "sites/acme/user-groups", { name: "sales" });
    expect(dup.status).toBe(409);
    expect(dup.body.error.existing.id).toBe(g.body.id);
    // A user of another site is not a member candidate here.
    const { app: other, call: otherCall } = await withSite();
    const stranger = await mkUser(otherCall, "1009");
    await other.close();
    const bad = await call("POST", "sites/acme/user-groups", { name: "Support", members: [alice.id, stranger.id] });
    expect(bad.body.error.issues).toEqual([expect.objectContaining({ path: ["members", 1], rule: "group_member_missing" })]);
  });

  test("function keys: target per type, positions 1..keyCount, no identical key twice", async () => {
    const alice = await mkUser(call, "1001");
    const bob = await mkUser(call, "1002");
    const keys = `sites/acme/users/${alice.id}/keys`;
    const blf = await call("PUT", `${keys}/1`, { type: "blf", targetUserId: bob.id, label: "Bob" });
    expect(blf.status).toBe(201);
    expect(blf.body).toMatchObject({ userId: alice.id, position: 1, type: "blf", targetUserId: bob.id, number: null });
    expect((await call("PUT", `${keys}/1`, { type: "blf", targetUserId: bob.id, label: "B." })).status).toBe(200);
    const noTarget = await call("PUT", `${keys}/2`, { type: "line", number: "+3225550100" });
    expect(noTarget.body.error.issues).toEqual([
      expect.objectContaining({ path: ["targetUserId"], rule: "key_target_required" }),
      expect.objectContaining({ path: ["number"], rule: "key_target_forbidden" }),
    ]);
    expect(rules(await call("PUT", `${keys}/5`, { type: "switch" }))).toEqual(["key_position_range"]);
    expect(rules(await call("PUT", `${keys}/0`, { type: "switch" }))).toEqual(["key_position_range"]);
    expect(rules(await call("PUT", `${keys}/2`, { type: "pickup", targetUserId: "usr_gone" }))).toEqual(["key_target_missing"]);
    const twin = await call("PUT", `${keys}/3`, { type: "blf", targetUserId: bob.id });
    expect(twin.status).toBe(409);
    expect(twin.body.error.existing).toEqual({ type: "functionKey", id: blf.body.id, key: `user ${alice.id} key 1` });
    expect((await call("PUT", `${keys}/3`, { type: "quickCall", number: "0032 2 555 01 99" })).body.number).toBe("+3225550199");
    expect((await call("GET", keys)).body.total).toBe(2);
    expect(rules(await call("PATCH", `sites/acme/users/${alice.id}`, { keyCount: 2 }))).toEqual(["key_count_below_keys"]);
    expect((await call("DELETE", `${keys}/3`)).status).toBe(204);
    expect((await call("GET", `${keys}/3`)).status).toBe(404);
  });

  test("forwarding: follow-me and forwardings exclude each other; targets must exist", async () => {
    const alice = await mkUser(call, "1001");
    const bob = await mkUser(call, "1002");
    const fwd = `sites/acme/users/${alice.id}/forwarding`;
    const both = await call("PUT", fwd, { mode: "followMe", followMe: [{ userId: bob.id }], onNoAnswer: [{ number: "+32470999999" }] });
    expect(both.status).toBe(422);
    expect(both.body.error.issues).toEqual([expect.objectContaining({ path: ["onNoAnswer"], rule: "forwarding_followme_exclusive" })]);
    expect(rules(await call("PUT", fwd, { mode: "forward", followMe: [{ userId: bob.id }] }))).toEqual(["forwarding_followme_exclusive"]);
    expect(rules(await call("PUT", fwd, { mode: "forward", onBusy: [{ userId: "usr_gone" }] }))).toEqual(["forwarding_target_missing"]);
    expect(rules(await call("PUT", fwd, { mode: "forward", onBusy: [{ userId: alice.id }] }))).toEqual(["forwarding_to_self"]);
    expect(rules(await call("PUT", fwd, { mode: "forward", onBusy: [{ userId: bob.id, number: "+32470999999" }] }))).toEqual(["step_target"]);
    const ok = await call("PUT", fwd, { mode: "forward", onNoAnswer: [{ userId: bob.id, ringSeconds: 20 }, { number: "+32 470 99 99 99", ringSeconds: 20 }], voicemailLastResort: true });
    expect(ok.status).toBe(201);
    expect(ok.body.onNoAnswer[1]).toEqual({ number: "+32470999999", ringSeconds: 20 });
  });

  test("deleting a user removes its keys and forwarding and unhooks it elsewhere", async () => {
    const alice = await mkUser(call, "1001");
    const bob = await mkUser(call, "1002");
    await call("PUT", `sites/acme/users/${bob.id}/keys/1`, { type: "blf", targetUserId: alice.id });
    await call("PUT", `sites/acme/users/${alice.id}/keys/1`, { type: "blf", targetUserId: bob.id });
    await call("PUT", `sites/acme/users/${bob.id}/forwarding`, { mode: "forward", onBusy: [{ userId: alice.id }] });
    const g = (await call("POST", "sites/acme/user-groups", { name: "Sales", members: [alice.id, bob.id] })).body;
    const n = (await call("POST", "sites/acme/incoming-numbers", { number: "+3225550100", destination: { type: "voicemail", userId: alice.id } })).body;
    expect((await call("DELETE", `sites/acme/users/${alice.id}`)).status).toBe(204);
    expect((await call("GET", `sites/acme/users/${alice.id}`)).status).toBe(404);
    expect((await call("GET", `sites/acme/user-groups/${g.id}`)).body.members).toEqual([bob.id]);
    expect((await call("GET", `sites/acme/incoming-numbers/${n.id}`)).body.destination).toEqual({ type: "none" });
    expect((await call("GET", `sites/acme/users/${bob.id}/keys`)).body.total).toBe(0);
    expect((await call("GET", `sites/acme/users/${bob.id}/forwarding`)).body.onBusy).toEqual([]);
    // The extension is free again at once (the saved view), even before apply.
    expect((await call("POST", "sites/acme/users", { extension: "1001", firstName: "New" })).status).toBe(201);
  });
});
