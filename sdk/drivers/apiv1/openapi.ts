/**
 * The OpenAPI 3.1 document of API v1, generated from the zod schemas in
 * `sdk/schemas` (never written by hand). The emulator serves it at
 * `GET /api/v1/openapi.json`.
 */
import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import * as s from "../../schemas";

type Method = RouteConfig["method"];

/** One endpoint as data: the table docs/api-v1.md shows. */
interface Endpoint {
  method: Method;
  path: string;
  summary: string;
  body?: z.ZodType;
  bodyType?: string;
  query?: z.ZodObject;
  ok: { status: number; schema?: z.ZodType; description: string };
}

const site = "/api/v1/sites/{site}";
const listQuery = s.PageQuerySchema;

/** Every API v1 endpoint with its request and success response. */
export const ENDPOINTS: Endpoint[] = [
  { method: "post", path: "/api/v1/sites", summary: "Create a site (admin token)", body: s.SiteCreateSchema, ok: { status: 201, schema: s.SiteCreatedSchema, description: "The site and a token scoped to it" } },
  { method: "get", path: site, summary: "Get a site", ok: { status: 200, schema: s.SiteSchema, description: "The site" } },
  { method: "patch", path: site, summary: "Update a site's numbering plan or key count", body: s.SiteUpdateSchema, ok: { status: 200, schema: s.SiteSchema, description: "The site" } },
  ...collection("users", "user", s.UserSchema, s.UserCreateSchema, s.UserUpdateSchema),
  ...collection("incoming-numbers", "incoming number", s.IncomingNumberSchema, s.IncomingNumberCreateSchema, s.IncomingNumberUpdateSchema),
  ...collection("user-groups", "user group", s.UserGroupSchema, s.UserGroupCreateSchema, s.UserGroupUpdateSchema),
  ...collection("devices", "device", s.DeviceSchema, s.DeviceCreateSchema, s.DeviceUpdateSchema),
  { method: "get", path: `${site}/users/{id}/keys`, summary: "List a user's function keys", query: listQuery, ok: { status: 200, schema: s.pageSchema(s.FunctionKeySchema), description: "A page of keys" } },
  { method: "get", path: `${site}/users/{id}/keys/{position}`, summary: "Get one function key", ok: { status: 200, schema: s.FunctionKeySchema, description: "The key" } },
  { method: "put", path: `${site}/users/{id}/keys/{position}`, summary: "Create or replace a function key", body: s.FunctionKeyCreateSchema, ok: { status: 200, schema: s.FunctionKeySchema, description: "The key (201 when created)" } },
  { method: "delete", path: `${site}/users/{id}/keys/{position}`, summary: "Remove a function key", ok: { status: 204, description: "Removed" } },
  { method: "get", path: `${site}/users/{id}/forwarding`, summary: "Get a user's forwarding", ok: { status: 200, schema: s.ForwardingSchema, description: "The forwarding" } },
  { method: "put", path: `${site}/users/{id}/forwarding`, summary: "Create or replace a user's forwarding", body: s.ForwardingCreateSchema, ok: { status: 200, schema: s.ForwardingSchema, description: "The forwarding (201 when created)" } },
  { method: "delete", path: `${site}/users/{id}/forwarding`, summary: "Remove a user's forwarding", ok: { status: 204, description: "Removed" } },
  { method: "get", path: `${site}/keys`, summary: "List every function key of the site", query: listQuery, ok: { status: 200, schema: s.pageSchema(s.FunctionKeySchema), description: "A page of keys" } },
  { method: "get", path: `${site}/forwardings`, summary: "List every forwarding of the site", query: listQuery, ok: { status: 200, schema: s.pageSchema(s.ForwardingSchema), description: "A page of forwardings" } },
  { method: "post", path: `${site}/apply`, summary: "Apply saved changes (seed 000 \"Apply changes\")", ok: { status: 200, schema: s.ApplyResultSchema, description: "Changes applied" } },
  { method: "get", path: `${site}/apply`, summary: "Pending changes and applies", ok: { status: 200, schema: s.ApplyStatusSchema, description: "Apply status" } },
  { method: "post", path: `${site}/import/users`, summary: "Import users from a XiVO pipe-separated CSV (seed 002), all or nothing", body: z.string(), bodyType: "text/csv", ok: { status: 201, schema: s.ImportResultSchema, description: "The users made" } },
];

/** The five endpoints of a plain collection. */
function collection(path: string, noun: string, item: z.ZodType, create: z.ZodType, update: z.ZodType): Endpoint[] {
  const base = `${site}/${path}`;
  return [
    { method: "get", path: base, summary: `List ${noun}s (search, pages)`, query: listQuery, ok: { status: 200, schema: s.pageSchema(item), description: `A page of ${noun}s` } },
    { method: "post", path: base, summary: `Create a ${noun}`, body: create, ok: { status: 201, schema: item, description: `The ${noun}` } },
    { method: "get", path: `${base}/{id}`, summary: `Get a ${noun}`, ok: { status: 200, schema: item, description: `The ${noun}` } },
    { method: "patch", path: `${base}/{id}`, summary: `Update a ${noun}`, body: update, ok: { status: 200, schema: item, description: `The ${noun}` } },
    { method: "delete", path: `${base}/{id}`, summary: `Delete a ${noun}`, ok: { status: 204, description: "Deleted (staged until apply)" } },
  ];
}

const ERROR_STATUSES: Record<number, string> = {
  400: "Malformed request",
  401: "Missing or unknown token",
  403: "Token for another site",
  404: "Not found",
  409: "Conflict; `existing` names the object",
  412: "Stale If-Match",
  422: "Validation failed; `issues` name each problem",
  429: "Rate limited; see Retry-After",
  500: "Internal error",
  503: "Unavailable; may carry Retry-After",
};

/** Path parameters named in `path`, as a zod object. */
function pathParams(path: string): z.ZodObject | undefined {
  const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  return names.length ? z.object(Object.fromEntries(names.map((n) => [n, z.string()]))) : undefined;
}

/** Build the OpenAPI 3.1 document. */
export function buildOpenApiDocument(): ReturnType<OpenApiGeneratorV31["generateDocument"]> {
  const registry = new OpenAPIRegistry();
  registry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer" });
  for (const e of ENDPOINTS) {
    const errors = Object.fromEntries(
      Object.entries(ERROR_STATUSES).map(([code, description]) => [code, { description, content: { "application/json": { schema: s.ErrorBodySchema } } }]),
    );
    registry.registerPath({
      method: e.method,
      path: e.path,
      summary: e.summary,
      security: [{ bearer: [] }],
      request: {
        params: pathParams(e.path),
        query: e.query,
        body: e.body ? { content: { [e.bodyType ?? "application/json"]: { schema: e.body } } } : undefined,
      },
      responses: {
        [e.ok.status]: e.ok.schema ? { description: e.ok.description, content: { "application/json": { schema: e.ok.schema } } } : { description: e.ok.description },
        ...errors,
      },
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: { title: "PBX Management API", version: "1.0.0", description: "Users, incoming numbers, user groups, function keys, forwardings and devices of a PBX site; see docs/api-v1.md." },
  });
}
