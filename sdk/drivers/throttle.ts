/**
 * Site-wide throttling: when a PBX answers 429, the whole site slows down, not
 * just the request that got the 429 (octokit's plugin-throttling is the model).
 *
 * One {@link SiteThrottle} per (base URL, site, credentials) per process,
 * shared by every request of every client built for that site: the engine runs
 * a program's resources concurrently in one provider process, and a hosted PBX
 * rate-limits per token or per tenant, so each operation retrying on its own
 * just keeps the limit hit. The throttle does two things:
 *
 * - **pauses**: after a 429 (or a 503) with `Retry-After`, requests that have
 *   not been sent yet wait until the moment the server named, instead of being
 *   sent into the limit and retrying one by one;
 * - **adapts concurrency** (AIMD, as TCP): each rate-limit event halves the
 *   in-flight limit (down to `minConcurrency`); each run of `limit` successes
 *   raises it by one, back up to `maxConcurrency`, at most once per
 *   `recoveryIntervalMs` (a PBX counts requests per second: recovering faster
 *   than its window only walks into the next 429). 429s answering requests
 *   that were already in flight when the limit was halved count as the same event.
 *
 * A driver either wraps each attempt:
 *
 * ```ts
 * const throttle = siteThrottle({ url, site, credentials: token });
 * const body = await throttle.run(() => sendOnce(req), { delayMs: backoff });
 * ```
 *
 * or reports outcomes itself:
 *
 * ```ts
 * const ticket = await throttle.beforeRequest({ delayMs: backoff });
 * try {
 *   const res = await send();
 *   if (res.status === 429) throttle.onRateLimited(retryAfterMs, ticket);
 *   else if (res.status < 400) throttle.onSuccess(ticket);
 * } finally {
 *   ticket.release();
 * }
 * ```
 */
import { createHash } from "crypto";
import { sleep as realSleep } from "../retry";

/** Tuning of a {@link SiteThrottle}. */
export interface SiteThrottleOptions {
  /** Most requests in flight at once for the site; the limit starts here. Default 8. */
  maxConcurrency?: number;
  /** Fewest requests in flight the limit is halved down to. Default 1. */
  minConcurrency?: number;
  /** Longest pause one `Retry-After` can impose on the site. Default 60 s. */
  maxPauseMs?: number;
  /** Least time between two changes of the limit before it is raised again. Default 2 s. */
  recoveryIntervalMs?: number;
  /** Clock; tests pass their own. */
  now?: () => number;
  /** Waits; tests pass their own. */
  sleep?: (ms: number) => Promise<void>;
}

/** Options of one request's way through the throttle. */
export interface ThrottleAcquireOptions {
  /**
   * The request's own wait before it may be sent (its retry backoff), in ms.
   * It runs concurrently with any site pause: the request waits for the later
   * of the two, once, and holds no slot while it does.
   */
  delayMs?: number;
  /**
   * How this request waits (its delay and any pause); default the throttle's.
   * A client passes its own, so its waits go where its tests look for them
   * even when another client made the shared throttle. Pauses are still
   * measured on the throttle's clock.
   */
  sleep?: (ms: number) => Promise<void>;
}

/** A request let through by {@link SiteThrottle.beforeRequest}; hand it back with {@link ThrottleTicket.release}. */
export interface ThrottleTicket {
  /** Order in which requests were let through (from 1). */
  readonly seq: number;
  /** Frees the request's slot. Safe to call twice. */
  release(): void;
}

/** What a throttle has seen and where it stands, for tests and diagnostics. */
export interface ThrottleStats {
  /** Current in-flight limit. */
  limit: number;
  /** Upper bound of the limit. */
  maxConcurrency: number;
  /** Requests holding a slot now. */
  inFlight: number;
  /** Requests waiting for a slot. */
  queued: number;
  /** Until when new requests wait (epoch ms of the throttle's clock); 0 when never paused. */
  pausedUntil: number;
  /** Rate-limit answers reported. */
  rateLimited: number;
  /** Times the limit was halved. */
  decreases: number;
  /** Times the limit was raised. */
  increases: number;
  /** Requests let through. */
  started: number;
}

/** The duck type {@link SiteThrottle.run} reads from a failed attempt (every `PbxApiError` has it). */
interface StatusLike {
  status?: unknown;
  retryAfterMs?: unknown;
}

const DEFAULT_MAX_CONCURRENCY = 8;
const DEFAULT_MAX_PAUSE_MS = 60_000;
const DEFAULT_RECOVERY_INTERVAL_MS = 2_000;

/** The shared throttle of one site. Get it with {@link siteThrottle}; `new` is for tests. */
export class SiteThrottle {
  private ceiling: number;
  private readonly floor: number;
  private readonly maxPauseMs: number;
  private readonly recoveryIntervalMs: number;
  /** When the limit last changed (throttle clock). */
  private changedAt = -Infinity;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private current: number;
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private until = 0;
  private issued = 0;
  /** Tickets from this seq on were let through after the last halving. */
  private decreasedAt = 0;
  private successes = 0;
  private counts = { rateLimited: 0, decreases: 0, increases: 0 };

  constructor(options: SiteThrottleOptions = {}) {
    this.ceiling = positiveInt(options.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY, "maxConcurrency");
    this.floor = Math.min(positiveInt(options.minConcurrency ?? 1, "minConcurrency"), this.ceiling);
    this.maxPauseMs = options.maxPauseMs ?? DEFAULT_MAX_PAUSE_MS;
    this.recoveryIntervalMs = options.recoveryIntervalMs ?? DEFAULT_RECOVERY_INTERVAL_MS;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? realSleep;
    this.current = this.ceiling;
  }

  /** Current in-flight limit. */
  get limit(): number {
    return this.current;
  }

  /** Until when new requests wait (throttle clock, epoch ms); 0 when never paused. */
  get pausedUntil(): number {
    return this.until;
  }

  /** A snapshot of the throttle's state and counters. */
  stats(): ThrottleStats {
    return {
      limit: this.current,
      maxConcurrency: this.ceiling,
      inFlight: this.active,
      queued: this.waiting.length,
      pausedUntil: this.until,
      started: this.issued,
      ...this.counts,
    };
  }

  /**
   * Waits until the request may be sent: its own `delayMs`, any site pause,
   * then a free slot (in arrival order). Resolves with the ticket to report
   * the outcome with and to {@link ThrottleTicket.release} once the answer is in.
   */
  async beforeRequest(options: ThrottleAcquireOptions = {}): Promise<ThrottleTicket> {
    const sleep = options.sleep ?? this.sleep;
    // `t` is this request's idea of the time: the clock, or the end of what it
    // has already waited when that is later (an injected sleep need not move the clock).
    let t = this.now();
    let target = t + Math.max(0, options.delayMs ?? 0);
    while (Math.max(target, this.until) > t) {
      const end = Math.max(target, this.until);
      await sleep(end - t);
      t = Math.max(end, this.now());
      target = t;
    }
    await this.take();
    // A pause that began while we queued: wait it out holding the slot (no one may send anyway).
    for (t = Math.max(t, this.now()); this.until > t; t = Math.max(t, this.now())) {
      const wait = this.until - t;
      await sleep(wait);
      t += wait;
    }
    const seq = ++this.issued;
    let released = false;
    return {
      seq,
      release: () => {
        if (released) return;
        released = true;
        this.active -= 1;
        this.drain();
      },
    };
  }

  /** Alias of {@link beforeRequest}. */
  acquire(options: ThrottleAcquireOptions = {}): Promise<ThrottleTicket> {
    return this.beforeRequest(options);
  }

  /**
   * The site answered "too many requests". Pauses the site for `retryAfterMs`
   * (capped by `maxPauseMs`) when the server said how long, and halves the
   * in-flight limit, unless `ticket` was let through before the last halving
   * (its 429 belongs to the same burst).
   */
  onRateLimited(retryAfterMs?: number, ticket?: ThrottleTicket): void {
    this.counts.rateLimited += 1;
    if (retryAfterMs !== undefined) this.pause(retryAfterMs);
    if (ticket && ticket.seq <= this.decreasedAt) return;
    const halved = Math.max(this.floor, Math.floor(this.current / 2));
    if (halved < this.current) this.counts.decreases += 1;
    this.current = halved;
    this.successes = 0;
    this.decreasedAt = this.issued;
    this.changedAt = this.now();
  }

  /** No request may be sent for `ms` (capped by `maxPauseMs`); extends, never shortens, a pause. */
  pause(ms: number): void {
    if (!(ms > 0)) return;
    this.until = Math.max(this.until, this.now() + Math.min(ms, this.maxPauseMs));
  }

  /**
   * A request got through: after `limit` of them since the last change, and
   * `recoveryIntervalMs` after it, one more may fly at once.
   */
  onSuccess(_ticket?: ThrottleTicket): void {
    if (this.current >= this.ceiling) return;
    this.successes += 1;
    if (this.successes < this.current) return;
    const at = this.now();
    if (at - this.changedAt < this.recoveryIntervalMs) return;
    this.successes = 0;
    this.current += 1;
    this.changedAt = at;
    this.counts.increases += 1;
    this.drain();
  }

  /**
   * Runs one attempt through the throttle and reports its outcome: success
   * when it resolves; when it throws an error with `status` 429, a rate limit
   * (with the error's `retryAfterMs`); a 503 with `retryAfterMs`, a pause. The
   * error is rethrown as is: retrying is the caller's decision.
   */
  async run<T>(attempt: () => Promise<T>, options: ThrottleAcquireOptions = {}): Promise<T> {
    const ticket = await this.beforeRequest(options);
    try {
      const value = await attempt();
      this.onSuccess(ticket);
      return value;
    } catch (e) {
      const { status, retryAfterMs } = (e ?? {}) as StatusLike;
      const after = typeof retryAfterMs === "number" ? retryAfterMs : undefined;
      if (status === 429) this.onRateLimited(after, ticket);
      else if (status === 503 && after !== undefined) this.pause(after);
      throw e;
    } finally {
      ticket.release();
    }
  }

  /** Lets the limit grow up to `maxConcurrency` (a second client asking for more); never lowers it. */
  raiseCeiling(maxConcurrency: number): void {
    const n = positiveInt(maxConcurrency, "maxConcurrency");
    if (n <= this.ceiling) return;
    if (this.current === this.ceiling) this.current = n;
    this.ceiling = n;
    this.drain();
  }

  private take(): Promise<void> {
    if (this.active < this.current && this.waiting.length === 0) {
      this.active += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private drain(): void {
    while (this.active < this.current && this.waiting.length > 0) {
      this.active += 1;
      this.waiting.shift()!();
    }
  }
}

/** What identifies a site's throttle: where, which site, whose credentials. */
export interface SiteThrottleKey {
  /** Base URL of the PBX (normalised: scheme, host and path, no trailing slash). */
  url: string;
  /** Site or tenant; omit when the URL alone is the site. */
  site?: string;
  /**
   * Token, or username and password: limits are per credential. Only a hash
   * of them goes into the key, so a key may be logged.
   */
  credentials?: string | ReadonlyArray<string | undefined>;
}

/** The registry key of a site: `<url> <site> <hash of the credentials>`; holds no secret. */
export function siteThrottleKey(key: SiteThrottleKey): string {
  const creds = key.credentials === undefined ? "" : JSON.stringify(typeof key.credentials === "string" ? [key.credentials] : key.credentials);
  const hash = createHash("sha256").update(creds).digest("hex").slice(0, 16);
  return `${normaliseUrl(key.url)} ${key.site ?? ""} ${hash}`;
}

const registry = new Map<string, SiteThrottle>();

/**
 * The process's throttle for a site, made on first use. `options` shape it
 * when it is made (clock, sleep, floor, pause cap); later callers share it as
 * it is, except that a larger `maxConcurrency` raises its ceiling.
 *
 * @param key a {@link SiteThrottleKey}, or a key already made by {@link siteThrottleKey}
 */
export function siteThrottle(key: SiteThrottleKey | string, options: SiteThrottleOptions = {}): SiteThrottle {
  const id = typeof key === "string" ? key : siteThrottleKey(key);
  let throttle = registry.get(id);
  if (!throttle) {
    throttle = new SiteThrottle(options);
    registry.set(id, throttle);
  } else if (options.maxConcurrency !== undefined) {
    throttle.raiseCeiling(options.maxConcurrency);
  }
  return throttle;
}

/** Forgets every site's throttle (tests; a long-lived process that switched PBXs). */
export function forgetSiteThrottles(): void {
  registry.clear();
}

function normaliseUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, "")}`;
  } catch {
    return url.trim().replace(/\/+$/, "");
  }
}

function positiveInt(n: number, name: string): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name} must be a positive integer, got ${n}`);
  return n;
}
