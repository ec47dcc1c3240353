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
  return url.replace(/\/(api|v1|sites|users|healthz|metrics|apply|keys|forwarding|devices|import|tokens|console)(?=\/|$)/g, (_m, seg: string) => `/%${seg.charCodeAt(0).toString(16)}${seg.slice(1)}`);
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
    await acme("POST", "sites/acme/devices", { name: "Desk", userId, sipUsername: "alice-desk", macAddress: "00:15:65:00:00:01", make: "yealink", model: "T46U" });
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
    const api = routes.filter((r) => !r.url.startsWith("/console"));
    for (const r of api) if (r.auth !== "public") expect(["admin", "site"]).toContain(r.auth);
    // The device collection (issue 14) is in the table the next test walks, behind the site rule.
    const devices = api.filter((r) => r.url.includes("/devices") && r.method !== "HEAD").map((r) => `${r.auth} ${r.method} ${r.url}`).sort();
    expect(devices).toEqual([
      "site DELETE /api/v1/sites/:site/devices/:id", "site GET /api/v1/sites/:site/devices", "site GET /api/v1/sites/:site/devices/:id",
      "site PATCH /api/v1/sites/:site/devices/:id", "site POST /api/v1/sites/:site/devices",
    ]);
    expect(api.filter((r) => r.auth !== "public").every((r) => r.api)).toBe(true);
    // The console (emulator/console) has rules of its own, read from its session cookie; none is an API route.
    const consoleRoutes = routes.filter((r) => r.url.startsWith("/console"));
    expect(consoleRoutes.length).toBeGreaterThan(20);
    for (const r of consoleRoutes) expect(["console:guest", "console:signedIn", "console:admin", "console:site"]).toContain(r.auth);
    expect(consoleRoutes.some((r) => r.api)).toBe(false);
    // Only the sign-in page, the console's root (a redirect) and its stylesheet admit guests.
    expect(consoleRoutes.filter((r) => r.auth === "console:guest" && r.method !== "HEAD").map((r) => `${r.method} ${r.url}`).sort()).toEqual(["GET /console", "GET /console/login", "GET /console/static/console.css", "POST /console/login"]);
  });

  test("no token, a wrong token, another site's token, by plain and encoded paths: no handler runs, nothing changes", async () => {
    const before = snapshot();
    reached.length = 0;
    const failures: string[] = [];
    const routes = guardedRoutes(app).filter((r) => r.auth !== "public" && !r.auth.startsWith("console:"));
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

  /** A console session signed in with `token`: its cookie and CSRF token. */
  async function consoleSession(token: string): Promise<{ cookie: string; csrf: string }> {
    const form = await fetch(`${url}/console/login`);
    const guest = form.headers.get("set-cookie")!.split(";")[0];
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1];
    const signed = await fetch(`${url}/console/login`, { method: "POST", redirect: "manual", headers: { cookie: guest, "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ _csrf: csrf, token }) });
    expect(signed.status).toBe(303);
    const cookie = signed.headers.get("set-cookie")!.split(";")[0];
    const page = await (await fetch(`${url}/console`, { headers: { cookie } })).text();
    return { cookie, csrf: /name="_csrf" value="([^"]+)"/.exec(page)![1] };
  }

  test("console routes: no session, a forged one, another site's, the site's own where the admin's is needed, a post without its CSRF token: no handler runs, nothing changes", async () => {
    const acme = await consoleSession(siteToken);
    const globex = await consoleSession(otherToken);
    const before = snapshot();
    reached.length = 0;
    const failures: string[] = [];
    const routes = guardedRoutes(app).filter((r) => r.auth.startsWith("console:") && r.auth !== "console:guest");
    expect(routes.length).toBeGreaterThan(20);
    for (const r of routes) {
      const path = r.url.replace(":site", "acme").replace(":id", userId).replace(":tab", "general");
      const attackers: [string, string | undefined, string | undefined][] = [
        ["no session", undefined, undefined],
        ["a forged session", "pbx_console=forged", undefined],
      ];
      if (r.auth !== "console:signedIn") attackers.push(["another site's session", globex.cookie, globex.csrf]);
      if (r.auth === "console:admin") attackers.push(["the site's own session", acme.cookie, acme.csrf]);
      if (r.method === "POST") attackers.push(["the site's session without the CSRF token", acme.cookie, undefined]);
      for (const [who, cookie, csrf] of attackers) {
        for (const p of [path, encoded(path)]) {
          const body = r.method === "POST" ? new URLSearchParams({ ...(csrf ? { _csrf: csrf } : {}), extension: "1002", firstName: "Eve", secret: "sipPassword" }).toString() : undefined;
          const res = await fetch(`${url}${p}`, {
            method: r.method,
            redirect: "manual",
            headers: { ...(cookie ? { cookie } : {}), ...(body ? { "content-type": "application/x-www-form-urlencoded" } : {}) },
            body,
          });
          const text = await res.text();
          const toSignIn = res.status === 303 && String(res.headers.get("location")).startsWith("/console/login");
          if (!toSignIn && (res.status < 400 || res.status >= 500)) failures.push(`${r.method} ${p} with ${who}: ${res.status} ${text.slice(0, 120)}`);
          if (text.includes(userId) || text.includes("Alice")) failures.push(`${r.method} ${p} with ${who}: the answer shows acme's data`);
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

  test("faults and rate limits meet the encoded path as the plain one", async () => {
    const plain = "/api/v1/sites/acme/users";
    try {
      app.pbx.faults.errorRate = 1;
      reached.length = 0;
      for (const p of [plain, encoded(plain)]) expect([p, [500, 503].includes((await caller(url, siteToken)("GET", p)).status)]).toEqual([p, true]);
      expect(reached).toEqual([]);
      delete app.pbx.faults.errorRate;
      app.pbx.faults.rateLimit = { perSecond: 1 };
      // Aligned to the start of a second so both requests share one window.
      await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000)));
      expect((await caller(url, siteToken)("GET", plain)).status).toBe(200);
      expect((await caller(url, siteToken)("GET", encoded(plain))).status).toBe(429);
    } finally {
      delete app.pbx.faults.errorRate;
      delete app.pbx.faults.rateLimit;
    }
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
