/**
 * `/api/v1/sites/{site}/incoming-numbers`: the DIDs of a site and where their
 * calls go (seed 000 "Destination type for voice call").
 */
import type { FastifyInstance } from "fastify";
import { IncomingNumberCreateSchema, IncomingNumberUpdateSchema, type IncomingNumberCreateParsed } from "../../sdk/schemas";
import type { Pbx } from "../context";
import { checkIncomingNumber } from "../rules/incomingNumbers";
import { followRenumbering } from "../rules/references";
import { mergeDefined, registerCollection } from "./collection";

/** Register the incoming number routes. */
export function incomingNumberRoutes(app: FastifyInstance, pbx: Pbx): void {
  registerCollection(app, pbx, {
    kind: "incomingNumber",
    path: "incoming-numbers",
    noun: "incoming number",
    createSchema: IncomingNumberCreateSchema,
    updateSchema: IncomingNumberUpdateSchema,
    build: (_site, b: IncomingNumberCreateParsed) => ({ ...b, description: b.description ?? null }),
    merge: mergeDefined,
    check: checkIncomingNumber,
    afterUpdate: (store, before, data, t) => followRenumbering(store, before.site, String(before.saved!.number), String(data.number), t),
  });
}
