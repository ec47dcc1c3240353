/**
 * Retries as a user notices them: transient failures are ridden out, waits
 * follow the server, creates never duplicate, the caller's mistakes are not retried.
 */
import { inspect } from "util";
import nock from "nock";
import { defaultRetryPolicy } from "../../../sdk/retry";
import { PbxApiError, PbxNetworkError, PbxNotFoundError, PbxRateLimitError } from "../../../sdk/errors";
import { ApiV1Driver } from "../../../sdk/drivers/apiv1";
import { HttpCore } from "../../../sdk/drivers/apiv1/client";
import { BASE, SITE, TOKEN, apiGroup, apiKey, apiUser, errorBody, scriptedServer, rejectionOf, testClient, uniqueHost, useNock } from "./helpers";

useNock();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("retries", () => {
  it("waits what Retry-After asks on 429, then succeeds", async () => {
    const { client, url, sleeps } = testClient();
    const scope = nock(url)
      .get(`${BASE}/users/usr_1`)
      .reply(429, errorBody("rate_limited", "slow down"), { "Retry-After": "2" })
      .get(`${BASE}/users/usr_1`)
      .reply(200, apiUser());
    await expect(client.users.get("usr_1")).resolves.toMatchObject({ id: "usr_1" });
    expect(sleeps).toEqual([2_000]);
    expect(scope.isDone()).toBe(true);
  });

  it("reads Retry-After as an HTTP date on 503", async () => {
    const { client, url, sleeps } = testClient();
    const inFiveSeconds = new Date(Date.now() + 5_000).toUTCString();
    const scope = nock(url)
      .get(`${BASE}/apply`)
      .reply(503, errorBody("unavailable", "applying"), { "Retry-After": inFiveSeconds })
      .get(`${BASE}/apply`)
      .reply(200, { pending: 0, lastAppliedAt: null, applies: 0 });
    await client.applyStatus();
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThan(3_000);
    expect(sleeps[0]).toBeLessThanOrEqual(5_000);
    expect(scope.isDone()).toBe(true);
  });

  it("caps a long Retry-After by maxRetryAfterMs", async () => {
    const { client, url, sleeps } = testClient({ retry: { maxRetryAfterMs: 1_500 } });
    const scope = nock(url)
      .get(`${BASE}/users/usr_1`)
      .reply(429, errorBody("rate_limited", "slow down"), { "Retry-After": "3600" })
      .get(`${BASE}/users/usr_1`)
      .reply(200, apiUser());
    await client.users.get("usr_1");
    expect(sleeps).toEqual([1_500]);
    expect(scope.isDone()).toBe(true);
  });

  it("retries a 500 with exponential backoff, then succeeds", async () => {
    const { client, url, sleeps } = testClient({ retry: { baseDelayMs: 1, maxDelayMs: 100 } });
    const scope = nock(url)
      .get(`${BASE}/user-groups/grp_1`)
      .times(3)
      .reply(500, errorBody("internal", "oops"))
      .get(`${BASE}/user-groups/grp_1`)
      .reply(200, apiGroup());
    await expect(client.userGroups.get("grp_1")).resolves.toMatchObject({ name: "Sales" });
    expect(sleeps).toEqual([1, 2, 4]);
    expect(scope.isDone()).toBe(true);
  });

  it("gives up after `retries` and throws the last error", async () => {
    const { client, url, sleeps } = testClient({ retry: { retries: 2 } });
    const scope = nock(url).get(`${BASE}/users/usr_1`).times(3).reply(500, errorBody("internal", "still broken"));
    const err = await rejectionOf(client.users.get("usr_1"));
    expect(err).toMatchObject({ status: 500, message: expect.stringContaining("still broken") });
    expect(sleeps).toHaveLength(2);
    expect(scope.isDone()).toBe(true);
  });

  it("retries a reset connection", async () => {
    const server = await scriptedServer(["reset", [200, apiKey()]]);
    const { client } = testClient({ url: server.url });
    await expect(client.functionKeys.get("usr_1", 1)).resolves.toMatchObject({ position: 1 });
    expect(server.received.map((r) => r.url)).toEqual([`${BASE}/users/usr_1/keys/1`, `${BASE}/users/usr_1/keys/1`]);
    client.close();
    await server.close();
  });

  it.each(defaultRetryPolicy.doNotRetry)("does not retry %i", async (status) => {
    const { client, url, sleeps } = testClient();
    const scope = nock(url).post(`${BASE}/users`).once().reply(status, errorBody("conflict", "no"));
    const err = await rejectionOf(client.users.create({ extension: "1001", firstName: "Alice" }));
    expect(err).toBeInstanceOf(PbxApiError);
    expect((err as PbxApiError).status).toBe(status);
    expect(sleeps).toEqual([]);
    expect(scope.isDone()).toBe(true);
  });
});

describe("idempotency", () => {
  it("a POST that times out is retried with the same Idempotency-Key and yields one object", async () => {
    const { client, url, sleeps } = testClient({ timeoutMs: 150 });
    const keys: string[] = [];
    const created = apiUser({ id: "usr_42" });
    const scope = nock(url)
      .post(`${BASE}/users`, { extension: "1001", firstName: "Alice" })
      .delay(1_500) // the PBX creates the user, but the answer comes too late
      .reply(function () {
        keys.push(String(this.req.headers["idempotency-key"]));
        return [201, created];
      })
      .post(`${BASE}/users`)
      .reply(function () {
        keys.push(String(this.req.headers["idempotency-key"]));
        return [201, created]; // the PBX replays the first response for the same key
      });
    const user = await client.users.create({ extension: "1001", firstName: "Alice" });
    expect(user.id).toBe("usr_42");
    expect(sleeps).toHaveLength(1);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(UUID);
    expect(keys[1]).toBe(keys[0]);
    expect(scope.isDone()).toBe(true);
  });

  it("every create gets its own key unless the caller names one", async () => {
    const { client, url } = testClient();
    const keys: string[] = [];
    const scope = nock(url)
      .post(`${BASE}/user-groups`)
      .times(3)
      .reply(function () {
        keys.push(String(this.req.headers["idempotency-key"]));
        return [201, apiGroup()];
      });
    await client.userGroups.create({ name: "Sales" });
    await client.userGroups.create({ name: "Sales" });
    await client.userGroups.create({ name: "Sales" }, { idempotencyKey: "pulumi-pbx-UserGroup-abc" });
    expect(new Set(keys).size).toBe(3);
    expect(keys[2]).toBe("pulumi-pbx-UserGroup-abc");
    expect(scope.isDone()).toBe(true);
  });

  it("PUT and GET carry no Idempotency-Key", async () => {
    const { client, url } = testClient();
    const scope = nock(url, { badheaders: ["idempotency-key"] })
      .put(`${BASE}/users/usr_1/keys/1`)
      .reply(200, apiKey())
      .get(`${BASE}/users/usr_1/keys/1`)
      .reply(200, apiKey());
    await client.functionKeys.put("usr_1", 1, { type: "blf", targetUserId: "usr_2" });
    await client.functionKeys.get("usr_1", 1);
    expect(scope.isDone()).toBe(true);
  });
});

describe("after a response was lost", () => {
  it("a DELETE retried into 404 has done its work", async () => {
    const server = await scriptedServer(["reset", [404, errorBody("not_found", "user usr_1 does not exist")]]);
    const { client } = testClient({ url: server.url });
    await expect(client.users.delete("usr_1")).resolves.toBeUndefined();
    expect(server.received.map((r) => `${r.method} ${r.url}`)).toEqual([`DELETE ${BASE}/users/usr_1`, `DELETE ${BASE}/users/usr_1`]);
    client.close();
    await server.close();
  });

  it("a DELETE of a missing object still fails when nothing was lost", async () => {
    const { client, url } = testClient();
    const scope = nock(url).delete(`${BASE}/users/usr_1`).reply(404, errorBody("not_found", "user usr_1 does not exist"));
    await expect(client.users.delete("usr_1")).rejects.toMatchObject({ status: 404 });
    expect(scope.isDone()).toBe(true);
  });

  it("a PATCH with If-Match retried into 412 returns the object when our change is what moved it", async () => {
    const { client, url } = testClient();
    const scope = nock(url)
      .patch(`${BASE}/users/usr_1`)
      .matchHeader("If-Match", '"3"')
      .reply(503, errorBody("unavailable", "try again"))
      .patch(`${BASE}/users/usr_1`)
      .reply(412, errorBody("precondition_failed", "revision is 4"))
      .get(`${BASE}/users/usr_1`)
      .reply(200, apiUser({ revision: 4, dnd: true, mobileNumber: "+32470123456" }));
    const user = await client.users.update("usr_1", { dnd: true, mobileNumber: "+32 470 12 34 56" }, { ifMatch: 3 });
    expect(user.revision).toBe(4);
    expect(scope.isDone()).toBe(true);
  });

  it("a PATCH with If-Match retried into 412 is a real conflict when someone else changed the object", async () => {
    const server = await scriptedServer(["reset", [412, errorBody("precondition_failed", "revision is 5")], [200, apiUser({ revision: 5 })]]);
    const { client } = testClient({ url: server.url });
    await expect(client.users.update("usr_1", { dnd: true }, { ifMatch: 3 })).rejects.toMatchObject({ status: 412 });
    expect(server.received.map((r) => `${r.method} ${r.headers["if-match"] ?? ""}`)).toEqual(['PATCH "3"', 'PATCH "3"', "GET "]);
    client.close();
    await server.close();
  });
});

/** A clock that moves only when the client waits, and the waits it was asked for. */
function fakeTime(start = Date.parse("2025-06-01T12:00:00Z")): { now: () => number; sleep: (ms: number) => Promise<void>; sleeps: number[] } {
  let clock = start;
  const sleeps: number[] = [];
  return {
    now: () => clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    sleeps,
  };
}

describe("a call that fails for good", () => {
  it("a read out of budget says how many attempts over how long and the last status", async () => {
    const t = fakeTime();
    const { client, url } = testClient({ now: t.now, sleep: t.sleep });
    const scope = nock(url).get(`${BASE}/users/usr_1`).times(9).reply(503, errorBody("unavailable", "reloading"));
    const err = await rejectionOf(client.users.get("usr_1"));
    expect(err).toBeInstanceOf(PbxApiError);
    expect(err).not.toBeInstanceOf(PbxNotFoundError);
    expect(err).toMatchObject({ status: 503, code: "unavailable", retries: { attempts: 9, elapsedMs: 27 } });
    expect(err.message).toBe(
      "GET /api/v1/sites/demo/users/usr_1 → 503 unavailable: reloading (gave up after 9 attempts over 27 ms: the retry budget allows 9 attempts; last status 503)",
    );
    expect(t.sleeps).toEqual([1, 2, 4, 4, 4, 4, 4, 4]);
    expect(scope.isDone()).toBe(true);
  });

  it("through the driver, a read out of budget rejects: it never reads as gone", async () => {
    const url = uniqueHost();
    const driver = new ApiV1Driver({ url, token: TOKEN, site: SITE, sleep: async () => {}, retry: { retries: 2, baseDelayMs: 1, jitter: 0 } });
    const scope = nock(url).get(`${BASE}/users/usr_1`).times(3).reply(502, "<html>Bad Gateway</html>");
    const err = await rejectionOf(driver.users.get("usr_1"));
    expect(err).not.toBeInstanceOf(PbxNotFoundError);
    expect(err.message).toMatch(/→ 502 internal: <html>Bad Gateway<\/html> \(gave up after 3 attempts over \d+ ms: the retry budget allows 3 attempts; last status 502\)$/);
    expect(scope.isDone()).toBe(true);
  });

  it("a Retry-After longer than the time budget ends the call at once, and says so", async () => {
    const t = fakeTime();
    const { client, url } = testClient({ now: t.now, sleep: t.sleep, retry: { maxElapsedMs: 10_000 } });
    const scope = nock(url).get(`${BASE}/users`).reply(429, errorBody("rate_limited", "slow down"), { "Retry-After": "30" });
    const err = await rejectionOf(client.users.list());
    expect(err).toBeInstanceOf(PbxRateLimitError);
    expect(err).toMatchObject({ retryAfterMs: 30_000, retries: { attempts: 1 } });
    expect(err.message).toContain("(gave up after 1 attempt over 0 ms: the server asked to wait 30 s, the retry budget allows 10 s in all; last status 429)");
    expect(t.sleeps).toEqual([]);
    expect(scope.isDone()).toBe(true);
  });

  it("network failures out of budget say they got no response", async () => {
    const server = await scriptedServer(["reset", "reset", "reset"]);
    const { client } = testClient({ url: server.url, retry: { retries: 2 } });
    const err = await rejectionOf(client.users.get("usr_1"));
    expect(err).toBeInstanceOf(PbxNetworkError);
    expect(err.message).toMatch(/ECONNRESET socket hang up \(gave up after 3 attempts over \d+ ms: the retry budget allows 3 attempts; last attempt got no response\)$/);
    expect(server.isDone()).toBe(true);
    client.close();
    await server.close();
  });
});

describe("Retry-After with the client's clock", () => {
  it("seconds: waits exactly that, once (the site pause and the retry are one wait)", async () => {
    const t = fakeTime();
    const { client, url } = testClient({ now: t.now, sleep: t.sleep });
    const scope = nock(url)
      .get(`${BASE}/users/usr_1`)
      .reply(429, errorBody("rate_limited", "slow down"), { "Retry-After": "3" })
      .get(`${BASE}/users/usr_1`)
      .reply(200, apiUser());
    await client.users.get("usr_1");
    expect(t.sleeps).toEqual([3_000]);
    expect(scope.isDone()).toBe(true);
  });

  it("an HTTP date: waits until that moment", async () => {
    const t = fakeTime(Date.parse("2025-06-01T12:00:00Z"));
    const { client, url } = testClient({ now: t.now, sleep: t.sleep });
    const scope = nock(url)
      .get(`${BASE}/users/usr_1`)
      .reply(503, errorBody("unavailable", "applying"), { "Retry-After": "Sun, 01 Jun 2025 12:00:07 GMT" })
      .get(`${BASE}/users/usr_1`)
      .reply(200, apiUser());
    await client.users.get("usr_1");
    expect(t.sleeps).toEqual([7_000]);
    expect(scope.isDone()).toBe(true);
  });
});

describe("full jitter on the wire", () => {
  it("each wait is random(0, min(cap, base·2^n)) from the injected source", async () => {
    const { client, url, sleeps } = testClient({ random: () => 0.25, retry: { baseDelayMs: 100, maxDelayMs: 300, jitter: 1 } });
    const scope = nock(url)
      .get(`${BASE}/users/usr_1`)
      .times(3)
      .reply(500, errorBody("internal", "oops"))
      .get(`${BASE}/users/usr_1`)
      .reply(200, apiUser());
    await client.users.get("usr_1");
    expect(sleeps).toEqual([75, 150, 225]);
    expect(scope.isDone()).toBe(true);
  });
});

describe("a POST without an Idempotency-Key", () => {
  const create = (core: HttpCore, idempotencyKey?: false) =>
    core.request({ method: "POST", path: `${BASE}/users`, body: { extension: "1001", firstName: "Alice" }, idempotencyKey });

  it("is not retried when the connection is cut: the PBX may have created the user", async () => {
    const server = await scriptedServer(["reset", [201, apiUser()]]);
    const core = new HttpCore({ url: server.url, token: TOKEN, site: SITE, sleep: async () => {}, retry: { baseDelayMs: 1 } });
    const err = await rejectionOf(create(core, false));
    expect(err).toBeInstanceOf(PbxNetworkError);
    expect(err.message).not.toContain("gave up");
    expect(server.received).toHaveLength(1);
    expect(server.received[0].headers["idempotency-key"]).toBeUndefined();
    core.close();
    await server.close();
  });

  it("with its key (the default), the same cut connection is retried with the same key", async () => {
    const server = await scriptedServer(["reset", [201, apiUser()]]);
    const core = new HttpCore({ url: server.url, token: TOKEN, site: SITE, sleep: async () => {}, retry: { baseDelayMs: 1 } });
    await create(core);
    expect(server.received).toHaveLength(2);
    expect(server.received[1].headers["idempotency-key"]).toBe(server.received[0].headers["idempotency-key"]);
    core.close();
    await server.close();
  });

  it("is retried after a 429: the PBX did nothing", async () => {
    const url = uniqueHost();
    const core = new HttpCore({ url, token: TOKEN, site: SITE, sleep: async () => {}, retry: { baseDelayMs: 1 } });
    const scope = nock(url, { badheaders: ["idempotency-key"] })
      .post(`${BASE}/users`)
      .reply(429, errorBody("rate_limited", "slow down"), { "Retry-After": "0" })
      .post(`${BASE}/users`)
      .reply(201, apiUser());
    await create(core, false);
    expect(scope.isDone()).toBe(true);
  });
});

describe("the token never in an error", () => {
  const leaks = (e: Error) => [e.message, String(e.stack), JSON.stringify(e), inspect(e, { depth: 10 }), String(e)].filter((s) => s.includes(TOKEN));

  it("after a spent budget, even when the server echoes it", async () => {
    const { client, url } = testClient({ retry: { retries: 3 } });
    const scope = nock(url)
      .get(`${BASE}/users/usr_1`)
      .times(4)
      .reply(503, errorBody("unavailable", `token ${TOKEN} is reloading`), { "Retry-After": "0", "X-Echo": TOKEN });
    const err = await rejectionOf(client.users.get("usr_1"));
    expect(err.message).toContain("gave up after 4 attempts");
    expect(leaks(err)).toEqual([]);
    expect(scope.isDone()).toBe(true);
  });

  it("after a spent budget of cut connections", async () => {
    const server = await scriptedServer(["reset", "reset"]);
    const { client } = testClient({ url: server.url, retry: { retries: 1 } });
    const err = await rejectionOf(client.users.get("usr_1"));
    expect(err.message).toContain("gave up after 2 attempts");
    expect(leaks(err)).toEqual([]);
    client.close();
    await server.close();
  });
});
