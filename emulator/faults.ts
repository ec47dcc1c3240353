/**
 * Fault and latency injection hooks (options.faults), applied to API routes
 * only: health, metrics and the OpenAPI document stay reliable.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Pbx } from "./context";
import { ApiError } from "./errors";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** True for the routes faults apply to. */
export function isApiRoute(req: FastifyRequest): boolean {
  return req.url.startsWith("/api/v1/") && !req.url.startsWith("/api/v1/openapi.json");
}

/** Install latency, rate limiting, random errors and connection resets. */
export function installFaults(app: FastifyInstance, pbx: Pbx): void {
  // Fixed one-second windows per caller (the Authorization header, or the address).
  const windows = new Map<string, { start: number; count: number }>();

  app.addHook("onRequest", async (req) => {
    if (!isApiRoute(req)) return;
    const f = pbx.faults;
    if (f.latencyMs) await sleep(f.latencyMs);
    if (f.rateLimit) {
      const who = req.headers.authorization ?? req.ip;
      const t = Date.now();
      let w = windows.get(who);
      if (!w || t - w.start >= 1000) windows.set(who, (w = { start: t, count: 0 }));
      if (++w.count > f.rateLimit.perSecond) {
        const retryAfter = Math.max(1, Math.ceil((w.start + 1000 - t) / 1000));
        throw new ApiError("rate_limited", `rate limit of ${f.rateLimit.perSecond} requests per second exceeded`, { headers: { "retry-after": String(retryAfter) } });
      }
    }
    if (f.errorRate && Math.random() < f.errorRate) {
      if (Math.random() < 0.5) throw new ApiError("internal", "injected fault: internal error");
      throw new ApiError("unavailable", "injected fault: PBX reloading", { headers: { "retry-after": "0" } });
    }
  });

  // After the handler: its writes are committed, only the answer is lost.
  app.addHook("onSend", async (req, reply, payload) => {
    const f = pbx.faults;
    if (f.resetRate && isApiRoute(req) && Math.random() < f.resetRate) req.raw.socket?.destroy();
    return payload;
  });
}
