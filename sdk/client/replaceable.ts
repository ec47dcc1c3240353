/**
 * Objects addressed by their owner rather than by an id of their own (a user's
 * function key at a position, a user's forwarding): PUT creates or replaces
 * them, which is idempotent, so retries need no Idempotency-Key.
 */
import type { z } from "zod";
import { SiteContext } from "./context";
import { GetOptions } from "./collection";
import { goneIsDone } from "./recovery";

/** GET / PUT / DELETE on a path, parsing with `schema`. */
export class Replaceable<T, B> {
  constructor(
    private readonly ctx: SiteContext,
    private readonly schema: z.ZodType<T>,
  ) {}

  /** The object; {@link PbxNotFoundError} when there is none. */
  get(path: string, options: GetOptions = {}): Promise<T> {
    return this.ctx.core.request({ method: "GET", path, query: { view: options.view }, schema: this.schema });
  }

  /** Creates or replaces the object with `body`. */
  put(path: string, body: B): Promise<T> {
    return this.ctx.core.request({ method: "PUT", path, body, schema: this.schema });
  }

  /** Removes the object; {@link PbxNotFoundError} when there was none. */
  delete(path: string): Promise<void> {
    return this.ctx.core.request<void>({ method: "DELETE", path, recover: goneIsDone });
  }
}
