/**
 * Shared PUT/GET/DELETE of objects owned by a user and addressed by the path
 * rather than by an id: function keys (`/keys/{position}`) and the forwarding.
 * PUT creates (201) or replaces (200); If-Match applies to the replace.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { z } from "zod";
import { checkIfMatch, checkIfNoneMatch, commitWrite, now, parse, send, siteFor, type Pbx } from "../context";
import { notFound, validationFailed } from "../errors";
import { routeConfig } from "../guard";
import { insertObject, saveObject } from "../objects";
import { renderObject } from "../render";
import type { RuleContext } from "../rules/common";
import type { Data, Kind, ObjectRow } from "../store/store";
import { listPage, renderForGet, sameData, savedOr404 } from "./collection";

/** What an owned-object route file supplies. */
export interface OwnedSpec<C> {
  kind: Kind;
  /** Path below `/users/:id`, e.g. `keys/:position`. */
  path: string;
  noun: string;
  schema: z.ZodType<C>;
  /** The natural key of the addressed object (from the path). */
  naturalKey(userId: string, params: Record<string, string>): string;
  /** Path values the body may repeat, e.g. `{userId, position}`; a different value is 422. */
  pathFields(userId: string, params: Record<string, string>): Data;
  /** Stored data from the parsed body plus the path fields. */
  build(body: C, pathFields: Data): Data;
  check(ctx: RuleContext, owner: ObjectRow, data: Data): void;
  /** Whether a stored object occupies its slot (for `If-None-Match: *`); default: any saved object. */
  occupies?(data: Data): boolean;
  /** Path of the site-wide list of this kind (`keys`, `forwardings`), for reads in bulk. */
  listPath?: string;
}

type Params = { site: string; id: string } & Record<string, string>;

/** Register GET/PUT/DELETE for one owned kind. */
export function registerOwned<C>(app: FastifyInstance, pbx: Pbx, spec: OwnedSpec<C>): void {
  const url = `/api/v1/sites/:site/users/:id/${spec.path}`;
  const store = pbx.store;
  const find = (req: FastifyRequest<{ Params: Params }>, site: string) => {
    const owner = savedOr404(pbx, site, "user", req.params.id, "user");
    const row = store.findByKey(site, spec.kind, spec.naturalKey(owner.id, req.params));
    return { owner, row };
  };

  if (spec.listPath) {
    // Every object of the kind on the site, paged: a refresh reads them in one list.
    app.get<{ Params: { site: string } }>(`/api/v1/sites/:site/${spec.listPath}`, { config: routeConfig("site") }, async (req) => {
      const site = siteFor(pbx, req, req.params.site);
      return listPage(pbx, site.name, spec.kind, req.query);
    });
  }

  app.get<{ Params: Params }>(url, { config: routeConfig("site") }, async (req, reply) => {
    const site = siteFor(pbx, req, req.params.site);
    const { row } = find(req, site.name);
    return send(reply, { status: 200, ...renderForGet(pbx, req, row, `${spec.noun} of user "${req.params.id}"`) });
  });

  app.put<{ Params: Params }>(url, { config: routeConfig("site") }, async (req, reply) => {
    const site = siteFor(pbx, req, req.params.site);
    return commitWrite(pbx, req, reply, () => {
      const { owner, row } = find(req, site.name);
      checkIfMatch(req, row?.revision);
      const occupied = row?.saved && (spec.occupies ? spec.occupies(row.saved) : true);
      checkIfNoneMatch(req, occupied ? { type: spec.kind, id: row!.id, key: `${spec.noun} of user "${owner.id}"` } : undefined);
      const fixed = spec.pathFields(owner.id, req.params);
      const body = parse(spec.schema, req.body) as C & Data;
      const mismatched = Object.entries(fixed).filter(([k, v]) => body[k] !== undefined && body[k] !== v);
      if (mismatched.length) {
        throw validationFailed(mismatched.map(([k, v]) => ({ path: [k], rule: "path_mismatch", message: `${k} must match the path (${String(v)})` })));
      }
      const data = spec.build(body, fixed);
      // Replacing with the same thing is no change: no new revision, nothing pending.
      if (row?.saved && sameData(data, row.saved)) return { status: 200, body: renderObject(row)!, revision: row.revision };
      spec.check({ store, site, selfId: row?.id ?? null }, owner, data);
      const t = now();
      const id = row ? (saveObject(store, row, data, t), row.id) : insertObject(store, site.name, spec.kind, data, t);
      const out = renderObject(store.get(site.name, spec.kind, id)!)!;
      return { status: row ? 200 : 201, body: out, revision: out.revision as number };
    });
  });

  app.delete<{ Params: Params }>(url, { config: routeConfig("site") }, async (req, reply) => {
    const site = siteFor(pbx, req, req.params.site);
    return commitWrite(pbx, req, reply, () => {
      const { row } = find(req, site.name);
      if (!row) throw notFound(`${spec.noun} of user "${req.params.id}"`);
      checkIfMatch(req, row.revision);
      store.delete(row, now());
      return { status: 204 };
    });
  });
}
