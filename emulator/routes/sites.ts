/**
 * `/api/v1/sites`: sites (tenants) with their numbering plan, and the tokens
 * scoped to them. Creating a site needs the admin token and returns a site
 * token once (only its hash is stored).
 */
import crypto from "node:crypto";
import type { FastifyInstance } from "fastify";
import { NumberingPlanSchema, SiteCreateSchema, SiteUpdateSchema } from "../../sdk/schemas";
import { checkIfMatch, commitWrite, now, parse, requireAdmin, send, siteFor, type Pbx } from "../context";
import { conflict } from "../errors";
import { routeConfig } from "../guard";
import type { SiteRow } from "../store/store";
import { sameData } from "./collection";

/** A new site token; the prefix tells people what leaked if one ever does. */
export function newSiteToken(): string {
  return `pbxs_${crypto.randomBytes(24).toString("base64url")}`;
}

/** A site as returned by the API. */
export function renderSite(s: SiteRow): Record<string, unknown> {
  return { id: s.name, name: s.name, extensionChange: "update", ...s.data, revision: s.revision, createdAt: s.createdAt, updatedAt: s.updatedAt };
}

/** Create a site and its first token inside the caller's transaction. */
export function createSite(pbx: Pbx, input: unknown): { site: Record<string, unknown>; token: string } {
  const b = parse(SiteCreateSchema, input);
  const store = pbx.store;
  const existing = store.getSite(b.name);
  if (existing) throw conflict(`site "${b.name}" already exists`, { type: "site", id: b.name, key: `name ${b.name}` }, { path: ["name"], rule: "site_name_unique", message: `site "${b.name}" exists` });
  const t = now();
  store.insertSite(
    b.name,
    {
      numberingPlan: b.numberingPlan ?? NumberingPlanSchema.parse({}),
      defaultKeyCount: b.defaultKeyCount,
      extensionChange: b.extensionChange,
      sipDomain: b.sipDomain ?? `${b.name}.pbx.local`,
      sipProxy: pbx.options.sipProxy ?? "127.0.0.1",
    },
    t,
  );
  const token = newSiteToken();
  store.addToken(token, b.name, t);
  return { site: renderSite(store.getSite(b.name)!), token };
}

/** Register the site routes. */
export function siteRoutes(app: FastifyInstance, pbx: Pbx): void {
  app.post("/api/v1/sites", { config: routeConfig("admin") }, async (req, reply) => {
    requireAdmin(req);
    return commitWrite(pbx, req, reply, () => ({ status: 201, body: createSite(pbx, req.body) }));
  });

  app.get<{ Params: { site: string } }>("/api/v1/sites/:site", { config: routeConfig("site") }, async (req, reply) => {
    const site = siteFor(pbx, req, req.params.site);
    return send(reply, { status: 200, body: renderSite(site), revision: site.revision });
  });

  app.patch<{ Params: { site: string } }>("/api/v1/sites/:site", { config: routeConfig("admin") }, async (req, reply) => {
    requireAdmin(req);
    siteFor(pbx, req, req.params.site);
    return commitWrite(pbx, req, reply, () => {
      // Read again inside the transaction: the revision If-Match is checked against is the one written over.
      const site = siteFor(pbx, req, req.params.site);
      checkIfMatch(req, site.revision);
      const patch = parse(SiteUpdateSchema, req.body);
      const data = { ...site.data, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) };
      if (sameData(data, site.data)) return { status: 200, body: renderSite(site), revision: site.revision };
      pbx.store.updateSite(site.name, data, now());
      const updated = pbx.store.getSite(site.name)!;
      return { status: 200, body: renderSite(updated), revision: updated.revision };
    });
  });

  /** An extra token for a site (admin only), e.g. one per CI pipeline. */
  app.post<{ Params: { site: string } }>("/api/v1/sites/:site/tokens", { config: routeConfig("admin") }, async (req, reply) => {
    requireAdmin(req);
    const site = siteFor(pbx, req, req.params.site);
    return commitWrite(pbx, req, reply, () => {
      const token = newSiteToken();
      pbx.store.addToken(token, site.name, now());
      return { status: 201, body: { site: site.name, token } };
    });
  });
}
