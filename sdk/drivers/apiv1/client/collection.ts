/**
 * The list / get / create / update / delete shape shared by the top-level
 * collections of a site (users, incoming numbers, user groups). Each of them
 * is a subclass that names its path segment and schemas and adds its `find…`.
 */
import type { z } from "zod";
import { Page, PageQuery, pageSchema } from "../../../schemas/page";
import { IfMatch } from "./http";
import { SiteContext, pathOf } from "./context";
import { collectAll } from "./paging";
import { goneIsDone, staleBecauseOfUs } from "./recovery";

/** Query of a list call; the server's defaults apply to what is left out (page 1, 50 a page, saved view). */
export type ListParams = Partial<PageQuery>;

/** Which view of an object to read: saved (default) or live (applied on the PBX). */
export interface GetOptions {
  view?: PageQuery["view"];
}

/** Options of a create. */
export interface CreateOptions {
  /** Reuse a key to make a create repeatable across processes; default a random UUID per call. */
  idempotencyKey?: string;
}

/** Options of an update or a delete. */
export interface WriteOptions {
  /** The revision (or ETag) last read; the PBX answers 412 if the object changed since. */
  ifMatch?: IfMatch;
}

/** What a collection module is made of. */
export interface CollectionSpec<T, U> {
  /** Path segment under the site, e.g. `users`. */
  segment: string;
  /** Schema of one returned object. */
  schema: z.ZodType<T>;
  /** Schema of a PATCH body, to normalise it (E.164 …) before comparing it with the object. */
  updateSchema: z.ZodType<unknown, U>;
}

/** A top-level collection of a site: `T` as returned, `C` the create body, `U` the patch. */
export class Collection<T extends { id: string; revision: number }, C, U> {
  private readonly pageSchema: z.ZodType<Page<T>>;

  constructor(
    protected readonly ctx: SiteContext,
    private readonly spec: CollectionSpec<T, U>,
  ) {
    this.pageSchema = pageSchema(spec.schema) as unknown as z.ZodType<Page<T>>;
  }

  /** One page; `search` matches what the collection documents (name, extension, number). */
  list(params: ListParams = {}): Promise<Page<T>> {
    return this.ctx.core.request({ method: "GET", path: this.path(), query: { ...params }, schema: this.pageSchema });
  }

  /** Every object (matching `search`), all pages. */
  listAll(search?: string): Promise<T[]> {
    return collectAll((page, pageSize) => this.list({ page, pageSize, search }));
  }

  /** One object; throws {@link PbxNotFoundError} when it does not exist (in that view). */
  get(id: string, options: GetOptions = {}): Promise<T> {
    return this.ctx.core.request({ method: "GET", path: this.path(id), query: { view: options.view }, schema: this.spec.schema });
  }

  /** Creates an object. Retries reuse one Idempotency-Key, so a lost response never makes a second object. */
  create(body: C, options: CreateOptions = {}): Promise<T> {
    return this.ctx.core.request({ method: "POST", path: this.path(), body, schema: this.spec.schema, idempotencyKey: options.idempotencyKey });
  }

  /**
   * Changes the fields `patch` sets. Retried like any idempotent call: API v1
   * patches hold absolute values (arrays replace, nested objects merge), so
   * sending one twice leaves the same object. With `ifMatch`, a retry after a
   * lost response meets 412 (our first attempt bumped the revision); that is
   * recognised by reading the object back, not reported as a conflict.
   */
  update(id: string, patch: U, options: WriteOptions = {}): Promise<T> {
    const parsed = this.spec.updateSchema.safeParse(patch);
    return this.ctx.core.request({
      method: "PATCH",
      path: this.path(id),
      body: patch,
      schema: this.spec.schema,
      ifMatch: options.ifMatch,
      recover: staleBecauseOfUs(options.ifMatch, parsed.success ? parsed.data : patch, () => this.get(id)),
    });
  }

  /** Deletes an object (staged until apply); throws {@link PbxNotFoundError} when it did not exist. */
  delete(id: string, options: WriteOptions = {}): Promise<void> {
    return this.ctx.core.request<void>({ method: "DELETE", path: this.path(id), ifMatch: options.ifMatch, recover: goneIsDone });
  }

  /**
   * The one object whose natural key is `key`: the list search narrows it
   * down (it matches substrings, and names too), `matches` picks the exact one.
   */
  protected async findOne(search: string, matches: (item: T) => boolean): Promise<T | undefined> {
    return (await this.listAll(search)).find(matches);
  }

  private path(id?: string): string {
    return id === undefined ? pathOf(this.ctx.sitePath, this.spec.segment) : pathOf(this.ctx.sitePath, this.spec.segment, id);
  }
}
