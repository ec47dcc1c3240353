/**
 * The product, through the real pulumi CLI against the emulator: all five
 * resources created and applied, no-op re-runs, in-place edits and replacements,
 * drift made in the "console" shown and corrected, adopt, secrets kept out of the
 * state, and destroy.
 */
import { PulumiProject, expectCode } from "./harness";
import { RunningPbx, projectOnSite, startPbx, writeCount } from "./pbx";

const SITE = "brussels";

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
  voicemail: { enabled: true, pin: pulumi.secret("4821"), ringsBeforeVoicemail: 4 },
  role: "user",
  permissions: ["userPortal"],
  portal: { username: "alice", password: pulumi.secret("s3cret-pass") },
});
const bob = new pbx.User("bob", { extension: "1002", firstName: "Bob", lastName: "Dupont" });
const sales = new pbx.UserGroup("sales", { name: "Sales", members: [alice.id, bob.id] });
new pbx.IncomingNumber("main", {
  number: cfg.get("mainNumber") || "+3225550100",
  destination: { type: "userGroup", groupId: sales.id },
});
new pbx.FunctionKey("alice-1", { userId: alice.id, position: 1, type: "blf", targetUserId: bob.id });
new pbx.Forwarding("alice-fwd", {
  userId: alice.id,
  mode: "forward",
  onNoAnswer: [{ userId: bob.id, ringSeconds: 20 }, { number: "+32470999999", ringSeconds: 20 }],
  voicemailLastResort: true,
});
if (cfg.get("withZed")) {
  new pbx.User("zed", { extension: "1099", firstName: "Zed", lastName: "Program", adopt: cfg.getBoolean("adoptZed") });
}
exports.aliceId = alice.id;
exports.sipUsername = alice.sipUsername;
exports.sipPassword = alice.sipPassword;
exports.tags = alice.tags;
`;

describe("pbx resources through the real engine", () => {
  let pbx: RunningPbx;
  let project: PulumiProject;
  let siteToken: string;
  const console = () => pbx.console(SITE);

  beforeAll(async () => {
    pbx = await startPbx({ applyDelayMs: 50 });
    ({ project, token: siteToken } = await projectOnSite(pbx, SITE, { name: "office", files: { "index.js": officeProgram } }));
  }, 60_000);
  afterAll(async () => {
    project?.cleanup();
    await pbx?.close();
  });

  test("up creates all five kinds and applies them on the PBX", async () => {
    const r = await project.up();
    expectCode(r, 0);
    expect(r.output).toMatch(/\+ 7 created/);
    const users = await console().users.listAll();
    expect(users.map((u) => u.extension).sort()).toEqual(["1001", "1002"]);
    for (const u of users) expect(u.applied).toBe(true);
    const alice = users.find((u) => u.extension === "1001")!;
    expect(alice.mobileNumber).toBe("+32470123456");
    const [group] = await console().userGroups.listAll();
    expect(group.members.sort()).toEqual(users.map((u) => u.id).sort());
    const [number] = await console().incomingNumbers.listAll();
    expect(number.destination).toEqual({ type: "userGroup", groupId: group.id });
    const key = await console().functionKeys.get(alice.id, 1);
    expect(key).toMatchObject({ type: "blf", targetUserId: users.find((u) => u.extension === "1002")!.id });
    const fwd = await console().forwardings.get(alice.id);
    expect(fwd).toMatchObject({ mode: "forward", voicemailLastResort: true });
    const outs = await project.outputs({ showSecrets: true });
    expect(outs.sipUsername).toBe("1001");
    expect(outs.sipPassword).toBe(alice.sipPassword);
  });

  test("a second up changes nothing and sends no write", async () => {
    const before = await pbx.metrics();
    const p = await project.preview({ expectNoChanges: true, refresh: true });
    expectCode(p, 0);
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
    const alice = await console().users.findByExtension("1001");
    expect(alice?.firstName).toBe("Alicia");
    const numbers = (await console().incomingNumbers.listAll()).map((n) => n.number);
    expect(numbers).toEqual(["+3225550199"]);
  });

  test("a console edit is drift: preview --refresh --expect-no-changes exits 7 naming the field; up --refresh restores it", async () => {
    const alice = (await console().users.findByExtension("1001"))!;
    await console().users.update(alice.id, { firstName: "Eve" });
    await console().apply();

    const drift = await project.preview({ refresh: true, expectNoChanges: true, diff: true });
    expectCode(drift, 7);
    expect(drift.output).toContain("firstName");
    expect(drift.output).toContain("Eve");

    const fix = await project.up({ refresh: true });
    expectCode(fix, 0);
    expect((await console().users.findByExtension("1001"))?.firstName).toBe("Alicia");
    expect((await project.preview({ refresh: true, expectNoChanges: true })).code).toBe(0);
  });

  test("an object deleted in the console is dropped by refresh and recreated by up", async () => {
    const [number] = await console().incomingNumbers.listAll();
    await console().incomingNumbers.delete(number.id);
    await console().apply();
    const refresh = await project.refresh();
    expectCode(refresh, 0);
    expect(refresh.output).toMatch(/- 1 deleted|deleted/);
    const up = await project.up();
    expectCode(up, 0);
    expect(up.output).toMatch(/\+ 1 created/);
    expect((await console().incomingNumbers.listAll()).map((n) => n.number)).toEqual(["+3225550199"]);
  });

  test("an existing extension fails clearly without adopt, and adopt takes it over", async () => {
    await console().users.create({ extension: "1099", firstName: "Zed", lastName: "Console" });
    await console().apply();
    await project.setConfig("t:withZed", "true");
    const fail = await project.up();
    expect(fail.code).not.toBe(0);
    expect(fail.output).toContain("extension 1099 already exists");
    expect(fail.output).toContain("adopt: true");

    await project.setConfig("t:adoptZed", "true");
    const ok = await project.up();
    expectCode(ok, 0);
    const zeds = (await console().users.listAll()).filter((u) => u.extension === "1099");
    expect(zeds).toHaveLength(1);
    expect(zeds[0].lastName).toBe("Program");
  });

  test("no token, SIP password, PIN or portal password in the state", async () => {
    const { text } = await project.exportStack();
    const alice = (await console().users.findByExtension("1001"))!;
    for (const secret of [siteToken, alice.sipPassword, "4821", "s3cret-pass"]) {
      expect(text).not.toContain(secret);
    }
  });

  test("destroy leaves the site empty", async () => {
    const r = await project.destroy();
    expectCode(r, 0);
    expect(await console().users.listAll()).toEqual([]);
    expect(await console().incomingNumbers.listAll()).toEqual([]);
    expect(await console().userGroups.listAll()).toEqual([]);
  });
});
