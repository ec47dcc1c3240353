/**
 * One apply per deployment (`pbx.applyChangesOnce()`): the fast shape applies
 * each site once per `up` and once per `destroy`, ends with everything live,
 * and never loses a change: deletes of removed resources, `up --target`, and a
 * failed apply are all made live by the next full `up`.
 *
 * API v1 only: it is the driver whose PBX has an apply step (Wazo's changes are
 * live at once, and its driver skips all of this; the conformance suite runs
 * the default shape on both).
 */
import { PulumiProject, expectCode } from "./harness";
import { DriverPbx, projectOnDriverSite, startDriverPbx } from "./pbx";

const SITE = "leuven";
const program = `
const pulumi = require("@pulumi/pulumi");
const pbx = require("pulumi-pbx");
pbx.applyChangesOnce();
const cfg = new pulumi.Config("t");
const count = cfg.getNumber("users") ?? 20;
const users = [];
for (let i = 0; i < count; i++) {
  users.push(new pbx.User("u" + i, { extension: String(4000 + i), firstName: cfg.get("first") ?? "User" + i, lastName: "Fast" }));
}
const group = new pbx.UserGroup("all", { name: "All", members: users.map((u) => u.id) });
new pbx.IncomingNumber("main", { number: "+3225550400", destination: { type: "userGroup", groupId: group.id } });
users.slice(0, 4).forEach((u, i) => new pbx.FunctionKey("k" + i, { userId: u.id, position: 1, type: "blf", targetUserId: users[i + 1].id }));
users.slice(4, 8).forEach((u, i) => new pbx.Forwarding("f" + i, { userId: u.id, mode: "forward", onBusy: [{ number: "+3247099940" + i }] }));
`;

describe("the fast shape: one apply per deployment", () => {
  let pbx: DriverPbx;
  let project: PulumiProject;
  const applies = async () => (await pbx.metrics()).applies;
  const pending = () => pbx.pending(SITE);
  const users = () => pbx.admin(SITE).users.list();

  beforeAll(async () => {
    pbx = await startDriverPbx("apiv1", { applyDelayMs: 100 });
    ({ project } = await projectOnDriverSite(pbx, SITE, { name: "apply-once", files: { "index.js": program } }));
  }, 60_000);
  afterAll(async () => {
    project?.cleanup();
    await pbx?.close();
  });

  test("up of 31 resources applies the site once, and everything is live", async () => {
    const before = await applies();
    const r = await project.up();
    expectCode(r, 0);
    expect(r.output).toMatch(/\+ 33 created/); // 30 pbx resources, the apply guard, ApplyChanges and the stack
    expect((await applies()) - before).toBe(1);
    expect(await pending()).toBe(0);
    expect(await users()).toHaveLength(20);
  });

  test("a no-op up applies nothing and writes nothing", async () => {
    const before = await applies();
    const r = await project.up();
    expectCode(r, 0);
    expect(r.output).not.toMatch(/created|updated|deleted/);
    expect((await applies()) - before).toBe(0);
  });

  test("an edit of every user applies once; removed resources are deleted and live", async () => {
    await project.setConfig("t:first", "Renamed");
    await project.setConfig("t:users", "18");
    const before = await applies();
    const r = await project.up();
    expectCode(r, 0);
    expect(r.output).toMatch(/deleted/);
    expect(await pending()).toBe(0);
    // One for the updates, and the two deletes coalesce into at most one more.
    expect((await applies()) - before).toBeLessThanOrEqual(2);
    const all = await users();
    expect(all).toHaveLength(18);
    expect(all.every((u) => u.firstName === "Renamed")).toBe(true);
  });

  test("up --target leaves its change saved, not live; the next full up applies it", async () => {
    await project.setConfig("t:first", "Targeted");
    const res = (await project.resources()).find((x: any) => String(x.urn).endsWith("pbx:User::u0"));
    const targeted = await project.up({ extraArgs: ["--target", res.urn] });
    expectCode(targeted, 0);
    expect(await pending()).toBeGreaterThan(0);
    const full = await project.up();
    expectCode(full, 0);
    expect(await pending()).toBe(0);
    expect((await pbx.admin(SITE).users.find({ extension: "4000" }))?.firstName).toBe("Targeted");
  });

  test("pbx:applyChanges never: up saves its change and applies nothing, for a human to apply", async () => {
    await project.setConfig("pbx:applyChanges", "never");
    await project.setConfig("t:first", "Staged");
    const before = await applies();
    const r = await project.up();
    expectCode(r, 0);
    expect((await applies()) - before).toBe(0);
    expect(await pending()).toBeGreaterThan(0);
    await pbx.admin(SITE).apply(); // the human's "Apply changes"
    expect(await pending()).toBe(0);
    expect((await users()).every((u) => u.firstName === "Staged")).toBe(true);
    const rm = await project.run(["config", "rm", "pbx:applyChanges", "--stack", project.stackName]);
    expectCode(rm, 0);
  });

  test("an apply the PBX refuses fails the up and loses nothing; the next up applies", async () => {
    await project.setConfig("t:first", "Refused");
    pbx.setFaults({ applyFails: true });
    const failed = await project.up();
    expect(failed.code).not.toBe(0);
    expect(failed.output).toContain("apply_failed");
    expect(await pending()).toBeGreaterThan(0);
    pbx.setFaults({});
    const next = await project.up();
    expectCode(next, 0);
    expect(await pending()).toBe(0);
    expect((await users()).every((u) => u.firstName === "Refused")).toBe(true);
  });

  test("a refresh reads in bulk; a page error mid-refresh never reads as deleted; a console delete does", async () => {
    const before = await pbx.metrics();
    const clean = await project.refresh();
    expectCode(clean, 0);
    const after = await pbx.metrics();
    const gets = Object.entries(after.requests).filter(([r]) => r.startsWith("GET ")).reduce((n, [r, c]) => n + c - (before.requests[r] ?? 0), 0);
    // 28 pbx resources: a handful of lists and first reads, not one GET each.
    expect(gets).toBeLessThan(20);
    // Every list page fails: the reads fall back to single GETs, and nothing reads as deleted.
    pbx.setFaults({ listErrors: true });
    const pageErrors = await project.refresh();
    pbx.setFaults({});
    expectCode(pageErrors, 0);
    expect(pageErrors.output).not.toMatch(/deleted/);
    expectCode(await project.preview({ refresh: true, expectNoChanges: true }), 0);
    // A console edit read through the shared list is drift, naming the field.
    const edited = await pbx.admin(SITE).users.find({ extension: "4003" });
    await pbx.admin(SITE).users.update(edited!.id, { lastName: "Console" });
    await pbx.admin(SITE).apply();
    const drift = await project.preview({ refresh: true, expectNoChanges: true, diff: true });
    expectCode(drift, 7);
    expect(drift.output).toContain("lastName");
    expectCode(await project.up({ refresh: true }), 0);
    const doomed = await pbx.admin(SITE).users.find({ extension: "4017" });
    await pbx.admin(SITE).users.delete(doomed!.id);
    await pbx.admin(SITE).apply();
    const refresh = await project.refresh();
    expectCode(refresh, 0);
    expect(refresh.output).toMatch(/1 deleted/);
  });

  test("destroy deletes everything with one apply at the end", async () => {
    const before = await applies();
    const r = await project.destroy();
    expectCode(r, 0);
    expect((await applies()) - before).toBe(1);
    expect(await pending()).toBe(0);
    expect(await users()).toEqual([]);
  });
});
