/**
 * The Wazo HTTP core: Wazo's errors as our typed errors, retries with
 * Retry-After, wazo-auth tokens (Basic, renewal before expiry, once more
 * after a 401), the tenant header, and secrets never in an error.
 */
import * as util from "util";
import { PbxApiError, PbxAuthError, PbxConflictError, PbxNotFoundError, PbxRateLimitError, PbxValidationError } from "../../../../sdk/errors";
import { capabilitiesOf, createDriver } from "../../../../sdk/drivers";
import { USER_FIELDS } from "../../../../sdk/drivers/wazo/users";
import { AUTH, CONFD, PASSWORD, TENANT, TOKEN, U1, expectValidRequests, rejectionOf, testWazo, useNock, wazoUser } from "./helpers";

useNock();

const get = (t: ReturnType<typeof testWazo>, fields?: Record<string, string>) => t.driver.wazo.http.request({ method: "GET", path: `/users/${U1}`, fields });

describe("errors", () => {
  const cases: Array<[string, number, unknown, new (...a: never[]) => PbxApiError, (e: PbxApiError) => void]> = [
    ["404 → not found", 404, ["Resource Not Found - User was not found ('uuid': 'x')"], PbxNotFoundError, (e) => expect(e.message).toContain("User was not found")],
    ["400 already exists → conflict", 400, ["Resource Error - Extension already exists ('exten': '1001')"], PbxConflictError, () => undefined],
    [
      "400 input error → validation naming our field",
      400,
      ["Input Error - firstname: ['Missing data for required field.']", "Input Error - ring_seconds: ['Must be greater than or equal to 0 and less than or equal to 10800.']"],
      PbxValidationError,
      (e) => expect((e as PbxValidationError).issues.map((i) => i.path.join("."))).toEqual(["firstName", "voicemail.ringsBeforeVoicemail"]),
    ],
    [
      "400 out of range → validation on the extension",
      400,
      ["Resource Error - Exten 1001 not inside user range of context ctx-office-internal-1"],
      PbxValidationError,
      (e) => expect((e as PbxValidationError).issues[0].path).toEqual(["extension"]),
    ],
    ["400 without a known field → validation on the root", 400, ["Input Error - something odd"], PbxValidationError, (e) => expect((e as PbxValidationError).issues[0]).toMatchObject({ path: [], rule: "wazo_rejected", message: "something odd" })],
    ["401 → auth, saying which setting to fix", 401, { reason: ["Unauthorized"], timestamp: [0], status_code: 401 }, PbxAuthError, (e) => expect(e.message).toContain("pbx:token")],
    ["403 → auth", 403, ["Forbidden"], PbxAuthError, () => undefined],
    ["500 → api error with Wazo's words", 500, ["Unexpected error: boom"], PbxApiError, (e) => expect(e.message).toContain("boom")],
  ];
  it.each(cases)("%s", async (_n, status, body, cls, check) => {
    const t = testWazo({}, { retry: { retries: 0 } });
    t.scope.get(`${CONFD}/users/${U1}`).reply(status, body as object);
    const e = (await rejectionOf(get(t, USER_FIELDS))) as PbxApiError;
    expect(e).toBeInstanceOf(cls);
    expect(e.status).toBe(status);
    check(e);
  });
});

describe("retries", () => {
  it("429 and 503 are retried after Retry-After, then succeed", async () => {
    const t = testWazo();
    t.scope.get(`${CONFD}/users/${U1}`).reply(429, ["slow down"], { "Retry-After": "2" });
    t.scope.get(`${CONFD}/users/${U1}`).reply(503, ["busy"], { "Retry-After": "1" });
    t.scope.get(`${CONFD}/users/${U1}`).reply(200, wazoUser());
    expect(await get(t)).toMatchObject({ uuid: U1 });
    // The 429 paused the whole site for 2 s (the shared throttle): the 503's 1 s wait ends within that pause.
    expect(t.sleeps[0]).toBe(2000);
    expect(t.sleeps[1]).toBeGreaterThanOrEqual(1000);
    expect(t.sleeps[1]).toBeLessThanOrEqual(2000);
    expect(t.driver.wazo.http.throttle?.stats().rateLimited).toBeGreaterThanOrEqual(1);
  });

  it("out of retries, a 429 or 503 is a PbxRateLimitError with the wait Wazo asked for", async () => {
    for (const status of [429, 503]) {
      const t = testWazo({}, { retry: { retries: 2 } });
      t.scope.get(`${CONFD}/users/${U1}`).times(3).reply(status, ["slow down"], { "Retry-After": "3" });
      const e = (await rejectionOf(get(t))) as PbxRateLimitError;
      expect(e).toBeInstanceOf(PbxRateLimitError);
      expect(e.retryAfterMs).toBe(3000);
      expect(t.sleeps).toEqual([3000, 3000]);
      expect(t.scope.isDone()).toBe(true);
    }
  });

  it("a POST that may have landed is not sent again without a look-up (no idempotency keys in Wazo); a 429 is", async () => {
    const t = testWazo();
    t.scope.post(`${CONFD}/lines`).reply(500, ["Unexpected error"]);
    const e = (await rejectionOf(t.driver.wazo.http.request({ method: "POST", path: "/lines", body: { context: "x" } }))) as PbxApiError;
    expect(e.status).toBe(500);
    expect(t.calls).toHaveLength(1);
    const r = testWazo();
    r.scope.post(`${CONFD}/lines`).reply(429, ["slow down"], { "Retry-After": "1" });
    r.scope.post(`${CONFD}/lines`).reply(201, { id: 7 });
    expect(await r.driver.wazo.http.request({ method: "POST", path: "/lines", body: { context: "x" } })).toEqual({ id: 7 });
  });

  it("out of budget, the error says what the retries spent", async () => {
    const t = testWazo({}, { retry: { retries: 2 } });
    t.scope.get(`${CONFD}/users/${U1}`).times(3).reply(500, ["boom"]);
    const e = await rejectionOf(get(t));
    expect(e.message).toMatch(/gave up after 3 attempts/);
  });

  it("400, 401, 404 are not retried", async () => {
    for (const status of [400, 401, 404]) {
      const t = testWazo();
      t.scope.get(`${CONFD}/users/${U1}`).reply(status, ["no"]);
      await rejectionOf(get(t));
      expect(t.sleeps).toEqual([]);
    }
  });
});

describe("tokens and tenant", () => {
  it("a ready token goes in X-Auth-Token and the tenant uuid in Wazo-Tenant", async () => {
    const t = testWazo();
    t.scope.get(`${CONFD}/users/${U1}`).matchHeader("x-auth-token", TOKEN).matchHeader("wazo-tenant", TENANT).reply(200, wazoUser());
    await get(t);
    expect(t.scope.isDone()).toBe(true);
  });

  it("username + password: POST /token with Basic, renewed before it expires, and once more after a 401", async () => {
    let clock = Date.parse("2026-01-01T00:00:00Z");
    const t = testWazo({ token: undefined, username: "pulumi", password: PASSWORD }, { now: () => clock });
    const basic = `Basic ${Buffer.from(`pulumi:${PASSWORD}`).toString("base64")}`;
    const tokenAnswer = (token: string, expiresAt: string) => ({ data: { token, utc_expires_at: expiresAt, expires_at: expiresAt } });
    t.scope.post(`${AUTH}/token`, { expiration: 3600 }).matchHeader("authorization", basic).reply(200, tokenAnswer("tok-1", "2026-01-01T01:00:00.000000"));
    t.scope.get(`${CONFD}/users/${U1}`).matchHeader("x-auth-token", "tok-1").times(2).reply(200, wazoUser());
    await Promise.all([get(t), get(t)]); // one token request for both
    // 50 minutes later: past 80% of the hour, a new token before the next call.
    clock += 50 * 60_000;
    t.scope.post(`${AUTH}/token`).reply(200, tokenAnswer("tok-2", "2026-01-01T01:50:00.000000"));
    t.scope.get(`${CONFD}/users/${U1}`).matchHeader("x-auth-token", "tok-2").reply(200, wazoUser());
    await get(t);
    // Revoked early: a 401, a new token, the same request again.
    t.scope.get(`${CONFD}/users/${U1}`).matchHeader("x-auth-token", "tok-2").reply(401, ["Unauthorized"]);
    t.scope.post(`${AUTH}/token`).reply(200, tokenAnswer("tok-3", "2026-01-01T01:55:00.000000"));
    t.scope.get(`${CONFD}/users/${U1}`).matchHeader("x-auth-token", "tok-3").reply(200, wazoUser());
    await get(t);
    expect(t.scope.isDone()).toBe(true);
    expectValidRequests(t.calls);
  });

  it("getting the token and the tenant never waits for a concurrency slot held by its own caller", async () => {
    const t = testWazo({ token: undefined, tenant: undefined, username: "pulumi", password: PASSWORD }, { maxConcurrency: 1 });
    t.scope.post(`${AUTH}/token`).reply(200, { data: { token: "tok-1", utc_expires_at: "2999-01-01T00:00:00" } });
    t.scope.get(`${AUTH}/tenants`).query(true).reply(200, { items: [{ uuid: TENANT, slug: "office", name: "Office" }], total: 1, filtered: 1 });
    t.scope.get(`${CONFD}/users/${U1}`).times(3).reply(200, wazoUser());
    await Promise.all([get(t), get(t), get(t)]);
    expect(t.scope.isDone()).toBe(true);
  });

  it("wrong credentials: a PbxAuthError that says what to fix and holds no secret", async () => {
    const t = testWazo({ token: undefined, username: "pulumi", password: PASSWORD });
    t.scope.post(`${AUTH}/token`).reply(401, { reason: ["Authentication Failed"], timestamp: [0], status_code: 401 });
    const e = await rejectionOf(get(t));
    expect(e).toBeInstanceOf(PbxAuthError);
    expect(e.message).toContain("username and password");
    expect(util.inspect(e, { depth: 10, showHidden: true }) + JSON.stringify(e)).not.toContain(PASSWORD);
  });

  it("the site is resolved to a tenant by slug through wazo-auth, once", async () => {
    const t = testWazo({ tenant: undefined, site: "office" });
    t.scope
      .get(`${AUTH}/tenants`)
      .query({ search: "office" })
      .reply(200, { items: [{ uuid: "99999999-0000-4000-8000-000000000001", slug: "office2", name: "Office 2", parent_uuid: TENANT, domain_names: [] }, { uuid: TENANT, slug: "office", name: "Office", parent_uuid: TENANT, domain_names: [] }], total: 2, filtered: 2 });
    t.scope.get(`${CONFD}/users/${U1}`).matchHeader("wazo-tenant", TENANT).times(2).reply(200, wazoUser());
    await get(t);
    await get(t);
    expect(t.scope.isDone()).toBe(true);
    expect(t.calls[0].headers["wazo-tenant"]).toBeUndefined();
    expectValidRequests(t.calls);
  });

  it("a token that may not list tenants (403) works in its own tenant: no Wazo-Tenant header", async () => {
    const t = testWazo({ tenant: undefined, site: "office" });
    t.scope.get(`${AUTH}/tenants`).query(true).reply(403, { reason: ["Forbidden"], timestamp: [0], status_code: 403 });
    t.scope.get(`${CONFD}/users/${U1}`).reply(200, wazoUser());
    await get(t);
    expect(t.calls[1].headers["wazo-tenant"]).toBeUndefined();
    expect(t.scope.isDone()).toBe(true);
  });

  it("no tenant with that slug or name: a PbxAuthError naming the setting", async () => {
    const t = testWazo({ tenant: undefined, site: "office" });
    t.scope.get(`${AUTH}/tenants`).query(true).reply(200, { items: [], total: 0, filtered: 0 });
    const e = await rejectionOf(get(t));
    expect(e).toBeInstanceOf(PbxAuthError);
    expect(e.message).toContain("tenant");
  });
});

describe("secrets", () => {
  const renderings = (e: Error) => [e.message, String(e.stack), JSON.stringify(e), util.inspect(e, { depth: 10, showHidden: true }), util.inspect(e.cause, { depth: 10, showHidden: true })].join("\n");

  it("a server echoing the token, the password or the Basic header does not put them into the error", async () => {
    const t = testWazo({ token: undefined, username: "pulumi", password: PASSWORD }, { retry: { retries: 0 } });
    t.scope.post(`${AUTH}/token`).reply(200, { data: { token: TOKEN, utc_expires_at: "2999-01-01T00:00:00" } });
    t.scope.get(`${CONFD}/users/${U1}`).reply(400, function () {
      return [`Input Error - bad header ${String(this.req.headers["x-auth-token"])} ${PASSWORD} ${Buffer.from(`pulumi:${PASSWORD}`).toString("base64")}`];
    });
    const e = await rejectionOf(get(t));
    const text = renderings(e);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(PASSWORD);
    expect(text).toContain("[redacted]");
  });

  it("a generated SIP password or a PIN echoed in an error is scrubbed", async () => {
    const t = testWazo({}, { retry: { retries: 0 } });
    t.driver.wazo.http.addSecret("4821-very-secret");
    t.scope.get(`${CONFD}/users/${U1}`).reply(400, ["Input Error - password: 4821-very-secret is wrong"]);
    const e = await rejectionOf(get(t));
    expect(renderings(e)).not.toContain("4821-very-secret");
  });
});

describe("the request check the tests rely on", () => {
  it("does flag a request Wazo would refuse or ignore, so a green expectValidRequests means something", () => {
    expect(() => expectValidRequests([{ method: "POST", path: `${CONFD}/users`, body: { lastname: "x" }, headers: {} }])).toThrow();
    expect(() => expectValidRequests([{ method: "PUT", path: `${CONFD}/users/${U1}/forwards`, body: { busy: { enabled: true, destination: "1" }, sometimes: 1 }, headers: {} }])).toThrow();
    expect(() => expectValidRequests([{ method: "GET", path: `${CONFD}/nothing/here`, body: undefined, headers: {} }])).toThrow();
  });
});

describe("the registry", () => {
  it("loads the wazo folder: capabilities, and a driver that needs no apply", async () => {
    const caps = capabilitiesOf("wazo");
    expect(caps).toMatchObject({ driver: "wazo", needsApply: false, etags: false, idempotencyKeys: false });
    const d = createDriver("wazo", { site: "office", url: "http://wazo.invalid", token: TOKEN });
    await d.apply();
    d.close();
    expect(() => createDriver("wazo", { site: "office", url: "http://wazo.invalid" })).toThrow(/credentials/);
  });
});
