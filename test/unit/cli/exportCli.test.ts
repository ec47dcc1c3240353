/**
 * `pulumi-pbx export`, the command around the generator: credentials, progress,
 * the stack config file and the pulumi CLI calls, with a fake driver and a fake
 * pulumi CLI (what they were asked is recorded; no PBX, no backend).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EventEmitter } from "events";
import { runExport, type ExportIo } from "../../../cli/export";
import { promptHidden } from "../../../cli/export/credentials";
import { Progress } from "../../../cli/export/progress";
import type { Driver, UserModel } from "../../../sdk/drivers/driver";

const TOKEN = "pbx_token_never_printed";

function user(id: string, extension: string, pin: string | null): UserModel {
  return {
    id, site: "office", revision: 1, extension, firstName: `F${extension}`, lastName: null, email: null, mobileNumber: null, department: null,
    language: null, role: "user", permissions: [], directoryListed: true, multipleCalls: false, loginRequired: false, dnd: false,
    callRecording: "off", outgoingCallerId: null, keyCount: 20, voicemail: { enabled: true, pin, ringsBeforeVoicemail: 4, email: null, notificationEmails: [], attachAudio: false, deleteAfterNotification: false, askPassword: true },
    portal: { username: null, passwordSet: false }, scope: "Basic User", callTransfer: false, supervision: true, bossSecretary: "none", agentNumber: null, hotDeskingPin: null, extraExtensions: [], cti: { enabled: false, username: null, profile: null, passwordSet: false }, sipUsername: extension, sipDomain: "d", sipProxy: "p", sipPassword: "sip-pass-never-printed", tags: [],
  };
}

function fakeDriver(users: UserModel[]): Driver & { closed: boolean } {
  const kind = (items: unknown[]) => ({ list: async () => items }) as any;
  const driver = {
    closed: false,
    site: "office",
    users: kind(users),
    incomingNumbers: kind([]),
    userGroups: kind([]),
    functionKeys: kind([]),
    forwardings: kind([]),
    devices: kind([]),
    close() {
      driver.closed = true;
    },
  };
  return driver as unknown as Driver & { closed: boolean };
}

/** A pulumi CLI that keeps one secret value per key, laid out in the file as Pulumi lays it out. */
function fakePulumi(dir: string, opts: { selectFails?: string } = {}) {
  const calls: Array<{ args: string[]; input?: string }> = [];
  const secrets = new Map<string, string>();
  let n = 0;
  const runner = {
    run: async (args: string[], input?: string) => {
      calls.push({ args, input });
      const file = path.join(dir, "Pulumi.office.yaml");
      if (args[0] === "stack") {
        if (opts.selectFails) return { code: 255, stdout: "", stderr: opts.selectFails };
        const text = fs.readFileSync(file, "utf8");
        if (!text.includes("encryptionsalt:")) fs.writeFileSync(file, `${text}encryptionsalt: v1:salt:v1:check\n`);
        return { code: 0, stdout: "", stderr: "" };
      }
      if (args[0] === "config" && args[1] === "get") {
        const v = secrets.get(args[2]);
        return v === undefined ? { code: 255, stdout: "", stderr: "not set" } : { code: 0, stdout: `${v}\n`, stderr: "" };
      }
      if (args[0] === "config" && args[1] === "set") {
        secrets.set(args[3], input!);
        const text = fs.readFileSync(file, "utf8").replace(new RegExp(`  ${args[3]}:\\n    secure: .*\\n`), "");
        fs.writeFileSync(file, text.replace("config:\n", `config:\n  ${args[3]}:\n    secure: v1:cipher${++n}\n`));
        return { code: 0, stdout: "", stderr: "" };
      }
      return { code: 1, stdout: "", stderr: "unexpected" };
    },
  };
  return { runner, calls, secrets };
}

function io(dir: string, driver: Driver, pulumi: ReturnType<typeof fakePulumi>, env: NodeJS.ProcessEnv = { PBX_TOKEN: TOKEN }) {
  let stderr = "";
  const created: unknown[] = [];
  const value: ExportIo = {
    env,
    stdin: { isTTY: false, on: () => undefined, removeListener: () => undefined, resume: () => undefined, pause: () => undefined },
    stderr: { write: (t: string) => (stderr += t) },
    createDriver: (_name, connection) => (created.push(connection), driver),
    pulumi: () => pulumi.runner,
    now: () => 1_000,
  };
  return { value, stderr: () => stderr, created };
}

describe("export: the command", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "export-cli-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const options = () => ({ url: "http://pbx.test", site: "office", out: dir, project: "pbx-office" });
  const files = () => Object.fromEntries(fs.readdirSync(dir).sort().map((f) => [f, fs.readFileSync(path.join(dir, f), "utf8")]));

  test("writes the project, PINs through `pulumi config set --secret` on stdin, plain progress lines and a summary, no secret printed", async () => {
    const driver = fakeDriver([user("u2", "1002", null), user("u1", "1001", "4821")]);
    const pulumi = fakePulumi(dir);
    const run = io(dir, driver, pulumi);
    expect(await runExport(options(), run.value)).toBe(0);
    expect(run.created).toEqual([{ site: "office", url: "http://pbx.test", token: TOKEN, maxConcurrency: 16 }]);
    expect(driver.closed).toBe(true);
    expect(Object.keys(files())).toEqual(["Pulumi.office.yaml", "Pulumi.yaml", "index.ts", "package.json", "tsconfig.json"]);
    expect(pulumi.calls.map((c) => c.args.join(" "))).toEqual([
      "stack select --create office",
      "config set --secret pbx-office:voicemailPins --stack office",
    ]);
    expect(pulumi.calls[1].input).toBe('{"1001":"4821"}');
    const out = run.stderr();
    expect(out).toContain("read 2 users in 0.0 s\n");
    expect(out).toMatch(/users\s+2 of 2\n/);
    expect(out).toContain("voicemail PINs: 1, in the secret config voicemailPins of stack office");
    for (const secret of [TOKEN, "4821", "sip-pass-never-printed"]) {
      expect(out).not.toContain(secret);
      for (const text of Object.values(files())) expect(text).not.toContain(secret);
      for (const c of pulumi.calls) expect(c.args.join(" ")).not.toContain(secret);
    }
    const stackFile = files()["Pulumi.office.yaml"];
    expect(stackFile).toMatch(/^# Stack office: PBX site "office"/);
    expect(stackFile).toContain('config:\n  pbx-office:voicemailPins:\n    secure: v1:cipher1\n  pbx:driver: "apiv1"\n  pbx:site: "office"\n  pbx:url: "http://pbx.test"\nencryptionsalt: v1:salt:v1:check\n');
  });

  test("exporting an unchanged PBX again leaves every file byte for byte, keeping what the user added", async () => {
    const driver = fakeDriver([user("u1", "1001", "4821")]);
    const pulumi = fakePulumi(dir);
    expect(await runExport(options(), io(dir, driver, pulumi).value)).toBe(0);
    // The user gives the provider its token in the stack config.
    const file = path.join(dir, "Pulumi.office.yaml");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("config:\n", "config:\n  pbx:token:\n    secure: v1:usertoken\n"));
    expect(await runExport(options(), io(dir, driver, pulumi).value)).toBe(0);
    const before = files();
    expect(before["Pulumi.office.yaml"]).toContain("  pbx:site: \"office\"\n  pbx:token:\n    secure: v1:usertoken\n  pbx:url:");
    expect(await runExport(options(), io(dir, driver, pulumi).value)).toBe(0);
    expect(files()).toEqual(before);
    // Same PINs: read back, not set again.
    expect(pulumi.calls.filter((c) => c.args[1] === "set")).toHaveLength(1);
    // A changed PIN is set again.
    expect(await runExport(options(), io(dir, fakeDriver([user("u1", "1001", "9999")]), pulumi).value)).toBe(0);
    expect(pulumi.secrets.get("pbx-office:voicemailPins")).toBe('{"1001":"9999"}');
  });

  test("no token and no terminal: an error naming PBX_TOKEN, before any connection", async () => {
    const run = io(dir, fakeDriver([]), fakePulumi(dir), {});
    expect(await runExport(options(), run.value)).toBe(1);
    expect(run.stderr()).toBe("pulumi-pbx export: no PBX token: set PBX_TOKEN, or run on a terminal to be asked\n");
    expect(run.created).toEqual([]);
  });

  test("PINs but no backend: the program is written and the error says how to store them", async () => {
    const pulumi = fakePulumi(dir, { selectFails: "error: PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions" });
    const run = io(dir, fakeDriver([user("u1", "1001", "4821")]), pulumi);
    expect(await runExport(options(), run.value)).toBe(1);
    expect(run.stderr()).toContain("the 1 voicemail PINs were not stored: `pulumi stack select --create office` failed: error: PULUMI_ACCESS_TOKEN must be set");
    expect(run.stderr()).toContain("Log in to the backend");
    expect(run.stderr()).not.toContain("4821");
    expect(fs.existsSync(path.join(dir, "index.ts"))).toBe(true);
  });

  test("no PINs and no backend: written, and the summary says to create the stack", async () => {
    const pulumi = fakePulumi(dir, { selectFails: "error: no backend" });
    const run = io(dir, fakeDriver([user("u1", "1001", null)]), pulumi);
    expect(await runExport(options(), run.value)).toBe(0);
    expect(run.stderr()).toContain("npx pulumi stack init office      # the export could not: error: no backend");
  });
});

describe("export: terminal", () => {
  test("on a TTY the progress redraws one line per kind in place", () => {
    let out = "";
    let now = 0;
    const p = new Progress({ write: (t: string) => (out += t), isTTY: true }, true, () => now);
    p.started("user");
    p.started("functionKey");
    now = 1500;
    p.done("user", 1200);
    p.stop();
    const frames = out.split("\x1b[2A");
    expect(frames.length).toBeGreaterThan(1);
    expect(frames[frames.length - 1]).toMatch(/\r\x1b\[2K✓ users: 1200 read\n\r\x1b\[2K. function keys: reading… 1\.5 s\n$/);
  });

  test("the hidden prompt reads a line without echoing it", async () => {
    const input = Object.assign(new EventEmitter(), { isTTY: true, raw: [] as boolean[], setRawMode(m: boolean) { this.raw.push(m); }, resume() {}, pause() {} });
    let shown = "";
    const answer = promptHidden("PBX token: ", input, { write: (t: string) => (shown += t) });
    input.emit("data", Buffer.from("s3cx"));
    input.emit("data", Buffer.from("\u007fret\r"));
    await expect(answer).resolves.toBe("s3cret");
    expect(shown).toBe("PBX token: \n");
    expect(input.raw).toEqual([true, false]);
  });
});
