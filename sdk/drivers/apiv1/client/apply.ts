/**
 * `/sites/{site}/apply`: "Apply changes" (seed 000). Writes are saved at once
 * and go live on the next apply.
 */
import { ApplyResult, ApplyResultSchema, ApplyStatus, ApplyStatusSchema } from "../../../schemas/system";
import { SiteContext, pathOf } from "./context";

/**
 * Applying reloads the PBX and the server answers only when it is done, so an
 * apply gets at least this long whatever the client's usual deadline.
 */
export const APPLY_TIMEOUT_MS = 120_000;

/** Options of {@link applyChanges}. */
export interface ApplyOptions {
  /** Deadline of one attempt; default the larger of the client's and {@link APPLY_TIMEOUT_MS}. */
  timeoutMs?: number;
}

/**
 * Applies the site's saved changes. A POST, so it carries an Idempotency-Key:
 * a retry after a lost response returns the first apply's result instead of
 * reloading the PBX again.
 */
export function applyChanges(ctx: SiteContext, options: ApplyOptions = {}): Promise<ApplyResult> {
  const timeoutMs = options.timeoutMs ?? Math.max(ctx.core.timeoutMs, APPLY_TIMEOUT_MS);
  // An empty JSON body: servers (fastify among them) answer 415 to a bodyless POST that names no content type.
  return ctx.core.request({ method: "POST", path: pathOf(ctx.sitePath, "apply"), body: {}, schema: ApplyResultSchema, timeoutMs });
}

/** Saved changes waiting for an apply, and when the last one ran. */
export function applyStatus(ctx: SiteContext): Promise<ApplyStatus> {
  return ctx.core.request({ method: "GET", path: pathOf(ctx.sitePath, "apply"), schema: ApplyStatusSchema });
}
