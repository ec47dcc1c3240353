/**
 * Typed errors of the PBX client. One base class, {@link PbxApiError}, with a
 * subclass per status a caller reacts to differently (octokit's RequestError is
 * the model). Messages name the request in the user's words:
 *
 *   POST /api/v1/sites/demo/users → 409 conflict: extension 1001 is already used by user usr_123
 *
 * Secrets: an error never holds the axios error, its config or its request
 * (they carry the `Authorization` header). `cause` is a sanitized copy, and the
 * client also scrubs its token from every text it puts into an error, so
 * `message`, `stack`, `JSON.stringify(error)` and `util.inspect(error)` are safe
 * to log or to show in `pulumi up` output.
 */
import type { z } from "zod";
import { ApiIssue, ErrorBodySchema, ExistingRef, formatIssues } from "./schemas/error";

/** HTTP methods the client sends. */
export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * Error codes: those of the API error shape, plus the client's own for failures
 * that never reached a well-formed API answer.
 */
export type PbxErrorCode =
  | z.infer<typeof ErrorBodySchema>["error"]["code"]
  | "network_error"
  | "timeout"
  | "invalid_response"
  | "http_error";

/** What every {@link PbxApiError} is built from. */
export interface PbxErrorInit {
  /** HTTP status; 0 when no response arrived (network error, timeout). */
  status: number;
  method: HttpMethod;
  /** Path of the request, without the query string, e.g. `/api/v1/sites/demo/users`. */
  path: string;
  code: PbxErrorCode;
  /** The server's explanation (or the client's, for network and schema errors). */
  detail: string;
  /** `X-Request-Id` of the response or `error.requestId` of its body. */
  requestId?: string;
  /** The parsed error body (or the raw text when it was not JSON). */
  body?: unknown;
  /** A sanitized cause: never an axios error. */
  cause?: unknown;
  issues?: ApiIssue[];
  existing?: ExistingRef;
  retryAfterMs?: number;
}

/** Any failed PBX API call. `instanceof` a subclass to react to a specific status. */
export class PbxApiError extends Error {
  /** HTTP status; 0 when no response arrived. */
  readonly status: number;
  readonly method: HttpMethod;
  /** Request path without query string. */
  readonly path: string;
  readonly requestId: string | undefined;
  readonly code: PbxErrorCode;
  /** The error body as the server sent it (parsed JSON, or text). */
  readonly body: unknown;
  /** `Retry-After` of a 429 or 503, in milliseconds. */
  readonly retryAfterMs: number | undefined;

  constructor(init: PbxErrorInit) {
    const status = init.status === 0 ? init.code.replace("_", " ") : `${init.status} ${init.code}`;
    super(`${init.method} ${init.path} → ${status}: ${init.detail}`, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.status = init.status;
    this.method = init.method;
    this.path = init.path;
    this.requestId = init.requestId;
    this.code = init.code;
    this.body = init.body;
    this.retryAfterMs = init.retryAfterMs;
  }

  /** A plain, log-safe view (also what `JSON.stringify(error)` prints). */
  toJSON(): Record<string, unknown> {
    const own = Object.fromEntries(Object.entries(this).filter(([k]) => k !== "cause"));
    const cause = this.cause instanceof Error ? { name: this.cause.name, message: this.cause.message } : this.cause;
    return { name: this.name, message: this.message, ...own, ...(cause === undefined ? {} : { cause }) };
  }
}

/** 404: the object (or the site) does not exist. Providers treat it as "already deleted". */
export class PbxNotFoundError extends PbxApiError {}

/** 409: a natural key is taken; `existing` names the object holding it. */
export class PbxConflictError extends PbxApiError {
  readonly existing: ExistingRef | undefined;
  constructor(init: PbxErrorInit) {
    super(init);
    this.existing = init.existing;
  }
}

/** 400/422: the request was refused; `issues` carry the field path of each problem. */
export class PbxValidationError extends PbxApiError {
  readonly issues: ApiIssue[];
  constructor(init: PbxErrorInit) {
    super({ ...init, detail: init.issues?.length ? `${init.detail}: ${formatIssues(init.issues)}` : init.detail });
    this.issues = init.issues ?? [];
  }
}

/** 401 (unknown token) or 403 (token for another site). */
export class PbxAuthError extends PbxApiError {}

/** 429: too many requests, and retries did not get through; `retryAfterMs` is what the server asked for. */
export class PbxRateLimitError extends PbxApiError {}

/** 412: the If-Match revision is stale, someone changed the object since it was read. */
export class PbxPreconditionFailedError extends PbxApiError {}

/** No response: connection refused or reset, DNS failure, or the client's timeout. */
export class PbxNetworkError extends PbxApiError {
  /** True when the client gave up waiting (`timeoutMs`). */
  get timedOut(): boolean {
    return this.code === "timeout";
  }
}

/** A 2xx response whose body does not match the shared schema; `cause` is the ZodError. */
export class PbxSchemaError extends PbxApiError {}

/** The error class for an HTTP status. */
export function errorClassFor(status: number): new (init: PbxErrorInit) => PbxApiError {
  if (status === 400 || status === 422) return PbxValidationError;
  if (status === 401 || status === 403) return PbxAuthError;
  if (status === 404) return PbxNotFoundError;
  if (status === 409) return PbxConflictError;
  if (status === 412) return PbxPreconditionFailedError;
  if (status === 429) return PbxRateLimitError;
  return PbxApiError;
}
