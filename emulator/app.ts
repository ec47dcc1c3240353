/**
 * `createApp(options)`: the emulator as a fastify instance, not listening
 * (tests inject requests; `server.ts` listens).
 */
import crypto from "node:crypto";
import Fastify, { type FastifyInstance } from "fastify";
import { consoleAccessRules, consoleRoutes } from "./console";
import { accessRules, type Pbx } from "./context";
import { ApiError, errorBody, errorHandler } from "./errors";
import { installFaults } from "./faults";
import { installGuard } from "./guard";
import { DEFAULT_APPLY_DELAY_MS, DEFAULT_DATA_FILE, type EmulatorOptions } from "./options";
import { applyRoutes } from "./routes/apply";
import { deviceRoutes } from "./routes/devices";
import { forwardingRoutes } from "./routes/forwarding";
import { functionKeyRoutes } from "./routes/functionKeys";
import { importRoutes } from "./routes/import";
import { incomingNumberRoutes } from "./routes/incomingNumbers";
import { siteRoutes } from "./routes/sites";
import { systemRoutes } from "./routes/system";
import { userGroupRoutes } from "./routes/userGroups";
import { userRoutes } from "./routes/users";
import { seedDemo } from "./seed";
import { Store } from "./store/store";

declare module "fastify" {
  interface FastifyInstance {
    /** The emulator's state: store, options, live-adjustable faults, metrics. */
    pbx: Pbx;
    /** Token of the demo site when `seed: "demo"` created it in this run. */
    demoToken?: string;
  }
}

/** Build the emulator app. Closing the app closes its store. */
export function createApp(options: EmulatorOptions): FastifyInstance {
  const opts: EmulatorOptions = { applyDelayMs: DEFAULT_APPLY_DELAY_MS, dataFile: DEFAULT_DATA_FILE, ...options };
  const store = new Store(opts.dataFile!);
  const pbx: Pbx = { store, options: opts, faults: { ...opts.faults }, metrics: { requests: {}, applies: 0, appliedChanges: 0 } };

  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: 10 * 1024 * 1024,
    genReqId: (req) => {
      const given = req.headers["x-request-id"];
      return typeof given === "string" && /^[\w.-]{1,128}$/.test(given) ? given : `req_${crypto.randomBytes(8).toString("hex")}`;
    },
    // A malformed percent-encoding is answered in the API's error shape too.
    frameworkErrors: (err, req, reply) => errorHandler(err, req, reply),
    // So is a request node's HTTP parser refuses before fastify sees it (a bad request line, headers too large).
    clientErrorHandler: (err: Error & { code?: string }, socket) => {
      if (!socket.writable) return socket.destroy();
      const status = err.code === "HPE_HEADER_OVERFLOW" ? 431 : 400;
      const body = JSON.stringify(errorBody("bad_request", status === 431 ? "request headers too large" : "malformed HTTP request", `req_${crypto.randomBytes(8).toString("hex")}`));
      socket.end(`HTTP/1.1 ${status} ${status === 431 ? "Request Header Fields Too Large" : "Bad Request"}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    },
  });
  app.decorate("pbx", pbx);

  // Clients such as axios send POST /apply with a JSON content type and no body; treat that as {}.
  // Only JSON is parsed here: the CSV import registers its text parsers for itself (routes/import.ts),
  // so any other route sent text answers 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === "") return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new ApiError("bad_request", "malformed JSON body"), undefined);
    }
  });

  // Counted on arrival, so requests that are faulted, rate limited or refused are counted too.
  app.addHook("onRequest", async (req, reply) => {
    void reply.header("x-request-id", req.id);
    const key = `${req.method} ${req.routeOptions.url ?? "(unmatched)"}`;
    pbx.metrics.requests[key] = (pbx.metrics.requests[key] ?? 0) + 1;
  });
  installFaults(app, pbx);
  // Before any route: every route must name its access rule (config.auth).
  installGuard(app, { ...accessRules(pbx), ...consoleAccessRules(pbx) }, () => new ApiError("unauthorized", "this route admits no one"));

  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((req) => {
    throw new ApiError("not_found", `no route ${req.method} ${req.url.split("?")[0]}`);
  });

  for (const routes of [systemRoutes, siteRoutes, userRoutes, incomingNumberRoutes, userGroupRoutes, functionKeyRoutes, forwardingRoutes, deviceRoutes, applyRoutes, importRoutes]) {
    routes(app, pbx);
  }
  consoleRoutes(app, pbx);

  if (opts.seed === "demo") {
    const seeded = seedDemo(pbx);
    if (seeded) app.decorate("demoToken", seeded.token);
  }
  app.addHook("onClose", async () => store.close());
  return app;
}
