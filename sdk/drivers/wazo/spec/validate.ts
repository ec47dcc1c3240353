/**
 * Matching a request to an operation of our Wazo description, and checking
 * it: path parameters, query, body. Also the error strings confd makes of
 * body problems (`Input Error - firstname: ['Missing data for required
 * field.']`), so the emulator answers as confd does.
 */
import { z } from "zod";
import { OPERATIONS, type HttpMethod, type WazoApi, type WazoOperation } from "./operations";
import { RESOLVERS } from "./schemas";

/** Where a Wazo stack serves each API (nginx in front of confd and wazo-auth). */
export const API_BASE: Readonly<Record<WazoApi, string>> = { confd: "/api/confd/1.1", auth: "/api/auth/0.1" };

/** A matched operation and its path parameters (percent-decoded). */
export interface OperationMatch {
  operation: WazoOperation;
  params: Record<string, string>;
}

/** One thing wrong with a request or response. */
export interface WazoProblem {
  where: "operation" | "path" | "query" | "body" | "response";
  /** Dotted path inside `where` (`lines.0.context`), empty for the whole. */
  path: string;
  message: string;
  /**
   * `error`: Wazo refuses it (400) or it is not an operation at all.
   * `ignored`: Wazo accepts the request but drops this field (confd excludes
   * unknown fields) — almost always a driver bug, so tests treat it as one.
   */
  severity: "error" | "ignored";
}

type Compiled = { op: WazoOperation; segments: (string | { param: string })[]; literals: number };
const COMPILED: Compiled[] = OPERATIONS.map((op) => {
  const segments = op.path
    .split("/")
    .filter(Boolean)
    .map((s) => (s.startsWith("{") && s.endsWith("}") ? { param: s.slice(1, -1) } : s));
  return { op, segments, literals: segments.filter((s) => typeof s === "string").length };
}).sort((a, b) => b.literals - a.literals);

function splitPath(path: string): string[] | undefined {
  const raw = path.split("?")[0].split("/").filter(Boolean);
  try {
    return raw.map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}

/** Which API a full path belongs to, and the path relative to that API's base. */
export function splitApi(path: string): { api: WazoApi; path: string } | undefined {
  const p = path.split("?")[0];
  for (const api of ["confd", "auth"] as const) {
    const base = API_BASE[api];
    if (p === base || p.startsWith(`${base}/`)) return { api, path: p.slice(base.length) || "/" };
  }
  return undefined;
}

/**
 * The operation a request is, or undefined. `path` is either full
 * (`/api/confd/1.1/users/42`) or relative to an API base (`/users/42`, then
 * `api` says which; without it confd is tried first, then wazo-auth).
 * Literal segments win over parameters (`/users/import` is not a user id).
 */
export function matchOperation(method: string, path: string, api?: WazoApi): OperationMatch | undefined {
  const split = splitApi(path);
  const apis: WazoApi[] = split ? [split.api] : api ? [api] : ["confd", "auth"];
  const segs = splitPath(split ? split.path : path);
  if (!segs) return undefined;
  const m = method.toUpperCase();
  for (const a of apis) {
    for (const c of COMPILED) {
      if (c.op.api !== a || c.op.method !== m || c.segments.length !== segs.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < segs.length && ok; i++) {
        const s = c.segments[i];
        if (typeof s === "string") ok = s === segs[i];
        else params[s.param] = segs[i];
      }
      if (ok) return { operation: c.op, params };
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Errors as confd words them

/** marshmallow-style error messages: field → messages, nested objects by key (list items by index). */
export type InputErrors = { [key: string]: string[] | InputErrors };

/** Turn zod issues into marshmallow's nested error dictionary (schema-level problems under `_schema`). */
export function toInputErrors(issues: readonly z.core.$ZodIssue[]): InputErrors {
  const root: InputErrors = {};
  for (const issue of issues) {
    const path = issue.path.map(String);
    const isSchema = issue.code === "custom" && (issue as { params?: { schema?: boolean } }).params?.schema === true;
    if (isSchema || path.length === 0) path.push("_schema");
    let node: InputErrors = root;
    for (let i = 0; i < path.length - 1; i++) {
      const next = node[path[i]];
      if (!next || Array.isArray(next)) node[path[i]] = {};
      node = node[path[i]] as InputErrors;
    }
    const last = path[path.length - 1];
    const existing = node[last];
    if (Array.isArray(existing)) {
      if (!existing.includes(issue.message)) existing.push(issue.message);
    } else if (!existing) node[last] = [issue.message];
  }
  return root;
}

/** A UUID as Python shows it (`UUID('…')`): confd's routes convert `<uuid:…>` path parameters to UUID objects. */
export class PyUuid {
  constructor(readonly value: string) {}
}

/** A value as Python's `repr` shows it (confd formats error details with `str(dict)`). */
export function pyRepr(v: unknown): string {
  if (v instanceof PyUuid) return `UUID('${v.value}')`;
  if (v === null || v === undefined) return "None";
  if (v === true) return "True";
  if (v === false) return "False";
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : String(v);
  if (typeof v === "string") {
    const quote = v.includes("'") && !v.includes('"') ? '"' : "'";
    const body = v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t");
    return quote + (quote === "'" ? body.replace(/'/g, "\\'") : body) + quote;
  }
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(", ")}]`;
  if (typeof v === "object") {
    return `{${Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${/^\d+$/.test(k) ? k : pyRepr(k)}: ${pyRepr(x)}`)
      .join(", ")}}`;
  }
  return String(v);
}

/** The strings of a confd 400 for body problems: one `Input Error - <field>: <messages>` per top-level field. */
export function formatInputErrors(errors: InputErrors): string[] {
  return Object.entries(errors).map(([k, v]) => `Input Error - ${k}: ${pyRepr(v)}`);
}

/**
 * The metadata part of xivo-dao error messages: `('exten': '1001', 'context': 'default')`.
 * @example wazoMessage("Resource Error", "Extension already exists", { exten: "1001", context: "default" })
 */
export function wazoMessage(category: "Input Error" | "Resource Error" | "Resource Not Found", text: string, metadata: Record<string, unknown> = {}): string {
  const keys = Object.keys(metadata);
  const meta = keys.length ? ` (${keys.map((k) => `${pyRepr(k)}: ${pyRepr(metadata[k])}`).join(", ")})` : "";
  return `${category} - ${text}${meta}`;
}

// ---------------------------------------------------------------------------
// Bodies

/** Parse a body with an operation's schema: the value Wazo would read, or its errors. */
export function parseBody(op: WazoOperation, input: unknown): { ok: true; value: unknown } | { ok: false; errors: InputErrors } {
  if (!op.body) return { ok: true, value: undefined };
  const r = op.body.safeParse(op.contentType === "text/csv" ? input : (input ?? {}));
  if (r.success) return { ok: true, value: r.data };
  return { ok: false, errors: toInputErrors(r.error.issues) };
}

function unwrap(schema: z.ZodType, value: unknown): z.ZodType | undefined {
  let s: z.ZodType | undefined = schema;
  for (let i = 0; i < 20 && s; i++) {
    const resolve = RESOLVERS.get(s);
    if (resolve) {
      s = resolve(value);
      continue;
    }
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault) {
      s = (s.def as unknown as { innerType: z.ZodType }).innerType;
      continue;
    }
    if (s instanceof z.ZodPipe) {
      const def = s.def as unknown as { in: z.ZodType; out: z.ZodType };
      s = def.in instanceof z.ZodTransform ? def.out : def.in;
      continue;
    }
    return s;
  }
  return s;
}

/** Fields a body carries that the schema does not know: confd drops them silently. */
export function ignoredFields(schema: z.ZodType, value: unknown, path: string[] = []): string[] {
  const s = unwrap(schema, value);
  if (!s || value === null || value === undefined) return [];
  const out: string[] = [];
  if (s instanceof z.ZodObject) {
    if (typeof value !== "object" || Array.isArray(value)) return [];
    const shape = s.shape as Record<string, z.ZodType>;
    const loose = (s.def as unknown as { catchall?: z.ZodType }).catchall !== undefined;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (k in shape) out.push(...ignoredFields(shape[k], v, [...path, k]));
      else if (!loose) out.push([...path, k].join("."));
    }
  } else if (s instanceof z.ZodArray && Array.isArray(value)) {
    value.forEach((v, i) => out.push(...ignoredFields(s.element as z.ZodType, v, [...path, String(i)])));
  } else if (s instanceof z.ZodRecord && typeof value === "object" && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out.push(...ignoredFields((s.def as unknown as { valueType: z.ZodType }).valueType, v, [...path, k]));
  }
  return out;
}

function issuesToProblems(where: WazoProblem["where"], issues: readonly z.core.$ZodIssue[]): WazoProblem[] {
  return issues.map((i) => ({ where, path: i.path.map(String).join("."), message: i.message, severity: "error" as const }));
}

function queryObject(path: string, query?: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(query ?? {}) };
  const q = path.split("?")[1];
  if (q) for (const [k, v] of new URLSearchParams(q)) out[k] = v;
  return out;
}

/**
 * Everything wrong with a request, as Wazo would see it: not an operation,
 * bad path parameters, bad query, a body Wazo refuses, fields it ignores.
 * An empty list: Wazo accepts the request as it is.
 */
export function validateRequest(method: string, path: string, body?: unknown, options: { api?: WazoApi; query?: Record<string, unknown> } = {}): WazoProblem[] {
  const m = matchOperation(method, path, options.api);
  if (!m) return [{ where: "operation", path: "", message: `${method.toUpperCase()} ${path.split("?")[0]} is not an operation of our Wazo description`, severity: "error" }];
  const { operation: op, params } = m;
  const problems: WazoProblem[] = [];
  if (op.pathParams) {
    const r = op.pathParams.safeParse(params);
    if (!r.success) problems.push(...issuesToProblems("path", r.error.issues));
  }
  if (op.query) {
    const r = op.query.safeParse(queryObject(path, options.query));
    if (!r.success) problems.push(...issuesToProblems("query", r.error.issues));
  }
  if (op.body) {
    if (op.contentType === "text/csv") {
      if (typeof body !== "string") problems.push({ where: "body", path: "", message: "expected CSV text", severity: "error" });
    } else {
      const r = op.body.safeParse(body ?? {});
      if (!r.success) problems.push(...issuesToProblems("body", r.error.issues));
      for (const f of ignoredFields(op.body, body)) problems.push({ where: "body", path: f, message: `Wazo ignores field "${f}" here`, severity: "ignored" });
    }
  } else if (body !== undefined && body !== null && !(typeof body === "object" && Object.keys(body as object).length === 0) && body !== "") {
    problems.push({ where: "body", path: "", message: `${op.id} takes no body; Wazo ignores it`, severity: "ignored" });
  }
  return problems;
}

/** Problems of a response: a status the operation does not answer, or a body off its schema. */
export function validateResponse(op: WazoOperation, status: number, body: unknown): WazoProblem[] {
  if (!(status in op.responses)) return [{ where: "response", path: "", message: `${op.id} does not answer ${status} in our description`, severity: "error" }];
  const schema = op.responses[status];
  if (schema === null) {
    return body === undefined || body === null || body === "" ? [] : [{ where: "response", path: "", message: `${op.id} answers ${status} with no body`, severity: "error" }];
  }
  const r = schema.safeParse(body);
  return r.success ? [] : issuesToProblems("response", r.error.issues);
}

/** Type of a method the table knows. */
export function isHttpMethod(m: string): m is HttpMethod {
  return m === "GET" || m === "POST" || m === "PUT" || m === "DELETE";
}
