/**
 * The main job, as a newcomer meets it: `npm start` in a fresh checkout starts the
 * emulator, creates site "office" and rolls out examples/basic; a second run
 * changes nothing; with `--serve`, the README's drift audit works on the stack it
 * made, from its stack config alone (no PBX_* variables). The checkout is a copy of the tracked files with the built
 * dist/ copied (Node runs a script from its real path, so a dist/ symlink would
 * run the original tree) and node_modules linked entry by entry (the start
 * script adds its own `node_modules/pulumi-pbx` link, which must land in the copy).
 */
import { ChildProcessWithoutNullStreams, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PbxClient } from "../../sdk/drivers/apiv1/client";
import { RunResult, cliBinDir, repoRoot, runCommand } from "./harness";

/** A resource change in the CLI's summary (`+ 23 created`, `~ 1 updated`, …). */
const CHANGES = /[+~-]\s*\d+\s+(created|updated|deleted|replaced)/;

/** The environment without the caller's PBX_* variables: the stack's config must be enough. */
function withoutPbxEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith("PBX_")));
}

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
  let served: ChildProcessWithoutNullStreams | undefined;
  const env = (extraEnv: Record<string, string> = {}): NodeJS.ProcessEnv =>
    withoutPbxEnv({ ...process.env, PATH: `${cliBinDir()}${path.delimiter}${process.env.PATH ?? ""}`, NO_COLOR: "1", ...extraEnv });
  const startArgs = () => [path.join(dir, "dist", "scripts", "start.js"), "--port", "0"];
  const start = (extraEnv: Record<string, string> = {}): Promise<RunResult> =>
    runCommand(process.execPath, startArgs(), { cwd: dir, env: env(extraEnv) });

  /** `npm start -- --serve`: resolves with what it printed once it serves, and the URL. */
  const serve = (): Promise<{ output: string; url: string }> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [...startArgs(), "--serve"], { cwd: dir, env: env() });
      served = child;
      let output = "";
      const onData = (d: Buffer) => {
        output += d;
        const m = /Serving (http:\/\/\S+) /.exec(output);
        if (m) resolve({ output, url: m[1] });
      };
      child.stdout.on("data", onData);
      child.stderr.on("data", onData);
      child.on("error", reject);
      child.on("exit", (code) => reject(new Error(`npm start -- --serve exited ${code} before serving:\n${output}`)));
    });

  /** The README's audit, as printed by `--serve`: the backend and passphrase file, nothing else. */
  const drift = (): Promise<RunResult> =>
    runCommand("npx", ["--no", "--", "pulumi-pbx", "drift", "--stack", "office"], {
      cwd: dir,
      env: env({
        PULUMI_BACKEND_URL: `file://${path.join(dir, ".pulumi-local", "state")}`,
        PULUMI_CONFIG_PASSPHRASE_FILE: path.join(dir, ".pulumi-local", "passphrase"),
        PULUMI_SKIP_UPDATE_CHECK: "true",
      }),
    });

  beforeAll(() => {
    dir = checkout();
  });
  afterAll(async () => {
    if (served && served.exitCode === null) {
      served.kill("SIGINT");
      await new Promise((r) => served!.once("exit", r));
    }
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test("a bad option fails before anything starts, naming the choices", async () => {
    const r = await runCommand(process.execPath, [...startArgs(), "--driver", "nope"], { cwd: dir, env: env() });
    expect(r.code).toBe(1);
    expect(r.output).toContain('--driver must be one of apiv1, wazo, not "nope"');
    expect(fs.existsSync(path.join(dir, ".pulumi-local"))).toBe(false);
  });

  test("creates the office on the emulator, then a second run changes nothing; the stack's config is its connection, the drift audit works on it", async () => {
    // The first run type-checks examples/basic as a plain `pulumi up` would.
    const first = await start({ PULUMI_NODEJS_TRANSPILE_ONLY: "false" });
    if (first.code !== 0) throw new Error(`npm start exited ${first.code}:\n${first.output}`);
    // 23 pbx resources, the apply guard, ApplyChanges and the stack; the second run leaves them all alone.
    const created = /\+ (\d+) created/.exec(first.output)?.[1];
    expect(created).toBe("26");
    expect(first.output).toMatch(/"receptionGroupId": "grp_/);
    expect(fs.realpathSync(path.join(dir, "node_modules", "pulumi-pbx"))).toBe(fs.realpathSync(dir));
    // Nothing secret is printed: not the tokens, not the passphrase.
    const secret = (f: string) => fs.readFileSync(path.join(dir, ".pulumi-local", f), "utf8").trim();
    for (const f of ["admin-token", "site-token", "passphrase"]) expect(first.output).not.toContain(secret(f));
    // The connection is stack config; the token only encrypted.
    const stackFile = fs.readFileSync(path.join(dir, "Pulumi.office.yaml"), "utf8");
    expect(stackFile).toMatch(/pbx:url: http:\/\/127\.0\.0\.1:\d+/);
    expect(stackFile).toMatch(/pbx:site: office/);
    expect(stackFile).toMatch(/pbx:token:\n\s+secure: v1:/);
    expect(stackFile).not.toContain(secret("site-token"));

    const second = await serve();
    // The console is printed with the URL it is served at, and answers there.
    expect(second.output).toContain(`Console: ${second.url}/console`);
    const page = await fetch(`${second.url}/console`, { redirect: "manual" });
    expect([200, 302, 303]).toContain(page.status);
    expect(second.output).toMatch(new RegExp(`\\b${created} unchanged`));
    expect(second.output).not.toMatch(CHANGES);
    expect(second.output).toContain("npx pulumi-pbx drift --stack office");
    for (const f of ["admin-token", "site-token", "passphrase"]) expect(second.output).not.toContain(secret(f));
    // Only the URL (a new port) changed in the stack file: the secret was not re-encrypted.
    const stackFile2 = fs.readFileSync(path.join(dir, "Pulumi.office.yaml"), "utf8");
    expect(stackFile2).toContain(`pbx:url: ${second.url}`);
    expect(stackFile2.replace(/pbx:url: .*/, "")).toBe(stackFile.replace(/pbx:url: .*/, ""));

    // The PBX as the console shows it.
    const office = new PbxClient({ url: second.url, token: secret("admin-token"), site: "office" });
    const users = await office.users.listAll();
    expect(users.map((u) => u.extension).sort()).toEqual(Array.from({ length: 12 }, (_, i) => String(1001 + i)));
    expect(users.every((u) => u.applied)).toBe(true);
    expect((await office.userGroups.listAll()).map((g) => g.name).sort()).toEqual(["Reception", "Sales"]);
    expect((await office.incomingNumbers.listAll()).map((n) => n.number).sort()).toEqual(["+3225550100", "+3225550101"]);

    // The README's drift audit, with no PBX_* variable: clean, then a console edit is drift.
    const clean = await drift();
    if (clean.code !== 0) throw new Error(`drift exited ${clean.code}:\n${clean.output}`);
    expect(clean.stdout).toBe("office: clean\n");
    const alice = users.find((u) => u.extension === "1001")!;
    await office.users.update(alice.id, { firstName: "Eve" });
    await office.apply();
    const drifted = await drift();
    if (drifted.code !== 2) throw new Error(`drift exited ${drifted.code}, not 2:\n${drifted.output}`);
    expect(drifted.stdout).toMatch(/office\s+pbx:User alice\s+firstName\s+"Alice"\s+"Eve"/);
    expect(drifted.stdout).toContain("office: 1 resource(s) differ");

    served!.kill("SIGINT");
    const [code] = await new Promise<[number | null]>((r) => served!.once("exit", (c) => r([c])));
    expect(code).toBe(0);
  });
});
