/**
 * The Wazo emulator's store and shared machinery: data and logins survive a
 * restart on the same file, a refused write leaves nothing, `kill -9` during
 * a burst keeps every acknowledged write; faults (5xx, 429) are answered in
 * confd's shape and never touch /metrics.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startWazoEmulator } from "../../../emulator/wazo";
import { ADMIN, client, login, mkUser, withWazo } from "./helpers";

const ROOT = path.resolve(__dirname, "../../..");

describe("durability", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "wazo-emu-"));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("close and reopen the same file keeps tenants, logins, the master tenant and every object", async () => {
    const file = path.join(dir, "restart.db");
    const first = await startWazoEmulator({ dataFile: file, adminToken: ADMIN });
    const office = first.createTenant("office");
    first.createAuthUser(office.uuid, "pulumi", "s3cret-pass");
    const token = await login(client(first, "auth"), "pulumi", "s3cret-pass");
    const call = client(first, "confd", token);
    const u = await call("POST", "/users", { firstname: "Alice", lines: [{ context: office.contexts.internal, endpoint_sip: {}, extensions: [{ exten: "1001" }] }] });
    expect(u.status).toBe(201);
    const ids = { user: u.body.id, extensionSeq: u.body.lines[0].extensions[0].id };
    const master = first.masterTenantUuid;
    await first.close();

    const second = await startWazoEmulator({ dataFile: file, adminToken: ADMIN });
    expect(second.masterTenantUuid).toBe(master);
    // The token issued before the restart is still good (wazo-auth keeps sessions in its database).
    const again = client(second, "confd", token);
    expect((await again("GET", `/users/${ids.user}`)).body).toMatchObject({ firstname: "Alice", lines: [{ extensions: [{ exten: "1001" }] }] });
    await login(client(second, "auth"), "pulumi", "s3cret-pass");
    // Ids keep counting: a new extension never reuses an old id.
    const e = await again("POST", "/extensions", { exten: "1002", context: office.contexts.internal });
    expect(e.body.id).toBeGreaterThan(ids.extensionSeq);
    await second.close();
  });

  test("a refused request leaves nothing behind", async () => {
    const w = await withWazo();
    // The user part of this body is fine; its line names a context that does not exist.
    const r = await w.call("POST", "/users", { firstname: "Half", voicemail: { number: "1001", context: w.internal }, lines: [{ context: "nowhere", endpoint_sip: {} }] });
    expect(r.status).toBe(400);
    for (const p of ["/users", "/voicemails", "/lines", "/endpoints/sip"]) expect([p, (await w.call("GET", p)).body.total]).toEqual([p, 0]);
    await w.emu.close();
  });

  test("kill -9 during a write burst keeps every acknowledged write", async () => {
    // The emulator as `npm run emulator` runs it: from dist/, which `npm test` builds first
    // (compiling it here again took most of this test's time on a loaded machine).
    const cli = path.join(ROOT, "dist", "emulator", "cli.js");
    const file = path.join(dir, "crash.db");
    const env = { ...process.env, NODE_PATH: path.join(ROOT, "node_modules") };
    const start = async (extra: string[]): Promise<{ child: ChildProcess; url: string; out: string }> => {
      const child = spawn(process.execPath, [cli, "--flavor", "wazo", "--port", "0", "--data", file, "--token", ADMIN, ...extra], { env, stdio: ["ignore", "pipe", "inherit"] });
      let text = "";
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout!.on("data", (d: Buffer) => {
          text += d.toString();
          const m = /listening on (http:\/\/\S+)/.exec(text);
          if (m && (!extra.length || /login /.test(text))) resolve(m[1]);
        });
        child.on("exit", (code) => reject(new Error(`emulator exited ${code}: ${text}`)));
      });
      return { child, url, out: text };
    };

    const first = await start(["--tenant", "office"]);
    const tenant = /tenant office: uuid (\S+),/.exec(first.out)![1];
    const acked: number[] = [];
    const admin = (url: string) => (method: string, p: string, body?: unknown) =>
      fetch(`${url}/api/confd/1.1${p}`, { method, headers: { "x-auth-token": ADMIN, "wazo-tenant": tenant, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    const post = admin(first.url);
    const burst = Array.from({ length: 60 }, async (_, i) => {
      try {
        const r = await post("POST", "/users", { firstname: `U${i}`, email: `u${i}@example.com` });
        if (r.status === 201) acked.push(((await r.json()) as { id: number }).id);
      } catch {
        /* cut off by the kill */
      }
    });
    // Kill once some writes are acknowledged and others still in flight.
    for (let i = 0; i < 200 && acked.length < 5; i++) await new Promise((r) => setTimeout(r, 5));
    first.child.kill("SIGKILL");
    await Promise.allSettled(burst);
    await new Promise((r) => first.child.once("exit", r).once("error", r));

    const second = await start([]);
    try {
      const list = (await (await admin(second.url)("GET", "/users?limit=1000")).json()) as { total: number; items: { id: number; firstname: string; email: string }[] };
      expect(acked.length).toBeGreaterThanOrEqual(5);
      const kept = new Set(list.items.map((u) => u.id));
      for (const id of acked) expect(kept.has(id)).toBe(true);
      // No half-written user: each one whole.
      for (const u of list.items) expect(u.email).toBe(`u${u.firstname.slice(1)}@example.com`);
    } finally {
      second.child.kill("SIGKILL");
    }
  }, 120_000);
});

describe("faults and metrics", () => {
  test("injected errors and rate limits answer in confd's shape; /metrics stays reliable and counts them", async () => {
    const w = await withWazo();
    await mkUser(w, "1001");
    w.emu.app.wazo.faults.errorRate = 1;
    const r = await w.call("GET", "/users");
    expect([500, 503]).toContain(r.status);
    expect(Array.isArray(r.body)).toBe(true);
    expect(r.body[0]).toMatch(/injected fault/);
    const m = await w.call("GET", "/metrics");
    expect(m.status).toBe(200);
    expect(m.body.requests["GET /api/confd/1.1/users"]).toBe(1);
    w.emu.app.wazo.faults.errorRate = 0;
    w.emu.app.wazo.faults.rateLimit = { perSecond: 2 };
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push(await w.call("GET", "/users"));
    const limited = statuses.find((s) => s.status === 429);
    expect(limited).toBeDefined();
    expect(limited!.headers["retry-after"]).toMatch(/^\d+$/);
    expect(limited!.body[0]).toMatch(/rate limit/);
    w.emu.app.wazo.faults.rateLimit = undefined;
    expect((await client(w.emu, "auth", ADMIN)("GET", "/tenants")).status).toBe(200);
    await w.emu.close();
  });
});
