/**
 * pbx.Forwarding: what happens to a user's calls (seed 000 "Forwardings" and
 * "Follow Me"; seed 003: forwarding and find-me-follow-me exclude each other).
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { IdSchema, SiteNameSchema } from "../../sdk/schemas/common";
import { FORWARDING_LISTS, ForwardingCreateSchema } from "../../sdk/schemas/forwarding";
import { crudOps, withoutSite } from "../crud";
import { ResourceOps, makeProvider } from "../framework";
import { applyPlanFor, track } from "./applyChanges";
import { CommonArgs, checkSited, ownerMarkFor } from "./common";

/** One step of a forwarding: ring a user or an external number for a while. */
export interface ForwardStepArgs {
  /** A user of the same site … */
  userId?: pulumi.Input<string>;
  /** … or an external number (E.164). */
  number?: pulumi.Input<string>;
  /** How long this step rings before the next, 5–300 s (default 20). */
  ringSeconds?: pulumi.Input<number>;
}

export interface ForwardingArgs extends CommonArgs {
  /** The user whose calls are forwarded (one Forwarding per user); changing it replaces the resource. */
  userId: pulumi.Input<string>;
  /** "off", "forward" (the on… lists) or "followMe" (the followMe list; the user's own phone does not ring). */
  mode: pulumi.Input<"off" | "forward" | "followMe">;
  /** Steps when the user does not answer. */
  onNoAnswer?: pulumi.Input<pulumi.Input<ForwardStepArgs>[]>;
  /** Steps when the user is busy. */
  onBusy?: pulumi.Input<pulumi.Input<ForwardStepArgs>[]>;
  /** Steps for every call (unconditional forwarding). */
  always?: pulumi.Input<pulumi.Input<ForwardStepArgs>[]>;
  /** Steps when the user's phone is not registered. */
  whenUnreachable?: pulumi.Input<pulumi.Input<ForwardStepArgs>[]>;
  /** Follow-me steps (mode "followMe" only). */
  followMe?: pulumi.Input<pulumi.Input<ForwardStepArgs>[]>;
  /** End in the user's voicemail when no step answers. */
  voicemailLastResort?: pulumi.Input<boolean>;
}

const provider = makeProvider("pulumi-pbx/provider/resources/forwarding");

export class Forwarding extends pulumi.dynamic.Resource {
  declare readonly site: pulumi.Output<string>;
  declare readonly userId: pulumi.Output<string>;
  declare readonly mode: pulumi.Output<string>;
  declare readonly revision: pulumi.Output<number>;

  constructor(name: string, args: ForwardingArgs, opts?: pulumi.CustomResourceOptions) {
    const apply = applyPlanFor(opts);
    super(provider, name, { ...args, site: args.site, ownerMark: ownerMarkFor("Forwarding", name), applyMode: apply.applyMode, revision: undefined }, apply.opts, "pbx", "Forwarding");
    track(this);
  }
}

// ---- provider side: runs in the dynamic-provider process (see ../framework.ts) ----

const ArgsSchema = ForwardingCreateSchema.safeExtend({ userId: IdSchema, site: SiteNameSchema.optional(), adopt: z.boolean().optional() });
type Checked = z.output<typeof ArgsSchema> & { site: string };

const crud = crudOps<"forwarding", Checked>({
  kind: "forwarding",
  type: "Forwarding",
  naturalKey: (a) => `forwarding of user ${a.userId}`,
  key: (a) => ({ userId: a.userId }),
  input: withoutSite,
  diff: { replaceOn: ["site", "userId"], deleteBeforeReplace: true },
  inputKeys: ["site", "userId", "mode", ...FORWARDING_LISTS, "followMe", "voicemailLastResort"],
});

export const ops: ResourceOps = {
  ...crud,
  check: (_olds, news) => checkSited("forwarding", ArgsSchema, news),
};
