/**
 * `/api/v1/sites/{site}/apply`: seed 000's "Apply changes" button. Saved
 * changes go live only here, and it takes a while, as a PBX reload does.
 */
import type { FastifyInstance } from "fastify";
import { commitWrite, now, siteFor, type Pbx } from "../context";
import { validationFailed } from "../errors";
import { routeConfig } from "../guard";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Register the apply routes. */
export function applyRoutes(app: FastifyInstance, pbx: Pbx): void {
  app.post<{ Params: { site: string } }>("/api/v1/sites/:site/apply", { config: routeConfig("site") }, async (req, reply) => {
    const site = siteFor(pbx, req, req.params.site);
    await sleep(pbx.options.applyDelayMs ?? 300);
    if (pbx.faults.applyFails) {
      throw validationFailed([{ path: [], rule: "apply_failed", message: "injected fault: the PBX refused to load the saved configuration; the changes stay saved" }]);
    }
    // Whatever was saved by the end of the reload goes live, including writes
    // that arrived while waiting: one apply serves a burst (the provider coalesces on that).
    return commitWrite(pbx, req, reply, () => {
      const applied = pbx.store.apply(site.name, now());
      pbx.metrics.applies += 1;
      pbx.metrics.appliedChanges += applied;
      return { status: 200, body: { applied, revision: pbx.store.getSite(site.name)!.revision } };
    });
  });

  app.get<{ Params: { site: string } }>("/api/v1/sites/:site/apply", { config: routeConfig("site") }, async (req) => {
    const site = siteFor(pbx, req, req.params.site);
    return { pending: pbx.store.pending(site.name), lastAppliedAt: site.lastAppliedAt, applies: site.applies };
  });
}
