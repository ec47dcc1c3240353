/**
 * `/api/v1/sites/{site}/users/{id}/forwarding`: the user's one forwarding
 * (seed 000 Forwardings and Follow Me tabs).
 */
import type { FastifyInstance } from "fastify";
import { ForwardingCreateSchema } from "../../sdk/schemas";
import type { Pbx } from "../context";
import { checkForwarding } from "../rules/forwarding";
import { registerOwned } from "./owned";

/** Register the forwarding routes. */
export function forwardingRoutes(app: FastifyInstance, pbx: Pbx): void {
  registerOwned(app, pbx, {
    kind: "forwarding",
    path: "forwarding",
    noun: "forwarding",
    schema: ForwardingCreateSchema,
    naturalKey: (userId) => userId,
    pathFields: (userId) => ({ userId }),
    build: (b, fixed) => ({ ...b, ...fixed }),
    check: (ctx, owner, data) => checkForwarding(ctx, owner.id, data),
    // A forwarding set to "off" is the PBX default: the slot is free.
    occupies: (data) => data.mode !== "off",
    listPath: "forwardings",
  });
}
