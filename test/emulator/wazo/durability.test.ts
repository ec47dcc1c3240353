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
