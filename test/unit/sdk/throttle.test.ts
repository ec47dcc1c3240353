/**
 * The site-wide throttle: when a PBX rate-limits, the whole site slows down,
 * shared by every request and every client of the process (octokit's
 * plugin-throttling is the model).
 */
import nock from "nock";
import { SiteThrottle, ThrottleTicket, forgetSiteThrottles, siteThrottle, siteThrottleKey } from "../../../sdk/drivers/throttle";
import { PbxRateLimitError } from "../../../sdk/errors";
import { BASE, SITE, TOKEN, apiUser, errorBody, rejectionOf, testClient, uniqueHost, useNock } from "./helpers";

useNock();
afterAll(() => forgetSiteThrottles());

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** A clock that moves only when someone waits, and the waits asked for. */
function fakeTime(start = 1_000_000): { now: () => number; sleep: (ms: number) => Promise<void>; sleeps: number[] } {
  let clock = start;
  const sleeps: number[] = [];
  return {
    now: () => clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock = Math.max(clock, clock + ms);
    },
    sleeps,
  };
}

const flush = () => new Promise((r) => setImmediate(r));

describe("SiteThrottle", () => {
  it("never lets more than `limit` requests fly, and lets them through in arrival order", async () => {
    const throttle = new SiteThrottle({ maxConcurrency: 3 });
    const gates = Array.from({ length: 10 }, deferred);
    const started: number[] = [];
    let flying = 0;
    let most = 0;
    const runs = gates.map((g, i) =>
      throttle.run(async () => {
        started.push(i);
        most = Math.max(most, ++flying);
        await g.promise;
        flying--;
      }),
    );
    await flush();
    expect(started).toEqual([0, 1, 2]);
    expect(throttle.stats()).toMatchObject({ inFlight: 3, queued: 7 });
    for (const g of gates) {
      g.resolve();
      await flush();
    }
    await Promise.all(runs);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(most).toBe(3);
  });

  it("halves the limit on a 429, once per burst, and recovers by one per `limit` successes", async () => {
    const throttle = new SiteThrottle({ maxConcurrency: 8, recoveryIntervalMs: 0 });
    const burst: ThrottleTicket[] = [];
    for (let i = 0; i < 8; i++) burst.push(await throttle.beforeRequest());
    // Eight requests in flight meet the same limit: one event, not eight halvings.
    for (const t of burst) throttle.onRateLimited(undefined, t);
    expect(throttle.limit).toBe(4);
    burst.forEach((t) => t.release());
    // A request let through after the halving that meets a 429 again halves again.
    const late = await throttle.beforeRequest();
    throttle.onRateLimited(undefined, late);
    late.release();
    expect(throttle.limit).toBe(2);
    throttle.onRateLimited(); // no ticket: always an event
    throttle.onRateLimited();
    expect(throttle.limit).toBe(1); // the floor
    throttle.onSuccess();
    expect(throttle.limit).toBe(2);
    throttle.onSuccess();
    expect(throttle.limit).toBe(2);
    throttle.onSuccess();
    expect(throttle.limit).toBe(3);
    for (let i = 0; i < 100; i++) throttle.onSuccess();
    expect(throttle.limit).toBe(8); // back to the ceiling, not past it
    expect(throttle.stats()).toMatchObject({ rateLimited: 11, decreases: 3, maxConcurrency: 8 });
  });

  it("recovers at most once per recoveryIntervalMs, however many successes", () => {
    let clock = 0;
    const throttle = new SiteThrottle({ maxConcurrency: 8, now: () => clock, recoveryIntervalMs: 1_000 });
    throttle.onRateLimited();
    throttle.onRateLimited();
    expect(throttle.limit).toBe(2);
    for (let i = 0; i < 50; i++) throttle.onSuccess();
    expect(throttle.limit).toBe(2);
    clock = 1_000;
    for (let i = 0; i < 50; i++) throttle.onSuccess();
    expect(throttle.limit).toBe(3);
    clock = 2_500;
    throttle.onSuccess();
    expect(throttle.limit).toBe(4);
  });

  it("a lowered limit holds new requests back until enough in-flight ones finish", async () => {
    const throttle = new SiteThrottle({ maxConcurrency: 4 });
    const flying = await Promise.all([1, 2, 3, 4].map(() => throttle.beforeRequest()));
    throttle.onRateLimited(undefined, flying[0]);
    expect(throttle.limit).toBe(2);
    let sent = false;
    const next = throttle.beforeRequest().then((t) => ((sent = true), t));
    flying[0].release();
    flying[1].release();
    await flush();
    expect(sent).toBe(false); // 2 still in flight, limit 2
    flying[2].release();
    await flush();
    expect(sent).toBe(true);
    (await next).release();
    flying[3].release();
  });

  it("after a 429 with Retry-After, new requests wait until that moment, in one wait", async () => {
    const t = fakeTime();
    const throttle = new SiteThrottle({ now: t.now, sleep: t.sleep });
    throttle.onRateLimited(5_000);
    expect(throttle.pausedUntil).toBe(t.now() + 5_000);
    (await throttle.beforeRequest()).release();
    expect(t.sleeps).toEqual([5_000]);
  });

  it("a request's own backoff and the site pause are one wait: the later of the two", async () => {
    const t = fakeTime();
    const throttle = new SiteThrottle({ now: t.now, sleep: t.sleep });
    throttle.pause(5_000);
    const [a, b] = await Promise.all([throttle.beforeRequest({ delayMs: 1_000 }), throttle.beforeRequest({ delayMs: 7_000 })]);
    a.release();
    b.release();
    // Both started at the same moment on the fake clock; the first one's sleep moved it.
    expect(t.sleeps[0]).toBe(5_000);
    expect(t.sleeps[1]).toBeLessThanOrEqual(7_000);
  });

  it("caps a pause at maxPauseMs, and a pause only ever grows", () => {
    const t = fakeTime();
    const throttle = new SiteThrottle({ now: t.now, sleep: t.sleep, maxPauseMs: 10_000 });
    throttle.pause(3_600_000);
    expect(throttle.pausedUntil - t.now()).toBe(10_000);
    throttle.pause(1_000);
    expect(throttle.pausedUntil - t.now()).toBe(10_000);
  });

  it("a pause that begins while a request queues for a slot is waited out before it is sent", async () => {
    const t = fakeTime();
    const throttle = new SiteThrottle({ maxConcurrency: 1, now: t.now, sleep: t.sleep });
    const first = await throttle.beforeRequest();
    const second = throttle.beforeRequest();
    throttle.onRateLimited(2_000, first);
    first.release();
    (await second).release();
    expect(t.sleeps).toEqual([2_000]);
  });

  it("run() reads the outcome: 429 is a rate limit, 503 with Retry-After a pause, success recovers", async () => {
    const t = fakeTime();
    const throttle = new SiteThrottle({ maxConcurrency: 4, now: t.now, sleep: t.sleep, recoveryIntervalMs: 0 });
    await expect(throttle.run(() => Promise.reject(Object.assign(new Error("429"), { status: 429, retryAfterMs: 1_000 })))).rejects.toThrow("429");
    expect(throttle.stats()).toMatchObject({ limit: 2, rateLimited: 1 });
    expect(throttle.pausedUntil - t.now()).toBe(1_000);
    await expect(throttle.run(() => Promise.reject(Object.assign(new Error("503"), { status: 503, retryAfterMs: 4_000 })))).rejects.toThrow("503");
    expect(throttle.limit).toBe(2); // a 503 pauses but is not a rate limit
    await throttle.run(async () => "ok");
    await throttle.run(async () => "ok");
    expect(throttle.limit).toBe(3);
  });
});

describe("siteThrottle: one per (url, site, credentials) in the process", () => {
  it("is the same throttle for the same site, another for another site or token", () => {
    const url = uniqueHost();
    const a = siteThrottle({ url, site: "paris", credentials: TOKEN });
    expect(siteThrottle({ url: `${url.toUpperCase()}/`, site: "paris", credentials: TOKEN })).toBe(a);
    expect(siteThrottle(siteThrottleKey({ url, site: "paris", credentials: TOKEN }))).toBe(a);
    expect(siteThrottle({ url, site: "lyon", credentials: TOKEN })).not.toBe(a);
    expect(siteThrottle({ url, site: "paris", credentials: "another-token" })).not.toBe(a);
    expect(siteThrottle({ url, site: "paris", credentials: ["user", "password"] })).not.toBe(a);
  });

  it("its key holds no credential", () => {
    const key = siteThrottleKey({ url: "https://pbx.example.net/", site: "paris", credentials: TOKEN });
    expect(key).toMatch(/^https:\/\/pbx\.example\.net paris [0-9a-f]{16}$/);
    expect(key).not.toContain(TOKEN);
  });

  it("a client's waits go through its own sleep, even on a throttle another client made", async () => {
    const t = fakeTime();
    const url = uniqueHost();
    const maker = testClient({ url, now: t.now, sleep: t.sleep, retry: { retries: 0 } });
    const mine: number[] = [];
    const user = testClient({ url, now: t.now, sleep: async (ms) => void mine.push(ms) });
    const scope = nock(url)
      .get(`${BASE}/users/usr_1`)
      .reply(429, errorBody("rate_limited", "slow down"), { "Retry-After": "2" })
      .get(`${BASE}/users/usr_2`)
      .reply(200, apiUser({ id: "usr_2" }));
    await rejectionOf(maker.client.users.get("usr_1"));
    await user.client.users.get("usr_2");
    expect(mine).toEqual([2_000]);
    expect(t.sleeps).toEqual([]);
    expect(scope.isDone()).toBe(true);
  });

  it("a later client asking for more concurrency raises the ceiling, never lowers it", () => {
    const url = uniqueHost();
    const a = siteThrottle({ url }, { maxConcurrency: 4 });
    siteThrottle({ url }, { maxConcurrency: 2 });
    expect(a.limit).toBe(4);
    siteThrottle({ url }, { maxConcurrency: 16 });
    expect(a.stats()).toMatchObject({ limit: 16, maxConcurrency: 16 });
  });

  it("a 429 met by one client pauses another client built for the same site, not a client of another token", async () => {
    const t = fakeTime();
    const url = uniqueHost();
    const first = testClient({ url, now: t.now, sleep: t.sleep, retry: { retries: 0 } });
    const second = testClient({ url, now: t.now, sleep: t.sleep });
    const otherToken = testClient({ url, token: "tok_other-site-token", now: t.now, sleep: t.sleep });
    const scope = nock(url)
      .get(`${BASE}/users/usr_1`)
      .reply(429, errorBody("rate_limited", "slow down"), { "Retry-After": "5" })
      .get(`${BASE}/users/usr_2`)
      .times(2)
      .reply(200, apiUser({ id: "usr_2" }));
    expect(await rejectionOf(first.client.users.get("usr_1"))).toBeInstanceOf(PbxRateLimitError);
    await otherToken.client.users.get("usr_2");
    expect(t.sleeps).toEqual([]);
    await second.client.users.get("usr_2");
    expect(t.sleeps).toEqual([5_000]);
    expect(siteThrottle({ url, site: SITE, credentials: TOKEN }).stats()).toMatchObject({ rateLimited: 1, limit: 4 });
    expect(scope.isDone()).toBe(true);
  });
});

/**
 * A PBX that allows `perSecond` requests per one-second window (as the
 * emulator's --rate-limit does) and answers the rest 429 with Retry-After.
 * Time runs `SCALE` times faster than the wall clock, for client and server
 * alike, so a test of many windows takes a fraction of a second.
 */
const SCALE = 10;

interface Figures {
  requests: number;
  rateLimited: number;
  succeeded: number;
  failed: number;
}

async function twentyAgainstRateLimit(perSecond: number, throttle: boolean): Promise<Figures> {
  const t0 = Date.now();
  const now = () => t0 + (Date.now() - t0) * SCALE;
  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms / SCALE));
  const url = uniqueHost();
  let windowStart = -Infinity;
  let inWindow = 0;
  const figures: Figures = { requests: 0, rateLimited: 0, succeeded: 0, failed: 0 };
  const scope = nock(url)
    .persist()
    .get(/\/users\/usr_\d+$/)
    .reply(() => {
      figures.requests++;
      const at = now();
      if (at - windowStart >= 1_000) [windowStart, inWindow] = [at, 0];
      if (++inWindow <= perSecond) return [200, apiUser()];
      figures.rateLimited++;
      const wait = Math.max(1, Math.ceil((windowStart + 1_000 - at) / 1_000));
      return [429, errorBody("rate_limited", `rate limit of ${perSecond} requests per second exceeded`), { "Retry-After": String(wait) }];
    });
  let seed = 7;
  const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  const { client } = testClient({
    url,
    now,
    sleep,
    random,
    maxConcurrency: 8,
    retry: { baseDelayMs: 200, maxDelayMs: 10_000, jitter: 1 },
    ...(throttle ? {} : { throttle: false as const }),
  });
  const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => client.users.get(`usr_${i}`)));
  figures.succeeded = results.filter((r) => r.status === "fulfilled").length;
  figures.failed = results.length - figures.succeeded;
  expect(scope.isDone()).toBe(true);
  if (process.env.THROTTLE_FIGURES) process.stdout.write(`perSecond=${perSecond} throttle=${throttle} ${JSON.stringify(figures)}\n`);
  return figures;
}

describe("20 concurrent requests meet a 429", () => {
  const attempts = 9; // the default budget: 8 retries

  it("with the site throttle, they wait for the window instead of each retrying alone", async () => {
    const figures = await twentyAgainstRateLimit(4, true);
    expect(figures.succeeded).toBe(20);
    // 20 × 9 attempts is what retrying alone may cost; the throttle keeps it near 20 plus a 429 or two per window.
    expect(figures.requests).toBeLessThan((20 * attempts) / 3);
    expect(figures.rateLimited).toBeLessThan(30);
  });

  it("without it, every waiting request is sent again into every window (the comparison)", async () => {
    const throttled = await twentyAgainstRateLimit(2, true);
    const alone = await twentyAgainstRateLimit(2, false);
    expect(throttled.succeeded).toBe(20);
    expect(alone.requests).toBeGreaterThan(throttled.requests * 1.4);
    expect(alone.rateLimited).toBeGreaterThan(throttled.rateLimited * 2);
  });
});
