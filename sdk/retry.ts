/**
 * Retry policy of the PBX client, as data (octokit plugin-retry is the model):
 * what is never retried, how many times, how long to wait. The decision is a
 * pure function of the policy and the failure, so it is tested without HTTP.
 */

/** When and how the client retries a failed request. */
export interface RetryPolicy {
  /** Retries after the first attempt (0 disables retrying). */
  retries: number;
  /** Statuses that are the caller's problem: the same request would fail again. */
  doNotRetry: readonly number[];
  /** First backoff delay; doubles per retry. */
  baseDelayMs: number;
  /** Upper bound of a backoff delay. */
  maxDelayMs: number;
  /** Upper bound of a wait asked for by `Retry-After` (a server may ask for minutes). */
  maxRetryAfterMs: number;
  /** Fraction (0–1) of a backoff delay that is randomised, so many clients do not retry in step. */
  jitter: number;
  /** Retry when the connection failed or was reset. */
  retryOnNetworkError: boolean;
  /** Retry when no response came within the client's `timeoutMs`. */
  retryOnTimeout: boolean;
}

/** The policy a client gets when it names none. */
export const defaultRetryPolicy: Readonly<RetryPolicy> = Object.freeze({
  retries: 4,
  doNotRetry: Object.freeze([400, 401, 403, 404, 409, 412, 422]),
  baseDelayMs: 200,
  maxDelayMs: 10_000,
  maxRetryAfterMs: 60_000,
  jitter: 0.5,
  retryOnNetworkError: true,
  retryOnTimeout: true,
});

/** A policy from the defaults and the caller's overrides. */
export function resolveRetryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  return { ...defaultRetryPolicy, ...overrides };
}

/** What went wrong with one attempt, as far as retrying cares. */
export interface AttemptFailure {
  /** HTTP status, 0 when no response arrived. */
  status: number;
  /** No response within the timeout (status 0). */
  timedOut: boolean;
  /** Parsed `Retry-After`, if the response had one. */
  retryAfterMs?: number;
  /** A 2xx with a body that does not match its schema: retrying would not change it. */
  invalidResponse?: boolean;
}

/**
 * How long to wait before retry number `attempt + 1`, or `undefined` to give
 * up. `attempt` counts from 0 (the first request). `random` returns [0, 1).
 */
export function retryDelayMs(policy: RetryPolicy, attempt: number, failure: AttemptFailure, random: () => number = Math.random): number | undefined {
  if (attempt >= policy.retries || !isRetryable(policy, failure)) return undefined;
  // Retry-After is only meaningful on 429 and 503; a server that asks for a
  // specific wait gets exactly that (no jitter), within our patience.
  if ((failure.status === 429 || failure.status === 503) && failure.retryAfterMs !== undefined) {
    return Math.min(failure.retryAfterMs, policy.maxRetryAfterMs);
  }
  const exponential = Math.min(policy.baseDelayMs * 2 ** attempt, policy.maxDelayMs);
  return Math.round(exponential * (1 - policy.jitter * random()));
}

function isRetryable(policy: RetryPolicy, f: AttemptFailure): boolean {
  if (f.invalidResponse) return false;
  if (f.status === 0) return f.timedOut ? policy.retryOnTimeout : policy.retryOnNetworkError;
  if (policy.doNotRetry.includes(f.status)) return false;
  return f.status === 408 || f.status === 429 || f.status >= 500;
}

/**
 * `Retry-After` in milliseconds: delta-seconds or an HTTP date (RFC 9110
 * §10.2.3). Unparseable or absent: `undefined`; a date in the past: 0.
 */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The real wait; tests inject their own. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
