/**
 * `/sites/{site}/users/{userId}/forwarding`: one forwarding (or follow-me) per user.
 */
import { Forwarding, ForwardingCreate, ForwardingCreateSchema, ForwardingSchema } from "../../../schemas/forwarding";
import { pageSchema } from "../../../schemas/page";
import { GetOptions, WriteOptions } from "./collection";
import { SiteContext, pathOf } from "./context";
import { collectAll } from "./paging";
import { Replaceable } from "./replaceable";

const ForwardingPageSchema = pageSchema(ForwardingSchema);

/** Forwardings of the users of one site. */
export class ForwardingsApi {
  private readonly one: Replaceable<Forwarding, ForwardingCreate>;

  constructor(private readonly ctx: SiteContext) {
    this.one = new Replaceable(ctx, ForwardingSchema, ForwardingCreateSchema);
  }

  /** The user's forwarding; {@link PbxNotFoundError} when the user has none. */
  get(userId: string, options: GetOptions = {}): Promise<Forwarding> {
    return this.one.get(this.path(userId), options);
  }

  /** Every forwarding of the site (reads in bulk). */
  listSite(): Promise<Forwarding[]> {
    const path = pathOf(this.ctx.sitePath, "forwardings");
    return collectAll((page, pageSize) => this.ctx.core.request({ method: "GET", path, query: { page, pageSize }, schema: ForwardingPageSchema }));
  }

  /** Sets the user's forwarding only if the user has none (or "off"): {@link PbxPreconditionFailedError} otherwise. */
  create(userId: string, body: ForwardingCreate): Promise<Forwarding> {
    return this.one.create(this.path(userId), body);
  }

  /** Sets the user's forwarding, replacing the previous one; `ifMatch` guards against a concurrent edit. */
  put(userId: string, body: ForwardingCreate, options: WriteOptions = {}): Promise<Forwarding> {
    return this.one.put(this.path(userId), body, options);
  }

  /** Removes the user's forwarding (calls ring the user only). */
  delete(userId: string): Promise<void> {
    return this.one.delete(this.path(userId));
  }

  private path(userId: string): string {
    return pathOf(this.ctx.sitePath, "users", userId, "forwarding");
  }
}
