/**
 * pbx.UserGroup: users that ring together (seed 000 "User groups").
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { SiteNameSchema } from "../../sdk/schemas/common";
import { UserGroupCreateSchema } from "../../sdk/schemas/userGroup";
import { crudOps, withoutSite } from "../crud";
import { ResourceOps, makeProvider } from "../framework";
import { applyPlanFor, track } from "./applyChanges";
import { CommonArgs, checkSited, ownerMarkFor } from "./common";

export interface UserGroupArgs extends CommonArgs {
  /** Group name, unique on the site. */
  name: pulumi.Input<string>;
  /** Member user ids, all of the same site (order matters for the "inOrder" strategy). */
  members?: pulumi.Input<pulumi.Input<string>[]>;
  /** How members ring: "allAtOnce" (the PBX default) or "inOrder" (seeds 000, 003). */
  ringStrategy?: pulumi.Input<"allAtOnce" | "inOrder">;
  /** How long each member (inOrder) or the group (allAtOnce) rings, 5–300 s (default 20). */
  ringSeconds?: pulumi.Input<number>;
  /**
   * The call-center queue the group is linked to, by its name or number on the
   * PBX (seed 000: a user group "can be linked to a queue for call center
   * capability"); queues themselves stay in the console. Not empty (rule
   * queue_empty). Not on Wazo (driver_unsupported).
   */
  queue?: pulumi.Input<string>;
}

const provider = makeProvider("pulumi-pbx/provider/resources/userGroup");

export class UserGroup extends pulumi.dynamic.Resource {
  declare readonly site: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly members: pulumi.Output<string[]>;
  declare readonly ringStrategy: pulumi.Output<string>;
  declare readonly revision: pulumi.Output<number>;

  constructor(name: string, args: UserGroupArgs, opts?: pulumi.CustomResourceOptions) {
    const apply = applyPlanFor(opts);
    super(provider, name, { ...args, site: args.site, ownerMark: ownerMarkFor("UserGroup", name), applyMode: apply.applyMode, revision: undefined }, apply.opts, "pbx", "UserGroup");
    track(this);
  }
}

// ---- provider side: runs in the dynamic-provider process (see ../framework.ts) ----

const ArgsSchema = UserGroupCreateSchema.extend({ site: SiteNameSchema.optional(), adopt: z.boolean().optional() });
type Checked = z.output<typeof ArgsSchema> & { site: string };

const crud = crudOps<"userGroup", Checked>({
  kind: "userGroup",
  type: "UserGroup",
  naturalKey: (a) => `name "${a.name}"`,
  key: (a) => ({ name: a.name }),
  input: withoutSite,
  diff: { replaceOn: ["site"] },
  inputKeys: ["site", "name", "members", "ringStrategy", "ringSeconds", "queue"],
});

export const ops: ResourceOps = {
  ...crud,
  check: (_olds, news) => checkSited("userGroup", ArgsSchema, news),
};
