/**
 * `/api/v1/sites/{site}/users/{id}/keys[/{position}]`: a user's function keys
 * (seed 000 Keys tab, seed 002 XiVO function keys).
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { defaultSupervision, FunctionKeyCreateSchema, KeyPositionParamSchema } from "../../sdk/schemas";
import { parse, siteFor, type Pbx } from "../context";
import { routeConfig } from "../guard";
import { checkFunctionKey, functionKeyKey } from "../rules/functionKeys";
import { listPage, savedOr404 } from "./collection";
import { registerOwned } from "./owned";

const PositionParams = z.object({ position: KeyPositionParamSchema });

/** The position in the path, read strictly: `1e1`, `0x3`, `03` or ` 3` is 422, not key 10 or 3. */
const position = (params: Record<string, string>): number => parse(PositionParams, { position: params.position }).position;

/** Register the function key routes. */
export function functionKeyRoutes(app: FastifyInstance, pbx: Pbx): void {
  app.get<{ Params: { site: string; id: string } }>("/api/v1/sites/:site/users/:id/keys", { config: routeConfig("site") }, async (req) => {
    const site = siteFor(pbx, req, req.params.site);
    savedOr404(pbx, site.name, "user", req.params.id, "user");
    return listPage(pbx, site.name, "functionKey", req.query, req.params.id);
  });
  registerOwned(app, pbx, {
    kind: "functionKey",
    path: "keys/:position",
    noun: "function key",
    schema: FunctionKeyCreateSchema,
    naturalKey: (userId, params) => functionKeyKey(userId, position(params)),
    pathFields: (userId, params) => ({ userId, position: position(params) }),
    build: (b, fixed) => ({
      ...fixed,
      type: b.type,
      targetUserId: b.targetUserId ?? null,
      targetGroupId: b.targetGroupId ?? null,
      number: b.number ?? null,
      forward: b.forward ?? null,
      service: b.service ?? null,
      transfer: b.transfer ?? null,
      label: b.label ?? null,
      supervision: b.supervision ?? defaultSupervision(b.type),
    }),
    check: checkFunctionKey,
    listPath: "keys",
  });
}
