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
  /**
   * What the external number is: "deskPhone" or "mobile" (seed 003 "forward the
   * call to desk phone or mobile phone and provide the number"); only with
   * `number` (rule step_number_kind). Not on Wazo (driver_unsupported).
   */
  numberKind?: pulumi.Input<"deskPhone" | "mobile">;
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
  /**
   * Steps when the user cannot be reached: every device of the user is
   * unregistered (seed 003 fail-over mode: "only if all devices under the user
   * are unregistered"). Not on Wazo (driver_unsupported).
   */
  whenUnreachable?: pulumi.Input<pulumi.Input<ForwardStepArgs>[]>;
  /** Follow-me steps (mode "followMe" only). */
  followMe?: pulumi.Input<pulumi.Input<ForwardStepArgs>[]>;
  /** End in the user's voicemail when no step answers. */
  voicemailLastResort?: pulumi.Input<boolean>;
  /**
   * How the steps of each list ring: "inOrder" (default: one after the other,
   * each for its ringSeconds — seed 000 staggered ring times, seed 003 "First
   * 30 sec one device and rest the other device") or "allAtOnce" (every step
   * rings together, each for its ringSeconds — seed 001 "ring all destinations
   * simultaneously", seed 003 "Ring both devices simultaneously"). On Wazo only
   * "inOrder" (driver_unsupported).
   */
  ringStrategy?: pulumi.Input<"inOrder" | "allAtOnce">;
  /**
   * Seed 003 "Require key Press": the far end presses a key to accept the
   * forwarded call (so a mobile's voicemail does not take it). Needs a step
   * with a `number` (rule key_press_needs_number). Default false; not on Wazo.
   */
  requireKeyPress?: pulumi.Input<boolean>;
  /**
   * Seed 003 "Forward direct calls only": forward calls made to the user
   * (extension or own numbers), not those reaching it through a group.
   * Default false; not on Wazo.
   */
  directCallsOnly?: pulumi.Input<boolean>;
  /**
   * Whose caller ID the destination sees: "caller" (default, the original
   * caller's) or "user" (the forwarding user's own — seed 003 "Keep your
   * caller-ID – Caller ID would display as user's caller id on the forwarded
   * number"). On Wazo only "caller".
   */
  forwardedCallerId?: pulumi.Input<"caller" | "user">;
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
  inputKeys: ["site", "userId", "mode", ...FORWARDING_LISTS, "followMe", "voicemailLastResort", "ringStrategy", "requireKeyPress", "directCallsOnly", "forwardedCallerId"],
});

export const ops: ResourceOps = {
  ...crud,
  check: (_olds, news) => checkSited("forwarding", ArgsSchema, news),
};
