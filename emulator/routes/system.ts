/**
 * Health, metrics and the OpenAPI document: no token needed, so probes and
 * doc viewers work without credentials.
 */
import type { FastifyInstance } from "fastify";
import { buildOpenApiDocument } from "../../sdk/drivers/apiv1/openapi";
import type { Pbx } from "../context";

/** Register `/healthz`, `/metrics` and `/api/v1/openapi.json`. */
export function systemRoutes(app: FastifyInstance, pbx: Pbx): void {
  app.get("/healthz", async () => ({ status: "ok" }));
  app.get("/metrics", async () => pbx.metrics);
  let doc: unknown;
  app.get("/api/v1/openapi.json", async () => (doc ??= buildOpenApiDocument()));
}
