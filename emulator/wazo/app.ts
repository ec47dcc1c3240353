/**
 * `createWazoApp(options)`: the Wazo-shaped emulator as a fastify instance,
 * not listening (tests inject; `server.ts` listens). It serves confd 1.1
 * under `/api/confd/1.1` and a minimal wazo-auth under `/api/auth/0.1`: the
 * operations of our description (`sdk/drivers/wazo/spec`), no more.
 *
 * Auth is decided on the matched route's config, never by URL (the shared
 * guard, `emulator/guard.ts`): a route declares `config.auth` (`wazo`: a
 * wazo-auth token in `X-Auth-Token`; `public`); a route without a known rule
 * cannot be registered, and would never reach its handler.
 */
import crypto from "node:crypto";
import Fastify, { type FastifyInstance } from "fastify";
import { installFaults } from "../faults";
import { installGuard } from "../guard";
import { FLASK_NOT_FOUND_HTML, unauthorized, WazoError, wazoErrorHandler } from "./errors";
import { authRoutes } from "./routes/auth";
import { contextRoutes } from "./routes/contexts";
import { funcKeyRoutes } from "./routes/funckeys";
import { groupRoutes } from "./routes/groups";
import { importRoutes } from "./routes/import";
import { incallRoutes } from "./routes/incalls";
import { ivrConferenceRoutes } from "./routes/ivrConferences";
import { lineRoutes } from "./routes/lines";
import { userRoutes } from "./routes/users";
import { userSubRoutes } from "./routes/userSubResources";
import { voicemailRoutes } from "./routes/voicemails";
import { DEFAULT_WAZO_DATA_FILE, WazoState, type RecordedRequest, type WazoEmulatorOptions } from "./state";

declare module "fastify" {
  interface FastifyInstance {
    /** The Wazo emulator's state (store, tenants, tokens, faults, metrics). */
    wazo: WazoState;
  }
}

/** A fresh master token, for when none is given. */
export function generateWazoAdminToken(): string {
  return crypto.randomUUID();
}

/** Build the Wazo emulator app. Closing the app closes its store. */
export function createWazoApp(options: WazoEmulatorOptions = {}): FastifyInstance {
  const state = new WazoState({ dataFile: DEFAULT_WAZO_DATA_FILE, ...options, adminToken: options.adminToken ?? generateWazoAdminToken() });
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 10 * 1024 * 1024 });
  app.decorate("wazo", state);

  // confd reads bodies with get_json(force=True): whatever the content type. Routes parse.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (_req, body, done) => done(null, body));

  // Counted on arrival, so faulted and refused requests count too.
  app.addHook("onRequest", async (req) => {
    const key = `${req.method} ${req.routeOptions.url ?? "(unmatched)"}`;
    state.metrics.requests[key] = (state.metrics.requests[key] ?? 0) + 1;
  });
  installFaults(app, state);

  // Access is decided on the matched route (emulator/guard.ts): `wazo` needs a live wazo-auth
  // token in X-Auth-Token, valid for the Wazo-Tenant asked for; `public` is open; anything else is refused.
  installGuard(
    app,
    {
      public: () => undefined,
      wazo: (req) => {
        const header = req.headers["x-auth-token"];
        const caller = state.caller(typeof header === "string" ? header : undefined);
        if (!caller) throw unauthorized();
        const wanted = req.headers["wazo-tenant"];
        let tenant = caller.tenantUuid;
        if (typeof wanted === "string" && wanted !== "") {
          const t = wanted.toLowerCase();
          // wazo-auth checks the token against the tenant: the token's own tenant or one below it.
          if (!state.tenant(t) || !state.subtree(caller.tenantUuid).includes(t)) throw unauthorized();
          tenant = t;
        }
        req.wazoCaller = caller;
        req.wazoTenant = tenant;
      },
    },
    () => unauthorized(),
  );

  if (options.recordRequests) {
    const entries = new WeakMap<object, RecordedRequest>();
    app.addHook("preValidation", async (req) => {
      if (!req.routeOptions.config?.api) return;
      let body: unknown = req.body === "" ? undefined : req.body;
      if (typeof body === "string") {
        try {
          body = JSON.parse(body);
        } catch {
          /* CSV or broken JSON: kept as text */
        }
      }
      const entry: RecordedRequest = { method: req.method, url: req.url, body };
      entries.set(req, entry);
      state.requestLog.push(entry);
    });
    app.addHook("onResponse", async (req, reply) => {
      const e = entries.get(req);
      if (e) e.status = reply.statusCode;
    });
  }

  app.setErrorHandler(wazoErrorHandler);
  app.setNotFoundHandler(async (_req, reply) => reply.status(404).type("text/html; charset=utf-8").send(FLASK_NOT_FOUND_HTML));

  app.get("/healthz", { config: { auth: "public", api: false } }, async () => ({ status: "ok" }));
  app.get("/metrics", { config: { auth: "public", api: false } }, async () => state.metrics);

  for (const routes of [authRoutes, contextRoutes, userRoutes, userSubRoutes, funcKeyRoutes, voicemailRoutes, lineRoutes, incallRoutes, ivrConferenceRoutes, groupRoutes, importRoutes]) routes(app, state);

  app.addHook("onClose", async () => state.close());
  return app;
}

export { WazoError };
