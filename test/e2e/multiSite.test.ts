/**
 * examples/multi-site through the real CLI: one program over an API v1 PBX and a
 * Wazo PBX. The inventory's API v1 sites are on the API v1 emulator, each with its
 * own site-scoped token; its Wazo site ("driver": "wazo") is a tenant of the
 * Wazo-shaped emulator, reached with its wazo-auth login; all in the secret
 * `pbx:sites`. `up` rolls the standard layout out to every site, a second `up`
 * changes nothing, a preview asking the Wazo site for what Wazo cannot hold fails
 * naming it, `destroy` empties every site.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { PbxApiError } from "../../sdk/errors";
import { PbxClient } from "../../sdk/drivers/apiv1/client";
import { PulumiProject, expectCode, repoRoot } from "./harness";
import type { Driver } from "../../sdk/drivers";
import { DriverPbx, RunningPbx, startDriverPbx, startPbx } from "./pbx";

const exampleDir = path.join(repoRoot, "examples", "multi-site");
const CHANGES = /[+~-]\s*\d+\s+(created|updated|deleted|replaced)/;

interface Site {
  site: string;
  url: string;
  driver?: "apiv1" | "wazo";
  username?: string;
  numberingPlan: { minLength: number; maxLength: number; reserved: { from: string; to: string }[] };
  mainNumber: string;
  users: { key: string; extension: string; reception?: boolean; loginRequired?: boolean }[];
}

/** A site's layout as the test checks it, read through either PBX's own API. */
interface Layout {
  users: { id: string; extension: string }[];
  groups: { id: string; name: string; members: string[] }[];
  numbers: { number: string; destination: unknown }[];
  keyTypes(userId: string): Promise<string[]>;
}

async function layoutViaDriver(d: Driver): Promise<Layout> {
  const keys = await d.functionKeys.list();
  return {
    users: await d.users.list(),
    groups: await d.userGroups.list(),
    numbers: await d.incomingNumbers.list(),
    keyTypes: async (userId) => keys.filter((k) => k.userId === userId).sort((a, b) => a.position - b.position).map((k) => k.type),
  };
}

async function layoutViaConsole(c: PbxClient): Promise<Layout> {
  const users = await c.users.listAll();
  expect(users.every((u) => u.applied)).toBe(true);
  return {
    users,
    groups: await c.userGroups.listAll(),
    numbers: await c.incomingNumbers.listAll(),
    keyTypes: async (userId) => (await c.functionKeys.list(userId)).map((k) => k.type),
  };
}

describe("examples/multi-site", () => {
  let pbx: RunningPbx;
  let wazo: DriverPbx;
  let project: PulumiProject;
  let inventoryFile: string;
  let sites: Site[];
  /** Each site's secret: its token (API v1) or its wazo-auth password (Wazo). */
  const secrets: Record<string, string> = {};
  const onWazo = (s: Site) => s.driver === "wazo";
  const layoutOf = (s: Site) => (onWazo(s) ? layoutViaDriver(wazo.admin(s.site)) : layoutViaConsole(pbx.console(s.site)));

  beforeAll(async () => {
    pbx = await startPbx({ applyDelayMs: 50 });
    wazo = await startDriverPbx("wazo");
    sites = JSON.parse(fs.readFileSync(path.join(exampleDir, "inventory.json"), "utf8")).sites;
    expect(sites.filter(onWazo)).toHaveLength(1);
    project = PulumiProject.create({ name: "pbx-multi-site", fromDir: exampleDir });
    // The inventory points at real PBXs; here the API v1 sites are on the one
    // API v1 emulator, the Wazo site a tenant (with its login) of the Wazo one.
    inventoryFile = path.join(project.dir, "inventory.json");
    const inventory = JSON.parse(fs.readFileSync(inventoryFile, "utf8"));
    for (const s of inventory.sites as Site[]) {
      if (onWazo(s)) {
        const made = await wazo.createSite(s.site);
        const setting = (key: string) => made.config.find(([k]) => k === key)![1];
        s.url = wazo.url;
        s.username = setting("pbx:username");
        secrets[s.site] = setting("pbx:password");
      } else {
        secrets[s.site] = await pbx.createSite(s.site, s.numberingPlan);
        s.url = pbx.url;
      }
    }
    fs.writeFileSync(inventoryFile, JSON.stringify(inventory, null, 2));
    await project.initStack("fleet");
  }, 60_000);
  afterAll(async () => {
    project?.cleanup();
    await pbx?.close();
    await wazo?.close();
  });

  test("a site token cannot touch another site", async () => {
    const [a, b] = sites.filter((s) => !onWazo(s));
    const wrong = new PbxClient({ url: pbx.url, token: secrets[a.site], site: b.site });
    await expect(wrong.users.listAll()).rejects.toMatchObject({ status: 403 });
    await expect(wrong.users.listAll()).rejects.toBeInstanceOf(PbxApiError);
  });

  test("without pbx:sites the program stops before declaring anything, naming the fix", async () => {
    const r = await project.preview();
    expect(r.code).not.toBe(0);
    for (const s of sites) expect(r.output).toContain(`no ${onWazo(s) ? "password" : "token"} for site "${s.site}" in pbx:sites`);
    expect(r.output).toContain("node sites-config.js | pulumi config set --secret pbx:sites");
  });

  test("up rolls the layout out to every site, API v1 and Wazo alike; a second up changes nothing", async () => {
    const env = Object.fromEntries(sites.map((s) => [`PBX_${onWazo(s) ? "PASSWORD" : "TOKEN"}_${s.site.toUpperCase()}`, secrets[s.site]]));
    const sitesConfig = execFileSync(process.execPath, [path.join(project.dir, "sites-config.js")], { env: { ...process.env, ...env }, encoding: "utf8" });
    const set = await project.run(["config", "set", "--secret", "pbx:sites", "--stack", project.stackName], {}, sitesConfig);
    expectCode(set, 0);
    // The tokens and the Wazo password are encrypted in the stack file.
    const stackFile = fs.readFileSync(path.join(project.dir, `Pulumi.${project.stackName}.yaml`), "utf8");
    for (const t of Object.values(secrets)) expect(stackFile).not.toContain(t);

    const up = await project.up();
    expectCode(up, 0);
    for (const s of sites) {
      const { users, groups, numbers, keyTypes } = await layoutOf(s);
      expect(users.map((u) => u.extension).sort()).toEqual(s.users.map((u) => u.extension).sort());
      const [group] = groups;
      const receptionists = s.users.filter((u) => u.reception).map((u) => u.extension);
      expect(group.name).toBe("Reception");
      expect(group.members.map((id) => users.find((u) => u.id === id)!.extension)).toEqual(receptionists);
      const [main] = numbers;
      expect(main).toMatchObject({ number: s.mainNumber, destination: { type: "userGroup", groupId: group.id } });
      const receptionist = users.find((u) => u.extension === receptionists[0])!;
      expect(await keyTypes(receptionist.id)).toEqual(["blf", "blf"]);
    }
    // Nothing of the Wazo site landed on the API v1 PBX.
    for (const s of sites.filter(onWazo)) await expect(pbx.console(s.site).users.listAll()).rejects.toBeInstanceOf(PbxApiError);
    const outputs = await project.outputs();
    expect(Object.keys(outputs.sites).sort()).toEqual(sites.map((s) => s.site).sort());

    const again = await project.up();
    expectCode(again, 0);
    expect(again.output).not.toMatch(CHANGES);
    // 21 pbx resources (7 per site, the Wazo site's too), the apply guard, ApplyChanges
    // (one over all sites; it has nothing to apply on Wazo, which has no apply step), the stack.
    expect(again.output).toMatch(/24 unchanged/);
  });

  test("a preview asking the Wazo site for what Wazo cannot hold fails, naming the resource, the field and driver_unsupported", async () => {
    // Hot desking (an inventory user's "loginRequired") for one person of the Wazo site.
    const original = fs.readFileSync(inventoryFile, "utf8");
    const inventory = JSON.parse(original);
    const w = (inventory.sites as Site[]).find(onWazo)!;
    w.users[1].loginRequired = true;
    fs.writeFileSync(inventoryFile, JSON.stringify(inventory, null, 2));
    try {
      const r = await project.preview();
      expect(r.code).not.toBe(0);
      expect(r.output).toMatch(new RegExp(`resource '${w.site}-${w.users[1].key}'[^\\n]*loginRequired: [^\\n]*the wazo driver cannot express it \\(rule: driver_unsupported\\)`));
      expect(r.output).toMatch(/1 errored/);
    } finally {
      fs.writeFileSync(inventoryFile, original);
    }
  });

  test("destroy empties every site, the Wazo one too", async () => {
    expectCode(await project.destroy(), 0);
    for (const s of sites) {
      const { users, groups, numbers } = await layoutOf(s);
      expect(users).toEqual([]);
      expect(groups).toEqual([]);
      expect(numbers).toEqual([]);
    }
    expect(await wazo.admin(sites.find(onWazo)!.site).functionKeys.list()).toEqual([]);
  });
});
