/**
 * The main job, as a newcomer meets it: `npm start` in a fresh checkout starts the
 * emulator, creates site "office" and rolls out examples/basic; a second run
 * changes nothing. The checkout is a copy of the tracked files with the built
 * dist/ copied (Node runs a script from its real path, so a dist/ symlink would
 * run the original tree) and node_modules linked entry by entry (the start
 * script adds its own `node_modules/pulumi-pbx` link, which must land in the copy).
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startEmulator } from "../../emulator";
import { PbxClient } from "../../sdk/drivers/apiv1/client";
import { RunResult, cliBinDir, repoRoot, runCommand } from "./harness";

/** A resource change in the CLI's summary (`+ 23 created`, `~ 1 updated`, …). */
const CHANGES = /[+~-]\s*\d+\s+(created|updated|deleted|replaced)/;

function checkout(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pbx-start-"));
  const tracked = execFileSync("git", ["ls-files", "-z"], { cwd: repoRoot, encoding: "utf8" }).split("\0").filter(Boolean);
  for (const rel of tracked) {
    const from = path.join(repoRoot, rel);
    if (!fs.existsSync(from)) continue; // deleted in the work tree, not yet committed
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.copyFileSync(from, path.join(dir, rel));
  }
  fs.cpSync(path.join(repoRoot, "dist"), path.join(dir, "dist"), { recursive: true });
  fs.mkdirSync(path.join(dir, "node_modules"));
  for (const entry of fs.readdirSync(path.join(repoRoot, "node_modules"))) {
    if (entry === "pulumi-pbx") continue;
    fs.symlinkSync(path.join(repoRoot, "node_modules", entry), path.join(dir, "node_modules", entry));
  }
  return dir;
}

describe("npm start", () => {
  let dir: string;
  const start = (extraEnv: Record<string, string> = {}): Promise<RunResult> =>
    runCommand(process.execPath, [path.join(dir, "dist", "scripts", "start.js"), "--port", "0"], {
      cwd: dir,
      env: { ...process.env, PATH: `${cliBinDir()}${path.delimiter}${process.env.PATH ?? ""}`, NO_COLOR: "1", ...extraEnv },
    });

  beforeAll(() => {
    dir = checkout();
  });
  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test("creates the office on the emulator, then a second run changes nothing", async () => {
    // The first run type-checks examples/basic as a plain `pulumi up` would.
    const first = await start({ PULUMI_NODEJS_TRANSPILE_ONLY: "false" });
    if (first.code !== 0) throw new Error(`npm start exited ${first.code}:\n${first.output}`);
    expect(first.output).toMatch(/\+ 24 created/);
    expect(first.output).toMatch(/"receptionGroupId": "grp_/);
    expect(fs.realpathSync(path.join(dir, "node_modules", "pulumi-pbx"))).toBe(fs.realpathSync(dir));
    // Nothing secret is printed: not the tokens, not the passphrase.
    for (const f of ["admin-token", "site-token", "passphrase"]) {
      expect(first.output).not.toContain(fs.readFileSync(path.join(dir, ".pulumi-local", f), "utf8").trim());
    }

    const second = await start();
    if (second.code !== 0) throw new Error(`second npm start exited ${second.code}:\n${second.output}`);
    expect(second.output).toMatch(/24 unchanged/);
    expect(second.output).not.toMatch(CHANGES);

    // The PBX as the console shows it, from the data file the job left behind.
    const adminToken = fs.readFileSync(path.join(dir, ".pulumi-local", "admin-token"), "utf8").trim();
    const emu = await startEmulator({ dataFile: path.join(dir, ".pulumi-local", "pbx.db"), adminToken, port: 0 });
    try {
      const office = new PbxClient({ url: emu.url, token: adminToken, site: "office" });
      const users = await office.users.listAll();
      expect(users.map((u) => u.extension).sort()).toEqual(Array.from({ length: 12 }, (_, i) => String(1001 + i)));
      expect(users.every((u) => u.applied)).toBe(true);
      expect((await office.userGroups.listAll()).map((g) => g.name).sort()).toEqual(["Reception", "Sales"]);
      expect((await office.incomingNumbers.listAll()).map((n) => n.number).sort()).toEqual(["+3225550100", "+3225550101"]);
    } finally {
      await emu.close();
    }
  });
});
