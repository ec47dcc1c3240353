/**
 * `/sites/{site}/users`: the people behind extensions.
 */
import { User, UserCreate, UserSchema, UserUpdate, UserUpdateSchema } from "../../../schemas/user";
import { Collection } from "./collection";
import { SiteContext } from "./context";

/** Users of one site. */
export class UsersApi extends Collection<User, UserCreate, UserUpdate> {
  constructor(ctx: SiteContext) {
    super(ctx, { segment: "users", schema: UserSchema, updateSchema: UserUpdateSchema });
  }

  /** The user with exactly this extension (the list search also matches names and prefixes). */
  findByExtension(extension: string): Promise<User | undefined> {
    const ext = extension.trim();
    return this.findOne(ext, (u) => u.extension === ext);
  }
}
