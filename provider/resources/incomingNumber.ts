/**
 * pbx.IncomingNumber: a DID and where it rings (seed 000 "Incoming numbers").
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { SiteNameSchema } from "../../sdk/schemas/common";
import { IncomingNumberCreateSchema } from "../../sdk/schemas/incomingNumber";
import { crudOps, withoutSite } from "../crud";
import { ResourceOps, makeProvider } from "../framework";
import { applyPlanFor, track } from "./applyChanges";
import { CommonArgs, checkSited, ownerMarkFor } from "./common";

/** Where an incoming number rings; `type` picks the kind (seed 000 destinations). */
export type DestinationArgs =
  | { type: "none" }
  | { type: "user"; userId: pulumi.Input<string> }
  | { type: "userGroup"; groupId: pulumi.Input<string> }
  | { type: "voicemail"; userId: pulumi.Input<string> }
  | { type: "dialPlan"; name: pulumi.Input<string> }
  | { type: "conference"; room: pulumi.Input<string> }
  | { type: "hangup" };

/**
 * Where text messages (SMS) sent to the number go — the "SMS information"
 * the Axivox console lists beside each incoming number (seed 000).
 */
export type SmsRoutingArgs =
  | { type: "none" }
  | { type: "email"; email: pulumi.Input<string> }
  | { type: "user"; userId: pulumi.Input<string> };

export interface IncomingNumberArgs extends CommonArgs {
  /** The number in E.164, unique on the site; changing it replaces the resource. */
  number: pulumi.Input<string>;
  /** Where calls to the number go. */
  destination: pulumi.Input<DestinationArgs>;
  /** How long the destination rings before the call falls through, 5–300 s (default 30; seed 002 XiVO incall "Ring time in seconds"). */
  ringSeconds?: pulumi.Input<number>;
  /** Free text shown in the console. */
  description?: pulumi.Input<string>;
  /**
   * Where SMS to the number go (seed 000 "SMS information"): `{type: "none"}`
   * (the default), `{type: "email", email}` or `{type: "user", userId}` (a user
   * of the same site; rule sms_target_missing). Not on Wazo (driver_unsupported).
   */
  sms?: pulumi.Input<SmsRoutingArgs>;
}

const provider = makeProvider("pulumi-pbx/provider/resources/incomingNumber");

export class IncomingNumber extends pulumi.dynamic.Resource {
  declare readonly site: pulumi.Output<string>;
  declare readonly number: pulumi.Output<string>;
  declare readonly destination: pulumi.Output<{ type: string; [k: string]: unknown }>;
  declare readonly ringSeconds: pulumi.Output<number | undefined>;
  declare readonly revision: pulumi.Output<number>;

  constructor(name: string, args: IncomingNumberArgs, opts?: pulumi.CustomResourceOptions) {
    const apply = applyPlanFor(opts);
    super(provider, name, { ...args, site: args.site, ownerMark: ownerMarkFor("IncomingNumber", name), applyMode: apply.applyMode, revision: undefined }, apply.opts, "pbx", "IncomingNumber");
    track(this);
  }
}

// ---- provider side: runs in the dynamic-provider process (see ../framework.ts) ----

const ArgsSchema = IncomingNumberCreateSchema.extend({ site: SiteNameSchema.optional(), adopt: z.boolean().optional() });
type Checked = z.output<typeof ArgsSchema> & { site: string };

const crud = crudOps<"incomingNumber", Checked>({
  kind: "incomingNumber",
  type: "IncomingNumber",
  naturalKey: (a) => `number ${a.number}`,
  key: (a) => ({ number: a.number }),
  input: withoutSite,
  diff: { replaceOn: ["site", "number"] },
  inputKeys: ["site", "number", "destination", "ringSeconds", "description", "sms"],
});

export const ops: ResourceOps = {
  ...crud,
  check: (_olds, news) => checkSited("incomingNumber", ArgsSchema, news),
};
