/**
 * The conformance suite: the product through the real pulumi CLI, run unchanged
 * against every driver, each with its own emulator (go-cloud's drivertest).
 * All six resources created (and live), no-op re-runs, in-place edits and
 * replacements, drift made in the "console" shown and corrected, a console
 * delete recreated, adopt, bad input stopped at preview, secrets kept out of
 * the state, a faulty PBX converging without duplicates, and destroy.
 *
 * One engine run serves several assertions where it can: every `up` here costs
 * seconds, and the suite runs once per driver.
 */
import { PulumiProject, expectCode } from "./harness";
import { CONFORMANCE_DRIVERS, DriverPbx, projectOnDriverSite, startDriverPbx, writeCount } from "./pbx";

/** What every driver can express: the office of the README, with one forwarding step. */
export const officeProgram = `
const pulumi = require("@pulumi/pulumi");
const pbx = require("pulumi-pbx");
const cfg = new pulumi.Config("t");

const alice = new pbx.User("alice", {
  extension: "1001",
  firstName: cfg.get("aliceFirst") || "Alice",
  lastName: "Martin",
  email: "alice@example.com",
  mobileNumber: "+32 470 12 34 56",
  voicemail: { enabled: true, pin: pulumi.secret("4821"), email: "vm.alice@example.com", attachAudio: true, deleteAfterNotification: true, askPassword: false },
  portal: { username: "alice", password: pulumi.secret("s3cret-pass") },
  // Seed 002 (XiVO) user options, which both drivers hold.
  callTransfer: true,
  supervision: false,
  cti: { username: "alice.cti", password: pulumi.secret("cti-pass-1") },
});
const bob = new pbx.User("bob", { extension: "1002", firstName: "Bob", lastName: "Dupont" });
const sales = new pbx.UserGroup("sales", { name: "Sales", members: [alice.id, bob.id] });
new pbx.IncomingNumber("main", {
  number: cfg.get("mainNumber") || "+3225550100",
  destination: { type: "userGroup", groupId: sales.id },
});
new pbx.FunctionKey("alice-1", { userId: alice.id, position: 1, type: "blf", targetUserId: bob.id, label: "Bob", supervision: true });
new pbx.Forwarding("alice-fwd", {
  userId: alice.id,
  mode: "forward",
  onBusy: [{ number: "+32470999999" }],
  voicemailLastResort: true,
  // Seed 001/003 forwarding options, at the values every driver can hold (read back on refresh: no drift).
  ringStrategy: "inOrder",
  forwardedCallerId: "caller",
});
// pbx.Device (issue 14): a desk phone of Alice's. MAC provisioning where the driver maps it
// (on Wazo that is wazo-provd's business, refused at preview: see the unit tests).
const onApiV1 = (new pulumi.Config("pbx").get("driver") || "apiv1") === "apiv1";
const desk = new pbx.Device("alice-desk", {
  name: "Alice desk",
  userId: alice.id,
  sipUsername: "alice-desk",
  ...(onApiV1 ? { macAddress: "00-15-65-AA-BB-CC", make: "yealink", model: "T46U" } : {}),
});
exports.deskPassword = desk.sipPassword;
if (cfg.get("withZed")) {
  new pbx.User("zed", { extension: "1099", firstName: "Zed", lastName: "Program", adopt: cfg.getBoolean("adoptZed") });
}
if (cfg.get("badPin")) {
  new pbx.User("carol", { extension: "1003", firstName: "Carol", voicemail: { pin: cfg.get("badPin") } });
}
exports.aliceId = alice.id;
exports.sipUsername = alice.sipUsername;
exports.sipPassword = alice.sipPassword;
`;

/** A PBX on a bad day: 20 % 5xx, 10 % of answers cut off after the write was done, 25 requests/s. */
const faultyProgram = `
const pbx = require("pulumi-pbx");
const users = [];
for (let i = 0; i < 12; i++) {
  users.push(new pbx.User("u" + i, { extension: String(2000 + i), firstName: "User" + i, lastName: "Faulty", voicemail: { enabled: true, pin: "48" + (10 + i) } }));
}
const groups = [0, 1, 2].map((g) => new pbx.UserGroup("g" + g, { name: "Group " + g, members: users.slice(g * 4, g * 4 + 4).map((u) => u.id) }));
groups.forEach((g, i) => new pbx.IncomingNumber("n" + i, { number: "+322555020" + i, destination: { type: "userGroup", groupId: g.id } }));
users.slice(0, 6).forEach((u, i) => new pbx.FunctionKey("k" + i, { userId: u.id, position: 1, type: "blf", targetUserId: users[(i + 1) % 12].id }));
users.slice(6, 10).forEach((u, i) => new pbx.Forwarding("f" + i, { userId: u.id, mode: "forward", onBusy: [{ number: "+3247099990" + i }] }));
`;

describe.each(CONFORMANCE_DRIVERS)("driver %s: pbx resources through the real engine", (driver) => {
  const SITE = "brussels";
  let pbx: DriverPbx;
  let project: PulumiProject;
  let siteSecrets: string[];
  const admin = () => pbx.admin(SITE);
  const user = async (extension: string) => (await admin().users.find({ extension }))!;

  beforeAll(async () => {
    pbx = await startDriverPbx(driver, { applyDelayMs: 50 });
    ({ project, secrets: siteSecrets } = await projectOnDriverSite(pbx, SITE, { name: "office", files: { "index.js": officeProgram } }));
  }, 60_000);
  afterAll(async () => {
    project?.cleanup();
    await pbx?.close();
  });

  test("up creates all six kinds, live on the PBX", async () => {
    const r = await project.up();
    expectCode(r, 0);
    expect(r.output).toMatch(/\+ 8 created/);
    const users = await admin().users.list();
    expect(users.map((u) => u.extension).sort()).toEqual(["1001", "1002"]);
    expect(await pbx.pending(SITE)).toBe(0);
    const alice = users.find((u) => u.extension === "1001")!;
    const bob = users.find((u) => u.extension === "1002")!;
    expect(alice).toMatchObject({ firstName: "Alice", lastName: "Martin", email: "alice@example.com", mobileNumber: "+32470123456" });
    expect(alice.voicemail).toMatchObject({ enabled: true, pin: "4821", email: "vm.alice@example.com", attachAudio: true, deleteAfterNotification: true, askPassword: false });
    expect(alice).toMatchObject({ callTransfer: true, supervision: false, cti: { enabled: true, username: "alice.cti", passwordSet: true } });
    const [group] = await admin().userGroups.list();
    expect([...group.members].sort()).toEqual([alice.id, bob.id].sort());
    const [number] = await admin().incomingNumbers.list();
    expect(number).toMatchObject({ number: "+3225550100", destination: { type: "userGroup", groupId: group.id } });
    const key = await admin().functionKeys.find({ userId: alice.id, position: 1 });
    expect(key).toMatchObject({ type: "blf", targetUserId: bob.id, label: "Bob", supervision: true });
    const fwd = await admin().forwardings.find({ userId: alice.id });
    expect(fwd).toMatchObject({ mode: "forward", onBusy: [{ number: "+32470999999" }], voicemailLastResort: true, ringStrategy: "inOrder", forwardedCallerId: "caller" });
    const outs = await project.outputs({ showSecrets: true });
    expect(outs.sipUsername).toBe(alice.sipUsername);
    expect(outs.sipPassword).toBe(alice.sipPassword);
    expect(outs.sipPassword).toBeTruthy();
    // The device: its own SIP identity beside the user's, a password the PBX (or driver) made, secret;
    // on API v1 the MAC in one form.
    const desk = (await admin().devices.find({ sipUsername: "alice-desk" }))!;
    expect(desk).toMatchObject({ userId: alice.id, name: "Alice desk", protocol: "sip" });
    if (driver === "apiv1") expect(desk).toMatchObject({ macAddress: "00:15:65:aa:bb:cc", make: "yealink", model: "T46U" });
    expect(desk.sipUsername).not.toBe(alice.sipUsername);
    expect(outs.deskPassword).toBe(desk.sipPassword);
    expect((await project.outputs()).deskPassword).toBe("[secret]");
  });

  test("a second up changes nothing and sends no write; preview --refresh shows no drift", async () => {
    const before = await pbx.metrics();
    expectCode(await project.preview({ expectNoChanges: true, refresh: true }), 0);
    const r = await project.up();
    expectCode(r, 0);
    expect(r.output).not.toMatch(/created|updated|replaced|deleted/);
    expect(writeCount(await pbx.metrics())).toBe(writeCount(before));
  });

  test("an edit updates in place; a new number replaces the incoming number", async () => {
    await project.setConfig("t:aliceFirst", "Alicia");
    await project.setConfig("t:mainNumber", "+3225550199");
    const r = await project.up();
    expectCode(r, 0);
    expect(r.output).toMatch(/~ 1 updated/);
    expect(r.output).toMatch(/\+-1 replaced/);
    expect((await user("1001")).firstName).toBe("Alicia");
    expect((await admin().incomingNumbers.list()).map((n) => n.number)).toEqual(["+3225550199"]);
  });

  test("a console edit is drift: preview --refresh --expect-no-changes exits 7 naming the field; up --refresh restores it", async () => {
    const alice = await user("1001");
    await admin().users.update(alice.id, { firstName: "Eve", callTransfer: false });
    await admin().apply();

    const drift = await project.preview({ refresh: true, expectNoChanges: true, diff: true });
    expectCode(drift, 7);
    expect(drift.output).toContain("firstName");
    expect(drift.output).toContain("Eve");
    expect(drift.output).toContain("callTransfer");
    // Only what the program manages is compared: no field it never set reads as a removal.
    expect(drift.output).not.toMatch(/- (role|keyCount|callRecording|permissions):/);

    const fix = await project.up({ refresh: true });
    expectCode(fix, 0);
    expect(await user("1001")).toMatchObject({ firstName: "Alicia", callTransfer: true });
    expectCode(await project.preview({ refresh: true, expectNoChanges: true }), 0);
  });

  test("an object deleted in the console is dropped by refresh and recreated by up", async () => {
    const [number] = await admin().incomingNumbers.list();
    await admin().incomingNumbers.delete(admin().incomingNumbers.idOf(number));
    await admin().apply();
    const refresh = await project.refresh();
    expectCode(refresh, 0);
    expect(refresh.output).toMatch(/deleted/);
    const up = await project.up();
    expectCode(up, 0);
    expect(up.output).toMatch(/\+ 1 created/);
    expect((await admin().incomingNumbers.list()).map((n) => n.number)).toEqual(["+3225550199"]);
  });

  test("an existing extension fails clearly without adopt; adopt takes it over", async () => {
    await admin().users.create({ extension: "1099", firstName: "Zed", lastName: "Console" });
    await admin().apply();
    await project.setConfig("t:withZed", "true");
    const fail = await project.up();
    expect(fail.code).not.toBe(0);
    expect(fail.output).toContain("extension 1099 already exists");
    expect(fail.output).toContain("adopt: true");

    await project.setConfig("t:adoptZed", "true");
    const ok = await project.up();
    expectCode(ok, 0);
    const zeds = (await admin().users.list()).filter((u) => u.extension === "1099");
    expect(zeds).toHaveLength(1);
    expect(zeds[0].lastName).toBe("Program");
  });

  test("bad input fails at preview naming resource, field and rule; nothing is written", async () => {
    const before = writeCount(await pbx.metrics());
    await project.setConfig("t:badPin", "12");
    const r = await project.preview();
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/carol/);
    expect(r.output).toContain("voicemail.pin");
    expect(r.output).toContain("rule: pin_min_length");
    await project.ok(["config", "rm", "t:badPin"]);
    expect(writeCount(await pbx.metrics())).toBe(before);
  });

  test("no credential, SIP password, PIN or portal password in the state", async () => {
    const { text } = await project.exportStack();
    const alice = await user("1001");
    const desk = (await admin().devices.find({ sipUsername: "alice-desk" }))!;
    for (const secret of [...siteSecrets, alice.sipPassword, desk.sipPassword!, "4821", "s3cret-pass", "cti-pass-1"]) {
      expect(text).not.toContain(secret);
    }
  });

  test("destroy leaves the site empty", async () => {
    const r = await project.destroy();
    expectCode(r, 0);
    expect(await admin().users.list()).toEqual([]);
    expect(await admin().incomingNumbers.list()).toEqual([]);
    expect(await admin().userGroups.list()).toEqual([]);
    // The device went before its user (the PBX refuses to delete a user that still has devices).
    expect(await admin().devices.list()).toEqual([]);
  });

  describe("on a faulty, rate-limited PBX", () => {
    let faulty: PulumiProject;
    beforeAll(async () => {
      ({ project: faulty } = await projectOnDriverSite(pbx, "liege", { name: "faults", files: { "index.js": faultyProgram } }));
      pbx.setFaults({ errorRate: 0.2, resetRate: 0.1, rateLimit: { perSecond: 25 } });
    }, 60_000);
    afterAll(() => {
      pbx.setFaults({});
      faulty?.cleanup();
    });

    test("one up creates everything, each natural key once; preview --refresh then shows no drift", async () => {
      const r = await faulty.up();
      expectCode(r, 0);
      expect(r.output).toMatch(/\+ 29 created/);
      const site = pbx.admin("liege");
      const users = await site.users.list();
      expect(users.map((u) => u.extension).sort()).toEqual(Array.from({ length: 12 }, (_, i) => String(2000 + i)));
      expect((await site.userGroups.list()).map((g) => g.name).sort()).toEqual(["Group 0", "Group 1", "Group 2"]);
      expect((await site.incomingNumbers.list()).map((n) => n.number).sort()).toEqual(["+3225550200", "+3225550201", "+3225550202"]);
      expect(await pbx.pending("liege")).toBe(0);
      const m = await pbx.metrics();
      expect(Object.values(m.requests).reduce((a, b) => a + b, 0)).toBeGreaterThan(29);
      expectCode(await faulty.preview({ refresh: true, expectNoChanges: true }), 0);
    });
  });
});
