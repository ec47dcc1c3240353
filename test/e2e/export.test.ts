/**
 * `pulumi-pbx export` end to end, once per driver: a site made by someone else
 * (examples/basic deployed by another stack; a generated site of 1000 objects
 * of every kind made through the driver) is exported, installed as a user
 * installs it, and its first `pulumi up` records every object without changing
 * the PBX; `preview --refresh --expect-no-changes` then exits 0, a console edit
 * shows as drift, and a second export is byte for byte the first.
 */
import * as fs from "fs";
import * as path from "path";
import { runExport, type ExportOptions } from "../../cli/export";
import { parseRule } from "../../cli/export/filter";
import { mapLimit } from "../../cli/limit";
import { createDriver, type Driver, type DriverName, type UserModel } from "../../sdk/drivers";
import { pulumiRunner } from "../../cli/export/stack";
import { PulumiProject, repoRoot } from "./harness";
import { CONFORMANCE_DRIVERS, DriverPbx, projectOnDriverSite, startDriverPbx } from "./pbx";

/**
 * Writes sent to the PBX between two metric readings, by route: every POST,
 * PUT, PATCH and DELETE except the wazo-auth token routes (a login is not a
 * change of the site). Adopt looks before it writes, so an exported program's
 * first `up` sends none.
 */
function writes(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [route, n] of Object.entries(after)) {
    const d = n - (before[route] ?? 0);
    if (d > 0 && /^(POST|PUT|PATCH|DELETE) /.test(route) && !/\/token\b/.test(route)) out[route] = d;
  }
  return out;
}

type Metrics = { requests: Record<string, number>; applies: number; appliedChanges?: number };

/** No apply ran (the program's `pbx.ApplyChanges` skips a site with nothing saved) and no change was applied. */
function expectNoApply(before: Metrics, after: Metrics): void {
  expect((after.appliedChanges ?? 0) - (before.appliedChanges ?? 0)).toBe(0);
  expect(after.applies - before.applies).toBe(0);
}

/** Every object of the site as the driver reads it (revisions included where the PBX keeps them), sorted. */
async function siteState(d: Driver): Promise<string> {
  const lists = await Promise.all([d.users.list(), d.incomingNumbers.list(), d.userGroups.list(), d.functionKeys.list(), d.forwardings.list()]);
  return JSON.stringify(lists.map((l) => (l as Array<{ id: string }>).map((o) => JSON.stringify(o)).sort()));
}

/** The site's connection as the export takes it: flags and the environment. */
interface Access {
  options: Pick<ExportOptions, "url" | "site" | "driver" | "username">;
  env: Record<string, string>;
}

function accessOf(pbx: DriverPbx, site: string, config: Array<[string, string, boolean]>): Access {
  const get = (k: string) => config.find(([key]) => key === k)?.[1];
  return pbx.driver === "wazo"
    ? { options: { url: pbx.url, site, driver: "wazo", username: get("pbx:username") }, env: { PBX_PASSWORD: get("pbx:password")! } }
    : { options: { url: pbx.url, site, driver: "apiv1" }, env: { PBX_TOKEN: get("pbx:token")! } };
}

/** An empty program directory installed as the harness installs programs, plus TypeScript for index.ts. */
function exportedProject(name: string): PulumiProject {
  const project = PulumiProject.create({ name, files: { "index.ts": "" } });
  fs.symlinkSync(path.join(repoRoot, "node_modules", "typescript"), path.join(project.dir, "node_modules", "typescript"), "dir");
  return project;
}

/** Runs the export into `dir` with the project's backend; returns the exit code and what it printed. */
async function exportTo(project: PulumiProject, dir: string, access: Access, extra: Partial<ExportOptions> = {}): Promise<{ code: number; stderr: string }> {
  let stderr = "";
  const env = { ...process.env, ...project.env, ...access.env };
  for (const k of Object.keys(env)) if (k.startsWith("PBX_") && !(k in access.env)) delete env[k];
  const code = await runExport(
    { ...access.options, out: dir, stack: project.stackName, project: "exported", ...extra },
    {
      env,
      stdin: { isTTY: false, on: () => undefined, removeListener: () => undefined, resume: () => undefined, pause: () => undefined },
      stderr: { write: (t: string) => (stderr += t) },
      createDriver,
      pulumi: pulumiRunner,
      now: Date.now,
    },
  );
  return { code, stderr };
}

const readFiles = (dir: string) =>
  Object.fromEntries(fs.readdirSync(dir).filter((f) => !fs.statSync(path.join(dir, f)).isDirectory()).sort().map((f) => [f, fs.readFileSync(path.join(dir, f), "utf8")]));

/** The generated site: 1000 objects of every kind (5000 resources in one stack). */
const SIZES = { users: 1000, groups: 1000, numbers: 1000, keys: 1000, forwardings: 1000 };

/** A generated site through the driver: every kind, what every driver can express. */
async function generateSite(d: Driver, driver: DriverName, sizes: { users: number; groups: number; numbers: number; keys: number; forwardings: number }): Promise<number> {
  const users: UserModel[] = await mapLimit(Array.from({ length: sizes.users }, (_, i) => i), 16, (i) =>
    d.users.create({
      extension: String(3000 + i),
      firstName: `First${i}`,
      lastName: `Last ${i}`,
      ...(i % 2 === 0 ? { email: `user${i}@example.com` } : {}),
      ...(i % 5 === 0 ? { department: ["Sales", "Support", "IT"][i % 3] } : {}),
      ...(i % 7 === 0 ? { dnd: true } : {}),
      ...(i % 11 === 0 ? { callRecording: "onDemand" as const } : {}),
      ...(i % 13 === 0 ? { mobileNumber: `+3247${String(1000000 + i)}` } : {}),
      ...(driver === "apiv1" && i % 17 === 0 ? { role: "supervisor" as const, permissions: ["userPortal" as const, "callList" as const], keyCount: 30 } : {}),
      voicemail: i % 3 === 0 ? { enabled: true, pin: String(4000 + i), ringsBeforeVoicemail: 4 + (i % 4) } : i % 10 === 1 ? { enabled: false } : { enabled: true },
    }),
  );
  const groups = await mapLimit(Array.from({ length: sizes.groups }, (_, i) => i), 8, (i) =>
    d.userGroups.create({
      name: `Team ${i}`,
      members: [0, 1, 2, 3].map((k) => users[(i * 4 + k) % users.length].id),
      ...(i % 2 ? { ringStrategy: "inOrder" as const } : {}),
      ...(i % 3 === 0 ? { ringSeconds: 25 } : {}),
    }),
  );
  await mapLimit(Array.from({ length: sizes.numbers }, (_, i) => i), 16, (i) =>
    d.incomingNumbers.create({
      number: `+3225${String(600000 + i)}`,
      destination: i % 4 === 0 ? { type: "userGroup", groupId: groups[i % groups.length].id } : i % 4 === 3 ? { type: "hangup" } : { type: "user", userId: users[i % users.length].id },
      ...(i % 4 === 1 ? { ringSeconds: 40 } : {}),
      ...(i % 6 === 0 ? { description: `line ${i}` } : {}),
    }),
  );
  await mapLimit(Array.from({ length: sizes.keys }, (_, i) => i), 16, (i) => {
    const owner = users[i % users.length];
    const position = Math.floor(i / users.length) + 1;
    return d.functionKeys.create(
      i % 3 === 2
        ? { userId: owner.id, position, type: "quickCall", number: `+3247${String(2000000 + i)}`, label: `Speed ${i}` }
        : { userId: owner.id, position, type: i % 3 === 0 ? "blf" : "line", targetUserId: users[(i + 1 + position) % users.length].id },
    );
  });
  await mapLimit(Array.from({ length: sizes.forwardings }, (_, i) => i), 16, (i) =>
    d.forwardings.create({
      userId: users[i].id,
      mode: "forward",
      ...(i % 2 ? { onNoAnswer: [{ userId: users[(i + 7) % users.length].id }] } : { onBusy: [{ number: `+3247${String(3000000 + i)}` }] }),
      ...(i % 3 === 0 ? { voicemailLastResort: true } : {}),
    }),
  );
  return sizes.users + sizes.groups + sizes.numbers + sizes.keys + sizes.forwardings;
}

/** How many of each resource type the stack holds. */
async function typeCounts(project: PulumiProject): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const r of await project.resources()) {
    const type = String(r.type);
    if (type.startsWith("pbx:") || type.includes("pbx")) counts[type.split(":").pop()!] = (counts[type.split(":").pop()!] ?? 0) + 1;
  }
  return counts;
}

const UP_ENV = { PULUMI_SKIP_CHECKPOINTS: "true" };
const upArgs = (stack: string) => ["up", "--yes", "--skip-preview", "--stack", stack, "--parallel", "32"];

describe.each(CONFORMANCE_DRIVERS)("pulumi-pbx export (%s)", (driver) => {
  let pbx: DriverPbx;

  beforeAll(async () => {
    pbx = await startDriverPbx(driver, { applyDelayMs: 50 });
  }, 60_000);
  afterAll(async () => {
    await pbx?.close();
  });

  describe("the site of examples/basic", () => {
    const SITE = "office";
    let access: Access;
    let exported: PulumiProject;

    beforeAll(async () => {
      // Someone else's deployment: examples/basic on its own stack.
      const { project: basic } = await projectOnDriverSite(pbx, SITE, {
        name: "office",
        fromDir: path.join(repoRoot, "examples", "basic"),
        files: { "Pulumi.yaml": "name: office\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nmain: index.ts\n" },
      });
      const up = await basic.up();
      if (up.code !== 0) throw new Error(`examples/basic did not deploy on ${driver}:\n${up.output}`);
      const stackConfig: Array<[string, string, boolean]> = [];
      const r = await basic.run(["config", "--show-secrets", "--json", "--stack", "dev"]);
      for (const [k, v] of Object.entries(JSON.parse(r.stdout) as Record<string, { value: string; secret: boolean }>)) stackConfig.push([k, v.value, v.secret]);
      access = accessOf(pbx, SITE, stackConfig);
      basic.cleanup();
      exported = exportedProject("exported");
    }, 240_000);
    afterAll(() => exported?.cleanup());

    test("export → install → up records every object with no write and no apply on the PBX; refresh preview is clean; a console edit is drift (exit 7); a second export is identical", async () => {
      const first = await exportTo(exported, exported.dir, access);
      expect(first.code).toBe(0);
      const files = readFiles(exported.dir);
      expect(Object.keys(files)).toEqual(["Pulumi.dev.yaml", "Pulumi.yaml", "index.ts", "package.json", "tsconfig.json"]);
      const ts = files["index.ts"];
      expect(ts).toContain('const user1001 = new pbx.User("user-1001", {');
      expect(ts).toContain('new pbx.UserGroup("group-reception", {');
      expect(ts).toContain('destination: { type: "userGroup", groupId: groupReception.id },');
      expect(ts).toContain('new pbx.FunctionKey("key-1001-1", {');
      expect(ts).toContain('new pbx.Forwarding("forwarding-1003", {');
      // The PINs (4821, from examples/basic) are in the stack config, encrypted, and nowhere else.
      for (const text of [ts, files["Pulumi.dev.yaml"], first.stderr]) expect(text).not.toContain("4821");
      expect(files["Pulumi.dev.yaml"]).toMatch(/exported:voicemailPins:\n {4}secure: v1:/);
      for (const secret of Object.values(access.env)) for (const text of [...Object.values(files), first.stderr]) expect(text).not.toContain(secret);

      const state = await siteState(pbx.admin(SITE));
      const before = await pbx.metrics();
      const up = await exported.run(upArgs("dev"), { ...access.env, ...UP_ENV });
      expect(up.code).toBe(0);
      const after = await pbx.metrics();
      expect(writes(before.requests, after.requests)).toEqual({});
      expectNoApply(before, after);
      expect(await pbx.pending(SITE)).toBe(0);
      expect(await siteState(pbx.admin(SITE))).toBe(state);
      expect(await typeCounts(exported)).toMatchObject({ User: 12, UserGroup: 2, IncomingNumber: 2, FunctionKey: 5, Forwarding: 2 });

      const clean = await exported.run(["preview", "--refresh", "--expect-no-changes", "--diff", "--stack", "dev"], access.env);
      expect({ code: clean.code, output: clean.code === 0 ? "" : clean.output }).toEqual({ code: 0, output: "" });

      const second = await exportTo(exported, exported.dir, access);
      expect(second.code).toBe(0);
      expect(readFiles(exported.dir)).toEqual(files);

      // Someone edits a user in the console: drift.
      const admin = pbx.admin(SITE);
      const bob = (await admin.users.find({ extension: "1002" }))!;
      await admin.users.update(admin.users.idOf(bob), { department: "Console edit" });
      const drift = await exported.run(["preview", "--refresh", "--expect-no-changes", "--diff", "--stack", "dev"], access.env);
      expect(drift.code).toBe(7);
      expect(drift.output).toContain("user-1002");
      expect(drift.output).toContain("Console edit");
    }, 600_000);
  });

  describe(`a generated site of ${SIZES.users} objects of every kind`, () => {
    const SITE = "big";
    let access: Access;
    let exported: PulumiProject;
    let objects = 0;

    beforeAll(async () => {
      const { config } = await pbx.createSite(SITE);
      access = accessOf(pbx, SITE, config);
      const started = Date.now();
      objects = await generateSite(pbx.admin(SITE), driver, SIZES);
      if (pbx.driver === "apiv1") await pbx.admin(SITE).apply();
      console.log(`${driver}: generated ${objects} objects in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      exported = exportedProject("exported-big");
    }, 600_000);
    afterAll(() => exported?.cleanup());

    test("export → install → up records every object with no write and no apply on the PBX; refresh preview is clean; two exports are identical", async () => {
      let t = Date.now();
      const first = await exportTo(exported, exported.dir, access);
      expect(first.stderr).not.toContain("not (wholly) in the program");
      expect(first.code).toBe(0);
      const exportSeconds = (Date.now() - t) / 1000;
      const files = readFiles(exported.dir);
      const names = [...files["index.ts"].matchAll(/new pbx\.\w+\("([^"]+)"/g)].map((m) => m[1]);
      expect(names).toHaveLength(objects);

      const state = await siteState(pbx.admin(SITE));
      t = Date.now();
      const before = await pbx.metrics();
      const up = await exported.run(upArgs("dev"), { ...access.env, ...UP_ENV });
      expect(up.code).toBe(0);
      const after = await pbx.metrics();
      const upSeconds = (Date.now() - t) / 1000;
      expect(writes(before.requests, after.requests)).toEqual({});
      expectNoApply(before, after);
      expect(await pbx.pending(SITE)).toBe(0);
      expect(await siteState(pbx.admin(SITE))).toBe(state);
      expect(await typeCounts(exported)).toMatchObject({ User: SIZES.users, UserGroup: SIZES.groups, IncomingNumber: SIZES.numbers, FunctionKey: SIZES.keys, Forwarding: SIZES.forwardings });

      t = Date.now();
      const clean = await exported.run(["preview", "--refresh", "--expect-no-changes", "--parallel", "32", "--stack", "dev"], access.env);
      expect(clean.code).toBe(0);
      const previewSeconds = (Date.now() - t) / 1000;

      const second = await exportTo(exported, exported.dir, access);
      expect(second.code).toBe(0);
      expect(readFiles(exported.dir)).toEqual(files);
      console.log(`${driver}: export ${exportSeconds.toFixed(1)} s, up ${upSeconds.toFixed(1)} s, preview --refresh ${previewSeconds.toFixed(1)} s (${objects} objects)`);
    }, 1_500_000);

    test("--include / --exclude: only what matches; references to what is left out are reported by name", async () => {
      const dir = path.join(exported.workDir, "filtered");
      const project = exportedProject("filtered");
      try {
        const r = await exportTo(project, dir, access, {
          include: ["user:30[0-9]{2}", "key:30[0-4][0-9]-.*", "forwarding", "number:3225600.*"].map(parseRule),
          exclude: [parseRule("user:3007")],
        });
        expect(r.code).toBe(0);
        const ts = fs.readFileSync(path.join(dir, "index.ts"), "utf8");
        const names = [...ts.matchAll(/new pbx\.(\w+)\("([^"]+)"/g)].map((m) => m[2]);
        expect(names.filter((n) => n.startsWith("user-"))).toHaveLength(99);
        expect(names).not.toContain("user-3007");
        expect(names.some((n) => n.startsWith("group-"))).toBe(false);
        expect(names.every((n) => !n.startsWith("key-") || /^key-30[0-4]\d-/.test(n))).toBe(true);
        // Forwardings of users 3100+ and numbers ringing groups refer to what was left out: reported, by name.
        expect(r.stderr).toMatch(/forwarding-3100: its user user 3100 \(user-3100\) is not exported: left out/);
        expect(r.stderr).toMatch(/number-3225600000: its destination group "Team 0" \(group-team-0\) is not exported: left out/);
        expect(r.stderr).toMatch(/key-3007-1: its user user 3007 \(user-3007\) is not exported/);
      } finally {
        project.cleanup();
      }
    }, 300_000);
  });
});
