/**
 * Errors of the Wazo-shaped emulator, and the handler that answers them the
 * way each Wazo service does:
 * - confd: a JSON list of strings (`["Resource Not Found - User was not found ('id': 42)"]`),
 *   400 for input and resource errors, 404 for a missing object
 *   (`wazo_confd/helpers/common.py`, xivo-dao `helpers/errors.py`);
 * - wazo-auth: `{ reason: [msg], timestamp: [t], status_code }` (`wazo_auth/http.py`).
 */
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { PyUuid, wazoMessage } from "../../sdk/drivers/wazo/spec";
import { ApiError } from "../errors";

/** An error answered as Wazo would. */
export class WazoError extends Error {
  constructor(
    readonly status: number,
    readonly messages: string[],
    readonly headers: Record<string, string> = {},
    /** A body other than the list of messages (user import answers `{ errors: [...] }`). */
    readonly body?: unknown,
  ) {
    super(messages.join("; "));
  }
}

/** Flask's answer for a URL no route matches (also a path parameter of the wrong type, e.g. `/lines/abc`). */
export const FLASK_NOT_FOUND = "The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.";

/** Werkzeug's HTML page for a 404: what confd answers when no route matches (seen on a running wazo-confd). */
export const FLASK_NOT_FOUND_HTML = `<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>${FLASK_NOT_FOUND}</p>\n`;

/** `Resource Not Found - <Resource> was not found (<metadata>)`, 404. */
export function notFound(resource: string, metadata: Record<string, unknown>): WazoError {
  return new WazoError(404, [wazoMessage("Resource Not Found", `${resource} was not found`, metadata)]);
}

/** `Resource Error - …`, 400. */
export function resourceError(text: string, metadata: Record<string, unknown> = {}): WazoError {
  return new WazoError(400, [wazoMessage("Resource Error", text, metadata)]);
}

/** `Input Error - …`, 400. */
export function inputError(text: string, metadata: Record<string, unknown> = {}): WazoError {
  return new WazoError(400, [wazoMessage("Input Error", text, metadata)]);
}

/** `Input Error - field '<f>': <Resource> was not found (<metadata>)`: a reference to a missing object. */
export function paramNotFound(field: string, resource: string, metadata: Record<string, unknown>): WazoError {
  return inputError(`field '${field}': ${resource} was not found`, metadata);
}

/** The id as it appears in confd's messages: an int for `<int:…>` routes, `UUID('…')` for `<uuid:…>` ones. */
export function idMeta(id: string): number | PyUuid {
  return /^\d+$/.test(id) ? Number(id) : new PyUuid(id.toLowerCase());
}

/** The 401 confd answers when the token is missing, unknown, expired or not valid for the tenant. */
export function unauthorized(): WazoError {
  // Wazo's body carries the token itself; we never echo a token.
  return new WazoError(401, ["Unauthorized"]);
}

declare module "fastify" {
  interface FastifyContextConfig {
    /** Who may call the route (emulator/guard.ts): here a wazo-auth token (`wazo`) or anyone (`public`). Routes without it are refused. */
    auth?: string;
    /** Fault injection and request metrics apply (emulator/faults.ts). */
    api?: boolean;
    /** Which Wazo service the route belongs to: decides the error shape. */
    service?: "confd" | "auth";
  }
}

/** wazo-auth answers its token operations with `http._error`, everything else with its APIException handler. */
function authBody(status: number, message: string, url: string | undefined) {
  if (url && /\/token(\/:token)?$/.test(url)) return { reason: [message], timestamp: [Date.now() / 1000], status_code: status };
  const errorId = status === 401 ? "unauthorized" : status === 404 ? "not-found" : status === 409 ? "conflict" : status === 400 ? "invalid-data" : "error";
  return { message, error_id: errorId, details: {}, timestamp: Date.now() / 1000 };
}

/** The one error handler of the Wazo app. */
export function wazoErrorHandler(err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply): void {
  let status: number;
  let messages: string[];
  let headers: Record<string, string> = {};
  if (err instanceof WazoError && err.body !== undefined) {
    void reply.status(err.status).send(err.body);
    return;
  }
  if (err instanceof WazoError) {
    ({ status, messages, headers } = err);
  } else if (err instanceof ApiError) {
    // Raised by the shared fault injection (latency, 5xx, 429): keep status and headers, speak Wazo.
    status = err.status;
    messages = [err.message];
    headers = err.extra.headers ?? {};
  } else {
    const s = (err as FastifyError).statusCode;
    if (s && s >= 400 && s < 500) {
      status = s === 415 ? 400 : s;
      messages = [err.message];
    } else {
      req.log.error({ err }, "unhandled error");
      status = 500;
      messages = [`Unexpected error: ${err.message}`];
    }
  }
  for (const [k, v] of Object.entries(headers)) void reply.header(k, v);
  const service = req.routeOptions.config?.service ?? "confd";
  if (service === "auth") void reply.status(status).send(authBody(status, messages[0], req.routeOptions.url));
  else if (status === 404 && messages[0] === FLASK_NOT_FOUND) void reply.status(404).type("text/html; charset=utf-8").send(FLASK_NOT_FOUND_HTML);
  else void reply.status(status).send(messages);
}
