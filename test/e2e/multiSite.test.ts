/**
 * examples/multi-site through the real CLI: one emulator with the inventory's
 * three sites, each with its own site-scoped token in the secret `pbx:sites`.
 * `up` rolls the standard layout out to every site with that site's token, a
 * second `up` changes nothing, `destroy` empties every site.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { PbxApiError } from "../../sdk/errors";
import { PbxClient } from "../../sdk/drivers/apiv1/client";
import { PulumiProject, expectCode, repoRoot } from "./harness";
import { RunningPbx, startPbx } from "./pbx";

const exampleDir = path.join(repoRoot, "examples", "multi-site");
const CHANGES = /[+~-]\s*\d+\s+(created|updated|deleted|replaced)/;

interface Site {
  site: string;
  url: string;
  numberingPlan: { minLength: number; maxLength: number; reserved: { from: string; to: string }[] };
  mainNumber: string;
  users: { key: string; extension: string; reception?: boolean }[];
}

describe("examples/multi-site", () => {
  let pbx: RunningPbx;
  let project: PulumiProject;
  let sites: Site[];
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    pbx = await startPbx({ applyDelayMs: 50 });
    sites = JSON.parse(fs.readFileSync(path.join(exampleDir, "inventory.json"), "utf8")).sites;
    for (const s of sites) tokens[s.site] = await pbx.createSite(s.site, s.numberingPlan);
    project = PulumiProject.create({ name: "pbx-multi-site", fromDir: exampleDir });
    // The inventory points at real PBXs; here every site is on the one emulator.
    const inventoryFile = path.join(project.dir, "inventory.json");
    const inventory = JSON.parse(fs.readFileSync(inventoryFile, "utf8"));
    for (const s of inventory.sites) s.url = pbx.url;
    fs.writeFileSync(inventoryFile, JSON.stringify(inventory, null, 2));
    await project.initStack("fleet");
  }, 60_000);
  afterAll(async () => {
    project?.cleanup();
    await pbx?.close();
  });

  test("a site token cannot touch another site", async () => {
    const [a, b] = sites;
    const wrong = new PbxClient({ url: pbx.url, token: tokens[a.site], site: b.site });
    await expect(wrong.users.listAll()).rejects.toMatchObject({ status: 403 });
    await expect(wrong.users.listAll()).rejects.toBeInstanceOf(PbxApiError);
  });

  test("without pbx:sites the program stops before declaring anything, naming the fix", async () => {
    const r = await project.preview();
    expect(r.code).not.toBe(0);
    for (const s of sites) expect(r.output).toContain(`no token for site "${s.site}" in pbx:sites`);
    expect(r.output).toContain("node sites-config.js | pulumi config set --secret pbx:sites");
  });

  test("up rolls the layout out to every site; a second up changes nothing", async () => {
    const env = Object.fromEntries(sites.map((s) => [`PBX_TOKEN_${s.site.toUpperCase()}`, tokens[s.site]]));
    const sitesConfig = execFileSync(process.execPath, [path.join(project.dir, "sites-config.js")], { env: { ...process.env, ...env }, encoding: "utf8" });
    const set = await project.run(["config", "set", "--secret", "pbx:sites", "--stack", project.stackName], {}, sitesConfig);
    expectCode(set, 0);
    // The tokens are encrypted in the stack file.
    const stackFile = fs.readFileSync(path.join(project.dir, `Pulumi.${project.stackName}.yaml`), "utf8");
    for (const t of Object.values(tokens)) expect(stackFile).not.toContain(t);

    const up = await project.up();
    expectCode(up, 0);
    for (const s of sites) {
      const console = pbx.console(s.site);
      const users = await console.users.listAll();
      expect(users.map((u) => u.extension).sort()).toEqual(s.users.map((u) => u.extension).sort());
      expect(users.every((u) => u.applied)).toBe(true);
      const [group] = await console.userGroups.listAll();
      const receptionists = s.users.filter((u) => u.reception).map((u) => u.extension);
      expect(group.name).toBe("Reception");
      expect(group.members.map((id) => users.find((u) => u.id === id)!.extension)).toEqual(receptionists);
      const [main] = await console.incomingNumbers.listAll();
      expect(main).toMatchObject({ number: s.mainNumber, destination: { type: "userGroup", groupId: group.id } });
      const receptionist = users.find((u) => u.extension === receptionists[0])!;
      expect((await console.functionKeys.list(receptionist.id)).map((k) => k.type)).toEqual(["blf", "blf"]);
    }
    const outputs = await project.outputs();
    expect(Object.keys(outputs.sites).sort()).toEqual(sites.map((s) => s.site).sort());

    const again = await project.up();
    expectCode(again, 0);
    expect(again.output).not.toMatch(CHANGES);
    expect(again.output).toMatch(/24 unchanged/); // 21 pbx resources, the apply guard, ApplyChanges, the stack
  });

  test("destroy empties every site", async () => {
    expectCode(await project.destroy(), 0);
    for (const s of sites) {
      const console = pbx.console(s.site);
      expect(await console.users.listAll()).toEqual([]);
      expect(await console.userGroups.listAll()).toEqual([]);
      expect(await console.incomingNumbers.listAll()).toEqual([]);
    }
  });
});
