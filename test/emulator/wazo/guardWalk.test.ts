/**
 * Issue 10 item 1 for the Wazo flavour: every route the emulator registers
 * from our operation table (`sdk/drivers/wazo/spec/operations.ts`), tried with
 * no token, a wrong token, another tenant's token (its own, and with a
 * `Wazo-Tenant` of the first tenant), by its plain path and by a
 * percent-encoded one: no handler runs where the guard must refuse, and the
 * store never changes. `none` and `basic` operations (wazo-auth tokens) are
 * held to their own rules. Faults and rate limits meet the encoded path as
 * they meet the plain one.
 */
import type { FastifyInstance } from "fastify";
import { createWazoApp, type RunningWazoEmulator } from "../../../emulator/wazo";
import { guardedRoutes } from "../../../emulator/guard";
import { API_BASE, OPERATIONS } from "../../../sdk/drivers/wazo/spec";
import { ADMIN, basic, client, login, mkUser, type Wazo } from "./helpers";

/** `/api/confd/1.1/users/1` → `/%61pi/%63onfd/1.1/%75sers/1`: static segments only, first letter encoded. */
function encoded(path: string, template: string): string {
  const t = template.split("/");
  return path
    .split("/")
    .map((seg, i) => (/^[a-z]/.test(seg) && t[i] === seg ? `%${seg.charCodeAt(0).toString(16)}${seg.slice(1)}` : seg))
    .join("/");
}

let app: FastifyInstance;
let w: Wazo;
let otherToken: string;
const reached: string[] = [];
const params: Record<string, string> = {};

beforeAll(async () => {
  app = createWazoApp({ dataFile: ":memory:", adminToken: ADMIN });
  // preHandler runs right before a handler: whatever shows up here got past the guard.
  app.addHook("preHandler", async (req) => {
    reached.push(`${req.method} ${req.url}`);
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  const emu = { url } as RunningWazoEmulator;
  const office = app.wazo.createTenant("office");
  const otherTenant = app.wazo.createTenant("other");
  const authUser = app.wazo.createAuthUser({ tenantUuid: office.uuid, username: "pulumi", password: "s3cret-pass" });
  app.wazo.createAuthUser({ tenantUuid: otherTenant.uuid, username: "intruder", password: "other-pass" });
  const auth = client(emu, "auth");
  const token = await login(auth, "pulumi", "s3cret-pass");
  otherToken = await login(auth, "intruder", "other-pass");
  w = { emu, office, otherTenant, token, auth, call: client(emu, "confd", token), other: client(emu, "confd", otherToken), admin: client(emu, "confd", ADMIN, office.uuid), anon: client(emu, "confd"), internal: office.contexts.internal!, incall: office.contexts.incall! } as unknown as Wazo;
  const made = await mkUser(w, "1001");
  const ctx = (await w.call("GET", "/contexts")).body.items.find((c: { name: string }) => c.name === w.internal);
  const group = await w.call("POST", "/groups", { label: "Sales" });
  const ivr = await w.call("POST", "/ivr", { name: "menu", menu_sound: "hello" });
  Object.assign(params, {
    user_id: made.user.uuid,
    line_id: String(made.line.id),
    extension_id: String(made.extension.id),
    sip_uuid: made.sip.uuid,
    context_id: String(ctx.id),
    group_uuid: group.status === 201 ? group.body.uuid : "00000000-0000-0000-0000-000000000001",
    ivr_id: ivr.status === 201 ? String(ivr.body.id) : "1",
    incall_id: "1",
    voicemail_id: "1",
    conference_id: "1",
    position: "1",
    forward_name: "busy",
    service_name: "dnd",
    user_uuid: authUser.uuid,
    token,
  });
});
afterAll(() => app.close());

const snapshot = () => app.wazo.store.db.prepare("SELECT kind, id, data FROM wazo_objects ORDER BY kind, id").all();

function fill(template: string): string {
  return template.replace(/\{(\w+)\}/g, (_m, k: string) => params[k] ?? "1");
}

async function send(path: string, method: string, headers: Record<string, string>, body?: unknown) {
  const res = await fetch(`${w.emu.url}${path}`, {
    method,
    headers: { ...headers, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* HTML 404 */
  }
  return { status: res.status, body: parsed, text };
}

const bodyOf = (method: string) => (method === "GET" || method === "DELETE" ? undefined : { firstname: "Eve", label: "evil", name: "evil", exten: "1002", context: "x", users: [], enabled: true });

test("the registered Wazo routes are exactly the operation table, plus health and metrics", () => {
  const routes = guardedRoutes(app).filter((r) => r.method !== "HEAD");
  const api = routes.filter((r) => r.url.startsWith("/api/"));
  expect(OPERATIONS.length).toBeGreaterThan(0);
  expect(api.length).toBeGreaterThan(0);
  const fromTable = OPERATIONS.map((op) => `${op.method} ${API_BASE[op.api]}${op.path.replace(/\{(\w+)\}/g, ":$1")}`).sort();
  expect(api.map((r) => `${r.method} ${r.url}`).sort()).toEqual(fromTable);
  expect(routes.filter((r) => !r.url.startsWith("/api/")).map((r) => `${r.method} ${r.url}`).sort()).toEqual(["GET /healthz", "GET /metrics"]);
  for (const op of OPERATIONS) {
    const r = api.find((x) => x.method === op.method && x.url === API_BASE[op.api] + op.path.replace(/\{(\w+)\}/g, ":$1"))!;
    expect([op.id, r.auth, r.api]).toEqual([op.id, op.auth === "token" ? "wazo" : "public", true]);
  }
});

test("token operations: no token, a wrong token, another tenant's token for this tenant, plain and encoded paths: 401, no handler, nothing changes", async () => {
  const ops = OPERATIONS.filter((op) => op.auth === "token");
  expect(ops.length).toBeGreaterThan(0);
  const before = snapshot();
  reached.length = 0;
  const failures: string[] = [];
  for (const op of ops) {
    const template = API_BASE[op.api] + op.path;
    const path = fill(template);
    const attackers: [string, Record<string, string>][] = [
      ["no token", {}],
      ["a wrong token", { "x-auth-token": "not-a-token" }],
      ["another tenant's token with Wazo-Tenant of office", { "x-auth-token": otherToken, "wazo-tenant": w.office.uuid }],
      ["office's token as a Bearer (not X-Auth-Token)", { authorization: `Bearer ${params.token}` }],
    ];
    for (const [who, headers] of attackers) {
      for (const p of [path, encoded(path, template)]) {
        const r = await send(p, op.method, headers, bodyOf(op.method));
        if (r.status !== 401) failures.push(`${op.id} ${op.method} ${p} with ${who}: ${r.status} ${r.text.slice(0, 120)}`);
        else if (op.api === "confd" && JSON.stringify(r.body) !== JSON.stringify(["Unauthorized"])) failures.push(`${op.id} ${p} with ${who}: confd shape ${r.text}`);
        else if (op.api === "auth" && (r.body as { error_id?: string }).error_id !== "unauthorized") failures.push(`${op.id} ${p} with ${who}: wazo-auth shape ${r.text}`);
        if (r.text.includes("not-a-token") || r.text.includes(params.token)) failures.push(`${op.id} ${p} with ${who}: token echoed`);
      }
    }
  }
  expect(failures).toEqual([]);
  expect(reached).toEqual([]);
  expect(snapshot()).toEqual(before);
});

test("another tenant's own token on office's objects (plain and encoded): never 2xx, office's objects unchanged", async () => {
  const ops = OPERATIONS.filter((op) => op.auth === "token" && op.api === "confd" && /\{/.test(op.path));
  expect(ops.length).toBeGreaterThan(0);
  const before = snapshot();
  const failures: string[] = [];
  for (const op of ops) {
    const template = API_BASE[op.api] + op.path;
    const path = fill(template);
    for (const p of [path, encoded(path, template)]) {
      const r = await send(p, op.method, { "x-auth-token": otherToken }, bodyOf(op.method));
      if (![400, 404].includes(r.status)) failures.push(`${op.id} ${op.method} ${p}: ${r.status} ${r.text.slice(0, 160)}`);
      // confd's 404 names the id asked for (the caller's own input); no field of office's object may show.
      if (r.text.includes("U1001") || r.text.includes(`"${w.internal}"`)) failures.push(`${op.id} ${p}: shows office's data`);
    }
  }
  expect(failures).toEqual([]);
  expect(snapshot()).toEqual(before);
});

test("wazo-auth `basic` and `none` operations follow their own rules, by plain and encoded paths", async () => {
  const basicOps = OPERATIONS.filter((op) => op.auth === "basic");
  const noneOps = OPERATIONS.filter((op) => op.auth === "none");
  expect(basicOps.map((o) => o.id)).toEqual(["createToken"]);
  expect(noneOps.map((o) => o.id).sort()).toEqual(["getToken", "revokeToken"]);
  const before = snapshot();
  reached.length = 0;
  const t = API_BASE.auth + "/token";
  for (const p of [t, encoded(t, t)]) {
    for (const headers of [{}, basic("pulumi", "wrong"), basic("intruder", "s3cret-pass"), { "x-auth-token": params.token }, { authorization: `Bearer ${params.token}` }]) {
      const r = await send(p, "POST", headers, {});
      expect([p, r.status]).toEqual([p, 401]);
      expect(r.body).toMatchObject({ reason: ["Authentication Failed"], status_code: 401 });
    }
    const tt = `${t}/{token}`;
    for (const [method, status] of [["GET", 404], ["DELETE", 200]] as const) {
      const r = await send(p === t ? `${t}/not-a-token` : encoded(`${t}/not-a-token`, tt), method, {});
      expect([method, p, r.status]).toEqual([method, p, status]);
      expect(r.text).not.toContain(params.token);
    }
    // A token is checked by its own value, with no credentials; another tenant's token does not reveal office's.
    const mine = await send(`${p}/${params.token}`, "GET", { "x-auth-token": otherToken });
    expect(mine.status).toBe(200);
  }
  // Refused logins and unknown tokens changed nothing (these routes are `public`: their handlers check the credentials or the token in the path).
  expect(reached.every((r) => /\/token(\/|$)/.test(decodeURIComponent(r)))).toBe(true);
  expect(snapshot()).toEqual(before);
});

describe("faults and rate limits apply to the encoded path as to the plain one", () => {
  afterEach(() => {
    for (const k of Object.keys(app.wazo.faults)) delete (app.wazo.faults as Record<string, unknown>)[k];
  });
  const plain = "/api/confd/1.1/users";
  const enc = "/%61pi/%63onfd/1.1/%75sers";

  test("errorRate 1: both paths answer the injected 5xx, no handler runs", async () => {
    app.wazo.faults.errorRate = 1;
    reached.length = 0;
    for (const p of [plain, enc]) {
      const r = await send(p, "GET", { "x-auth-token": params.token });
      expect([p, [500, 503].includes(r.status)]).toEqual([p, true]);
    }
    expect(reached).toEqual([]);
  });

  test("a rate limit counts the encoded path in the same window as the plain one", async () => {
    app.wazo.faults.rateLimit = { perSecond: 1 };
    const headers = { "x-auth-token": params.token, authorization: "Bearer rate-limit-walk" };
    // Aligned to the start of a second so both requests share a window.
    await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000)));
    const first = await send(plain, "GET", headers);
    const second = await send(enc, "GET", headers);
    expect(first.status).toBe(200);
    expect(second.status).toBe(429);
    expect(Number(second.text.length)).toBeGreaterThan(0);
  });
});
