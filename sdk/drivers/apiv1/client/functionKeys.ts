/**
 * `/sites/{site}/users/{userId}/keys/{position}`: the keys on a user's phone.
 */
import { FunctionKey, FunctionKeyCreate, FunctionKeyCreateSchema, FunctionKeySchema } from "../../../schemas/functionKey";
import { pageSchema } from "../../../schemas/page";
import { GetOptions, WriteOptions } from "./collection";
import { SiteContext, pathOf } from "./context";
import { collectAll } from "./paging";
import { Replaceable } from "./replaceable";

const FunctionKeyPageSchema = pageSchema(FunctionKeySchema);

/** Function keys of the users of one site. */
export class FunctionKeysApi {
  private readonly one: Replaceable<FunctionKey, FunctionKeyCreate>;

  constructor(private readonly ctx: SiteContext) {
    this.one = new Replaceable(ctx, FunctionKeySchema, FunctionKeyCreateSchema);
  }

  /** Every configured key of the user (a position without a key is "not configured"). */
  list(userId: string): Promise<FunctionKey[]> {
    const path = this.keysPath(userId);
    return collectAll((page, pageSize) =>
      this.ctx.core.request({ method: "GET", path, query: { page, pageSize }, schema: FunctionKeyPageSchema }),
    );
  }

  /** The key at `position`; {@link PbxNotFoundError} when the position is not configured. */
  get(userId: string, position: number, options: GetOptions = {}): Promise<FunctionKey> {
    return this.one.get(this.keyPath(userId, position), options);
  }

  /** Every configured key of every user of the site (reads in bulk). */
  listSite(): Promise<FunctionKey[]> {
    const path = pathOf(this.ctx.sitePath, "keys");
    return collectAll((page, pageSize) =>
      this.ctx.core.request({ method: "GET", path, query: { page, pageSize }, schema: FunctionKeyPageSchema }),
    );
  }

  /** Sets the key at `position` only if the position is free: {@link PbxPreconditionFailedError} when it is taken. */
  create(userId: string, position: number, body: FunctionKeyCreate): Promise<FunctionKey> {
    return this.one.create(this.keyPath(userId, position), body);
  }

  /** Sets the key at `position`, replacing what was there; `ifMatch` guards against a concurrent edit. */
  put(userId: string, position: number, body: FunctionKeyCreate, options: WriteOptions = {}): Promise<FunctionKey> {
    return this.one.put(this.keyPath(userId, position), body, options);
  }

  /** Clears the key at `position`. */
  delete(userId: string, position: number): Promise<void> {
    return this.one.delete(this.keyPath(userId, position));
  }

  private keysPath(userId: string): string {
    return pathOf(this.ctx.sitePath, "users", userId, "keys");
  }

  private keyPath(userId: string, position: number): string {
    return pathOf(this.keysPath(userId), position);
  }
}
