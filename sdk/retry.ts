/**
 * Retry policy of the PBX clients, as data (octokit plugin-retry is the model):
 * what is retried (statuses, methods, network codes), how many times and for
 * how long (the budget), how long to wait (exponential backoff with full
 * jitter, or what `Retry-After` asks). The decision is a pure function of the
 * policy, the budget spent so far and the failure, so it is tested without HTTP.
 *
 * A driver uses it through a {@link RetryBudget}, one per call:
 *
 * ```ts
 * const budget = new RetryBudget(policy, { now, random });
 * for (;;) {
 *   budget.attemptStarted();
 *   try { return await send(); } catch (error) {
 *     const next = budget.next(failureOf(error));
 *     if (!next.retry) throw next.exhausted ? withRetrySummary(error, budget.summary(next)) : error;
 *     await sleep(next.delayMs);
 *   }
 * }
 * ```
 *
 * Site-wide slowing down when a PBX rate-limits (shared by every request of a
 * process) is `sdk/drivers/throttle.ts`; this module decides for one call.
 */

/** When and how a client retries a failed request. */
export interface RetryPolicy {
  /** Retries after the first attempt (0 disables retrying): the attempt half of the budget. */
  retries: number;
  /**
   * The time half of the budget: no retry is started whose wait would end more
   * than this long after the first attempt began (a server asking for a longer
   * `Retry-After` than what is left ends the call at once).
   */
  maxElapsedMs: number;
  /** Statuses that are the caller's problem: the same request would fail again. Wins over {@link retryStatuses}. */
  doNotRetry: readonly number[];
  /** Statuses worth another attempt (a busy, reloading or overloaded PBX, a proxy in between). */
  retryStatuses: readonly number[];
  /** Statuses whose `Retry-After` is honoured (a wait no shorter than the server asked). */
  retryAfterStatuses: readonly number[];
  /**
   * Methods that may be sent twice: a repeat leaves the server as one send
   * would. Any other method (POST, and PATCH unless a driver declares its PATCH
   * a merge patch) is retried only when the request carries an Idempotency-Key,
   * or when the failure proves it was not processed ({@link unprocessedStatuses},
   * {@link notSentNetworkCodes}).
   */
  idempotentMethods: readonly string[];
  /** Statuses a server answers before doing any work, so even a non-idempotent request may be sent again. */
  unprocessedStatuses: readonly number[];
  /** Network error codes that mean the request never left (no connection was made). */
  notSentNetworkCodes: readonly string[];
  /** Network error codes that are permanent (a name that does not resolve, a bad certificate): never retried. */
  doNotRetryNetworkCodes: readonly string[];
  /** First backoff ceiling; doubles per retry (`baseDelayMs · 2^n`). */
  baseDelayMs: number;
  /** Upper bound of a backoff ceiling (`cap` in `random(0, min(cap, base · 2^n))`). */
  maxDelayMs: number;
  /** Upper bound of a wait asked for by `Retry-After` (a server may ask for minutes). */
  maxRetryAfterMs: number;
  /**
   * Fraction (0–1) of a backoff delay that is randomised, so many clients do not
   * retry in step: the delay is `d · (1 − jitter · random())` for `d = min(cap, base · 2^n)`.
   * 1 (the default) is full jitter, `random(0, d)`; 0 is plain exponential backoff.
   */
  jitter: number;
  /** Retry when the connection failed or was reset. */
  retryOnNetworkError: boolean;
  /** Retry when no response came within the client's `timeoutMs`. */
  retryOnTimeout: boolean;
}

/**
 * The policy a client gets when it names none. Nine attempts within two
 * minutes: a hosted PBX that sheds load with 5xx and cut connections (20 %
 * 5xx + 10 % resets fails one attempt in three) fails a call once in 50 000,
 * where four retries failed one in 400, i.e. most `up`s of a few hundred calls.
 */
export const defaultRetryPolicy: Readonly<RetryPolicy> = Object.freeze({
  retries: 8,
  maxElapsedMs: 120_000,
  doNotRetry: Object.freeze([400, 401, 403, 404, 409, 412, 422]),
  retryStatuses: Object.freeze([408, 425, 429, 500, 502, 503, 504]),
  retryAfterStatuses: Object.freeze([429, 503]),
  idempotentMethods: Object.freeze(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]),
  unprocessedStatuses: Object.freeze([429]),
  notSentNetworkCodes: Object.freeze(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN"]),
  doNotRetryNetworkCodes: Object.freeze([
    "ENOTFOUND",
    "ERR_INVALID_URL",
    "CERT_HAS_EXPIRED",
    "DEPTH_ZERO_SELF_SIGNED_CERT",
    "SELF_SIGNED_CERT_IN_CHAIN",
    "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    "ERR_TLS_CERT_ALTNAME_INVALID",
  ]),
  baseDelayMs: 200,
  maxDelayMs: 10_000,
  maxRetryAfterMs: 60_000,
  jitter: 1,
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
  /** Code of a network error (`ECONNRESET`, `ECONNREFUSED`…), status 0. */
  networkCode?: string;
  /**
   * The request's method. Without it the method rules do not apply (every
   * method is retried as if idempotent), as before they existed.
   */
  method?: string;
  /** The request carries an Idempotency-Key: the server replays the first answer to a repeat. */
  idempotencyKey?: boolean;
}

/** What a failed attempt leads to. */
export type RetryDecision =
  | { retry: true; delayMs: number }
  | {
      retry: false;
      /** True when the failure was worth retrying but the budget is spent: say so in the error. */
      exhausted: boolean;
      /** Why not, in words: "not retryable", "the retry budget allows 9 attempts", … */
      reason: string;
    };

/** How much of the budget a call has used. */
export interface BudgetUse {
  /** Attempts made so far, the failed one included (1 after the first). */
  attempts: number;
  /** Since the first attempt began, in ms. */
  elapsedMs: number;
}

/**
 * The pure decision after a failed attempt: retry after `delayMs`, or stop and why.
 * `random` returns [0, 1) and is the only source of jitter.
 */
export function decideRetry(policy: RetryPolicy, use: BudgetUse, failure: AttemptFailure, random: () => number = Math.random): RetryDecision {
  if (!isRetryable(policy, failure)) return { retry: false, exhausted: false, reason: "not retryable" };
  if (!mayRepeat(policy, failure)) {
    return { retry: false, exhausted: false, reason: `not retried: a ${failure.method} without an Idempotency-Key may have been processed` };
  }
  if (use.attempts > policy.retries) {
    return { retry: false, exhausted: true, reason: `the retry budget allows ${plural(policy.retries + 1, "attempt")}` };
  }
  const delayMs = backoffMs(policy, use.attempts - 1, failure, random);
  if (use.elapsedMs + delayMs > policy.maxElapsedMs) {
    const asked = askedWaitMs(policy, failure);
    const budget = `the retry budget allows ${seconds(policy.maxElapsedMs)}`;
    const reason = asked !== undefined && use.elapsedMs + asked > policy.maxElapsedMs ? `the server asked to wait ${seconds(asked)}, ${budget} in all` : budget;
    return { retry: false, exhausted: true, reason };
  }
  return { retry: true, delayMs };
}

/**
 * How long to wait before retry number `attempt + 1`, or `undefined` to give
 * up. `attempt` counts from 0 (the first request). `random` returns [0, 1).
 * The attempt half of the budget only; {@link RetryBudget} also keeps the time half.
 */
export function retryDelayMs(policy: RetryPolicy, attempt: number, failure: AttemptFailure, random: () => number = Math.random): number | undefined {
  const decision = decideRetry({ ...policy, maxElapsedMs: Infinity }, { attempts: attempt + 1, elapsedMs: 0 }, failure, random);
  return decision.retry ? decision.delayMs : undefined;
}

/**
 * The wait before retry `n + 1` (n from 0): the exponential ceiling
 * `min(maxDelayMs, baseDelayMs · 2^n)`, jittered (full jitter by default), and
 * never shorter than a `Retry-After` on a {@link RetryPolicy.retryAfterStatuses}
 * status, capped by `maxRetryAfterMs`.
 */
export function backoffMs(policy: RetryPolicy, n: number, failure: AttemptFailure, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.baseDelayMs * 2 ** n, policy.maxDelayMs);
  const jittered = Math.round(ceiling * (1 - policy.jitter * random()));
  const asked = askedWaitMs(policy, failure);
  // A server that names the moment gets at least that; the jitter spreads the
  // clients that come back after it only when the backoff is the longer wait.
  return asked === undefined ? jittered : Math.max(Math.min(asked, policy.maxRetryAfterMs), jittered);
}

/** The wait a `Retry-After` asked for, when the policy honours it on this status. */
function askedWaitMs(policy: RetryPolicy, failure: AttemptFailure): number | undefined {
  return failure.retryAfterMs !== undefined && policy.retryAfterStatuses.includes(failure.status) ? failure.retryAfterMs : undefined;
}

function isRetryable(policy: RetryPolicy, f: AttemptFailure): boolean {
  if (f.invalidResponse) return false;
  if (f.status === 0) {
    if (!(f.timedOut ? policy.retryOnTimeout : policy.retryOnNetworkError)) return false;
    if (f.networkCode !== undefined && policy.doNotRetryNetworkCodes.includes(f.networkCode)) return false;
  } else if (policy.doNotRetry.includes(f.status) || !policy.retryStatuses.includes(f.status)) {
    return false;
  }
  return true;
}

/** Whether sending the request again cannot do the work twice. */
function mayRepeat(policy: RetryPolicy, f: AttemptFailure): boolean {
  if (f.method === undefined || f.idempotencyKey) return true;
  if (policy.idempotentMethods.includes(f.method.toUpperCase())) return true;
  // A non-idempotent request without a key may have been processed, unless the failure says it was not.
  if (f.status !== 0) return policy.unprocessedStatuses.includes(f.status);
  return !f.timedOut && f.networkCode !== undefined && policy.notSentNetworkCodes.includes(f.networkCode);
}

/** The clock and dice of a {@link RetryBudget}; tests pass their own. */
export interface RetryBudgetOptions {
  now?: () => number;
  random?: () => number;
  /** This call's time budget, when it differs from the policy's (a call whose one attempt may take minutes). */
  maxElapsedMs?: number;
}

/** What a call that gave up had spent, for its error message. */
export interface RetrySummary {
  attempts: number;
  elapsedMs: number;
  /** Why it stopped, from {@link RetryDecision}. */
  reason: string;
}

/**
 * The retry budget of one call: counts attempts, keeps the clock of the first
 * one, and turns each failure into a {@link RetryDecision}.
 */
export class RetryBudget {
  readonly policy: RetryPolicy;
  private readonly now: () => number;
  private readonly random: () => number;
  private started: number | undefined;
  private made = 0;

  constructor(policy: RetryPolicy, options: RetryBudgetOptions = {}) {
    this.policy = options.maxElapsedMs === undefined ? policy : { ...policy, maxElapsedMs: options.maxElapsedMs };
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  /**
   * Call as each attempt is sent. The clock starts at the first one, so time
   * spent queueing for a free slot before it does not count against the budget.
   */
  attemptStarted(): void {
    this.started ??= this.now();
    this.made += 1;
  }

  /** Attempts made so far. */
  get attempts(): number {
    return this.made;
  }

  /** Since the first attempt began, in ms (0 before it). */
  get elapsedMs(): number {
    return this.started === undefined ? 0 : Math.max(0, this.now() - this.started);
  }

  /** After a failed attempt: whether and when to retry. */
  next(failure: AttemptFailure): RetryDecision {
    return decideRetry(this.policy, { attempts: Math.max(1, this.made), elapsedMs: this.elapsedMs }, failure, this.random);
  }

  /** What was spent, for {@link withRetrySummary}. */
  summary(decision: { reason: string }): RetrySummary {
    return { attempts: this.made, elapsedMs: this.elapsedMs, reason: decision.reason };
  }
}

/** An error that ended a call after retries, with what they spent (see {@link withRetrySummary}). */
export type WithRetrySummary<E extends Error> = E & { readonly retries: RetrySummary };

/**
 * The last attempt's error, its message extended with what the retries spent:
 *
 *   GET /api/v1/sites/demo/users/usr_1 → 503 unavailable: reloading
 *   (gave up after 9 attempts over 41.2 s: the retry budget allows 9 attempts; last status 503)
 *
 * The error keeps its class (a 429 stays a rate-limit error, a cut connection a
 * network error, never a "not found") and gains an enumerable `retries`
 * property, so `JSON.stringify` shows it too. Call only with an error that
 * holds no secret (the clients scrub theirs before this).
 */
export function withRetrySummary<E extends Error>(error: E, summary: RetrySummary): WithRetrySummary<E> {
  const status = (error as { status?: unknown }).status;
  const last = typeof status === "number" && status > 0 ? `last status ${status}` : `last attempt got no response`;
  const note = ` (gave up after ${plural(summary.attempts, "attempt")} over ${seconds(summary.elapsedMs)}: ${summary.reason}; ${last})`;
  const before = error.message;
  error.message = before + note;
  if (typeof error.stack === "string" && error.stack.includes(before)) error.stack = error.stack.replace(before, error.message);
  Object.defineProperty(error, "retries", { value: { ...summary }, enumerable: true, configurable: true, writable: false });
  return error as WithRetrySummary<E>;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** 850 → "850 ms", 41_230 → "41.2 s". */
function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1).replace(/\.0$/, "")} s`;
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
