/**
 * Health, metrics and the OpenAPI document: no token needed, so probes and
 * doc viewers work without credentials.
 */
import type { FastifyInstance } from "fastify";
import { buildOpenApiDocument } from "../../sdk/drivers/apiv1/openapi";
import type { Pbx } from "../context";
import { routeConfig } from "../guard";

/** Register `/healthz`, `/metrics` and `/api/v1/openapi.json`. */
export function systemRoutes(app: FastifyInstance, pbx: Pbx): void {
  app.get("/healthz", { config: routeConfig("public", { api: false }) }, async () => ({ status: "ok" }));
  app.get("/metrics", { config: routeConfig("public", { api: false }) }, async () => pbx.metrics);
  let doc: unknown;
  app.get("/api/v1/openapi.json", { config: routeConfig("public", { api: false }) }, async () => (doc ??= buildOpenApiDocument()));
}
