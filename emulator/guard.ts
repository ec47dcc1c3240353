/**
 * Access decided on the matched route, deny by default.
 *
 * Every route declares in its fastify `config` who may call it (`auth`, a
 * rule name of the emulator flavour) and whether it is an API route (`api`:
 * faults and rate limits apply). The decision reads `req.routeOptions.config`,
 * which fastify fills in after routing on the decoded path, so an encoded URL
 * (`/%61pi/v1/…`) meets the same rule as the plain one. A route that names no
 * known rule cannot be registered (`onRoute`), and if one slipped through it
 * would still be refused before its handler.
 *
 * Reused by every flavour (API v1 here, Wazo in `emulator/wazo/`): a flavour
 * supplies its rules and the error it answers when a request is refused.
 */
import type { FastifyContextConfig, FastifyInstance, FastifyRequest, RouteOptions } from "fastify";

/** What a route declares in `config`. */
export interface GuardConfig {
  /** Name of the access rule (e.g. `public`, `admin`, `site`); routes without one are refused. */
  auth?: string;
  /** API route: fault injection and rate limiting apply (emulator/faults.ts). */
  api?: boolean;
}

/**
 * A route's `config` from its guard settings. The cast keeps each flavour free
 * to narrow `FastifyContextConfig` for its own rule names.
 */
export function routeConfig(auth: string, options: Omit<GuardConfig, "auth"> = {}): FastifyContextConfig {
  return { auth, api: options.api ?? true } as unknown as FastifyContextConfig;
}

/** The guard settings of the route a request matched (empty for the not-found handler). */
export function guardOf(req: FastifyRequest): GuardConfig {
  if (req.is404) return {};
  return (req.routeOptions.config ?? {}) as unknown as GuardConfig;
}

/** True when the matched route is an API route (faults and rate limits apply). */
export function isApiRoute(req: FastifyRequest): boolean {
  return guardOf(req).api === true;
}

/** A rule: returns (or resolves) when the caller may go on, throws the refusal otherwise. */
export type AccessRule = (req: FastifyRequest) => void | Promise<void>;

/** One registered route, as the guard saw it. */
export interface GuardedRoute {
  method: string;
  url: string;
  auth: string;
  api: boolean;
}

const tables = new WeakMap<FastifyInstance, GuardedRoute[]>();

/** The routes registered under the guard of `app` (what tests walk). */
export function guardedRoutes(app: FastifyInstance): readonly GuardedRoute[] {
  return tables.get(app) ?? [];
}

/**
 * Install the guard on `app`: before any route is registered, so that every
 * route passes the `onRoute` check. `deny` builds the error for a route with
 * no usable rule (the flavour's 401).
 */
export function installGuard(app: FastifyInstance, rules: Record<string, AccessRule>, deny: (req: FastifyRequest) => Error): void {
  const table: GuardedRoute[] = [];
  tables.set(app, table);
  const ruleOf = (name: unknown): AccessRule | undefined => (typeof name === "string" && Object.hasOwn(rules, name) ? rules[name] : undefined);

  app.addHook("onRoute", (route: RouteOptions) => {
    const config = (route.config ?? {}) as GuardConfig;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!ruleOf(config.auth)) {
      throw new Error(`route ${methods.join(",")} ${route.url} declares no access rule: set config.auth to one of ${Object.keys(rules).join(", ")}`);
    }
    for (const method of methods) table.push({ method, url: route.url, auth: config.auth!, api: config.api === true });
  });

  app.addHook("onRequest", async (req) => {
    if (req.is404) return; // no route: the not-found handler answers, nothing else runs
    const rule = ruleOf(guardOf(req).auth);
    if (!rule) throw deny(req);
    await rule(req);
  });
}
