/**
 * The HTTP core of the Wazo driver: one axios instance with keep-alive agents
 * for both services of a Wazo stack (confd and wazo-auth), a concurrency
 * limit, retries by the shared policy (`sdk/retry`), the wazo-auth token
 * (`X-Auth-Token`, obtained and renewed by {@link TokenSource}), the tenant
 * header, and the translation of Wazo's answers into our typed errors.
 *
 * Wazo's quirks absorbed here, so the kind drivers never see them:
 * - errors are a JSON list of strings (`["Resource Not Found - User was not
 *   found ('id': 42)"]`), not our error shape: {@link translate} reads them;
 * - "already exists" comes back as a 400 `Resource Error`, not a 409: it
 *   becomes a {@link PbxConflictError} (the kind driver adds `existing`);
 * - other 400s become {@link PbxValidationError}s naming our field where the
 *   string names Wazo's (`Input Error - firstname: [...]`), through the
 *   field map the caller passes;
 * - PUT and DELETE answer 204 with no body: callers read back after writing;
 * - wazo-auth answers `{reason: [...], status_code}` instead.
 *
 * Secrets: the token, the password, the Basic header and any value the kind
 * drivers register (generated SIP passwords, PINs, portal passwords) are
 * scrubbed from every string that goes into an error, and an error never holds
 * an axios object (its config carries the headers).
 */
import * as http from "http";
import * as https from "https";
import axios, { AxiosInstance, AxiosResponse } from "axios";
import type { ApiIssue } from "../../schemas/error";
import { HttpMethod, PbxApiError, PbxAuthError, PbxConflictError, PbxErrorCode, PbxNetworkError, PbxNotFoundError, PbxRateLimitError, PbxValidationError } from "../../errors";
import { AttemptFailure, RetryBudget, RetryPolicy, parseRetryAfter, resolveRetryPolicy, sleep as realSleep, withRetrySummary } from "../../retry";
import { SiteThrottle, siteThrottle } from "../throttle";
import { Semaphore } from "../apiv1/client/semaphore";

/** The two services of a Wazo stack the driver talks to. */
export type WazoService = "confd" | "auth";

export const DEFAULT_CONFD_PATH = "/api/confd/1.1";
export const DEFAULT_AUTH_PATH = "/api/auth/0.1";

/** Connection and tuning of a {@link WazoHttp}. */
export interface WazoHttpOptions {
  /** The stack's root, e.g. `https://wazo.example.net`. */
  url: string;
  confdPath?: string;
  authPath?: string;
  /** A ready wazo-auth token. */
  token?: string;
  /** wazo-auth credentials, to obtain and renew tokens (used when `token` is absent). */
  username?: string;
  password?: string;
  /** Lifetime asked for a token obtained from credentials, in seconds (default 3600). */
  tokenExpirationSeconds?: number;
  /** Overrides of the shared retry policy. */
  retry?: Partial<RetryPolicy>;
  /** Deadline of one attempt, default 30 s. */
  timeoutMs?: number;
  /** Requests in flight at once, default 8. */
  maxConcurrency?: number;
  userAgent?: string;
  /** Waits between retries; tests pass a recorder. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Clock, for token renewal and the retry budget; tests pass their own. */
  now?: () => number;
  /** The site's shared throttle: by default the process's one for (url, tenant or site, credentials); `false` for none. */
  throttle?: SiteThrottle | false;
  /** Named in error messages: which setting to fix. */
  site?: string;
  /** The tenant uuid, when known (keys the shared throttle). */
  tenant?: string;
}

/** One request. */
export interface WazoRequest {
  service?: WazoService;
  method: HttpMethod;
  /** Path relative to the service's base, URL-encoded: `/users/42`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** JSON unless `contentType` says otherwise (then sent as is). */
  body?: unknown;
  contentType?: string;
  /** Send `Wazo-Tenant` (default true for confd, false for wazo-auth). */
  tenant?: boolean;
  /** Wazo field (first level of the body) → our property path, to name the field in validation errors. */
  fields?: Record<string, string>;
  /**
   * Called after an attempt that may have reached Wazo failed (no answer, or a
   * 5xx other than 503), before the request is sent again and after every
   * later failure: returns the result if an earlier attempt did its work (the
   * object now exists), or undefined to go on as usual. Wazo has no
   * idempotency keys, so this is how a retried create avoids a duplicate.
   */
  recover?: () => Promise<{ value: unknown } | undefined>;
  /** A POST that does no harm sent twice (setting a password): retried like a PUT. */
  repeatable?: boolean;
}

/** Rule of validation issues made from Wazo's error strings. */
export const WAZO_REJECTED_RULE = "wazo_rejected";

/** Where the tenant uuid comes from: fixed, or resolved once by the caller's function. */
export type TenantResolver = () => Promise<string | undefined>;

export class WazoHttp {
  readonly #axios: AxiosInstance;
  readonly #agents: { http: http.Agent; https: https.Agent };
  readonly #limit: Semaphore;
  readonly #secrets = new Set<string>();
  readonly #tokens: TokenSource;
  readonly policy: RetryPolicy;
  readonly timeoutMs: number;
  readonly base: Readonly<Record<WazoService, string>>;
  /** The site's shared throttle (429s slow the whole site down), or undefined. */
  readonly throttle: SiteThrottle | undefined;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly userAgent: string;
  private tenantResolver: TenantResolver = async () => undefined;

  constructor(readonly options: WazoHttpOptions) {
    this.policy = resolveRetryPolicy(options.retry);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.userAgent = options.userAgent ?? `pulumi-pbx wazo driver (node ${process.version})`;
    const maxConcurrency = options.maxConcurrency ?? 8;
    this.#limit = new Semaphore(maxConcurrency);
    // A hosted Wazo limits per token (or login) and tenant: every client of the
    // process for the same site shares one throttle (sdk/drivers/throttle.ts).
    this.throttle =
      options.throttle === false
        ? undefined
        : (options.throttle ??
          siteThrottle(
            { url: options.url, site: options.tenant ?? options.site, credentials: options.token ?? [options.username, options.password] },
            { maxConcurrency, maxPauseMs: this.policy.maxRetryAfterMs, now: this.now, sleep: this.sleep },
          ));
    this.base = {
      confd: trimSlashes(options.confdPath ?? DEFAULT_CONFD_PATH),
      auth: trimSlashes(options.authPath ?? DEFAULT_AUTH_PATH),
    };
    this.#agents = {
      http: new http.Agent({ keepAlive: true, maxSockets: maxConcurrency }),
      https: new https.Agent({ keepAlive: true, maxSockets: maxConcurrency }),
    };
    this.#axios = axios.create({
      baseURL: options.url.replace(/\/+$/, ""),
      httpAgent: this.#agents.http,
      httpsAgent: this.#agents.https,
      validateStatus: () => true,
      responseType: "text",
      transformRequest: [(data: unknown) => data],
      transformResponse: [(data: unknown) => data],
      maxRedirects: 0,
    });
    if (options.token) this.addSecret(options.token);
    if (options.password) this.addSecret(options.password);
    if (options.username && options.password) this.addSecret(Buffer.from(`${options.username}:${options.password}`).toString("base64"));
    this.#tokens = new TokenSource(this, options);
  }

  /** Sets how the `Wazo-Tenant` uuid is found (once, lazily). */
  setTenantResolver(resolver: TenantResolver): void {
    let memo: Promise<string | undefined> | undefined;
    this.tenantResolver = () => {
      memo ??= resolver().catch((e: unknown) => {
        memo = undefined; // a failed lookup is tried again on the next call
        throw e;
      });
      return memo;
    };
  }

  /** A value that must never appear in an error (scrubbed like the token). */
  addSecret(value: string | null | undefined): void {
    if (value && value.length >= 3) this.#secrets.add(value);
  }

  /** Sends `req`, retrying by policy; resolves with the parsed body (undefined for 204) or throws a typed error. */
  async request<T = unknown>(req: WazoRequest): Promise<T> {
    const budget = new RetryBudget(this.policy, { now: this.now, random: this.random });
    let mayHaveLanded = false;
    let renewed = false;
    let delayMs = 0;
    for (;;) {
      let error: PbxApiError;
      try {
        // Token and tenant first, outside any slot: getting them sends requests of
        // their own, which would wait for a slot held by their own caller.
        const headers = await this.authHeaders(req);
        return (await this.sendThrottled(req, headers, budget, delayMs)) as T;
      } catch (e) {
        if (!(e instanceof PbxApiError)) throw e;
        error = e;
      }
      // A token from credentials may have been revoked or expired early: get a new one, once.
      if (error instanceof PbxAuthError && error.status === 401 && !renewed && this.#tokens.renewable && !error.path.endsWith("/token")) {
        renewed = true;
        this.#tokens.invalidate();
        delayMs = 0;
        continue;
      }
      // No answer or a 5xx other than 503: Wazo may have done the work before failing
      // (503 and 429 are answered before any work, by Wazo's nginx or our emulator).
      mayHaveLanded ||= error.status === 0 || (error.status >= 500 && error.status !== 503);
      // Before sending a write again, look whether an earlier attempt did it: Wazo
      // has no idempotency keys, and some creates (incalls) would simply be made twice.
      let provenAbsent = false;
      if (mayHaveLanded && req.recover) {
        let recovered: { value: unknown } | undefined;
        try {
          recovered = await req.recover();
        } catch {
          // Whether the earlier attempt did the work is unknown: sending it again could make
          // a second object (group labels and incalls are not unique in Wazo). Give up; the
          // next run finds the object by its natural key (and owner mark) if it was made.
          throw error;
        }
        if (recovered) return recovered.value as T;
        provenAbsent = true;
      }
      // A POST may be sent again when it cannot do the work twice: the look-up above
      // found nothing, it is repeatable by nature, or nothing can have landed yet.
      const repeatSafe = provenAbsent || req.repeatable === true || !mayHaveLanded;
      const decision = budget.next({ ...failureOf(error), method: req.method, idempotencyKey: repeatSafe });
      if (!decision.retry) {
        const spent = decision.exhausted && budget.attempts > 1;
        const out = (error.status === 503 || error.status === 429) && decision.exhausted ? this.outOfBudget(req, error) : error;
        throw spent ? withRetrySummary(out, budget.summary(decision)) : out;
      }
      delayMs = decision.delayMs;
    }
  }

  /**
   * One attempt after `delayMs`: through the site's shared throttle (which
   * waits the delay and any site-wide pause a 429 asked for, then a site
   * slot), then this client's own concurrency limit.
   */
  private sendThrottled(req: WazoRequest, headers: Record<string, string>, budget: RetryBudget, delayMs: number): Promise<unknown> {
    const attempt = () =>
      this.#limit.run(() => {
        budget.attemptStarted();
        return this.send(req, headers);
      });
    if (this.throttle) return this.throttle.run(attempt, { delayMs, sleep: this.sleep });
    return delayMs > 0 ? this.sleep(delayMs).then(attempt) : attempt();
  }

  /** The token to send (obtained or renewed from credentials when needed). */
  token(): Promise<string> {
    return this.#tokens.get();
  }

  close(): void {
    this.#agents.http.destroy();
    this.#agents.https.destroy();
  }

  /**
   * One request without the token or tenant machinery (wazo-auth `POST /token`).
   * Not counted against the concurrency limit: callers of `request` wait for
   * it before they take their slot, so it must not wait for one itself.
   */
  async raw(req: WazoRequest & { headers: Record<string, string> }): Promise<unknown> {
    return this.send(req, req.headers);
  }

  private async authHeaders(req: WazoRequest): Promise<Record<string, string>> {
    const service = req.service ?? "confd";
    const headers: Record<string, string> = { "X-Auth-Token": await this.#tokens.get() };
    if (req.tenant ?? service === "confd") {
      const tenant = await this.tenantResolver();
      if (tenant) headers["Wazo-Tenant"] = tenant;
    }
    return headers;
  }

  private async send(req: WazoRequest, extra: Record<string, string>): Promise<unknown> {
    const service = req.service ?? "confd";
    const headers: Record<string, string> = { Accept: "application/json", "User-Agent": this.userAgent, ...extra };
    if (req.body !== undefined) headers["Content-Type"] = req.contentType ?? "application/json";
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    let response: AxiosResponse<string>;
    try {
      response = await this.#axios.request<string>({
        method: req.method,
        url: `${this.base[service]}${req.path}`,
        params: req.query,
        data: req.body === undefined || req.contentType ? req.body : JSON.stringify(req.body),
        headers,
        signal: controller.signal,
      });
    } catch (e) {
      throw this.networkError(req, e, controller.signal.aborted);
    } finally {
      clearTimeout(timer);
    }
    const body = parseBody(response.data);
    if (response.status >= 200 && response.status < 300) return body;
    throw this.translate(req, response.status, this.scrubDeep(body), headerOf(response, "retry-after"));
  }

  /** Wazo's error answer as one of our typed errors. */
  translate(req: WazoRequest, status: number, body: unknown, retryAfter?: string): PbxApiError {
    const where = { method: req.method, path: this.pathOf(req) };
    const strings = errorStrings(body);
    const detail = this.scrub(strings.length ? strings.join("; ") : typeof body === "string" && body.trim() ? body.trim().slice(0, 200) : `HTTP ${status}`);
    const retryAfterMs = parseRetryAfter(retryAfter);
    if (status === 401 || status === 403) {
      const site = this.options.site ? ` of site "${this.options.site}"` : "";
      const acls = (req.service ?? "confd") === "auth" ? "wazo-auth ACLs (auth.users.*, auth.tenants.read)" : "confd ACLs (confd.#)";
      const fix = this.options.token
        ? `check the Wazo token${site} (pbx:token / PBX_TOKEN, or pbx:sites.<site>.token): it is unknown, expired, or lacks the ${acls}`
        : `check the wazo-auth username and password${site} (pbx:username and pbx:password, or pbx:sites.<site>.username/password): wazo-auth refused them, or the user lacks the ${acls}`;
      return new PbxAuthError({ ...where, status, code: status === 401 ? "unauthorized" : "forbidden", detail: `${detail} (${fix})`, body });
    }
    if (status === 404) return new PbxNotFoundError({ ...where, status, code: "not_found", detail, body });
    if (status === 429) return new PbxRateLimitError({ ...where, status, code: "rate_limited", detail, body, retryAfterMs });
    if (status === 400 || status === 422 || status === 409) {
      if (status === 409 || strings.some((s) => /already exists|already associated|already in use/i.test(s))) {
        return new PbxConflictError({ ...where, status, code: "conflict", detail, body });
      }
      const issues = strings.map((s) => issueOf(this.scrub(s), req.fields ?? {}));
      return new PbxValidationError({ ...where, status, code: "validation_failed", detail: "Wazo refused the request", body, issues });
    }
    const code: PbxErrorCode = status === 503 ? "unavailable" : status >= 500 ? "internal" : "http_error";
    return new PbxApiError({ ...where, status, code, detail, body, retryAfterMs });
  }

  private outOfBudget(req: WazoRequest, error: PbxApiError): PbxApiError {
    if (error instanceof PbxRateLimitError) return error;
    // 503 is Wazo's (nginx's) way of saying "slow down" too: out of retries it is a rate limit for the caller.
    return new PbxRateLimitError({
      method: req.method,
      path: this.pathOf(req),
      status: error.status,
      code: "rate_limited",
      detail: `${error.message.split(": ").slice(1).join(": ")} (gave up after ${this.policy.retries} retries)`,
      body: error.body,
      retryAfterMs: error.retryAfterMs,
    });
  }

  private networkError(req: WazoRequest, e: unknown, timedOut: boolean): PbxNetworkError {
    const raw = e as { code?: string; message?: string };
    const cause = new Error(this.scrub(raw.message ?? String(e)));
    cause.name = "NetworkError";
    if (raw.code) (cause as Error & { code?: string }).code = raw.code;
    const detail = timedOut ? `no response within ${this.timeoutMs} ms` : `${raw.code ? raw.code + " " : ""}${cause.message}`;
    return new PbxNetworkError({ method: req.method, path: this.pathOf(req), status: 0, code: timedOut ? "timeout" : "network_error", detail, cause });
  }

  /** The request path as errors show it (a token in a path is scrubbed). */
  private pathOf(req: WazoRequest): string {
    return this.scrub(`${this.base[req.service ?? "confd"]}${req.path}`);
  }

  /** Every registered secret, replaced. */
  scrub(text: string): string {
    let out = text;
    for (const s of [...this.#secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join("[redacted]");
    return out;
  }

  private scrubDeep(value: unknown): unknown {
    if (typeof value === "string") return this.scrub(value);
    if (Array.isArray(value)) return value.map((v) => this.scrubDeep(v));
    if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.scrubDeep(v)]));
    return value;
  }
}

/**
 * The wazo-auth token. A ready token is used as is; credentials get one from
 * `POST {auth}/token` (HTTP Basic) and a new one before the old expires: at
 * 80% of its lifetime, or at most a minute before `utc_expires_at`, so a long
 * `pulumi up` never sends an expired token. Concurrent callers share one
 * request for it.
 */
export class TokenSource {
  private current?: { token: string; renewAt: number };
  private inFlight?: Promise<string>;
  private readonly now: () => number;

  constructor(
    private readonly http: WazoHttp,
    private readonly options: WazoHttpOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** True when the token comes from credentials (so a 401 is worth one renewal). */
  get renewable(): boolean {
    return !this.options.token && !!this.options.username && !!this.options.password;
  }

  invalidate(): void {
    this.current = undefined;
  }

  async get(): Promise<string> {
    if (this.options.token) return this.options.token;
    if (!this.options.username || !this.options.password) {
      throw new PbxAuthError({
        method: "POST",
        path: `${this.http.base.auth}/token`,
        status: 401,
        code: "unauthorized",
        detail: `no credentials for Wazo site "${this.options.site ?? ""}": set a token (pbx:token) or a wazo-auth username and password (pbx:username, pbx:password)`,
      });
    }
    if (this.current && this.now() < this.current.renewAt) return this.current.token;
    this.inFlight ??= this.fetch().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async fetch(): Promise<string> {
    const { username = "", password = "" } = this.options;
    const expiration = this.options.tokenExpirationSeconds ?? 3600;
    const started = this.now();
    const basic = Buffer.from(`${username}:${password}`).toString("base64");
    const answer = (await this.http.raw({
      service: "auth",
      method: "POST",
      path: "/token",
      body: { expiration },
      headers: { Authorization: `Basic ${basic}` },
    })) as { data?: { token?: unknown; utc_expires_at?: unknown } } | undefined;
    const token = answer?.data?.token;
    if (typeof token !== "string" || !token) {
      throw new PbxApiError({ method: "POST", path: `${this.http.base.auth}/token`, status: 200, code: "invalid_response", detail: "wazo-auth answered without a token" });
    }
    this.http.addSecret(token);
    const lifetime = expiration * 1000;
    let expiresAt = started + lifetime;
    const utc = answer?.data?.utc_expires_at;
    if (typeof utc === "string") {
      // wazo-auth writes UTC without a zone designator.
      const parsed = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(utc) ? utc : `${utc}Z`);
      if (!Number.isNaN(parsed)) expiresAt = Math.min(expiresAt, parsed);
    }
    const renewAt = Math.max(started, Math.min(started + lifetime * 0.8, expiresAt - 60_000));
    this.current = { token, renewAt };
    return token;
  }
}

function trimSlashes(p: string): string {
  const t = p.replace(/\/+$/, "");
  return t.startsWith("/") || t === "" ? t : `/${t}`;
}

function failureOf(error: PbxApiError): AttemptFailure {
  const networkCode = (error.cause as { code?: unknown } | undefined)?.code;
  return { status: error.status, timedOut: error.code === "timeout", retryAfterMs: error.retryAfterMs, ...(typeof networkCode === "string" ? { networkCode } : {}) };
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

/** The strings of a Wazo error body: confd's list, or wazo-auth's `reason`. */
export function errorStrings(body: unknown): string[] {
  if (Array.isArray(body)) return body.filter((s): s is string => typeof s === "string");
  if (body && typeof body === "object") {
    const reason = (body as { reason?: unknown }).reason;
    if (Array.isArray(reason)) return reason.filter((s): s is string => typeof s === "string");
    if (typeof reason === "string") return [reason];
    const message = (body as { message?: unknown }).message;
    if (typeof message === "string") return [message];
  }
  return [];
}

/**
 * One validation issue from one confd string. confd names a body field as
 * `Input Error - firstname: ['Missing data …']` or `… field 'exten' …`; a
 * field in `fields` gives our property path, anything else stays on the root.
 */
export function issueOf(text: string, fields: Record<string, string>): ApiIssue {
  const message = text.replace(/^(Input Error|Resource Error|Resource Not Found) - /, "");
  const candidates: string[] = [];
  const lead = /^Input Error - ([a-z_]+)\s*:/.exec(text);
  if (lead) candidates.push(lead[1]);
  for (const m of text.matchAll(/(?:field|'|")([a-z_]+)(?:'|")?\s*[:=]/g)) candidates.push(m[1]);
  for (const m of text.toLowerCase().matchAll(/\b([a-z_]+)\b/g)) candidates.push(m[1]);
  for (const c of candidates) {
    const ours = fields[c];
    if (ours !== undefined) return { path: ours ? ours.split(".").map((p) => (/^\d+$/.test(p) ? Number(p) : p)) : [], rule: WAZO_REJECTED_RULE, message };
  }
  return { path: [], rule: WAZO_REJECTED_RULE, message };
}
