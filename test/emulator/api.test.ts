import type { FastifyInstance } from "fastify";
import { startEmulator } from "../../emulator";
import { caller, mkUser, withSite, type Call } from "./helpers";

describe("transport: auth, idempotency, staged vs applied, system routes", () => {
  let app: FastifyInstance;
  let call: Call;
  let admin: Call;
  let url: string;
  beforeEach(async () => {
    ({ app, call, admin, url } = await withSite());
  });
  afterEach(() => app.close());

  test("401 without or with an unknown token; 403 for another site's token; site creation needs admin", async () => {
    const anon = await caller(url, undefined)("GET", "sites/acme/users");
    expect(anon.status).toBe(401);
    expect(anon.body.error.code).toBe("unauthorized");
    expect((await caller(url, "nope")("GET", "sites/acme/users")).status).toBe(401);
    const other = await admin("POST", "sites", { name: "globex" });
    const globex = caller(url, other.body.token);
    const cross = await globex("GET", "sites/acme/users");
    expect(cross.status).toBe(403);
    expect(cross.body.error.code).toBe("forbidden");
    expect(JSON.stringify(cross.body)).not.toContain(other.body.token);
    expect((await call("POST", "sites", { name: "mine" })).status).toBe(403);
    expect((await admin("GET", "sites/acme/users")).status).toBe(200);
    expect((await admin("POST", "sites", { name: "acme" })).body.error.existing).toEqual({ type: "site", id: "acme", key: "name acme" });
  });

  test("POST with the same Idempotency-Key returns the first response and creates nothing new", async () => {
    const headers = { "idempotency-key": "create-alice-1" };
    const first = await call("POST", "sites/acme/users", { extension: "1001", firstName: "Alice" }, headers);
    const again = await call("POST", "sites/acme/users", { extension: "1001", firstName: "Alice" }, headers);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect((await call("GET", "sites/acme/users")).body.total).toBe(1);
    // Without the key, the retry is a conflict naming the first user.
    expect((await call("POST", "sites/acme/users", { extension: "1001", firstName: "Alice" })).body.error.existing.id).toBe(first.body.id);
  });

  test("writes are saved, not live, until apply; deletes are staged too", async () => {
    const u = await mkUser(call, "1001");
    expect(u.applied).toBe(false);
    expect((await call("GET", `sites/acme/users/${u.id}?view=live`)).status).toBe(404);
    expect((await call("GET", "sites/acme/apply")).body).toMatchObject({ pending: 1, applies: 0, lastAppliedAt: null });
    const applied = await call("POST", "sites/acme/apply");
    expect(applied.status).toBe(200);
    expect(applied.body.applied).toBe(1);
    const live = await call("GET", `sites/acme/users/${u.id}?view=live`);
    expect(live.body).toMatchObject({ id: u.id, applied: true, revision: 1 });
    await call("PATCH", `sites/acme/users/${u.id}`, { firstName: "Changed" });
    expect((await call("GET", `sites/acme/users/${u.id}`)).body).toMatchObject({ firstName: "Changed", applied: false, revision: 2 });
    expect((await call("GET", `sites/acme/users/${u.id}?view=live`)).body).toMatchObject({ firstName: "U1001", revision: 1 });
    await call("DELETE", `sites/acme/users/${u.id}`);
    expect((await call("GET", `sites/acme/users/${u.id}`)).status).toBe(404);
    expect((await call("GET", "sites/acme/users?view=live")).body.total).toBe(1);
    await call("POST", "sites/acme/apply");
    expect((await call("GET", "sites/acme/users?view=live")).body.total).toBe(0);
    expect((await call("GET", "sites/acme/apply")).body).toMatchObject({ pending: 0, applies: 2 });
  });

  test("healthz, OpenAPI document and per-route metrics", async () => {
    const anon = caller(url, undefined);
    expect((await anon("GET", "/healthz")).body).toEqual({ status: "ok" });
    const doc = (await anon("GET", "openapi.json")).body;
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toContain("/api/v1/sites/{site}/users/{id}/keys/{position}");
    expect(doc.components.schemas.User.properties.sipPassword).toBeDefined();
    await mkUser(call, "1001");
    await call("POST", "sites/acme/apply");
    const m = (await anon("GET", "/metrics")).body;
    expect(m.requests["POST /api/v1/sites/:site/users"]).toBe(1);
    expect(m).toMatchObject({ applies: 1, appliedChanges: 1 });
  });

  test("faults: rate limit is 429 with Retry-After; new objects can be invisible for a while", async () => {
    app.pbx.faults.rateLimit = { perSecond: 2 };
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push(await call("GET", "sites/acme/users"));
    expect(codes.map((r) => r.status)).toEqual([200, 200, 429, 429]);
    expect(codes[2].headers["retry-after"]).toBe("1");
    expect(codes[2].body.error.code).toBe("rate_limited");
    app.pbx.faults.rateLimit = undefined;
    app.pbx.faults.visibilityDelayMs = 200;
    const u = await mkUser(call, "1001");
    expect((await call("GET", `sites/acme/users/${u.id}`)).status).toBe(404);
    await new Promise((r) => setTimeout(r, 250));
    expect((await call("GET", `sites/acme/users/${u.id}`)).status).toBe(200);
  });

  test("seed demo: site demo with its token, users, a group and a number, already applied", async () => {
    const demo = await startEmulator({ dataFile: ":memory:", seed: "demo" });
    try {
      const d = caller(demo.url, demo.demoToken);
      const users = (await d("GET", "sites/demo/users?view=live")).body;
      expect(users.items.map((u: { extension: string }) => u.extension)).toEqual(["1001", "1002", "1003"]);
      expect((await d("GET", "sites/demo/incoming-numbers")).body.items[0]).toMatchObject({ number: "+3225550100", destination: { type: "userGroup" }, applied: true });
    } finally {
      await demo.close();
    }
  });
});
