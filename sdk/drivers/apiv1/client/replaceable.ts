/**
 * Objects addressed by their owner rather than by an id of their own (a user's
 * function key at a position, a user's forwarding): PUT creates or replaces
 * them, which is idempotent, so retries need no Idempotency-Key.
 */
import type { z } from "zod";
import { SiteContext } from "./context";
import { GetOptions, WriteOptions } from "./collection";
import { createdBecauseOfUs, goneIsDone, staleBecauseOfUs } from "./recovery";

/** GET / PUT / DELETE on a path, parsing with `schema`. */
export class Replaceable<T extends { revision: number }, B> {
  constructor(
    private readonly ctx: SiteContext,
    private readonly schema: z.ZodType<T>,
    /** Schema of a PUT body, to normalise it before comparing it with the object read back. */
    private readonly bodySchema: z.ZodType<unknown, B>,
  ) {}

  /** The object; {@link PbxNotFoundError} when there is none. */
  get(path: string, options: GetOptions = {}): Promise<T> {
    return this.ctx.core.request({ method: "GET", path, query: { view: options.view }, schema: this.schema });
  }

  /**
   * Creates or replaces the object with `body`. With `ifMatch`, a retry after a
   * lost response meets 412 and is recognised as ours (see `staleBecauseOfUs`).
   */
  put(path: string, body: B, options: WriteOptions = {}): Promise<T> {
    const parsed = this.bodySchema.safeParse(body);
    return this.ctx.core.request({
      method: "PUT",
      path,
      body,
      schema: this.schema,
      ifMatch: options.ifMatch,
      recover: staleBecauseOfUs(options.ifMatch, parsed.success ? parsed.data : body, () => this.get(path)),
    });
  }

  /**
   * Creates the object, never replacing one (`If-None-Match: *`): one request,
   * and {@link PbxPreconditionFailedError} when the slot is taken. A retry after
   * a lost response that meets our own object is recognised as success.
   */
  create(path: string, body: B): Promise<T> {
    const parsed = this.bodySchema.safeParse(body);
    return this.ctx.core.request({
      method: "PUT",
      path,
      body,
      schema: this.schema,
      ifNoneMatch: "*",
      recover: createdBecauseOfUs(parsed.success ? parsed.data : body, () => this.get(path)),
    });
  }

  /** Removes the object; {@link PbxNotFoundError} when there was none. */
  delete(path: string): Promise<void> {
    return this.ctx.core.request<void>({ method: "DELETE", path, recover: goneIsDone });
  }
}
