/**
 * `/api/v1/sites/{site}/user-groups`: groups of users rung together (seed 000 User Groups).
 */
import type { FastifyInstance } from "fastify";
import { UserGroupCreateSchema, UserGroupUpdateSchema } from "../../sdk/schemas";
import type { Pbx } from "../context";
import { checkUserGroup } from "../rules/userGroups";
import { mergeDefined, registerCollection } from "./collection";

/** Register the user group routes. */
export function userGroupRoutes(app: FastifyInstance, pbx: Pbx): void {
  registerCollection(app, pbx, {
    kind: "userGroup",
    path: "user-groups",
    noun: "user group",
    createSchema: UserGroupCreateSchema,
    updateSchema: UserGroupUpdateSchema,
    build: (_site, b) => ({ ...b, queue: b.queue ?? null }),
    merge: mergeDefined,
    check: checkUserGroup,
  });
}
