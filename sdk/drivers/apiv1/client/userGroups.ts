/**
 * `/sites/{site}/user-groups`: groups of users a call can ring.
 */
import { UserGroup, UserGroupCreate, UserGroupSchema, UserGroupUpdate, UserGroupUpdateSchema } from "../../../schemas/userGroup";
import { Collection } from "./collection";
import { SiteContext } from "./context";

/** User groups of one site. */
export class UserGroupsApi extends Collection<UserGroup, UserGroupCreate, UserGroupUpdate> {
  constructor(ctx: SiteContext) {
    super(ctx, { segment: "user-groups", schema: UserGroupSchema, updateSchema: UserGroupUpdateSchema });
  }

  /** The group named exactly `name` (trimmed, as the PBX stores it). */
  findByName(name: string): Promise<UserGroup | undefined> {
    const wanted = name.trim();
    return this.findOne(wanted, (g) => g.name === wanted);
  }
}
