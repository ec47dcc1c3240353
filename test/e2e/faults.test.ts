/**
 * A PBX on a bad day: 10% of requests fail with 500/503, 10% of responses are cut
 * off after the write was done, and a rate limit answers 429. One `pulumi up`
 * still converges, and no natural key exists twice.
 */
import { PulumiProject, expectCode } from "./harness";
import { RunningPbx, projectOnSite, startPbx } from "./pbx";

const program = `
const pulumi = require("@pulumi/pulumi");
const pbx = require("pulumi-pbx");
const users = [];
for (let i = 0; i < 12; i++) {
  users.push(new pbx.User("u" + i, { extension: String(2000 + i), firstName: "User" + i, lastName: "Faulty", voicemail: { pin: "48" + (10 + i) } }));
}
const groups = [0, 1, 2].map((g) => new pbx.UserGroup("g" + g, { name: "Group " + g, members: users.slice(g * 4, g * 4 + 4).map((u) => u.id) }));
groups.forEach((g, i) => new pbx.IncomingNumber("n" + i, { number: "+322555020" + i, destination: { type: "userGroup", groupId: g.id } }));
users.slice(0, 6).forEach((u, i) => new pbx.FunctionKey("k" + i, { userId: u.id, position: 1, type: "blf", targetUserId: users[(i + 1) % 12].id }));
users.slice(6, 10).forEach((u, i) => new pbx.Forwarding("f" + i, { userId: u.id, mode: "forward", onBusy: [{ number: "+3247099990" + i, ringSeconds: 15 }] }));
`;

describe("up converges against a faulty, rate-limited PBX", () => {
  let pbx: RunningPbx;
  let project: PulumiProject;

  beforeAll(async () => {
    pbx = await startPbx({ applyDelayMs: 50, faults: { errorRate: 0.1, resetRate: 0.1, rateLimit: { perSecond: 40 } } });
    ({ project } = await projectOnSite(pbx, "liege", { name: "faults", files: { "index.js": program } }));
  }, 120_000);
  afterAll(async () => {
    project?.cleanup();
    await pbx?.close();
  });

  test("one up creates everything, each natural key once", async () => {
    const r = await project.up();
    expectCode(r, 0);
    expect(r.output).toMatch(/\+ 29 created/);
    const admin = pbx.console("liege");
    // Reads go through the same faults; the client retries them too.
    const users = await admin.users.listAll();
    const exts = users.map((u) => u.extension).sort();
    expect(exts).toEqual(Array.from({ length: 12 }, (_, i) => String(2000 + i)));
    expect(new Set((await admin.userGroups.listAll()).map((g) => g.name)).size).toBe(3);
    expect((await admin.userGroups.listAll())).toHaveLength(3);
    expect((await admin.incomingNumbers.listAll()).map((n) => n.number).sort()).toEqual(["+3225550200", "+3225550201", "+3225550202"]);
    for (const u of users) expect(u.applied).toBe(true);
    const m = await pbx.metrics();
    // The faults really happened: more requests than operations.
    expect(Object.values(m.requests).reduce((a, b) => a + b, 0)).toBeGreaterThan(29);
  });

  test("then a refresh preview shows no drift", async () => {
    const r = await project.preview({ refresh: true, expectNoChanges: true });
    expectCode(r, 0);
  });
});
