/**
 * The retry policy as a pure decision: what is retried, how long it waits.
 */
import { RetryBudget, decideRetry, defaultRetryPolicy, parseRetryAfter, resolveRetryPolicy, retryDelayMs, withRetrySummary } from "../../../sdk/retry";

const policy = resolveRetryPolicy({ baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 5_000, jitter: 0 });
const http = (status: number, retryAfterMs?: number) => ({ status, timedOut: false, retryAfterMs });

describe("retryDelayMs", () => {
  it("backs off exponentially up to maxDelayMs", () => {
    expect([0, 1, 2, 3, 4].map((a) => retryDelayMs({ ...policy, retries: 10 }, a, http(500)))).toEqual([100, 200, 400, 800, 1_000]);
  });

  it("gives up after `retries` retries", () => {
    expect(retryDelayMs({ ...policy, retries: 2 }, 1, http(500))).toBe(200);
    expect(retryDelayMs({ ...policy, retries: 2 }, 2, http(500))).toBeUndefined();
  });

  it("randomises at most the jitter fraction of the delay", () => {
    const jittery = { ...policy, jitter: 0.5 };
    expect(retryDelayMs(jittery, 0, http(500), () => 0)).toBe(100);
    expect(retryDelayMs(jittery, 0, http(500), () => 0.999)).toBe(50);
  });

  it.each([429, 503])("honours Retry-After on %i exactly, capped by maxRetryAfterMs", (status) => {
    expect(retryDelayMs(policy, 0, http(status, 3_000))).toBe(3_000);
    expect(retryDelayMs(policy, 0, http(status, 60_000))).toBe(5_000);
  });

  it("ignores Retry-After on other statuses", () => {
    expect(retryDelayMs(policy, 0, http(500, 3_000))).toBe(100);
  });

  it.each(defaultRetryPolicy.doNotRetry)("never retries %i", (status) => {
    expect(retryDelayMs(policy, 0, http(status))).toBeUndefined();
  });

  it("retries 408, 429 and 5xx, not other 4xx", () => {
    expect([408, 429, 500, 502, 503, 504].map((s) => retryDelayMs(policy, 0, http(s)))).toEqual([100, 100, 100, 100, 100, 100]);
    expect(retryDelayMs(policy, 0, http(418))).toBeUndefined();
  });

  it("retries network errors and timeouts as the policy says", () => {
    const reset = { status: 0, timedOut: false };
    const timeout = { status: 0, timedOut: true };
    expect(retryDelayMs(policy, 0, reset)).toBe(100);
    expect(retryDelayMs(policy, 0, timeout)).toBe(100);
    expect(retryDelayMs({ ...policy, retryOnNetworkError: false }, 0, reset)).toBeUndefined();
    expect(retryDelayMs({ ...policy, retryOnTimeout: false }, 0, timeout)).toBeUndefined();
  });

  it("never retries a response that does not match its schema", () => {
    expect(retryDelayMs(policy, 0, { status: 200, timedOut: false, invalidResponse: true })).toBeUndefined();
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2025-06-01T12:00:00Z");

  it("reads delta-seconds", () => {
    expect(parseRetryAfter("2", now)).toBe(2_000);
    expect(parseRetryAfter(" 0.5 ", now)).toBe(500);
  });

  it("reads an HTTP date, and a past one as no wait", () => {
    expect(parseRetryAfter("Sun, 01 Jun 2025 12:00:07 GMT", now)).toBe(7_000);
    expect(parseRetryAfter("Sun, 01 Jun 2025 11:00:00 GMT", now)).toBe(0);
  });

  it("ignores what it cannot read", () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter("", now)).toBeUndefined();
    expect(parseRetryAfter("soon", now)).toBeUndefined();
  });
});

describe("resolveRetryPolicy", () => {
  it("fills what the caller leaves out from the defaults", () => {
    expect(resolveRetryPolicy({ retries: 1 })).toEqual({ ...defaultRetryPolicy, retries: 1 });
  });
});

/** A deterministic [0, 1) source (mulberry32), so "random" tests are repeatable. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("full jitter (the default)", () => {
  const full = resolveRetryPolicy({ retries: 20, baseDelayMs: 100, maxDelayMs: 1_000 });

  it("is the default: jitter 1", () => {
    expect(defaultRetryPolicy.jitter).toBe(1);
  });

  it("waits random(0, min(cap, base·2^n)): every delay within bounds, and spread over them", () => {
    const random = seeded(42);
    for (let n = 0; n < 8; n++) {
      const ceiling = Math.min(1_000, 100 * 2 ** n);
      const delays = Array.from({ length: 500 }, () => retryDelayMs(full, n, http(500), random)!);
      expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...delays)).toBeLessThanOrEqual(ceiling);
      // Full jitter, not "half plus noise": the low and the high tenth of the range both occur.
      expect(delays.some((d) => d < ceiling * 0.1)).toBe(true);
      expect(delays.some((d) => d > ceiling * 0.9)).toBe(true);
      const mean = delays.reduce((s, d) => s + d, 0) / delays.length;
      expect(mean / ceiling).toBeGreaterThan(0.4);
      expect(mean / ceiling).toBeLessThan(0.6);
    }
  });

  it("draws from the injected random source only", () => {
    expect(retryDelayMs(full, 3, http(503), () => 0)).toBe(800);
    expect(retryDelayMs(full, 3, http(503), () => 0.75)).toBe(200);
    expect(retryDelayMs(full, 6, http(503), () => 0.5)).toBe(500); // capped at maxDelayMs before jitter
  });

  it("never waits less than Retry-After asks: the backoff only lengthens it", () => {
    expect(retryDelayMs(full, 0, http(429, 3_000), () => 0)).toBe(3_000);
    expect(retryDelayMs({ ...full, baseDelayMs: 10_000, maxDelayMs: 10_000 }, 0, http(429, 3_000), () => 0)).toBe(10_000);
    // Retry-After: 0 (a PBX saying "reloading, come back now") still backs off.
    expect(retryDelayMs(full, 2, http(503, 0), () => 0)).toBe(400);
  });
});

describe("decideRetry: the budget", () => {
  const p = resolveRetryPolicy({ retries: 3, maxElapsedMs: 10_000, baseDelayMs: 100, maxDelayMs: 1_000, jitter: 0 });

  it("allows retries + 1 attempts", () => {
    expect(decideRetry(p, { attempts: 3, elapsedMs: 0 }, http(500))).toEqual({ retry: true, delayMs: 400 });
    expect(decideRetry(p, { attempts: 4, elapsedMs: 0 }, http(500))).toEqual({ retry: false, exhausted: true, reason: "the retry budget allows 4 attempts" });
  });

  it("starts no wait that would end past the time cap", () => {
    expect(decideRetry(p, { attempts: 2, elapsedMs: 9_800 }, http(500))).toEqual({ retry: true, delayMs: 200 });
    expect(decideRetry(p, { attempts: 2, elapsedMs: 9_900 }, http(500))).toEqual({ retry: false, exhausted: true, reason: "the retry budget allows 10 s" });
  });

  it("gives up at once when Retry-After asks for more than the time left, and says so", () => {
    expect(decideRetry(p, { attempts: 1, elapsedMs: 0 }, http(429, 30_000))).toEqual({
      retry: false,
      exhausted: true,
      reason: "the server asked to wait 30 s, the retry budget allows 10 s in all",
    });
  });

  it("a failure not worth retrying is not an exhausted budget", () => {
    expect(decideRetry(p, { attempts: 1, elapsedMs: 0 }, http(404))).toMatchObject({ retry: false, exhausted: false });
  });
});

describe("what is retried, as data", () => {
  const p = resolveRetryPolicy({ baseDelayMs: 100, maxDelayMs: 1_000, jitter: 0 });
  const reset = (method: string, idempotencyKey = false, networkCode = "ECONNRESET") => ({ status: 0, timedOut: false, networkCode, method, idempotencyKey });

  it("statuses: retryStatuses only, doNotRetry wins", () => {
    expect(p.retryStatuses).toEqual([408, 425, 429, 500, 502, 503, 504]);
    expect(retryDelayMs(p, 0, http(501))).toBeUndefined();
    expect(retryDelayMs({ ...p, retryStatuses: [...p.retryStatuses, 501] }, 0, http(501))).toBe(100);
    expect(retryDelayMs({ ...p, doNotRetry: [...p.doNotRetry, 503] }, 0, http(503))).toBeUndefined();
  });

  it("idempotent methods are retried after a cut connection, a POST only with an Idempotency-Key", () => {
    for (const m of ["GET", "PUT", "DELETE"]) expect(retryDelayMs(p, 0, reset(m))).toBe(100);
    expect(decideRetry(p, { attempts: 1, elapsedMs: 0 }, reset("POST"))).toEqual({
      retry: false,
      exhausted: false,
      reason: "not retried: a POST without an Idempotency-Key may have been processed",
    });
    expect(retryDelayMs(p, 0, reset("POST", true))).toBe(100);
    expect(retryDelayMs(p, 0, { status: 503, timedOut: false, method: "POST" })).toBeUndefined();
    expect(retryDelayMs(p, 0, { status: 0, timedOut: true, method: "POST" })).toBeUndefined();
  });

  it("PATCH is not idempotent by default (a driver whose PATCH is a merge patch says so)", () => {
    expect(retryDelayMs(p, 0, reset("PATCH"))).toBeUndefined();
    expect(retryDelayMs({ ...p, idempotentMethods: [...p.idempotentMethods, "PATCH"] }, 0, reset("PATCH"))).toBe(100);
  });

  it("a non-idempotent request is retried when the failure proves it was not processed", () => {
    expect(retryDelayMs(p, 0, { status: 429, timedOut: false, method: "POST" })).toBe(100);
    expect(retryDelayMs(p, 0, reset("POST", false, "ECONNREFUSED"))).toBe(100);
  });

  it("permanent network failures are not retried", () => {
    expect(retryDelayMs(p, 0, reset("GET", false, "ENOTFOUND"))).toBeUndefined();
    expect(retryDelayMs(p, 0, reset("GET", false, "CERT_HAS_EXPIRED"))).toBeUndefined();
    expect(retryDelayMs(p, 0, reset("GET", false, "EPIPE"))).toBe(100);
  });

  it("without a method the method rules do not apply (callers written before them)", () => {
    expect(retryDelayMs(p, 0, { status: 0, timedOut: false })).toBe(100);
  });
});

describe("RetryBudget", () => {
  it("counts attempts, starts its clock at the first one, and summarises what it spent", () => {
    let clock = 1_000;
    const budget = new RetryBudget(resolveRetryPolicy({ retries: 1, baseDelayMs: 50, jitter: 0 }), { now: () => clock });
    clock += 5_000; // queueing before the first attempt is free
    budget.attemptStarted();
    clock += 30;
    const first = budget.next(http(503));
    expect(first).toEqual({ retry: true, delayMs: 50 });
    clock += 50;
    budget.attemptStarted();
    clock += 20;
    const second = budget.next(http(503));
    expect(second).toEqual({ retry: false, exhausted: true, reason: "the retry budget allows 2 attempts" });
    expect(budget.summary(second as { reason: string })).toEqual({ attempts: 2, elapsedMs: 100, reason: "the retry budget allows 2 attempts" });
  });

  it("takes a per-call time budget", () => {
    let clock = 0;
    const budget = new RetryBudget(resolveRetryPolicy({ maxElapsedMs: 1_000, jitter: 0 }), { now: () => clock, maxElapsedMs: 360_000 });
    budget.attemptStarted();
    clock = 120_000; // one apply attempt timed out
    expect(budget.next(http(0))).toMatchObject({ retry: true });
  });
});

describe("withRetrySummary", () => {
  it("says how many attempts over how long and the last status; keeps the class; adds `retries`", () => {
    class RateLimited extends Error {
      status = 429;
    }
    const e = withRetrySummary(new RateLimited("GET /x → 429 rate_limited: slow down"), { attempts: 9, elapsedMs: 41_230, reason: "the retry budget allows 9 attempts" });
    expect(e).toBeInstanceOf(RateLimited);
    expect(e.message).toBe("GET /x → 429 rate_limited: slow down (gave up after 9 attempts over 41.2 s: the retry budget allows 9 attempts; last status 429)");
    expect(e.stack).toContain("gave up after 9 attempts");
    expect(JSON.parse(JSON.stringify(e)).retries).toEqual({ attempts: 9, elapsedMs: 41_230, reason: "the retry budget allows 9 attempts" });
  });

  it("names a failure without a response as such", () => {
    const e = withRetrySummary(Object.assign(new Error("GET /x → network error: ECONNRESET"), { status: 0 }), { attempts: 2, elapsedMs: 850, reason: "r" });
    expect(e.message).toBe("GET /x → network error: ECONNRESET (gave up after 2 attempts over 850 ms: r; last attempt got no response)");
  });
});
