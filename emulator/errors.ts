/**
 * Errors the emulator raises, and the one handler that turns anything thrown
 * into the API v1 error shape (`sdk/schemas/error.ts`).
 */
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { ZodError } from "zod";
import { type ApiIssue, type ErrorBody, type ErrorCode, type ExistingRef, zodIssues } from "../sdk/schemas";

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 422,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
};

/** An error with an API v1 code; thrown by routes and rules. */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { issues?: ApiIssue[]; existing?: ExistingRef; headers?: Record<string, string>; status?: number } = {},
  ) {
    super(message);
    this.status = extra.status ?? STATUS[code];
  }
}

/** 422 with one issue per problem. */
export function validationFailed(issues: ApiIssue[]): ApiError {
  const summary = issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
  return new ApiError("validation_failed", `validation failed: ${summary}`, { issues });
}

/** 409 naming the object that already holds the key; `issue` points at the clashing field. */
export function conflict(message: string, existing: ExistingRef, issue: ApiIssue): ApiError {
  return new ApiError("conflict", message, { existing, issues: [issue] });
}

/** 404 for a kind and id. */
export function notFound(what: string): ApiError {
  return new ApiError("not_found", `${what} not found`);
}

/** Build the error body. */
export function errorBody(code: ErrorCode, message: string, requestId: string, extra: ApiError["extra"] = {}): ErrorBody {
  return { error: { code, message, requestId, ...(extra.issues ? { issues: extra.issues } : {}), ...(extra.existing ? { existing: extra.existing } : {}) } };
}

/** Fastify error handler: every failure leaves in the same shape. */
export function errorHandler(err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply): void {
  let e: ApiError;
  if (err instanceof ApiError) e = err;
  else if (err instanceof ZodError) e = validationFailed(zodIssues(err));
  else {
    const status = (err as FastifyError).statusCode;
    const code = (err as FastifyError).code;
    if (status === 413) e = new ApiError("bad_request", "request body too large", { status: 413 });
    // The router refuses a segment it cannot decode, or one over its 100-character limit (an id is never that long).
    else if (code === "FST_ERR_BAD_URL") e = new ApiError("bad_request", "malformed URL: a path segment is not valid percent-encoding or is over 100 characters");
    else if (status === 415) e = new ApiError("bad_request", `unsupported content type; send application/json`, { status: 415 });
    else if (status && status >= 400 && status < 500) e = new ApiError("bad_request", `malformed request: ${err.message}`);
    else {
      req.log.error({ err }, "unhandled error");
      e = new ApiError("internal", "internal error");
    }
  }
  for (const [k, v] of Object.entries(e.extra.headers ?? {})) void reply.header(k, v);
  void reply.status(e.status).send(errorBody(e.code, e.message, req.id, e.extra));
}
