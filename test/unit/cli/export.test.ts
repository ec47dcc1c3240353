/**
 * `pulumi-pbx export`, the generation half: from what a driver lists to the
 * project's files, on fixtures (no PBX, no pulumi CLI).
 */
import type { DeviceModel, ForwardingModel, FunctionKeyModel, IncomingNumberModel, UserGroupModel, UserModel } from "../../../sdk/drivers/driver";
import { parseRule } from "../../../cli/export/filter";
import { compareKeys, generate, GenerateOptions, Snapshot, slug } from "../../../cli/export/generate";

function user(id: string, extension: string, first: string, extra: Partial<UserModel> = {}): UserModel {
  return {
    id, site: "office", revision: 1, extension, firstName: first, lastName: null, email: null, mobileNumber: null, department: null,
    language: null, role: "user", permissions: [], directoryListed: true, multipleCalls: false, loginRequired: false, dnd: false,
    callRecording: "off", outgoingCallerId: null, keyCount: 20, voicemail: { enabled: true, pin: null, ringsBeforeVoicemail: 4, email: null, notificationEmails: [], attachAudio: false, deleteAfterNotification: false, askPassword: true },
    portal: { username: null, passwordSet: false }, scope: "Basic User", callTransfer: false, supervision: true, bossSecretary: "none", agentNumber: null, hotDeskingPin: null, extraExtensions: [], cti: { enabled: false, username: null, profile: null, passwordSet: false }, sipUsername: extension, sipDomain: "office.pbx", sipProxy: "proxy.pbx",
    sipPassword: `sip-secret-${id}`, tags: [], ...extra,
  };
}
const number = (id: string, n: string, destination: IncomingNumberModel["destination"], extra: Partial<IncomingNumberModel> = {}): IncomingNumberModel =>
  ({ id, site: "office", revision: 1, number: n, destination, ringSeconds: 30, description: null, sms: { type: "none" }, ...extra });
const group = (id: string, name: string, members: string[], extra: Partial<UserGroupModel> = {}): UserGroupModel =>
  ({ id, site: "office", revision: 1, name, members, ringStrategy: "allAtOnce", ringSeconds: 20, queue: null, ...extra });
const key = (userId: string, position: number, extra: Partial<FunctionKeyModel>): FunctionKeyModel =>
  ({ id: `${userId}/${position}`, site: "office", revision: 1, userId, position, type: "blf", targetUserId: null, targetGroupId: null, number: null, forward: null, service: null, transfer: null, label: null, supervision: extra.type === undefined || extra.type === "blf", ...extra });
const fwd = (userId: string, extra: Partial<ForwardingModel>): ForwardingModel =>
  ({ id: userId, site: "office", revision: 1, userId, mode: "forward", onNoAnswer: [], onBusy: [], always: [], whenUnreachable: [], voicemailLastResort: false, followMe: [], ringStrategy: "inOrder", requireKeyPress: false, directCallsOnly: false, forwardedCallerId: "caller", ...extra });

const device = (id: string, userId: string, extra: Partial<DeviceModel>): DeviceModel =>
  ({ id, site: "office", revision: 1, name: "Desk phone", userId, type: "sip", protocol: "sip", sipUsername: null, sipPassword: null, sipDomain: "office.pbx", sipProxy: "proxy.pbx", macAddress: null, make: null, model: null, ...extra });

/** A small office, in the order a PBX might list it (not sorted). */
function office(): Snapshot {
  return {
    users: [
      user("u3", "1003", "Chloé", { lastName: "Lambert", department: "Sales", voicemail: { enabled: true, pin: "4821", ringsBeforeVoicemail: 4, email: null, notificationEmails: [], attachAudio: false, deleteAfterNotification: false, askPassword: true } }),
      user("u1", "1001", "Alice", { lastName: "Martin", email: "alice@example.com", role: "admin", voicemail: { enabled: true, pin: "1234", ringsBeforeVoicemail: 6, email: null, notificationEmails: [], attachAudio: false, deleteAfterNotification: false, askPassword: true }, portal: { username: "alice", passwordSet: true } }),
      user("u2", "1002", "Bob", { dnd: true, keyCount: 30, voicemail: { enabled: false, pin: null, ringsBeforeVoicemail: 4, email: null, notificationEmails: [], attachAudio: false, deleteAfterNotification: false, askPassword: true } }),
      user("u4", "2001", "David", { permissions: ["userPortal", "callList"] }),
    ],
    incomingNumbers: [
      number("n2", "+3225550101", { type: "userGroup", groupId: "g1" }),
      number("n1", "+3225550100", { type: "user", userId: "u1" }, { ringSeconds: 25, description: "main line" }),
      number("n3", "+3225550199", { type: "hangup" }),
    ],
    userGroups: [group("g1", "Sales Team", ["u3", "u1"], { ringStrategy: "inOrder" })],
    functionKeys: [
      key("u1", 2, { type: "quickCall", number: "+32470999999", label: "Mobile" }),
      key("u1", 1, { targetUserId: "u3" }),
      key("u2", 1, { targetUserId: "u4" }),
    ],
    forwardings: [fwd("u3", { onNoAnswer: [{ userId: "u1", ringSeconds: 20 }, { number: "+32470999999", ringSeconds: 25 }], voicemailLastResort: true })],
    devices: [
      device("d2", "u3", { name: "Old Cisco", protocol: "sccp", macAddress: "00:1b:54:aa:bb:cc", make: "cisco", model: "7942G" }),
      device("d1", "u1", { name: "Alice desk", sipUsername: "alice-desk", sipPassword: "device-secret-1", macAddress: "00:15:65:12:34:56", make: "yealink", model: "T46U" }),
    ],
  };
}

const OPTIONS: GenerateOptions = {
  driver: "apiv1", site: "office", url: "http://pbx.test", project: "pbx-office", stack: "office",
  pulumiPbxVersion: "^0.1.0", pulumiVersion: "3.259.0",
};

describe("export: generation", () => {
  test("names from natural keys, references as variables, defaults left out, adopt on every resource", () => {
    const g = generate(office(), OPTIONS);
    const ts = g.files["index.ts"];
    expect(ts).toContain('const user1001 = new pbx.User("user-1001", {');
    expect(ts).toContain('const groupSalesTeam = new pbx.UserGroup("group-sales-team", {');
    expect(ts).toContain('new pbx.IncomingNumber("number-3225550100", {');
    expect(ts).toContain('new pbx.FunctionKey("key-1001-1", {');
    expect(ts).toContain('new pbx.Forwarding("forwarding-1003", {');
    // References are variables, never the PBX's ids.
    expect(ts).toContain("destination: { type: \"user\", userId: user1001.id },");
    expect(ts).toContain("destination: { type: \"userGroup\", groupId: groupSalesTeam.id },");
    expect(ts).toContain("members: [user1003.id, user1001.id],");
    expect(ts).toContain("targetUserId: user1003.id,");
    expect(ts).toContain("onNoAnswer: [{ userId: user1001.id }, { number: \"+32470999999\", ringSeconds: 25 }],");
    expect(ts).not.toMatch(/"u[1-4]"|"g1"/);
    // Only what differs from the PBX's defaults.
    const bob = ts.slice(ts.indexOf('const user1002 = '), ts.indexOf('const user1003 = '));
    expect(bob).toBe('const user1002 = new pbx.User("user-1002", {\n  extension: "1002",\n  firstName: "Bob",\n  dnd: true,\n  keyCount: 30,\n  voicemail: { enabled: false },\n  adopt: true,\n});\n\n');
    expect(ts).not.toMatch(/directoryListed|callRecording|ringStrategy: "allAtOnce"|ringSeconds: 30/);
    expect(ts).toContain('ringStrategy: "inOrder"');
    expect(ts).toContain('permissions: ["userPortal", "callList"]');
    expect(ts.match(/^  adopt: true,$/gm)).toHaveLength(4 + 1 + 3 + 3 + 1 + 2);
    expect(ts).toContain("pbx.applyChangesOnce();");
  });

  test("issue 14 seed fields are exported where they differ from the defaults, references as variables", () => {
    const base = office();
    const snap: Snapshot = {
      ...base,
      incomingNumbers: [...base.incomingNumbers, number("n4", "+3225550104", { type: "none" }, { sms: { type: "user", userId: "u1" } }), number("n5", "+3225550105", { type: "none" }, { sms: { type: "email", email: "sms@example.com" } })],
      userGroups: [group("g1", "Sales Team", ["u3", "u1"], { ringStrategy: "inOrder", queue: "sales-queue" })],
      functionKeys: [
        ...base.functionKeys,
        key("u1", 3, { type: "forward", forward: "unconditional", supervision: true }),
        key("u1", 4, { type: "group", targetGroupId: "g1" }),
        key("u1", 5, { type: "service", service: "dnd" }),
      ],
      forwardings: [fwd("u3", { always: [{ number: "+32470999999", numberKind: "mobile", ringSeconds: 20 }], ringStrategy: "allAtOnce", requireKeyPress: true, directCallsOnly: true, forwardedCallerId: "user" })],
    };
    const g = generate(snap, OPTIONS);
    const ts = g.files["index.ts"];
    expect(g.problems).toEqual([]);
    expect(ts).toContain('queue: "sales-queue",');
    expect(ts).toContain('sms: { type: "user", userId: user1001.id },');
    expect(ts).toContain('sms: { type: "email", email: "sms@example.com" },');
    expect(ts).toMatch(/type: "forward",\n  forward: "unconditional",\n  supervision: true,/);
    expect(ts).toContain("targetGroupId: groupSalesTeam.id,");
    expect(ts).toContain('service: "dnd",');
    expect(ts).toContain('always: [{ number: "+32470999999", numberKind: "mobile" }],');
    expect(ts).toMatch(/ringStrategy: "allAtOnce",\n  requireKeyPress: true,\n  directCallsOnly: true,\n  forwardedCallerId: "user",/);
    // A blf key's supervision is its default: not written.
    expect(ts.slice(ts.indexOf('"key-1001-1"'), ts.indexOf('"key-1001-2"'))).not.toContain("supervision");
  });

  test("dependency order: users, groups, numbers, keys, forwardings, each sorted by natural key", () => {
    const ts = generate(office(), OPTIONS).files["index.ts"];
    const names = [...ts.matchAll(/new pbx\.\w+\("([^"]+)"/g)].map((m) => m[1]);
    expect(names).toEqual([
      "user-1001", "user-1002", "user-1003", "user-2001", "group-sales-team",
      "number-3225550100", "number-3225550101", "number-3225550199",
      "key-1001-1", "key-1001-2", "key-1002-1", "forwarding-1003",
      "device-00-1b-54-aa-bb-cc", "device-alice-desk",
    ]);
    // Variables only where something refers to the object, declared before their first use.
    const lonely = generate({ ...office(), users: [...office().users, user("u7", "1007", "Gwen")] }, OPTIONS).files["index.ts"];
    expect(lonely).toContain('\nnew pbx.User("user-1007", {');
    for (const m of ts.matchAll(/const (\w+) = new pbx\./g)) {
      expect(ts.indexOf(`${m[1]}.id`)).toBeGreaterThan(m.index!);
    }
  });

  test("secrets never reach the code: PINs go to the secret config map, portal passwords become required secret config", () => {
    const g = generate(office(), OPTIONS);
    const ts = g.files["index.ts"];
    expect(g.pins).toEqual({ "1001": "1234", "1003": "4821" });
    expect(Object.keys(g.pins)).toEqual(["1001", "1003"]);
    for (const secret of ["1234", "4821", "sip-secret", "device-secret"]) {
      for (const text of Object.values(g.files)) expect(text).not.toContain(secret);
    }
    expect(ts).toContain('voicemail: { pin: pin("1001"), ringsBeforeVoicemail: 6 },');
    expect(ts).toContain('const pins = config.requireSecretObject<Record<string, string>>("voicemailPins");');
    expect(ts).toContain('portal: { username: "alice", password: config.requireSecret("portalPassword1001") },');
    expect(ts).toMatch(/\/\/ Alice Martin \(1001\) has a portal password; the PBX never returns it[^\n]*\n\/\/   npx pulumi config set --secret portalPassword1001\n/);
    expect(g.requiredSecrets).toEqual([{ key: "portalPassword1001", who: "Alice Martin (1001)" }]);
  });

  test("the stack config holds the connection; extensions outside 2–6 digits bring the numbering plan", () => {
    expect(generate(office(), OPTIONS).config).toEqual([["pbx:driver", "apiv1"], ["pbx:site", "office"], ["pbx:url", "http://pbx.test"]]);
    const long = { ...office(), users: [...office().users, user("u9", "12345678", "Long")] };
    const wazo = generate(long, { ...OPTIONS, driver: "wazo", username: "office-pulumi", tenant: "t-uuid" }).config;
    expect(wazo).toEqual([
      ["pbx:driver", "wazo"],
      ["pbx:numberingPlan", '{"minLength":2,"maxLength":8,"reserved":[]}'],
      ["pbx:site", "office"], ["pbx:tenant", "t-uuid"], ["pbx:url", "http://pbx.test"], ["pbx:username", "office-pulumi"],
    ]);
  });

  test("deterministic: the same site in any order gives the same bytes", () => {
    const a = generate(office(), OPTIONS);
    const shuffled = office();
    for (const list of Object.values(shuffled)) (list as unknown[]).reverse();
    const b = generate(shuffled, OPTIONS);
    expect(b.files).toEqual(a.files);
    expect(JSON.stringify(b.pins)).toBe(JSON.stringify(a.pins));
  });

  test("--include / --exclude by kind and pattern; references to objects left out are reported by name", () => {
    const g = generate(office(), { ...OPTIONS, filter: { include: [parseRule("user:1[0-9]{3}"), parseRule("key"), parseRule("group"), parseRule("number"), parseRule("forwarding")], exclude: [parseRule("number:3225550199")] } });
    const ts = g.files["index.ts"];
    expect(ts).not.toContain('"user-2001"');
    expect(ts).not.toContain('"number-3225550199"');
    expect(ts).not.toContain('"key-1002-1"');
    expect(g.counts.user).toEqual({ read: 4, kept: 3, exported: 3 });
    expect(g.counts.incomingNumber).toEqual({ read: 3, kept: 2, exported: 2 });
    expect(g.problems).toEqual([{ name: "key-1002-1", message: "its target user 2001 (user-2001) is not exported: left out" }]);
    expect(ts).toContain("//   key-1002-1: its target user 2001 (user-2001) is not exported: left out");

    // A group whose member is left out keeps its other settings; its members are not managed.
    const noChloe = generate(office(), { ...OPTIONS, filter: { include: [], exclude: [parseRule("user:1003")] } });
    expect(noChloe.problems.map((p) => p.name)).toEqual(["device-00-1b-54-aa-bb-cc", "forwarding-1003", "group-sales-team", "key-1001-1"]);
    expect(noChloe.problems.find((p) => p.name === "group-sales-team")!.message).toBe("members left out of the program (not managed): user 1003 (user-1003) is not exported");
    expect(noChloe.files["index.ts"]).not.toContain("members:");
    expect(noChloe.files["index.ts"]).toContain('const groupSalesTeam = new pbx.UserGroup("group-sales-team", {\n  name: "Sales Team",\n  ringStrategy: "inOrder",');
  });

  test("an object the provider would refuse is reported by name and left out, never written half", () => {
    const site = office();
    site.users.push(user("u5", "1005", "Eve", { voicemail: { enabled: true, pin: "12", ringsBeforeVoicemail: 4, email: null, notificationEmails: [], attachAudio: false, deleteAfterNotification: false, askPassword: true } }));
    site.incomingNumbers.push(number("n9", "+3225550999", { type: "user", userId: "gone" }));
    const g = generate(site, OPTIONS);
    expect(g.problems).toEqual([
      { name: "number-3225550999", message: "its destination user gone is not a user of the site: left out" },
      { name: "user-1005", message: "cannot be expressed as a program (voicemail.pin: voicemail PIN must be at least 4 digits): left out" },
    ]);
    expect(g.files["index.ts"]).not.toContain('"user-1005"');
    expect(g.files["index.ts"]).toContain("//   user-1005: cannot be expressed as a program");
    expect(g.pins).not.toHaveProperty("1005");
  });

  test("the driver's capabilities decide what is written: Wazo's key count is not part of a user", () => {
    const site = office();
    for (const u of site.users) u.keyCount = 0; // what the Wazo driver reads back
    site.users = site.users.filter((u) => u.permissions.length === 0 && u.role === "user");
    site.functionKeys = [];
    site.forwardings = [];
    site.userGroups = [];
    site.incomingNumbers = [];
    site.devices = [];
    const g = generate(site, { ...OPTIONS, driver: "wazo" });
    expect(g.problems).toEqual([]);
    expect(g.files["index.ts"]).not.toContain("keyCount");
    // On API v1 a key count other than 20 is the user's own.
    expect(generate(site, OPTIONS).problems.map((p) => p.name)).toEqual(["user-1002", "user-1003"]);
  });

  test("devices: owner as a variable, SIP password left unmanaged, SCCP phones named by MAC, unknown models reported", () => {
    const g = generate(office(), OPTIONS);
    const ts = g.files["index.ts"];
    expect(ts).toContain(
      '// SIP password not managed: the device keeps the one it has (set sipPassword from a secret to manage it).\n' +
        'new pbx.Device("device-alice-desk", {\n  name: "Alice desk",\n  userId: user1001.id,\n  sipUsername: "alice-desk",\n' +
        '  macAddress: "00:15:65:12:34:56",\n  make: "yealink",\n  model: "T46U",\n  adopt: true,\n});\n',
    );
    expect(ts).toContain('new pbx.Device("device-00-1b-54-aa-bb-cc", {\n  name: "Old Cisco",\n  userId: user1003.id,\n  protocol: "sccp",');
    expect(ts).toContain("// ---- Devices (2) ----");
    expect(g.counts.device).toEqual({ read: 2, kept: 2, exported: 2 });
    expect(generate(office(), { ...OPTIONS, filter: { include: [parseRule("device:alice-.*")], exclude: [] } }).counts.device).toEqual({ read: 2, kept: 1, exported: 0 });
    const site = office();
    site.devices.push(device("d3", "u2", { sipUsername: "bob-desk", macAddress: "00:15:65:00:00:01", make: "yealink", model: "T99" }));
    expect(generate(site, OPTIONS).problems).toEqual([{ name: "device-bob-desk", message: expect.stringMatching(/^cannot be expressed as a program \(model: model "T99" is not a yealink model/) }]);
    // On Wazo an SCCP phone cannot be declared: reported, not written.
    const wazo = generate(office(), { ...OPTIONS, driver: "wazo" });
    expect(wazo.problems.find((p) => p.name === "device-00-1b-54-aa-bb-cc")!.message).toMatch(/protocol: pbx\.Device protocol "sccp" is not mapped on Wazo/);
    expect(wazo.files["index.ts"]).not.toContain('new pbx.Device("device-00-1b-54-aa-bb-cc"');
  });

  test("rule parsing, names and order", () => {
    expect(() => parseRule("phone:1")).toThrow(/kind must be one of user, number, group, key, forwarding, device/);
    expect(() => parseRule("user:(")).toThrow(/not a valid regular expression/);
    expect(parseRule("user:1[0-9]{3}").pattern!.test("10001")).toBe(false);
    expect(parseRule("userGroup:Sales.*").kind).toBe("userGroup");
    expect(slug("Équipe Ventes / Nord")).toBe("equipe-ventes-nord");
    expect(["1001", "10", "2", "a", "B"].sort(compareKeys)).toEqual(["2", "10", "1001", "B", "a"]);
    // Two groups with the same slug get distinct names, deterministically.
    const g = generate({ ...office(), userGroups: [group("g2", "sales team", []), group("g1", "Sales Team", [])] }, OPTIONS);
    expect([...g.files["index.ts"].matchAll(/new pbx\.UserGroup\("([^"]+)"/g)].map((m) => m[1])).toEqual(["group-sales-team", "group-sales-team-2"]);
  });
});
