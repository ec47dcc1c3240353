/**
 * Serving an operation of our Wazo description (`sdk/drivers/wazo/spec`):
 * the route is registered from the table (method, path, auth), path
 * parameters are checked as confd's Flask converters do (`<int:…>`,
 * `<uuid:…>`: anything else is no route, 404), the body is read with the
 * description's schema (so the emulator refuses exactly what the description
 * says Wazo refuses, with confd's `Input Error - <field>: …` strings), and
 * writes run in one store transaction committed before the answer.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { API_BASE, formatInputErrors, OPERATION_BY_ID, parseBody, pyRepr, wazoMessage, type WazoOperation } from "../../sdk/drivers/wazo/spec";
import { FLASK_NOT_FOUND, inputError, WazoError } from "./errors";
import { View } from "./model";
import type { Caller, WazoState } from "./state";

declare module "fastify" {
  interface FastifyRequest {
    /** Set by the auth hook on `auth: "wazo"` routes. */
    wazoCaller?: Caller;
    /** The tenant the request acts on (`Wazo-Tenant`, else the token's). */
    wazoTenant?: string;
  }
}

/** What a handler gets. */
export interface Call {
  op: WazoOperation;
  params: Record<string, string>;
  query: Record<string, string>;
  /** The body as the description read it (coerced, unknown fields dropped). */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** The tenant acted on, and the tenants whose objects are visible by id (it and its sub-tenants). */
  tenant: string;
  visible: string[];
  caller: Caller;
  state: WazoState;
  view: View;
  req: FastifyRequest;
}

/** A handler's answer. */
export interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (c: Call) => Answer;

const INT = /^\d+$/;
const UUID = /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/;

/** Flask's converters for the path parameters confd declares. */
function converterOk(name: string, value: string, op: WazoOperation): boolean {
  if (op.api === "auth") return value.length > 0;
  if (name === "user_id" || name === "group_uuid") return INT.test(value) || UUID.test(value);
  if (name === "sip_uuid") return UUID.test(value);
  if (name === "forward_name") return ["busy", "noanswer", "unconditional"].includes(value);
  if (name === "service_name") return ["dnd", "incallfilter"].includes(value);
  return INT.test(value);
}

function baseUrl(state: WazoState, req: FastifyRequest): string {
  return state.options.publicUrl ?? `${req.protocol}://${req.headers.host ?? "localhost"}`;
}

function readJson(raw: unknown): unknown {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== "string") return raw;
  if (raw.trim() === "") return undefined;
  try {
    return JSON.parse(raw);
  } catch (e) {
    throw new WazoError(400, [`Failed to decode JSON object: ${(e as Error).message}`]);
  }
}

/** Register one operation of the description. */
export function serve(app: FastifyInstance, state: WazoState, opId: string, handler: Handler): void {
  const op = OPERATION_BY_ID[opId];
  if (!op) throw new Error(`no operation ${opId} in the Wazo description`);
  const url = API_BASE[op.api] + op.path.replace(/\{(\w+)\}/g, ":$1");
  app.route({
    method: op.method,
    url,
    config: { auth: op.auth === "token" ? "wazo" : "public", api: true, service: op.api },
    handler: async (req, reply) => {
      const params = req.params as Record<string, string>;
      for (const [k, v] of Object.entries(params)) if (!converterOk(k, v, op)) throw new WazoError(404, [FLASK_NOT_FOUND]);
      const query = req.query as Record<string, string>;
      let body: unknown;
      if (op.body) {
        const raw = op.contentType === "text/csv" ? req.body : readJson(req.body);
        if (op.contentType !== "text/csv" && raw === undefined && op.api === "confd") throw new WazoError(400, ["Failed to decode JSON object: Expecting value: line 1 column 1 (char 0)"]);
        const parsed = parseBody(op, raw);
        if (!parsed.ok) {
          if (op.api === "auth") throw new WazoError(400, [pyRepr(parsed.errors)]);
          throw new WazoError(400, formatInputErrors(parsed.errors));
        }
        body = parsed.value;
      }
      const caller = req.wazoCaller ?? { tenantUuid: state.masterTenantUuid, authId: "", admin: false };
      const tenant = req.wazoTenant ?? caller.tenantUuid;
      const call: Call = { op, params, query, body, tenant, visible: state.subtree(tenant), caller, state, view: new View(state.store, baseUrl(state, req)), req };
      const answer = op.method === "GET" ? handler(call) : state.store.tx(() => handler(call));
      for (const [k, v] of Object.entries(answer.headers ?? {})) void reply.header(k, v);
      void reply.status(answer.status);
      return answer.body === undefined ? reply.send() : reply.send(answer.body);
    },
  });
}

// ---------------------------------------------------------------------------
// Lists: confd's SearchSystem (xivo-dao `resources/utils/search.py`)

export type Column<T> = (row: T) => string | number | boolean | null | undefined;

/** How a collection is searched: its columns (exact-match filters, sort keys), the ones `search` looks in, the default sort. */
export interface SearchConfig<T> {
  columns: Record<string, Column<T>>;
  search?: string[];
  defaultSort: string;
}

function fold(s: string): string {
  return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

/**
 * `{ items, total }` of a collection: exact-match filters on any column given
 * as a parameter, `search` (substring, case- and accent-insensitive) over the
 * search columns, `order` + `direction`, then `offset` + `limit`. `total`
 * counts the matches before paging, as confd does.
 */
export function list<T>(rows: T[], query: Record<string, string>, config: SearchConfig<T>, render: (row: T) => unknown): { status: number; body: { items: unknown[]; total: number } } {
  const limit = query.limit !== undefined ? Number(query.limit) : undefined;
  const offset = query.offset !== undefined ? Number(query.offset) : 0;
  // ListSchema uses xivo.mallow fields, whose messages carry their constraint (seen on a running wazo-confd).
  const errors: string[] = [];
  const range = (k: string) => `Input Error - ${k}: [{'constraint_id': 'range', 'constraint': {'min': 0}, 'message': 'Must be greater than or equal to 0.'}]`;
  const notInt = (k: string) => `Input Error - ${k}: {'message': 'Not a valid integer.', 'constraint_id': 'type', 'constraint': 'integer'}`;
  if (query.limit !== undefined && !/^-?\d+$/.test(query.limit)) errors.push(notInt("limit"));
  else if (limit !== undefined && limit < 0) errors.push(range("limit"));
  if (query.offset !== undefined && !/^-?\d+$/.test(query.offset)) errors.push(notInt("offset"));
  else if (offset < 0) errors.push(range("offset"));
  if (errors.length) throw new WazoError(400, errors);
  if (limit !== undefined && limit <= 0) throw inputError("field 'limit': wrong type. Should be a positive number");
  const direction = query.direction ?? "asc";
  if (direction !== "asc" && direction !== "desc") throw new WazoError(400, [wazoMessage("Input Error", "direction: must be 'asc' or 'desc'")]);
  const order = query.order ?? config.defaultSort;
  if (!(order in config.columns)) throw new WazoError(400, [wazoMessage("Input Error", `order: column '${order}' was not found`)]);

  let out = rows;
  if (query.search) {
    const term = fold(query.search);
    const cols = (config.search ?? Object.keys(config.columns)).map((c) => config.columns[c]);
    out = out.filter((r) => cols.some((col) => {
      const v = col(r);
      return v !== null && v !== undefined && fold(String(v)).includes(term);
    }));
  }
  for (const [k, v] of Object.entries(query)) {
    const col = config.columns[k];
    if (!col || ["limit", "offset", "search", "order", "direction", "recurse"].includes(k)) continue;
    out = out.filter((r) => {
      const x = col(r);
      return x !== null && x !== undefined && String(x) === v;
    });
  }
  const key = config.columns[order];
  const sorted = [...out].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    if (x === y) return 0;
    if (x === null || x === undefined) return 1; // PostgreSQL puts NULLs last in ascending order
    if (y === null || y === undefined) return -1;
    const c = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
    return direction === "asc" ? c : -c;
  });
  const page = sorted.slice(offset, limit !== undefined ? offset + limit : undefined);
  return { status: 200, body: { items: page.map(render), total: out.length } };
}

/** Tenants a list covers: the request's tenant, and its sub-tenants with `recurse=true`. */
export function listTenants(c: Call): string[] {
  const r = c.query.recurse;
  return r === "true" || r === "True" || r === "1" ? c.visible : [c.tenant];
}
