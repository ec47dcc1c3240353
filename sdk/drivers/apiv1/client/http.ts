/**
 * The HTTP core every collection module goes through: one axios instance with
 * keep-alive agents, a concurrency limit, the site's shared throttle, a deadline
 * per attempt, retries by policy within a budget, Idempotency-Key on POST,
 * response parsing with the shared schemas and typed errors. Collection modules
 * only say which path, which body, which schema.
 */
import { randomUUID } from "crypto";
import * as http from "http";
import * as https from "https";
import axios, { AxiosInstance, AxiosResponse } from "axios";
import type { z } from "zod";
import { ErrorBodySchema, formatIssues, zodIssues } from "../../../schemas/error";
import { HttpMethod, PbxApiError, PbxErrorCode, PbxNetworkError, PbxSchemaError, errorClassFor } from "../../../errors";
import { AttemptFailure, RetryBudget, RetryPolicy, defaultRetryPolicy, parseRetryAfter, resolveRetryPolicy, sleep as realSleep, withRetrySummary } from "../../../retry";
import { SiteThrottle, siteThrottle } from "../../throttle";
import { Semaphore } from "./semaphore";

/** Connection settings of an {@link HttpCore}. */
export interface HttpCoreOptions {
  /** Base URL of the PBX, e.g. `http://127.0.0.1:8080` (API paths are appended). */
  url: string;
  /** Bearer token; kept private and scrubbed from every error. */
  token: string;
  /**
   * The site the token is for: with `url` and `token` it names the process-wide
   * {@link SiteThrottle} this client shares ({@link PbxClient} passes its own).
   */
  site?: string;
  /**
   * Overrides of {@link defaultRetryPolicy} (API v1 adds PATCH to its
   * idempotent methods: its PATCH is a JSON merge patch, see {@link API_V1_RETRY_DEFAULTS}).
   */
  retry?: Partial<RetryPolicy>;
  /**
   * The throttle to share: by default the process's throttle of (url, site,
   * token) from `sdk/drivers/throttle`; `false` for none (each request then
   * waits out its own Retry-After alone).
   */
  throttle?: SiteThrottle | false;
  /** Deadline of one attempt (connect + response), default 30 s. */
  timeoutMs?: number;
  /** Requests in flight at once, default 8. */
  maxConcurrency?: number;
  /** `User-Agent` header. */
  userAgent?: string;
  /** Waits between retries and for the site's pauses; tests pass a recorder. */
  sleep?: (ms: number) => Promise<void>;
  /** Jitter source, [0, 1). */
  random?: () => number;
  /**
   * Clock of the retry budget and of HTTP-date `Retry-After`s, and of the site
   * throttle when this client is the first for its site; tests pass their own
   * (clients sharing a site in a test should share a clock).
   */
  now?: () => number;
}

/** An `If-Match` value: a revision (`3`) or an ETag as the server sent it (`"3"`). */
export type IfMatch = number | string;

/** One API call. */
export interface RequestSpec<T> {
  method: HttpMethod;
  /** Absolute API path, already URL-encoded, e.g. `/api/v1/sites/demo/users`. */
  path: string;
  query?: Record<string, string | number | undefined>;
  /** JSON-serialised unless `contentType` says otherwise (then sent as is). */
  body?: unknown;
  contentType?: string;
  /** Schema of a 2xx body; without one the body is ignored and the call returns undefined. */
  schema?: z.ZodType<T>;
  /**
   * POST only; a random UUID when absent. The same key is sent on every retry.
   * `false` sends none: the request is then retried only when the failure proves
   * it was not processed (a 429, a refused connection), never after a cut one.
   */
  idempotencyKey?: string | false;
  ifMatch?: IfMatch;
  /** `*`: create only, never replace (a PUT to a slot that is taken answers 412). */
  ifNoneMatch?: "*";
  /** Overrides the client's deadline (apply waits for the PBX to reload). */
  timeoutMs?: number;
  /**
   * Called when an attempt fails after an earlier attempt may have reached the
   * server (no response, or a 5xx). Returns the call's result if the failure
   * only shows that the earlier attempt did its work (a DELETE now 404, a PATCH
   * with If-Match now 412), or undefined to handle the failure as usual.
   */
  recover?: (error: PbxApiError) => Promise<{ value: T } | undefined>;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_CONCURRENCY = 8;

/**
 * What API v1 changes in the shared default policy: its PATCH is a JSON merge
 * patch (docs/api-v1.md), so sending the same one twice leaves the object as
 * once, and a PATCH with If-Match that landed turns its retry into a 412 that
 * `recover` reads.
 */
export const API_V1_RETRY_DEFAULTS: Readonly<Partial<RetryPolicy>> = Object.freeze({
  idempotentMethods: Object.freeze([...defaultRetryPolicy.idempotentMethods, "PATCH"]),
});

/** The time budget of a call is at least this many of its attempt deadlines (an apply may take minutes). */
const ATTEMPTS_IN_TIME_BUDGET = 3;

/** Sends requests for one PBX URL and token. */
export class HttpCore {
  readonly #token: string;
  readonly #axios: AxiosInstance;
  readonly #agents: { http: http.Agent; https: https.Agent };
  readonly #limit: Semaphore;
  readonly policy: RetryPolicy;
  readonly timeoutMs: number;
  /** The site's shared throttle, or undefined when the client was built with `throttle: false`. */
  readonly throttle: SiteThrottle | undefined;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly userAgent: string;

  constructor(options: HttpCoreOptions) {
    this.#token = options.token;
    this.policy = resolveRetryPolicy({ ...API_V1_RETRY_DEFAULTS, ...options.retry });
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.userAgent = options.userAgent ?? `pulumi-pbx (node ${process.version})`;
    const maxConcurrency = options.maxConcurrency ?? DEFAULT_CONCURRENCY;
    this.#limit = new Semaphore(maxConcurrency);
    this.throttle =
      options.throttle === false
        ? undefined
        : (options.throttle ??
          siteThrottle(
            { url: options.url, site: options.site, credentials: options.token },
            { maxConcurrency, maxPauseMs: this.policy.maxRetryAfterMs, now: this.now, sleep: this.sleep },
          ));
    // Keep-alive saves a TCP (and TLS) handshake per call: a `pulumi up` of a
    // few hundred objects makes a few thousand calls to the same host.
    this.#agents = {
      http: new http.Agent({ keepAlive: true, maxSockets: maxConcurrency }),
      https: new https.Agent({ keepAlive: true, maxSockets: maxConcurrency }),
    };
    this.#axios = axios.create({
      baseURL: options.url.replace(/\/+$/, ""),
      httpAgent: this.#agents.http,
      httpsAgent: this.#agents.https,
      // Statuses, bodies and JSON are handled here, so every outcome becomes one of our errors.
      validateStatus: () => true,
      responseType: "text",
      transformRequest: [(data: unknown) => data],
      transformResponse: [(data: unknown) => data],
      maxRedirects: 0,
    });
  }

  /**
   * Sends `spec`, retrying by policy within its budget; resolves with the
   * parsed body or throws a {@link PbxApiError}. Once the budget is spent the
   * last attempt's error is thrown with what the retries spent in its message
   * (`… (gave up after 9 attempts over 41.2 s: …; last status 503)`): a read
   * that fails for good fails, and is never a 404.
   */
  async request<T>(spec: RequestSpec<T>): Promise<T> {
    const headers = this.headersFor(spec);
    const budget = new RetryBudget(this.policy, {
      now: this.now,
      random: this.random,
      maxElapsedMs: Math.max(this.policy.maxElapsedMs, ATTEMPTS_IN_TIME_BUDGET * (spec.timeoutMs ?? this.timeoutMs)),
    });
    let mayHaveLanded = false;
    let delayMs = 0;
    for (;;) {
      let error: PbxApiError;
      try {
        return await this.send(spec, headers, budget, delayMs);
      } catch (e) {
        if (!(e instanceof PbxApiError)) throw e;
        error = e;
      }
      if (mayHaveLanded && spec.recover) {
        const recovered = await spec.recover(error);
        if (recovered) return recovered.value;
      }
      const decision = budget.next(failureOf(error, spec, headers));
      if (!decision.retry) {
        const spent = decision.exhausted && (budget.attempts > 1 || this.policy.retries > 0);
        throw spent ? withRetrySummary(error, budget.summary(decision)) : error;
      }
      // No response or a 5xx: the server may have done the work before failing.
      mayHaveLanded ||= error.status === 0 || error.status >= 500;
      delayMs = decision.delayMs;
    }
  }

  /**
   * One attempt after `delayMs`: through the site's throttle (which waits the
   * delay and any site-wide pause, then a site slot), then this client's own
   * concurrency limit.
   */
  private send<T>(spec: RequestSpec<T>, headers: Record<string, string>, budget: RetryBudget, delayMs: number): Promise<T> {
    const attempt = () =>
      this.#limit.run(() => {
        budget.attemptStarted();
        return this.attempt(spec, headers);
      });
    if (this.throttle) return this.throttle.run(attempt, { delayMs, sleep: this.sleep });
    return delayMs > 0 ? this.sleep(delayMs).then(attempt) : attempt();
  }

  /** Frees the keep-alive sockets; the client is unusable afterwards. */
  close(): void {
    this.#agents.http.destroy();
    this.#agents.https.destroy();
  }

  private headersFor(spec: RequestSpec<unknown>): Record<string, string> {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.#token}`,
      Accept: "application/json",
      "User-Agent": this.userAgent,
    };
    if (spec.body !== undefined) headers["Content-Type"] = spec.contentType ?? "application/json";
    // One key per call, not per attempt: that is what makes a retried create
    // return the first object instead of a second one.
    if (spec.method === "POST" && spec.idempotencyKey !== false) headers["Idempotency-Key"] = spec.idempotencyKey ?? randomUUID();
    if (spec.ifMatch !== undefined) headers["If-Match"] = typeof spec.ifMatch === "number" ? `"${spec.ifMatch}"` : spec.ifMatch;
    if (spec.ifNoneMatch !== undefined) headers["If-None-Match"] = spec.ifNoneMatch;
    return headers;
  }

  private async attempt<T>(spec: RequestSpec<T>, headers: Record<string, string>): Promise<T> {
    const timeoutMs = spec.timeoutMs ?? this.timeoutMs;
    // A deadline for the whole exchange; axios' own `timeout` is a socket idle timer.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let response: AxiosResponse<string>;
    try {
      response = await this.#axios.request<string>({
        method: spec.method,
        url: spec.path,
        params: spec.query,
        data: spec.body === undefined || spec.contentType ? spec.body : JSON.stringify(spec.body),
        headers,
        signal: controller.signal,
      });
    } catch (e) {
      throw this.networkError(spec, e, controller.signal.aborted, timeoutMs);
    } finally {
      clearTimeout(timer);
    }
    return this.parse(spec, response);
  }

  private parse<T>(spec: RequestSpec<T>, response: AxiosResponse<string>): T {
    const body = parseBody(response.data);
    const ok = response.status >= 200 && response.status < 300;
    const requestId = headerOf(response, "x-request-id");
    if (!ok) throw this.httpError(spec, response, this.scrubDeep(body), requestId);
    if (!spec.schema) return undefined as T;
    const result = spec.schema.safeParse(body);
    if (result.success) return result.data;
    const what = (spec.schema.meta()?.id as string | undefined) ?? "expected";
    throw new PbxSchemaError({
      ...this.where(spec),
      status: response.status,
      code: "invalid_response",
      detail: this.scrub(`the response does not match the ${what} schema: ${formatIssues(zodIssues(result.error))}`),
      requestId,
      body: this.scrubDeep(body),
      cause: result.error,
    });
  }

  private httpError(spec: RequestSpec<unknown>, response: AxiosResponse<string>, body: unknown, headerRequestId: string | undefined): PbxApiError {
    const parsed = ErrorBodySchema.safeParse(body);
    const api = parsed.success ? parsed.data.error : undefined;
    const text = typeof body === "string" && body.trim() ? body.trim().slice(0, 200) : response.statusText || "no details";
    const ErrorClass = errorClassFor(response.status);
    return new ErrorClass({
      ...this.where(spec),
      status: response.status,
      code: api?.code ?? codeForStatus(response.status),
      detail: this.scrub(api?.message ?? text),
      requestId: api?.requestId ?? headerRequestId,
      body,
      issues: api?.issues,
      existing: api?.existing,
      retryAfterMs: parseRetryAfter(headerOf(response, "retry-after"), this.now()),
    });
  }

  private networkError(spec: RequestSpec<unknown>, e: unknown, timedOut: boolean, timeoutMs: number): PbxNetworkError {
    const raw = e as { code?: string; message?: string };
    // Never keep the axios error: its config and request carry the Authorization header.
    const cause = new Error(this.scrub(raw.message ?? String(e)));
    cause.name = "NetworkError";
    if (raw.code) (cause as Error & { code?: string }).code = raw.code;
    const code: PbxErrorCode = timedOut ? "timeout" : "network_error";
    const detail = timedOut ? `no response within ${timeoutMs} ms` : `${raw.code ? raw.code + " " : ""}${cause.message}`;
    return new PbxNetworkError({ ...this.where(spec), status: 0, code, detail, cause });
  }

  private where(spec: RequestSpec<unknown>): { method: HttpMethod; path: string } {
    return { method: spec.method, path: spec.path };
  }

  /** Belt and braces: a server or a proxy echoing the token must not put it into an error. */
  private scrub(text: string): string {
    return this.#token ? text.split(this.#token).join("[redacted]") : text;
  }

  /** {@link scrub} on every string of a parsed body. */
  private scrubDeep(value: unknown): unknown {
    if (typeof value === "string") return this.scrub(value);
    if (Array.isArray(value)) return value.map((v) => this.scrubDeep(v));
    if (typeof value === "object" && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.scrubDeep(v)]));
    }
    return value;
  }
}

function failureOf(error: PbxApiError, spec: RequestSpec<unknown>, headers: Record<string, string>): AttemptFailure {
  const cause = error.cause as { code?: unknown } | undefined;
  return {
    status: error.status,
    timedOut: error.code === "timeout",
    retryAfterMs: error.retryAfterMs,
    invalidResponse: error instanceof PbxSchemaError,
    networkCode: error.status === 0 && typeof cause?.code === "string" ? cause.code : undefined,
    method: spec.method,
    idempotencyKey: headers["Idempotency-Key"] !== undefined,
  };
}

function parseBody(text: string | undefined): unknown {
  if (text === undefined || text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function headerOf(response: AxiosResponse, name: string): string | undefined {
  const value: unknown = response.headers[name];
  return typeof value === "string" ? value : undefined;
}

const CODE_BY_STATUS: Record<number, PbxErrorCode> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  409: "conflict",
  412: "precondition_failed",
  422: "validation_failed",
  429: "rate_limited",
  500: "internal",
  503: "unavailable",
};

/** A code for a response without the API error shape (a proxy's 502 page, say). */
function codeForStatus(status: number): PbxErrorCode {
  return CODE_BY_STATUS[status] ?? (status >= 500 ? "internal" : "http_error");
}
