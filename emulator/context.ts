/**
 * Per-request helpers shared by the route files: authentication and site
 * scope, body parsing, If-Match, idempotent transactional writes, and
 * sending objects with their ETag.
 */
import crypto from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { z } from "zod";
import { zodIssues } from "../sdk/schemas";
import { ApiError, validationFailed } from "./errors";
import type { AccessRule } from "./guard";
import type { EmulatorOptions, FaultOptions } from "./options";
import type { SiteRow, Store } from "./store/store";

/** Shared state of one emulator app. */
export interface Pbx {
  store: Store;
  options: EmulatorOptions;
  /** Mutable at runtime (tests turn faults on and off). */
  faults: FaultOptions;
  metrics: { requests: Record<string, number>; applies: number; appliedChanges: number };
}

/** Who is calling: an admin token (site null) or a site token. */
export interface Scope {
  site: string | null;
  token: string;
}

declare module "fastify" {
  interface FastifyRequest {
    scope?: Scope;
  }
}

/** Current time as stored (ISO 8601). */
export function now(): string {
  return new Date().toISOString();
}

/** A new opaque object id, prefixed by kind for readable logs (`usr_…`). */
export function newId(prefix: string): string {
  return `${prefix}_${crypto.randomBytes(9).toString("base64url")}`;
}

function safeEqual(a: string, b: string): boolean {
  const ha = crypto.createHash("sha256").update(a).digest();
  const hb = crypto.createHash("sha256").update(b).digest();
  return crypto.timingSafeEqual(ha, hb);
}

/** Resolve the bearer token; 401 when missing or unknown. Never echoes the token. */
export function authenticate(pbx: Pbx, req: FastifyRequest): Scope {
  const header = req.headers.authorization ?? "";
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (!m) throw new ApiError("unauthorized", "missing bearer token");
  const token = m[1];
  if (safeEqual(token, pbx.options.adminToken)) return { site: null, token };
  const scope = pbx.store.tokenScope(token);
  if (!scope) throw new ApiError("unauthorized", "unknown token");
  return { site: scope.site, token };
}

/** The caller must hold the admin token. */
export function requireAdmin(req: FastifyRequest): void {
  if (req.scope?.site !== null) throw new ApiError("forbidden", "this needs the admin token");
}

/** A site token may only name its own site (403, whether or not the other site exists). */
function requireSiteScope(req: FastifyRequest): void {
  const scope = req.scope;
  if (!scope) throw new ApiError("unauthorized", "missing bearer token");
  const name = (req.params as { site?: unknown } | undefined)?.site;
  if (scope.site !== null && scope.site !== name) throw new ApiError("forbidden", `this token is scoped to site "${scope.site}", not "${String(name)}"`);
}

/**
 * The access rules of API v1 routes (`config.auth`, see emulator/guard.ts):
 * `public` needs nothing, `admin` the admin token, `site` the admin token or
 * a token of the site named in the path.
 */
export function accessRules(pbx: Pbx): Record<"public" | "admin" | "site", AccessRule> {
  return {
    public: () => undefined,
    admin: (req) => {
      req.scope = authenticate(pbx, req);
      requireAdmin(req);
    },
    site: (req) => {
      req.scope = authenticate(pbx, req);
      requireSiteScope(req);
    },
  };
}

/**
 * The site named in the path, checked against the token's scope. A site token
 * asking for another site gets 403 even if that site does not exist, so site
 * names do not leak across tenants.
 */
export function siteFor(pbx: Pbx, req: FastifyRequest, name: string): SiteRow {
  const scope = req.scope;
  // The guard authenticates before any handler; a handler reached without a scope is a bug, not a guest.
  if (!scope) throw new ApiError("unauthorized", "missing bearer token");
  if (scope.site !== null && scope.site !== name) throw new ApiError("forbidden", `this token is scoped to site "${scope.site}", not "${name}"`);
  const site = pbx.store.getSite(name);
  if (!site) throw new ApiError("not_found", `site "${name}" not found`);
  return site;
}

/** Parse a request body (or query) with a schema; 422 with issues when it does not fit. */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input ?? {});
  if (!r.success) throw validationFailed(zodIssues(r.error));
  return r.data;
}

/** 412 when `If-Match` names another revision than the object's (`"3"`, `W/"3"` or `*`). */
export function checkIfMatch(req: FastifyRequest, revision: number | undefined): void {
  const header = req.headers["if-match"];
  if (header === undefined) return;
  const values = String(header).split(",").map((v) => v.trim());
  if (values.includes("*") && revision !== undefined) return;
  const ok = values.some((v) => v.replace(/^W\//, "").replace(/"/g, "") === String(revision));
  if (!ok) throw new ApiError("precondition_failed", `If-Match ${header} does not match the current revision ${revision === undefined ? "(none)" : `"${revision}"`}`);
}

/**
 * 412 when `If-None-Match: *` is sent and the addressed slot is taken: a
 * conditional PUT creates and never replaces (one request per create, where a
 * GET first would cost two). `existing` names the holder, as a 409 does.
 */
export function checkIfNoneMatch(req: FastifyRequest, taken: { type: string; id: string; key: string } | undefined): void {
  const header = req.headers["if-none-match"];
  if (header === undefined || !taken) return;
  if (String(header).split(",").some((v) => v.trim() === "*")) {
    throw new ApiError("precondition_failed", `If-None-Match: * but ${taken.key} already exists`, { existing: taken });
  }
}

/** A write's result: status and body, plus the revision for the ETag. */
export interface WriteResult {
  status: number;
  body?: unknown;
  revision?: number;
}

/** The route and its decoded parameters: `/%61pi/v1/…` and `/api/v1/…` are one path for idempotency. */
function requestPath(req: FastifyRequest): string {
  return `${req.routeOptions.url ?? ""} ${JSON.stringify(req.params ?? {})}`;
}

/**
 * Run a write in one transaction and send its result only after the commit,
 * so an acknowledged write is durable. An `Idempotency-Key` (per token, method
 * and path) replays the first response and runs nothing again; it is stored
 * in the same transaction as the write, so a crash cannot separate them.
 */
export function commitWrite(pbx: Pbx, req: FastifyRequest, reply: FastifyReply, fn: () => WriteResult): FastifyReply {
  const idemHeader = req.headers["idempotency-key"];
  const idemKey =
    typeof idemHeader === "string" && idemHeader.length > 0
      ? crypto.createHash("sha256").update(`${req.scope?.token ?? ""}\n${req.method}\n${requestPath(req)}\n${idemHeader}`).digest("hex")
      : undefined;
  const result = pbx.store.tx((): WriteResult & { replayed?: boolean } => {
    if (idemKey) {
      const prior = pbx.store.idempotent(idemKey, Date.now());
      if (prior) return { status: prior.status, body: prior.body, replayed: true, revision: (prior.body as { revision?: number } | undefined)?.revision };
    }
    const r = fn();
    if (idemKey) pbx.store.rememberIdempotent(idemKey, r.status, r.body ?? null, Date.now());
    return r;
  });
  if (result.replayed) void reply.header("idempotent-replayed", "true");
  return send(reply, result);
}

/** Send a result with its ETag. */
export function send(reply: FastifyReply, r: WriteResult): FastifyReply {
  if (r.revision !== undefined) void reply.header("etag", `"${r.revision}"`);
  void reply.status(r.status);
  return r.body === undefined || r.body === null ? reply.send() : reply.send(r.body);
}
