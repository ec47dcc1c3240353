/**
 * The retry policy as a pure decision: what is retried, how long it waits.
 */
import { defaultRetryPolicy, parseRetryAfter, resolveRetryPolicy, retryDelayMs } from "../../../sdk/retry";

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
