/**
 * Fault and latency injection hooks (options.faults), applied to the routes
 * whose matched config says `api: true` (emulator/guard.ts): health, metrics
 * and the OpenAPI document stay reliable, whatever the URL looked like.
 */
import crypto from "node:crypto";
import type { FastifyInstance } from "fastify";
import type { Pbx } from "./context";
import { ApiError } from "./errors";
import { isApiRoute } from "./guard";

export { isApiRoute } from "./guard";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Callers the rate limiter remembers at most; beyond it the oldest windows go first. */
export const RATE_LIMIT_MAX_CALLERS = 10_000;

/**
 * Fixed one-second windows per caller. The table is bounded: anyone can send
 * a new Authorization header per request, so expired windows are swept and
 * the oldest callers evicted once it is full (an evicted caller simply starts
 * a new window, which errs on the side of letting a request through).
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly maxCallers = RATE_LIMIT_MAX_CALLERS) {}

  /** Callers currently remembered. */
  get size(): number {
    return this.windows.size;
  }

  /** Count a request of `who` at `now`; returns the seconds to wait when over `perSecond`, else 0. */
  hit(who: string, perSecond: number, now: number): number {
    let w = this.windows.get(who);
    if (!w || now - w.start >= 1000) {
      // Re-inserted so that Map order stays oldest window first.
      this.windows.delete(who);
      if (this.windows.size >= this.maxCallers) this.evict(now);
      this.windows.set(who, (w = { start: now, count: 0 }));
    }
    if (++w.count <= perSecond) return 0;
    return Math.max(1, Math.ceil((w.start + 1000 - now) / 1000));
  }

  /** Windows are in start order, so the expired ones are at the front. */
  private evict(now: number): void {
    for (const [k, w] of this.windows) {
      if (now - w.start < 1000) break;
      this.windows.delete(k);
    }
    while (this.windows.size >= this.maxCallers) this.windows.delete(this.windows.keys().next().value!);
  }
}

/** Install latency, rate limiting, random errors and connection resets. */
export function installFaults(app: FastifyInstance, pbx: Pick<Pbx, "faults">): void {
  const limiter = new RateLimiter();

  app.addHook("onRequest", async (req) => {
    if (!isApiRoute(req)) return;
    const f = pbx.faults;
    if (f.latencyMs) await sleep(f.latencyMs);
    if (f.rateLimit) {
      // Keyed by a hash so the table holds no tokens.
      // Per caller: its bearer token (API v1), its X-Auth-Token (Wazo), else its address.
      const who = crypto.createHash("sha256").update(req.headers.authorization ?? (typeof req.headers["x-auth-token"] === "string" ? `wazo:${req.headers["x-auth-token"]}` : `ip:${req.ip}`)).digest("base64url");
      const retryAfter = limiter.hit(who, f.rateLimit.perSecond, Date.now());
      if (retryAfter > 0) {
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
    // resetWritesOnly cuts what changes the PBX; reads and logins (wazo-auth POST /token) answer.
    const spared = f.resetWritesOnly && (req.method === "GET" || (req.routeOptions.url ?? "").endsWith("/token"));
    if (f.resetRate && isApiRoute(req) && !spared && Math.random() < f.resetRate) req.raw.socket?.destroy();
    return payload;
  });
}
