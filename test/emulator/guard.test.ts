/**
 * Access is decided on the matched route, deny by default: every route of the
 * table, tried with no token, a wrong token, another site's token (and the
 * site's own token where the admin's is needed), by its plain path and by a
 * percent-encoded one, never reaches its handler and changes nothing.
 */
import type { FastifyInstance } from "fastify";
import { createApp } from "../../emulator";
import { guardedRoutes, installGuard } from "../../emulator/guard";
import { ADMIN, caller, type Call } from "./helpers";

/** `/api/v1/sites/:site` → `/%61pi/%76%31/%73ites/:site`: what the router decodes before matching. */
function encoded(url: string): string {
  return url.replace(/\/(api|v1|sites|users|healthz|metrics|apply|keys|forwarding|import|tokens)(?=\/|$)/g, (_m, seg: string) => `/%${seg.charCodeAt(0).toString(16)}${seg.slice(1)}`);
}

describe("every route is guarded on the matched route", () => {
  let app: FastifyInstance;
  let url: string;
  let admin: Call;
  let siteToken: string;
  let otherToken: string;
  let userId: string;
  const reached: string[] = [];

  beforeAll(async () => {
    app = createApp({ dataFile: ":memory:", adminToken: ADMIN, applyDelayMs: 1 });
    // preHandler runs right before a handler: whatever shows up here got past the guard.
    app.addHook("preHandler", async (req) => {
      reached.push(`${req.method} ${req.url}`);
    });
    await app.listen({ port: 0, host: "127.0.0.1" });
    const address = app.server.address();
    url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    admin = caller(url, ADMIN);
    siteToken = (await admin("POST", "sites", { name: "acme" })).body.token;
    otherToken = (await admin("POST", "sites", { name: "globex" })).body.token;
    const acme = caller(url, siteToken);
    userId = (await acme("POST", "sites/acme/users", { extension: "1001", firstName: "Alice" })).body.id;
    await acme("PUT", `sites/acme/users/${userId}/keys/1`, { type: "quickCall", number: "+3225550100" });
    await acme("PUT", `sites/acme/users/${userId}/forwarding`, { mode: "forward", always: [{ number: "+32470999999" }] });
    await acme("POST", "sites/acme/apply");
  });
  afterAll(() => app.close());

  const snapshot = () => {
    const db = app.pbx.store.db;
    const count = (t: string) => (db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n;
    const objects = db.prepare("SELECT id, revision, dirty FROM objects ORDER BY seq").all();
    return { objects, sites: db.prepare("SELECT name, revision FROM sites").all(), tokens: count("tokens"), idem: count("idempotency") };
  };

  test("only health, metrics and the OpenAPI document are public; every other route names admin or site", () => {
    const routes = guardedRoutes(app);
    expect(routes.length).toBeGreaterThan(20);
    const pub = routes.filter((r) => r.auth === "public").map((r) => `${r.method} ${r.url}`);
    expect(pub.sort()).toEqual(["GET /api/v1/openapi.json", "GET /healthz", "GET /metrics", "HEAD /api/v1/openapi.json", "HEAD /healthz", "HEAD /metrics"]);
    for (const r of routes) if (r.auth !== "public") expect(["admin", "site"]).toContain(r.auth);
    expect(routes.filter((r) => r.auth !== "public").every((r) => r.api)).toBe(true);
  });

  test("no token, a wrong token, another site's token, by plain and encoded paths: no handler runs, nothing changes", async () => {
    const before = snapshot();
    reached.length = 0;
    const failures: string[] = [];
    const routes = guardedRoutes(app).filter((r) => r.auth !== "public");
    expect(routes.length).toBeGreaterThan(20);
    for (const r of routes) {
      const path = r.url.replace(":site", "acme").replace(":id", userId).replace(":position", "1");
      const body = r.method === "GET" || r.method === "HEAD" || r.method === "DELETE" ? undefined : r.url.endsWith("/import/users") ? "firstname|phonenumber\nEve|1002" : { name: "evil", extension: "1002", firstName: "Eve", number: "+3225550199", mode: "off", type: "pickup", targetUserId: userId };
      const attackers: [string, string | undefined][] = [
        ["no token", undefined],
        ["wrong token", "not-a-token"],
        ["another site's token", otherToken],
      ];
      if (r.auth === "admin") attackers.push(["the site's own token", siteToken]);
      for (const [who, token] of attackers) {
        for (const p of [path, encoded(path)]) {
          const res = await fetch(`${url}${p}`, {
            method: r.method,
            headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { "content-type": typeof body === "string" ? "text/csv" : "application/json" } : {}) },
            body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
          });
          const text = await res.text();
          if (res.status < 400 || res.status >= 500) failures.push(`${r.method} ${p} with ${who}: ${res.status} ${text.slice(0, 120)}`);
          if (r.method !== "HEAD" && !JSON.parse(text).error?.code) failures.push(`${r.method} ${p} with ${who}: not the error shape`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(reached).toEqual([]);
    expect(snapshot()).toEqual(before);
  });

  test("the encoded path is the same route: with the right token it works", async () => {
    reached.length = 0;
    const res = await caller(url, siteToken)("GET", encoded(`/api/v1/sites/acme/users/${userId}`));
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(userId);
    expect(reached).toHaveLength(1);
    // Without a token, or with another site's, the encoded path is refused as the plain one.
    expect((await caller(url, undefined)("GET", encoded("/api/v1/sites/acme/users"))).status).toBe(401);
    expect((await caller(url, otherToken)("GET", encoded(`/api/v1/sites/acme/users/${userId}`))).status).toBe(403);
  });

  test("a route without an access rule cannot be registered", async () => {
    const fresh = createApp({ dataFile: ":memory:", adminToken: ADMIN });
    try {
      expect(() => fresh.get("/api/v1/backdoor", async () => ({ ok: true }))).toThrow(/declares no access rule/);
      expect(() => fresh.get("/api/v1/backdoor2", { config: { auth: "everyone" } as never }, async () => ({ ok: true }))).toThrow(/declares no access rule/);
    } finally {
      await fresh.close();
    }
  });

  test("the guard is reusable: another flavour's rules, deny by default", async () => {
    const Fastify = (await import("fastify")).default;
    const other = Fastify();
    installGuard(other, { open: () => undefined }, () => Object.assign(new Error("no"), { statusCode: 401 }));
    other.get("/open", { config: { auth: "open" } as never }, async () => "ok");
    expect(() => other.get("/closed", async () => "secret")).toThrow(/declares no access rule/);
    expect(guardedRoutes(other).map((r) => `${r.method} ${r.url}`)).toEqual(["GET /open", "HEAD /open"]);
    await other.close();
  });
});
