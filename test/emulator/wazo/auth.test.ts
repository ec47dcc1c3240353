/**
 * The Wazo emulator's wazo-auth part and access control: tokens from
 * Basic credentials, expiry, tenants, the master token, and requests that
 * must never reach a handler (no token, wrong token, other tenant, encoded
 * paths, routes without an access rule).
 */
import { createWazoApp } from "../../../emulator/wazo";
import { ADMIN, basic, client, login, withWazo, type Wazo } from "./helpers";

let w: Wazo;
beforeEach(async () => {
  w = await withWazo();
});
afterEach(async () => {
  await w.emu.close();
});

describe("wazo-auth tokens", () => {
  test("POST /token with Basic credentials answers 200 with the token data", async () => {
    const r = await w.auth("POST", "/token", { expiration: 600 }, basic("pulumi", "s3cret-pass"));
    expect(r.status).toBe(200);
    expect(r.body.data).toMatchObject({ token: expect.any(String), metadata: { tenant_uuid: w.office.uuid }, acl: expect.any(Array) });
    const ttl = Date.parse(`${r.body.data.utc_expires_at.replace("+00:00", "")}Z`) - Date.now();
    expect(ttl).toBeGreaterThan(590_000);
    expect(ttl).toBeLessThanOrEqual(600_000);
  });

  test("bad credentials answer 401 in wazo-auth's error shape", async () => {
    for (const headers of [basic("pulumi", "wrong"), basic("nobody", "x"), {}, { authorization: "Bearer x" }]) {
      const r = await w.auth("POST", "/token", {}, headers);
      expect(r.status).toBe(401);
      expect(r.body).toMatchObject({ reason: ["Authentication Failed"], status_code: 401 });
    }
  });

  test("an expiration out of range is refused", async () => {
    const r = await w.auth("POST", "/token", { expiration: 0 }, basic("pulumi", "s3cret-pass"));
    expect(r.status).toBe(400);
    expect(r.body.status_code).toBe(400);
  });

  test("an expired token is refused by confd and unknown to GET /token/{token}", async () => {
    const short = await login(w.auth, "pulumi", "s3cret-pass", 1);
    const call = client(w.emu, "confd", short);
    expect((await call("GET", "/users")).status).toBe(200);
    expect((await w.auth("GET", `/token/${short}`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    const r = await call("GET", "/users");
    expect(r.status).toBe(401);
    expect(r.body).toEqual(["Unauthorized"]);
    expect((await w.auth("GET", `/token/${short}`)).status).toBe(404);
  });

  test("a revoked token is refused", async () => {
    const t = await login(w.auth, "pulumi", "s3cret-pass");
    expect((await w.auth("DELETE", `/token/${t}`)).status).toBe(200);
    expect((await client(w.emu, "confd", t)("GET", "/users")).status).toBe(401);
  });
});

describe("access to confd", () => {
  test("no token, a wrong token: 401 with a list of strings, and the token is not echoed", async () => {
    for (const call of [w.anon, client(w.emu, "confd", "not-a-token")]) {
      const r = await call("GET", "/users");
      expect(r.status).toBe(401);
      expect(r.body).toEqual(["Unauthorized"]);
      expect(JSON.stringify(r.body)).not.toContain("not-a-token");
    }
  });

  test("a write without a token changes nothing", async () => {
    expect((await w.anon("POST", "/users", { firstname: "Mallory" })).status).toBe(401);
    expect((await w.call("GET", "/users")).body.total).toBe(0);
  });

  test("Wazo-Tenant of a tenant outside the token's is refused; the master token may act on any tenant", async () => {
    const r = await client(w.emu, "confd", w.token, w.otherTenant.uuid)("GET", "/users");
    expect(r.status).toBe(401);
    expect((await client(w.emu, "confd", w.token, "00000000-0000-0000-0000-000000000000")("GET", "/users")).status).toBe(401);
    const asOther = client(w.emu, "confd", ADMIN, w.otherTenant.uuid);
    const made = await asOther("POST", "/users", { firstname: "Olga" });
    expect(made.status).toBe(201);
    expect(made.body.tenant_uuid).toBe(w.otherTenant.uuid);
    expect((await w.call("GET", "/users")).body.total).toBe(0);
  });

  test("encoded paths meet the rule of the route they match, never a handler without a token", async () => {
    const paths = ["/api/confd/1.1/users%2F1", "/api/%63onfd/1.1/users", "/api/confd/1.1/%75sers", "/api/confd/1.1/users/%31", "/api/confd/1.1//users", "/api/confd/1.1/users/..%2Fusers", "/api/confd/1.1/users?x=%00"];
    await w.call("POST", "/users", { firstname: "Alice" });
    for (const p of paths) {
      const r = await w.anon("GET", p);
      expect([401, 404]).toContain(r.status);
      expect(JSON.stringify(r.body ?? "")).not.toContain("Alice");
    }
  });

  test("a route registered without an access rule cannot exist", () => {
    const app = createWazoApp({ dataFile: ":memory:", adminToken: ADMIN });
    expect(() => app.get("/api/confd/1.1/secret", async () => ({ leaked: true }))).toThrow(/access rule/);
    return app.close();
  });

  test("unknown URLs answer 404 as Flask does", async () => {
    const r = await w.call("GET", "/nothing-here");
    expect(r.status).toBe(404);
    expect(r.body).toEqual(expect.stringContaining("<title>404 Not Found</title>"));
    expect(r.headers["content-type"]).toMatch(/^text\/html/);
    expect((await w.call("GET", "/lines/abc")).status).toBe(404);
  });
});

describe("tenants and logins", () => {
  test("GET /tenants: the master sees all, a tenant's token only its own", async () => {
    const all = await client(w.emu, "auth", ADMIN)("GET", "/tenants");
    expect(all.status).toBe(200);
    expect(all.body.items.map((t: { name: string }) => t.name).sort()).toEqual(["master", "office", "other"]);
    const mine = await client(w.emu, "auth", w.token)("GET", "/tenants");
    expect(mine.body).toMatchObject({ total: 1, filtered: 1, items: [{ uuid: w.office.uuid, slug: "office" }] });
    const bySlug = await client(w.emu, "auth", ADMIN)("GET", "/tenants?slug=other");
    expect(bySlug.body.items).toEqual([expect.objectContaining({ uuid: w.otherTenant.uuid })]);
  });

  test("POST /tenants then POST /users (auth) make a tenant a driver can log in to", async () => {
    const admin = client(w.emu, "auth", ADMIN);
    const t = await admin("POST", "/tenants", { name: "Paris office", slug: "paris" });
    expect(t.status).toBe(200);
    expect(t.body).toMatchObject({ name: "Paris office", slug: "paris", parent_uuid: w.emu.masterTenantUuid });
    const u = await client(w.emu, "auth", ADMIN, t.body.uuid)("POST", "/users", { username: "paris-bot", password: "pw-paris-1" });
    expect(u.status).toBe(200);
    expect(u.body.tenant_uuid).toBe(t.body.uuid);
    expect((await admin("POST", "/tenants", { name: "again", slug: "paris" })).status).toBe(409);
    expect((await client(w.emu, "auth", ADMIN, t.body.uuid)("POST", "/users", { username: "paris-bot", password: "x" })).status).toBe(409);
    const token = await login(w.auth, "paris-bot", "pw-paris-1");
    const created = await client(w.emu, "confd", token)("POST", "/users", { firstname: "Pierre" });
    expect(created.body.tenant_uuid).toBe(t.body.uuid);
  });

  test("the tenant helper creates an internal and an incall context", async () => {
    const r = await w.call("GET", "/contexts");
    expect(r.body.items.map((c: { type: string; name: string }) => [c.type, c.name]).sort()).toEqual([
      ["incall", w.incall],
      ["internal", w.internal],
    ]);
    expect(w.internal).toMatch(/^ctx-office-internal-[0-9a-f-]{36}$/);
  });
});
