/**
 * An interrupted `up` is finished by the next one (issue: no orphans, no
 * "already exists" on our own objects), for every driver: a run whose writes
 * all land but whose answers are all lost, and a PBX killed mid-run. The next
 * plain `up` takes back what the interrupted one made — no duplicate, no
 * `adopt` — and the stack then audits clean.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PulumiProject, expectCode } from "./harness";
import { CONFORMANCE_DRIVERS, DriverPbx, projectOnDriverSite, startDriverPbx } from "./pbx";

const program = `
const pbx = require("pulumi-pbx");
const users = [];
for (let i = 0; i < 6; i++) {
  users.push(new pbx.User("u" + i, { extension: String(3000 + i), firstName: "User" + i, lastName: "Interrupted" }));
}
const group = new pbx.UserGroup("team", { name: "Team", members: users.slice(0, 3).map((u) => u.id) });
new pbx.IncomingNumber("main", { number: "+3225550300", destination: { type: "userGroup", groupId: group.id } });
new pbx.FunctionKey("k0", { userId: users[0].id, position: 1, type: "blf", targetUserId: users[1].id });
new pbx.Forwarding("f0", { userId: users[2].id, mode: "forward", onBusy: [{ number: "+32470999900" }] });
`;

/** Every natural key of the program exists exactly once on the site. */
async function expectConverged(pbx: DriverPbx, site: string): Promise<void> {
  const d = pbx.admin(site);
  const users = await d.users.list();
  expect(users.map((u) => u.extension).sort()).toEqual(["3000", "3001", "3002", "3003", "3004", "3005"]);
  expect((await d.userGroups.list()).map((g) => g.name)).toEqual(["Team"]);
  expect((await d.incomingNumbers.list()).map((n) => n.number)).toEqual(["+3225550300"]);
  const u0 = users.find((u) => u.extension === "3000")!;
  const u2 = users.find((u) => u.extension === "3002")!;
  expect(await d.functionKeys.find({ userId: d.users.idOf(u0), position: 1 })).toMatchObject({ type: "blf" });
  expect(await d.forwardings.find({ userId: d.users.idOf(u2) })).toMatchObject({ mode: "forward" });
  expect(await pbx.pending(site)).toBe(0);
}

/** Waits until the PBX has received `n` writes: the run is writing, most still to come. */
async function untilWrites(pbx: DriverPbx, n: number): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const m = await pbx.metrics().catch(() => undefined);
    const writes = m ? Object.entries(m.requests).filter(([r]) => !r.startsWith("GET ")).reduce((sum, [, c]) => sum + c, 0) : 0;
    if (writes >= n) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`the PBX never received ${n} writes`);
}

describe.each(CONFORMANCE_DRIVERS)("driver %s: an interrupted up is finished by the next one", (driver) => {
  let pbx: DriverPbx | undefined;
  let project: PulumiProject | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    project?.cleanup();
    await pbx?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    pbx = project = dir = undefined;
  });

  test("every write lands and every answer is lost; a plain up then converges with no duplicate and no adopt", async () => {
    pbx = await startDriverPbx(driver, { applyDelayMs: 20 });
    ({ project } = await projectOnDriverSite(pbx, "mons", { name: "lost-answers", files: { "index.js": program } }));
    // Every write lands and its answer is cut (reads answer, so a driver may look).
    pbx.setFaults({ resetRate: 1, resetWritesOnly: true });
    const before = await pbx.metrics();
    await project.up(); // fails, or converges if the driver finds what its lost writes made
    const sent = Object.entries((await pbx.metrics()).requests).filter(([r]) => !r.startsWith("GET ")).reduce((n, [r, c]) => n + c - (before.requests[r] ?? 0), 0);
    expect(sent).toBeGreaterThan(0);
    pbx.setFaults({});
    const next = await project.up();
    expectCode(next, 0);
    expect(next.output).not.toContain("already exists");
    await expectConverged(pbx, "mons");
    expectCode(await project.preview({ refresh: true, expectNoChanges: true }), 0);
  });

  test("the engine killed (kill -9 of the CLI and its plugins) mid-up: the next up converges", async () => {
    pbx = await startDriverPbx(driver, { applyDelayMs: 20, faults: { latencyMs: 30 } });
    ({ project } = await projectOnDriverSite(pbx, "wavre", { name: "engine-killed", files: { "index.js": program } }));
    const abort = new AbortController();
    const running = project.up({ signal: abort.signal });
    await untilWrites(pbx, 3);
    abort.abort();
    const killed = await running;
    expect(killed.code).not.toBe(0);
    // What a user does after a killed run: release the stack's lock, then up again.
    await project.ok(["cancel", "--yes", "--stack", project.stackName]);
    const next = await project.up();
    expectCode(next, 0);
    expect(next.output).not.toContain("already exists");
    await expectConverged(pbx, "wavre");
    expectCode(await project.preview({ refresh: true, expectNoChanges: true }), 0);
  });

  test("the PBX killed (kill -9) mid-up and restarted: the next up converges", async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pbx-kill-"));
    pbx = await startDriverPbx(driver, { applyDelayMs: 20, processDataFile: path.join(dir, "pbx.db") });
    ({ project } = await projectOnDriverSite(pbx, "arlon", { name: "killed", files: { "index.js": program } }));
    const running = project.up();
    await untilWrites(pbx, 3);
    pbx.kill!();
    await new Promise((r) => setTimeout(r, 300));
    await pbx.restart!();
    await running; // it may fail or finish: either way the next up must converge
    const next = await project.up();
    expectCode(next, 0);
    expect(next.output).not.toContain("already exists");
    await expectConverged(pbx, "arlon");
    expectCode(await project.preview({ refresh: true, expectNoChanges: true }), 0);
  });
});
