/**
 * pbx.FunctionKey: one programmable key of a user's phone (seed 000 "Keys", seed
 * 002 function keys with supervision).
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { PbxClient } from "../../sdk/drivers/apiv1/client";
import { PbxNotFoundError } from "../../sdk/errors";
import { IdSchema, SiteNameSchema } from "../../sdk/schemas/common";
import { FunctionKey as ApiFunctionKey, FunctionKeyCreateSchema, KeyPositionSchema } from "../../sdk/schemas/functionKey";
import { AlreadyExists, apiBody, crudOps, liveOutputs } from "../crud";
import { ResourceOps, makeProvider } from "../framework";
import { CommonArgs, checkSited } from "./common";

export interface FunctionKeyArgs extends CommonArgs {
  /** The user whose phone carries the key; changing it replaces the key. */
  userId: pulumi.Input<string>;
  /** Key position, 1..the user's keyCount (default 20); one key per position. Changing it replaces the key. */
  position: pulumi.Input<number>;
  /**
   * What the key does: "blf" (busy lamp of a user, needs targetUserId), "quickCall"
   * (dials `number`), "line" (a user's line, needs targetUserId), "switch" (day/night
   * switch), "pickup" (picks up a user's ringing call, needs targetUserId).
   */
  type: pulumi.Input<"blf" | "quickCall" | "line" | "switch" | "pickup">;
  /** Target user of blf, line and pickup keys. */
  targetUserId?: pulumi.Input<string>;
  /** Number dialled by a quickCall key (E.164 or an internal extension). */
  number?: pulumi.Input<string>;
  /** Label shown next to the key. */
  label?: pulumi.Input<string>;
}

const provider = makeProvider("pulumi-pbx/provider/resources/functionKey");

export class FunctionKey extends pulumi.dynamic.Resource {
  declare readonly site: pulumi.Output<string>;
  declare readonly userId: pulumi.Output<string>;
  declare readonly position: pulumi.Output<number>;
  declare readonly type: pulumi.Output<string>;
  declare readonly revision: pulumi.Output<number>;

  constructor(name: string, args: FunctionKeyArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, { ...args, revision: undefined }, opts, "pbx", "FunctionKey");
  }
}

// ---- provider side: runs in the dynamic-provider process (see ../framework.ts) ----

// The API body has userId/position optional (the path names them); the resource needs both.
const ArgsSchema = FunctionKeyCreateSchema.safeExtend({
  userId: IdSchema,
  position: KeyPositionSchema,
  site: SiteNameSchema.optional(),
  adopt: z.boolean().optional(),
});
type Checked = z.output<typeof ArgsSchema> & { site: string };

const keyId = (userId: string, position: number) => `${userId}/${position}`;
function parseId(id: string): [string, number] {
  const cut = id.lastIndexOf("/");
  return [id.slice(0, cut), Number(id.slice(cut + 1))];
}

async function getKey(c: PbxClient, userId: string, position: number): Promise<ApiFunctionKey | undefined> {
  return c.functionKeys.get(userId, position).catch((e: unknown) => {
    if (e instanceof PbxNotFoundError) return undefined;
    throw e;
  });
}

const crud = crudOps<Checked, ApiFunctionKey>({
  kind: "FunctionKey",
  naturalKey: (a) => `key ${a.position} of user ${a.userId}`,
  // A moved key is deleted first: the same key twice on one user is rejected (seed 002).
  diff: { replaceOn: ["site", "userId", "position"], deleteBeforeReplace: true },
  inputKeys: ["site", "userId", "position", "type", "targetUserId", "number", "label"],
  async create(c, a) {
    // PUT would replace a key set in the console: look first.
    const existing = await getKey(c, a.userId, a.position);
    if (existing) throw new AlreadyExists({ type: "FunctionKey", id: keyId(a.userId, a.position) });
    return c.functionKeys.put(a.userId, a.position, apiBody(a, "userId", "position"));
  },
  find: (c, a) => getKey(c, a.userId, a.position),
  get: (c, id) => c.functionKeys.get(...parseId(id)),
  update: (c, id, a, revision) => c.functionKeys.put(a.userId, a.position, apiBody(a, "userId", "position"), { ifMatch: revision }),
  remove: (c, id) => c.functionKeys.delete(...parseId(id)),
  idOf: (k) => keyId(k.userId, k.position),
  toOutputs: liveOutputs,
});

export const ops: ResourceOps = {
  ...crud,
  check: (_olds, news) => checkSited(ArgsSchema, news),
};
