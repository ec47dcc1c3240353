/**
 * check, diff and read of each resource, as the engine calls them in the
 * dynamic-provider process (ops loaded from the resource modules).
 */
import nock from "nock";
import { ops as device } from "../../../provider/resources/device";
import { ops as forwarding } from "../../../provider/resources/forwarding";
import { ops as functionKey } from "../../../provider/resources/functionKey";
import { ops as incomingNumber } from "../../../provider/resources/incomingNumber";
import { ops as user } from "../../../provider/resources/user";
import { ops as userGroup } from "../../../provider/resources/userGroup";
import { configure } from "../../../provider/runtime";
import { UNKNOWN } from "../../../provider/framework";

let host = 0;
let url = "";
beforeEach(() => {
  nock.disableNetConnect();
  url = `http://pbx-provider-${host++}.test`;
  const config: Record<string, string> = {
    "pbx:url": url,
    "pbx:token": "tok-unit",
    "pbx:site": "demo",
    "pbx:numberingPlan": JSON.stringify({ minLength: 3, maxLength: 4, reserved: [{ from: "1900", to: "1999" }] }),
  };
  void configure({ get: (k) => config[k] });
});
afterEach(() => nock.cleanAll());
// Jest runs every file in one process here: leave no interceptor behind for the next file.
afterAll(() => {
  nock.enableNetConnect();
  nock.restore();
});

describe("check", () => {
  test("normalises, fills the default site, keeps only what the program set", async () => {
    const r = await user.check({}, { extension: "1001", firstName: "Alice", mobileNumber: "+32 470 12 34 56", voicemail: { pin: "4821" } });
    expect(r.failures).toEqual([]);
    expect(r.inputs).toEqual({ site: "demo", extension: "1001", firstName: "Alice", mobileNumber: "+32470123456", voicemail: { pin: "4821" } });
  });

  test.each([
    [user, { extension: "12", firstName: "A" }, "extension", "extension_length"],
    [user, { extension: "1950", firstName: "A" }, "extension", "extension_reserved"],
    [user, { extension: "1001", firstName: "A", voicemail: { pin: "12" } }, "voicemail.pin", "pin_min_length"],
    [user, { extension: "1001", firstName: "A", portal: { password: "short" } }, "portal.password", "password_min_length"],
    [incomingNumber, { number: "0470", destination: { type: "none" } }, "number", "e164"],
    [functionKey, { userId: "u1", position: 0, type: "switch" }, "position", "key_position_range"],
    [functionKey, { userId: "u1", position: 1, type: "blf" }, "targetUserId", "key_target_required"],
    [forwarding, { userId: "u1", mode: "followMe", followMe: [{ number: "+32470999999" }], always: [{ number: "+32470999998" }] }, "always", "forwarding_followme_exclusive"],
    [userGroup, { name: "G", members: ["a", "a"] }, "members", "members_unique"],
    [device, { name: "Desk", userId: "u1" }, "sipUsername", "sip_username_required"],
    [device, { name: "Desk", userId: "u1", sipUsername: "d1", macAddress: "00:15:65:aa:bb", make: "yealink", model: "T46U" }, "macAddress", "mac_format"],
    [device, { name: "Desk", userId: "u1", sipUsername: "d1", macAddress: "00:15:65:aa:bb:cc", make: "yealink", model: "T99" }, "model", "device_model_unknown"],
    [device, { name: "Desk", userId: "u1", sipUsername: "d1", sipPassword: "short" }, "sipPassword", "sip_password_format"],
  ])("%#: a problem names the property and the rule", async (o, news, property, rule) => {
    const r = await o.check({}, news);
    expect(r.failures).toContainEqual({ property, reason: expect.stringContaining(`rule: ${rule}`) });
  });

  test("values not known at preview are not reported as problems", async () => {
    const r = await functionKey.check({}, { userId: UNKNOWN, position: 1, type: "blf", targetUserId: UNKNOWN });
    expect(r.failures).toEqual([]);
  });

  test("no site anywhere is a failure on `site`", async () => {
    void configure({ get: () => undefined });
    const r = await userGroup.check({}, { name: "Sales" });
    expect(r.failures).toEqual([{ property: "site", reason: expect.stringContaining("pbx:site") }]);
  });
});

describe("Device (issue 14)", () => {
  test("check normalises the MAC and keeps only what the program set; an unknown owner id at preview is no problem", async () => {
    const r = await device.check({}, { name: "Desk", userId: UNKNOWN, sipUsername: "alice-desk", macAddress: "0015.65AA.BBCC", make: "yealink", model: "T46U" });
    expect(r.failures).toEqual([]);
    expect(r.inputs).toEqual({ site: "demo", name: "Desk", userId: UNKNOWN, sipUsername: "alice-desk", macAddress: "00:15:65:aa:bb:cc", make: "yealink", model: "T46U" });
  });

  test("on a Wazo site a SIP device checks clean; MAC provisioning is a preview failure naming the field, the driver and driver_unsupported", async () => {
    const config: Record<string, string> = { "pbx:driver": "wazo", "pbx:url": url, "pbx:token": "tok-unit", "pbx:site": "office" };
    void configure({ get: (k) => config[k] });
    expect((await device.check({}, { name: "Desk", userId: "u1", sipUsername: "alice-desk" })).failures).toEqual([]);
    const r = await device.check({}, { name: "Desk", userId: "u1", sipUsername: "alice-desk", macAddress: "00:15:65:aa:bb:cc", make: "yealink", model: "T46U" });
    expect(r.failures!.map((f) => f.property)).toEqual(["macAddress", "make", "model"]);
    expect(r.failures![0].reason).toMatch(/^macAddress: Wazo provisions phones through wazo-provd.*the wazo driver cannot express it \(rule: driver_unsupported\)$/);
  });

  test("diff: another protocol or type is another device, deleted first (user name and MAC are unique); owner and model update in place", async () => {
    const olds = { site: "demo", name: "Desk", userId: "u1", sipUsername: "d1", protocol: "sip" };
    expect(await device.diff("dev_1", olds, { ...olds, protocol: "sccp" })).toMatchObject({ replaces: ["protocol"], deleteBeforeReplace: true });
    expect(await device.diff("dev_1", olds, { ...olds, type: "mobile" })).toMatchObject({ replaces: ["type"] });
    expect(await device.diff("dev_1", olds, { ...olds, userId: "u2", name: "Moved" })).toMatchObject({ changes: true, replaces: [] });
  });

  test("read: the generated password is an output, never a refreshed input the program did not set", async () => {
    const scope = nock(url).get("/api/v1/sites/demo/devices/dev_1").query(true).reply(200, {
      id: "dev_1", site: "demo", revision: 2, applied: true, createdAt: "2026-01-01T00:00:00Z", updatedAt: "2026-01-02T00:00:00Z",
      name: "Desk", userId: "usr_1", type: "sip", protocol: "sip", sipUsername: "alice-desk", sipPassword: "generated-secret",
      sipDomain: "demo.pbx.test", sipProxy: "proxy.pbx.test", macAddress: null, make: null, model: null,
    }, { etag: '"2"' });
    const r = await device.read("dev_1", { site: "demo", name: "Desk", userId: "usr_1", sipUsername: "alice-desk", managedFields: ["name", "userId", "sipUsername"] });
    expect(scope.isDone()).toBe(true);
    expect(r.props).toMatchObject({ sipPassword: "generated-secret", revision: 2, sipDomain: "demo.pbx.test" });
    expect(r.inputs).toEqual({ site: "demo", name: "Desk", userId: "usr_1", sipUsername: "alice-desk" });
  });
});

describe("diff", () => {
  test("only fields the program sets are compared", async () => {
    const olds = { site: "demo", extension: "1001", firstName: "Alice", department: "Sales", voicemail: { enabled: true, pin: "4821", ringsBeforeVoicemail: 4 } };
    expect((await user.diff("u1", olds, { site: "demo", extension: "1001", firstName: "Alice" })).changes).toBe(false);
    expect((await user.diff("u1", olds, { site: "demo", extension: "1001", firstName: "Alice", voicemail: { pin: "4821" } })).changes).toBe(false);
    const d = await user.diff("u1", olds, { site: "demo", extension: "1002", firstName: "Alice" });
    expect(d).toMatchObject({ changes: true, replaces: [] });
  });

  test("identity fields replace: number, key position, forwarding owner", async () => {
    expect(await incomingNumber.diff("n1", { site: "demo", number: "+3225550100" }, { site: "demo", number: "+3225550101" })).toMatchObject({ replaces: ["number"] });
    expect(await functionKey.diff("u1/1", { site: "demo", userId: "u1", position: 1, type: "switch" }, { site: "demo", userId: "u1", position: 2, type: "switch" })).toMatchObject({ replaces: ["position"], deleteBeforeReplace: true });
    expect(await forwarding.diff("u1", { site: "demo", userId: "u1", mode: "off" }, { site: "demo", userId: "u2", mode: "off" })).toMatchObject({ replaces: ["userId"], deleteBeforeReplace: true });
  });
});

describe("read", () => {
  const apiUser = {
    id: "usr_1", site: "demo", revision: 3, applied: true, createdAt: "2026-01-01T00:00:00Z", updatedAt: "2026-01-02T00:00:00Z",
    extension: "1001", firstName: "Eve", lastName: "Martin", email: "a@example.com", mobileNumber: null, department: null, language: null,
    role: "user", permissions: ["userPortal"], directoryListed: true, multipleCalls: false, loginRequired: false, dnd: false,
    callRecording: "off", outgoingCallerId: null, keyCount: 20,
    voicemail: { enabled: true, pin: "4821", ringsBeforeVoicemail: 4 },
    portal: { username: "alice", passwordSet: true },
    sipUsername: "1001", sipDomain: "demo.pbx.test", sipProxy: "proxy.pbx.test", sipPassword: "sip-secret", tags: [],
  };

  test("returns the live object as props and inputs; the write-only portal password is carried over", async () => {
    const scope = nock(url).get("/api/v1/sites/demo/users/usr_1").query(true).reply(200, apiUser, { etag: '"3"' });
    const r = await user.read("usr_1", { site: "demo", firstName: "Alice", portal: { username: "alice", password: "s3cret-pass" } });
    expect(scope.isDone()).toBe(true);
    expect(r.id).toBe("usr_1");
    expect(r.props).toMatchObject({ firstName: "Eve", revision: 3, sipPassword: "sip-secret", portal: { username: "alice", password: "s3cret-pass" } });
    expect(r.props).not.toHaveProperty("applied");
    expect(r.inputs).toMatchObject({ site: "demo", firstName: "Eve" });
    expect(r.inputs).not.toHaveProperty("sipPassword");
  });

  test("a missing object returns no id, so refresh drops it", async () => {
    const scope = nock(url)
      .get("/api/v1/sites/demo/user-groups/grp_9")
      .query(true)
      .reply(404, { error: { code: "not_found", message: "user group grp_9 not found", requestId: "r1" } });
    const r = await userGroup.read("grp_9", { site: "demo", name: "Sales" });
    expect(scope.isDone()).toBe(true);
    expect(r).toEqual({});
  });
});

describe("issue 10: what a person reads", () => {
  test("item 8: a typo inside a nested input is a failure naming the property, not a silent create", async () => {
    const vm = await user.check({}, { extension: "1001", firstName: "A", voicemail: { enabled: true, pinn: "4821" } });
    expect(vm.failures).toContainEqual({ property: "voicemail.pinn", reason: expect.stringContaining("rule: unknown_field") });
    const portal = await user.check({}, { extension: "1001", firstName: "A", portal: { user: "ann", password: "long-enough" } });
    expect(portal.failures).toContainEqual({ property: "portal.user", reason: expect.stringContaining("rule: unknown_field") });
    const dest = await incomingNumber.check({}, { number: "+3225550100", destination: { type: "user", userId: "u1", ring: 3 } });
    expect((dest.failures ?? []).map((f) => f.property)).toContain("destination.ring");
  });

  test.each([
    [user, { extension: "1001", firstName: "A", callRecording: "sometimes" }, "callRecording", "enum"],
    [user, { extension: "1001", firstName: 7 }, "firstName", "type"],
    [incomingNumber, { number: "+3225550100", destination: { type: "fax" } }, "destination.type", "discriminator"],
    [user, { extension: "abcd", firstName: "A" }, "extension", "extension_"],
  ])("item 9: %#: preview failures carry the API's rule ids, never zod's codes", async (o, news, property, rule) => {
    const r = await o.check({}, news);
    const failure = (r.failures ?? []).find((f) => f.property === property);
    expect(failure?.reason).toContain(`(rule: ${rule}`);
    for (const f of r.failures ?? []) expect(f.reason).not.toMatch(/invalid_type|invalid_value|invalid_union|too_small|unrecognized_keys/);
    // the property is named once, not twice ("position: position: …")
    expect(failure!.reason.split(`${property}:`).length).toBe(2);
  });

  test("item 9: under a 3–4 digit plan, 'abcd' is refused for its letters, never as '1–10 digits'; '12345' names the plan", async () => {
    const letters = (await user.check({}, { extension: "abcd", firstName: "A" })).failures!.find((f) => f.property === "extension")!.reason;
    expect(letters).toContain("digits only");
    expect(letters).not.toContain("1–10");
    const long = (await user.check({}, { extension: "12345", firstName: "A" })).failures!.find((f) => f.property === "extension")!.reason;
    expect(long).toMatch(/3[–-]4 digits/);
  });

  test("item 9: a rule the PBX enforces at up is one line with its rule id; a 401 names the setting and the site, never the token", async () => {
    nock(url)
      .put("/api/v1/sites/demo/users/usr_1/keys/30")
      .reply(422, { error: { code: "validation_failed", message: "position: key position 30 is past the user's 20 keys", requestId: "r1", issues: [{ path: ["position"], rule: "key_position_range", message: "position: key position 30 is past the user's 20 keys" }] } });
    nock(url).get("/api/v1/sites/demo/users/usr_1/keys/30").query(true).reply(404, { error: { code: "not_found", message: "no key", requestId: "r0" } });
    const err = await functionKey.create({ site: "demo", userId: "usr_1", position: 30, type: "switch" } as never).catch((e: Error) => e);
    expect((err as Error).message).toBe("FunctionKey (key 30 of user usr_1): position: key position 30 is past the user's 20 keys (rule: key_position_range)");
    expect((err as Error).stack).not.toMatch(/\n\s+at /);

    nock(url).get("/api/v1/sites/demo/users/usr_2").query(true).reply(401, { error: { code: "unauthorized", message: "unknown token", requestId: "r2" } });
    const auth = await user.read("usr_2", { site: "demo" }).catch((e: Error) => e);
    expect((auth as Error).message).toContain("pbx:token");
    expect((auth as Error).message).toContain('site "demo"');
    expect((auth as Error).message).not.toContain("tok-unit");
  });

  test("item 10: a refresh returns as inputs only what the program manages", async () => {
    nock(url).post("/api/v1/sites/demo/users").reply(201, {
      id: "usr_7", site: "demo", revision: 1, applied: false, createdAt: new Date().toISOString(), updatedAt: new Date().toISOString(),
      extension: "1007", firstName: "Ann", lastName: null, email: null, mobileNumber: null, department: null, language: null,
      role: "user", permissions: [], directoryListed: true, multipleCalls: false, loginRequired: false, dnd: false,
      callRecording: "off", outgoingCallerId: null, keyCount: 20,
      voicemail: { enabled: true, pin: "4821", ringsBeforeVoicemail: 4 }, portal: { username: null, passwordSet: false },
      sipUsername: "1007", sipDomain: "d", sipProxy: "p", sipPassword: "x", tags: [],
    });
    const made = await user.create({ site: "demo", extension: "1007", firstName: "Ann", voicemail: { pin: "4821" }, applyMode: "deferred" } as never);
    // Earlier reads of this file make this the third user read: the reader lists the site.
    const live = {
      id: "usr_7", site: "demo", revision: 2, applied: true, createdAt: "2026-01-01T00:00:00Z", updatedAt: "2026-01-02T00:00:00Z",
      extension: "1007", firstName: "Ann", lastName: "Console", email: null, mobileNumber: null, department: "Sales", language: null,
      role: "admin", permissions: ["userPortal"], directoryListed: true, multipleCalls: false, loginRequired: false, dnd: false,
      callRecording: "always", outgoingCallerId: null, keyCount: 40,
      voicemail: { enabled: true, pin: "4821", ringsBeforeVoicemail: 6 }, portal: { username: null, passwordSet: false },
      sipUsername: "1007", sipDomain: "d", sipProxy: "p", sipPassword: "x", tags: [],
    };
    nock(url).get("/api/v1/sites/demo/users").query(true).reply(200, { items: [live], page: 1, pageSize: 500, total: 1 });
    nock(url).get("/api/v1/sites/demo/users/usr_7").query(true).reply(200, live);
    const r = await user.read("usr_7", made.outs);
    expect(r.inputs).toEqual({ site: "demo", extension: "1007", firstName: "Ann", voicemail: { pin: "4821" }, applyMode: "deferred" });
  });
});

describe("issue 14: seed user fields at preview", () => {
  test.each([
    [{ extension: "1001", firstName: "A", role: "user", scope: "Office Manager" }, "scope", "role_scope_conflict"],
    [{ extension: "1001", firstName: "A", voicemail: { deleteAfterNotification: true, attachAudio: true } }, "voicemail.deleteAfterNotification", "voicemail_delete_needs_email"],
    [{ extension: "1001", firstName: "A", email: "a@example.com", voicemail: { deleteAfterNotification: true } }, "voicemail.deleteAfterNotification", "voicemail_delete_needs_attach"],
    [{ extension: "1001", firstName: "A", voicemail: { email: "nope" } }, "voicemail.email", "email_format"],
    [{ extension: "1001", firstName: "A", cti: { enabled: true } }, "cti.username", "cti_username_required"],
    [{ extension: "1001", firstName: "A", cti: { username: "a1", password: "abc" } }, "cti.password", "cti_password_min_length"],
    [{ extension: "1001", firstName: "A", hotDeskingPin: "12" }, "hotDeskingPin", "hot_desking_pin_length"],
    [{ extension: "1001", firstName: "A", agentNumber: "12a" }, "agentNumber", "agent_number_format"],
    [{ extension: "1001", firstName: "A", extraExtensions: ["1950"] }, "extraExtensions.0", "extension_reserved"],
    [{ extension: "1001", firstName: "A", extraExtensions: ["1002", "1002"] }, "extraExtensions", "extra_extensions_unique"],
  ])("%#: %o fails on %s with %s", async (news, property, rule) => {
    const r = await user.check({}, news);
    expect(r.failures).toContainEqual({ property, reason: expect.stringContaining(`rule: ${rule}`) });
  });

  test("the good forms pass and keep only what the program set", async () => {
    const news = { extension: "1001", firstName: "A", email: "a@example.com", scope: "Office Manager", callTransfer: true, voicemail: { email: "vm@example.com", attachAudio: true, deleteAfterNotification: true }, cti: { username: "a1", password: "cti-pass" }, extraExtensions: ["1101"] };
    const r = await user.check({}, news);
    expect(r.failures).toEqual([]);
    expect(r.inputs).toEqual({ site: "demo", ...news });
  });

  test("seed 004: an extension change is an update, or a replace where the site's PBX cannot change it", async () => {
    const olds = { site: "demo", extension: "1001", firstName: "Alice" };
    const news = { site: "demo", extension: "1002", firstName: "Alice" };
    expect(await user.diff("u1", olds, news)).toMatchObject({ changes: true, replaces: [] });
    const config = (extra: Record<string, string>) => ({ get: (k: string) => ({ "pbx:url": url, "pbx:token": "t", "pbx:site": "demo", ...extra })[k] });
    void configure(config({ "pbx:extensionChange": "replace" }));
    expect(await user.diff("u1", olds, news)).toMatchObject({ changes: true, replaces: ["extension"], deleteBeforeReplace: true });
    // Per site: only the site that says so.
    void configure(config({ "pbx:sites": JSON.stringify({ demo: { extensionChange: "replace" }, other: {} }) }));
    expect(await user.diff("u1", olds, news)).toMatchObject({ replaces: ["extension"] });
    expect(await user.diff("u1", { ...olds, site: "other" }, { ...news, site: "other" })).toMatchObject({ replaces: [] });
    configure(config({ "pbx:extensionChange": "sometimes" })).catch(() => undefined);
    await expect(user.diff("u1", olds, news)).rejects.toThrow(/pbx:extensionChange must be "update" or "replace"/);
  });

  test("on Wazo, what confd cannot hold is a driver_unsupported failure naming the field", async () => {
    void configure({ get: (k: string) => ({ "pbx:url": url, "pbx:token": "t", "pbx:site": "demo", "pbx:driver": "wazo" })[k] });
    const r = await user.check({}, { extension: "1001", firstName: "A", scope: "Call Center Agent", bossSecretary: "secretary", voicemail: { notificationEmails: ["a@example.com"] } });
    expect(r.failures!.map((f) => f.property).sort()).toEqual(["bossSecretary", "scope", "voicemail.notificationEmails"]);
    for (const f of r.failures!) expect(f.reason).toMatch(/the wazo driver cannot express it \(rule: driver_unsupported\)/);
  });
});
