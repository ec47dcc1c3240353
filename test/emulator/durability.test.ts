/**
 * Crash safety: data survives a restart, and every acknowledged write
 * survives `kill -9` in the middle of a burst, with no half-written object.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startEmulator } from "../../emulator";
import { ADMIN, caller } from "./helpers";

const ROOT = path.resolve(__dirname, "../..");

describe("durability", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pbx-emu-"));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("close and reopen the same file keeps sites, tokens, users and the live view", async () => {
    const file = path.join(dir, "restart.db");
    const first = await startEmulator({ dataFile: file, adminToken: ADMIN, applyDelayMs: 1 });
    const token = (await caller(first.url, ADMIN)("POST", "sites", { name: "acme" })).body.token;
    const call = caller(first.url, token);
    const u = (await call("POST", "sites/acme/users", { extension: "1001", firstName: "Alice", portal: { password: "s3cret-pass" } })).body;
    await call("POST", "sites/acme/apply");
    await call("PATCH", `sites/acme/users/${u.id}`, { firstName: "Alicia" });
    await first.close();

    const second = await startEmulator({ dataFile: file, adminToken: ADMIN });
    const again = caller(second.url, token);
    expect((await again("GET", `sites/acme/users/${u.id}`)).body).toMatchObject({ firstName: "Alicia", revision: 2, applied: false, sipPassword: u.sipPassword, portal: { passwordSet: true } });
    expect((await again("GET", `sites/acme/users/${u.id}?view=live`)).body.firstName).toBe("Alice");
    await second.close();
  });

  test("kill -9 during a write burst keeps every acknowledged write", async () => {
    // Build the CLI alone into a temp dir (the shared dist/ may be mid-build by others);
    // NODE_PATH lets the compiled files find this repo's node_modules.
    const out = path.join(dir, "build");
    execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "--outDir", out, "--rootDir", ROOT, "--target", "ES2022", "--module", "commonjs", "--moduleResolution", "node", "--esModuleInterop", "--skipLibCheck", "--strict", "--types", "node", path.join(ROOT, "emulator/cli.ts")], { cwd: ROOT, stdio: "pipe" });
    const cli = path.join(out, "emulator/cli.js");
    const file = path.join(dir, "crash.db");
    const env = { ...process.env, NODE_PATH: path.join(ROOT, "node_modules") };
    const start = async (): Promise<{ child: ChildProcess; url: string }> => {
      const child = spawn(process.execPath, [cli, "--port", "0", "--data", file, "--token", ADMIN], { env, stdio: ["ignore", "pipe", "inherit"] });
      const url = await new Promise<string>((resolve, reject) => {
        let text = "";
        child.stdout!.on("data", (d: Buffer) => {
          text += d.toString();
          const m = /listening on (http:\/\/\S+)/.exec(text);
          if (m) resolve(m[1]);
        });
        child.on("exit", (code) => reject(new Error(`emulator exited ${code}: ${text}`)));
      });
      return { child, url };
    };

    const { child, url } = await start();
    const token = (await caller(url, ADMIN)("POST", "sites", { name: "acme" })).body.token;
    const call = caller(url, token);
    const acknowledged: { id: string; extension: string }[] = [];
    let stop = false;
    // Eight writers in parallel; each records a user only once its 201 arrived.
    const writers = Array.from({ length: 8 }, (_, w) =>
      (async () => {
        for (let i = 0; !stop; i++) {
          try {
            const r = await call("POST", "sites/acme/users", { extension: String(10000 + w * 1000 + i), firstName: `W${w}`, lastName: `N${i}`, voicemail: { pin: "4821" } });
            if (r.status === 201) acknowledged.push({ id: r.body.id, extension: r.body.extension });
          } catch {
            return; // connection refused/reset after the kill
          }
        }
      })(),
    );
    while (acknowledged.length < 150) await new Promise((r) => setTimeout(r, 5));
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    stop = true;
    await Promise.all([exited, ...writers]);

    const restarted = await start();
    try {
      const again = caller(restarted.url, token);
      const all = await again("GET", "sites/acme/users?pageSize=500");
      const byId = new Map<string, { extension: string; firstName: string; sipPassword: string; voicemail: { pin: string } }>(all.body.items.map((u: { id: string }) => [u.id, u]));
      for (const a of acknowledged) expect(byId.get(a.id)?.extension).toBe(a.extension);
      // Unacknowledged writes may or may not be there, but never half: every user is whole.
      for (const u of byId.values()) expect(u).toMatchObject({ firstName: expect.stringMatching(/^W\d$/), sipPassword: expect.any(String), voicemail: { pin: "4821" } });
      expect(all.body.total).toBeGreaterThanOrEqual(acknowledged.length);
    } finally {
      restarted.child.kill("SIGKILL");
    }
  }, 60_000);
});
