/**
 * The five routes of a plain collection (users, incoming numbers, user
 * groups): list with search and pages, create, get, patch, delete. Each
 * collection file supplies how to build, merge and check its data.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { PageQuerySchema, ViewSchema } from "../../sdk/schemas";
import { checkIfMatch, commitWrite, now, parse, send, siteFor, type Pbx } from "../context";
import { ApiError, notFound } from "../errors";
import { routeConfig } from "../guard";
import { insertObject, saveObject } from "../objects";
import { renderObject } from "../render";
import type { RuleContext } from "../rules/common";
import { deleteWithReferences } from "../rules/references";
import type { Data, Kind, ObjectRow, SiteRow, Store } from "../store/store";

/** What a collection file supplies. */
export interface CollectionSpec<C, U> {
  kind: Kind;
  /** URL segment, e.g. `users`. */
  path: string;
  /** For messages, e.g. `user`. */
  noun: string;
  /** A schema, or one per site (users: the extension under the site's numbering plan). */
  createSchema: z.ZodType<C> | ((site: SiteRow) => z.ZodType<C>);
  updateSchema: z.ZodType<U> | ((site: SiteRow) => z.ZodType<U>);
  /** Stored data of a new object from its parsed create body. */
  build(site: SiteRow, body: C): Data;
  /** Stored data after a PATCH. */
  merge(current: Data, patch: U): Data;
  /** Cross-object rules (emulator/rules); throws 422/409. */
  check(ctx: RuleContext, data: Data): void;
  /** What a change does to the objects that refer to this one (inside the write's transaction). */
  afterUpdate?(store: Store, before: ObjectRow, data: Data, now: string): void;
}

const schemaFor = <T>(s: z.ZodType<T> | ((site: SiteRow) => z.ZodType<T>), site: SiteRow): z.ZodType<T> => (typeof s === "function" ? s(site) : s);

/** Key order aside, the same data: a write that changes nothing is not a change. */
export function sameData(a: unknown, b: unknown): boolean {
  const canon = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(canon) : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, x]) => [k, canon(x)])) : v;
  return JSON.stringify(canon(a)) === JSON.stringify(canon(b));
}

const ViewQuerySchema = z.object({ view: ViewSchema });

type SiteParams = { site: string };
type ItemParams = { site: string; id: string };

/** The saved object `id` of `kind`, or 404. */
export function savedOr404(pbx: Pbx, site: string, kind: Kind, id: string, noun: string): ObjectRow {
  const row = pbx.store.get(site, kind, id);
  if (!row?.saved) throw notFound(`${noun} "${id}"`);
  return row;
}

/**
 * Render `row` for a GET in the requested view, or 404. New objects stay
 * invisible for `faults.visibilityDelayMs` (eventually consistent PBX APIs).
 */
export function renderForGet(pbx: Pbx, req: FastifyRequest, row: ObjectRow | undefined, what: string): { body: Record<string, unknown>; revision: number } {
  const { view } = parse(ViewQuerySchema, req.query);
  const delay = pbx.faults.visibilityDelayMs ?? 0;
  const hidden = !row || (delay > 0 && Date.now() - Date.parse(row.createdAt) < delay);
  const body = hidden ? undefined : renderObject(row, view);
  if (!body) throw notFound(view === "live" ? `${what} (live view)` : what);
  return { body, revision: body.revision as number };
}

/** A list page in the requested view. */
export function listPage(pbx: Pbx, site: string, kind: Kind, query: unknown, parent?: string) {
  const q = parse(PageQuerySchema, query);
  if (pbx.faults.listErrors) throw new ApiError("bad_request", `injected fault: page ${q.page} is not available`);
  const { rows, total } = pbx.store.list(site, kind, { parent, search: q.search, view: q.view, offset: (q.page - 1) * q.pageSize, limit: q.pageSize });
  return { items: rows.map((r) => renderObject(r, q.view)), page: q.page, pageSize: q.pageSize, total };
}

/** Register the routes of one collection. */
export function registerCollection<C, U>(app: FastifyInstance, pbx: Pbx, spec: CollectionSpec<C, U>): void {
  const base = `/api/v1/sites/:site/${spec.path}`;
  const store = pbx.store;

  app.get<{ Params: SiteParams }>(base, { config: routeConfig("site") }, async (req) => {
    const site = siteFor(pbx, req, req.params.site);
    return listPage(pbx, site.name, spec.kind, req.query);
  });

  app.post<{ Params: SiteParams }>(base, { config: routeConfig("site") }, async (req, reply) => {
    const site = siteFor(pbx, req, req.params.site);
    return commitWrite(pbx, req, reply, () => {
      const data = spec.build(site, parse(schemaFor(spec.createSchema, site), req.body));
      spec.check({ store, site, selfId: null }, data);
      const t = now();
      const id = insertObject(store, site.name, spec.kind, data, t);
      const body = renderObject(store.get(site.name, spec.kind, id)!)!;
      return { status: 201, body, revision: 1 };
    });
  });

  app.get<{ Params: ItemParams }>(`${base}/:id`, { config: routeConfig("site") }, async (req, reply) => {
    const site = siteFor(pbx, req, req.params.site);
    return send(reply, { status: 200, ...renderForGet(pbx, req, store.get(site.name, spec.kind, req.params.id), `${spec.noun} "${req.params.id}"`) });
  });

  app.patch<{ Params: ItemParams }>(`${base}/:id`, { config: routeConfig("site") }, async (req, reply) => {
    const site = siteFor(pbx, req, req.params.site);
    return commitWrite(pbx, req, reply, () => {
      const row = savedOr404(pbx, site.name, spec.kind, req.params.id, spec.noun);
      checkIfMatch(req, row.revision);
      const data = spec.merge(row.saved!, parse(schemaFor(spec.updateSchema, site), req.body));
      // Nothing changes: no new revision, nothing pending, the object as it is.
      if (sameData(data, row.saved)) return { status: 200, body: renderObject(row)!, revision: row.revision };
      spec.check({ store, site, selfId: row.id }, data);
      const t = now();
      saveObject(store, row, data, t);
      spec.afterUpdate?.(store, row, data, t);
      const body = renderObject(store.get(site.name, spec.kind, row.id)!)!;
      return { status: 200, body, revision: row.revision + 1 };
    });
  });

  app.delete<{ Params: ItemParams }>(`${base}/:id`, { config: routeConfig("site") }, async (req, reply) => {
    const site = siteFor(pbx, req, req.params.site);
    return commitWrite(pbx, req, reply, () => {
      const row = savedOr404(pbx, site.name, spec.kind, req.params.id, spec.noun);
      checkIfMatch(req, row.revision);
      deleteWithReferences(store, row, now());
      return { status: 204 };
    });
  });
}

/** Apply a PATCH: keys present in `patch` replace, `undefined` keeps the current value. */
export function mergeDefined(current: Data, patch: object): Data {
  const out: Data = { ...current };
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) out[k] = v;
  return out;
}
