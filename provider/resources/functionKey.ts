/**
 * pbx.FunctionKey: one programmable key of a user's phone (seed 000 "Keys", seed
 * 002 function keys with supervision).
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { IdSchema, SiteNameSchema } from "../../sdk/schemas/common";
import { FunctionKeyCreateSchema, KeyPositionSchema } from "../../sdk/schemas/functionKey";
import { crudOps, withoutSite } from "../crud";
import { ResourceOps, makeProvider } from "../framework";
import { applyPlanFor, track } from "./applyChanges";
import { CommonArgs, checkSited, ownerMarkFor } from "./common";

export interface FunctionKeyArgs extends CommonArgs {
  /** The user whose phone carries the key; changing it replaces the key. */
  userId: pulumi.Input<string>;
  /** Key position, 1..the user's keyCount (default 20); one key per position. Changing it replaces the key. */
  position: pulumi.Input<number>;
  /**
   * What the key does. Seed 000 (Axivox Keys tab): "blf" (busy lamp of a user,
   * needs targetUserId), "quickCall" (dials `number`), "line" (a user's line,
   * needs targetUserId), "switch" (day/night switch), "pickup" (picks up a
   * user's ringing call, needs targetUserId). Seed 002 (XiVO key types):
   * "forward" (toggles the forward named in `forward`, to `number` or, without
   * one, the phone prompts), "service" (toggles `service`, e.g. DND), "group"
   * (calls the user group `targetGroupId`), "transfer" (`transfer`: blind or
   * attended). A target a type needs is required and one it does not take is
   * refused (rules key_target_required, key_target_forbidden). On Wazo,
   * "switch" and "pickup" are driver_unsupported.
   */
  type: pulumi.Input<"blf" | "quickCall" | "line" | "switch" | "pickup" | "forward" | "service" | "group" | "transfer">;
  /** Target user of blf, line and pickup keys. */
  targetUserId?: pulumi.Input<string>;
  /** Target user group of a group key (seed 002 XiVO "Group" key); a group of the same site (rule key_target_missing). */
  targetGroupId?: pulumi.Input<string>;
  /**
   * Number dialled by a quickCall key (E.164 or an internal extension), or the
   * destination of a forward key — optional there: "if the forward
   * unconditionnal function key is used with no destination the user will be
   * prompted" (seed 002).
   */
  number?: pulumi.Input<string>;
  /** Which forward a forward key toggles: "unconditional", "busy" or "noAnswer" (seed 002). */
  forward?: pulumi.Input<"unconditional" | "busy" | "noAnswer">;
  /**
   * The service of a service key (seed 002 XiVO services): "dnd", "voicemail",
   * "callRecording", "incallFilter", "forwardsOff", "phoneStatus", "directory",
   * "groupPickup", "recordSound", "voicemailMessages", "voicemailPurge".
   */
  service?: pulumi.Input<"dnd" | "voicemail" | "callRecording" | "incallFilter" | "forwardsOff" | "phoneStatus" | "directory" | "groupPickup" | "recordSound" | "voicemailMessages" | "voicemailPurge">;
  /** The kind of a transfer key: "blind" or "attended". */
  transfer?: pulumi.Input<"blind" | "attended">;
  /** Label shown next to the key (seed 002 "Label"). */
  label?: pulumi.Input<string>;
  /**
   * Supervision (seed 002): "a supervised key will light up when enabled".
   * Default: on for blf, off for every other type. A blf key is always
   * supervised and a line key never (rule key_supervision_type: pick the other
   * type); keys with no state to show — group, transfer and the services other
   * than dnd, voicemail, callRecording and incallFilter — cannot be
   * (rule key_supervision_unsupported).
   */
  supervision?: pulumi.Input<boolean>;
}

const provider = makeProvider("pulumi-pbx/provider/resources/functionKey");

export class FunctionKey extends pulumi.dynamic.Resource {
  declare readonly site: pulumi.Output<string>;
  declare readonly userId: pulumi.Output<string>;
  declare readonly position: pulumi.Output<number>;
  declare readonly type: pulumi.Output<string>;
  declare readonly revision: pulumi.Output<number>;

  constructor(name: string, args: FunctionKeyArgs, opts?: pulumi.CustomResourceOptions) {
    const apply = applyPlanFor(opts);
    super(provider, name, { ...args, site: args.site, ownerMark: ownerMarkFor("FunctionKey", name), applyMode: apply.applyMode, revision: undefined }, apply.opts, "pbx", "FunctionKey");
    track(this);
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

const crud = crudOps<"functionKey", Checked>({
  kind: "functionKey",
  type: "FunctionKey",
  naturalKey: (a) => `key ${a.position} of user ${a.userId}`,
  key: (a) => ({ userId: a.userId, position: a.position }),
  input: withoutSite,
  // A moved key is deleted first: the same key twice on one user is rejected (seed 002).
  diff: { replaceOn: ["site", "userId", "position"], deleteBeforeReplace: true },
  inputKeys: ["site", "userId", "position", "type", "targetUserId", "targetGroupId", "number", "forward", "service", "transfer", "label", "supervision"],
});

export const ops: ResourceOps = {
  ...crud,
  check: (_olds, news) => checkSited("functionKey", ArgsSchema, news),
};
