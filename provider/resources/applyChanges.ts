/**
 * pbx.ApplyChanges: one apply per site per deployment (seed 000: Save, then
 * "Apply changes").
 *
 * Without it, every write waits for an apply, and one apply can only carry the
 * writes the engine runs at once (its parallelism): a 1000-user site costs
 * ~125 applies. With `pbx.applyChangesOnce()` the program's writes are saved as
 * the run goes and each site is applied once, by resources placed around the
 * program using what the engine guarantees a dynamic provider:
 *
 * - `pbx.ApplyChanges`, whose input digests the id and revision of every pbx
 *   resource, runs after all their creates and updates: it applies each site and
 *   fails the run if an apply fails. A failed or skipped apply leaves its old
 *   digest in the state, so the next `up` applies again: nothing is lost.
 * - Deletes of resources removed from the program (and the old halves of
 *   replacements) run after it, so they keep waiting for their own, coalesced
 *   apply. In `pulumi destroy`, ApplyChanges is deleted first; its delete tells
 *   the provider process to leave deletes unapplied, and the apply guard — a
 *   resource every pbx resource depends on, so deleted last — applies each site
 *   once at the end.
 * - Drivers whose PBX has no apply step (Wazo) skip all of it.
 *
 * `up --target` of some resources leaves their changes saved but not live (the
 * ApplyChanges resource is not targeted); the next full `up` sees their new
 * revisions in its digest and applies them.
 */
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import type { ResourceOps } from "../framework";
import { withoutProvider } from "../framework";

/** What every pbx resource exposes to the digest. */
interface Tracked {
  site: pulumi.Output<string>;
  id: pulumi.Output<string>;
  revision: pulumi.Output<number | undefined>;
}

/** The program side: whether `applyChangesOnce()` was called, and the resources to digest. */
const plan: { enabled: boolean; name: string; guard?: ApplyGuard; tracked: Tracked[]; declared: boolean; anyResource: boolean } = {
  enabled: false,
  name: "apply-changes",
  tracked: [],
  declared: false,
  anyResource: false,
};

export interface ApplyChangesOnceOptions {
  /** Name of the ApplyChanges resource (and, with `-guard`, of its guard). Default `apply-changes`. */
  name?: string;
}

/**
 * Makes this program apply each site once per deployment instead of once per
 * burst of writes. Call it before declaring pbx resources: every pbx resource
 * declared after it saves its writes without waiting, and at the end of the
 * program one `pbx.ApplyChanges` over all of them applies each site.
 */
export function applyChangesOnce(options: ApplyChangesOnceOptions = {}): void {
  if (plan.enabled) return;
  if (plan.anyResource) {
    throw new Error("pbx.applyChangesOnce() must be called before the program declares any pbx resource");
  }
  plan.enabled = true;
  plan.name = options.name ?? plan.name;
  plan.guard = new ApplyGuard(`${plan.name}-guard`);
  // Pulumi waits for work scheduled in `beforeExit` (pulumi-aws declares resources
  // there too): by then every pbx resource of the program is declared.
  process.on("beforeExit", () => {
    if (plan.declared || plan.tracked.length === 0) return;
    plan.declared = true;
    new ApplyChanges(plan.name, { resources: plan.tracked });
  });
}

/**
 * What a pbx resource adds to its inputs and options: whether its writes wait
 * for an apply, and a dependency on the apply guard. Called by every resource's
 * constructor; `track` afterwards adds it to the digest.
 */
export function applyPlanFor(opts: pulumi.CustomResourceOptions | undefined): { applyMode?: "deferred"; opts: pulumi.CustomResourceOptions | undefined } {
  plan.anyResource = true;
  if (!plan.enabled || !plan.guard) return { opts };
  const guard = plan.guard;
  const dependsOn = pulumi.output(opts?.dependsOn ?? []).apply((d) => [...(Array.isArray(d) ? d : [d]), guard]) as pulumi.Input<pulumi.Input<pulumi.Resource>[]>;
  return { applyMode: "deferred", opts: { ...opts, dependsOn } };
}

export function track(resource: Tracked): void {
  if (plan.enabled && !plan.declared) plan.tracked.push(resource);
}

/** Inputs of {@link ApplyChanges}. */
export interface ApplyChangesArgs {
  /** The pbx resources whose changes it applies (their sites, ids and revisions). */
  resources: Tracked[];
}

const applyProvider: pulumi.dynamic.ResourceProvider = {
  configure: (req) => require("pulumi-pbx/provider/runtime").configure(req.config),
  check: async (_olds, news) => ({ inputs: news }),
  diff: (id, olds, news) => require("pulumi-pbx/provider/resources/applyChanges").ops.diff(id, olds, news),
  create: (inputs) => require("pulumi-pbx/provider/resources/applyChanges").ops.create(inputs),
  read: (id, props) => require("pulumi-pbx/provider/resources/applyChanges").ops.read(id, props),
  update: (id, olds, news) => require("pulumi-pbx/provider/resources/applyChanges").ops.update(id, olds, news),
  delete: (id, props) => require("pulumi-pbx/provider/resources/applyChanges").ops.delete(id, props),
};

/**
 * Applies each site of `resources` once, after all their creates and updates.
 * Usually declared by {@link applyChangesOnce}.
 */
export class ApplyChanges extends pulumi.dynamic.Resource {
  /** Digest of the ids and revisions of the resources, per site. */
  declare readonly digests: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: ApplyChangesArgs, opts?: pulumi.CustomResourceOptions) {
    const digests = pulumi
      .all(args.resources.map((r) => pulumi.all([r.site, r.id, r.revision])))
      .apply((rows) => {
        const bySite = new Map<string, string[]>();
        for (const [site, id, revision] of rows) {
          if (!site) continue;
          bySite.set(site, [...(bySite.get(site) ?? []), `${id}@${revision ?? ""}`]);
        }
        return Object.fromEntries(
          [...bySite].sort(([a], [b]) => a.localeCompare(b)).map(([site, list]) => [site, crypto.createHash("sha256").update(list.sort().join("\n")).digest("hex").slice(0, 32)]),
        );
      });
    super(applyProvider, name, { digests }, opts, "pbx", "ApplyChanges");
  }
}

const guardProvider: pulumi.dynamic.ResourceProvider = {
  configure: (req) => require("pulumi-pbx/provider/runtime").configure(req.config),
  create: async () => ({ id: "apply-guard", outs: {} }),
  delete: () => require("pulumi-pbx/provider/runtime").applyDeferredDeletes(),
};

/** Deleted after every pbx resource of the program: applies the deletes a `destroy` saved. */
export class ApplyGuard extends pulumi.dynamic.Resource {
  constructor(name: string, opts?: pulumi.CustomResourceOptions) {
    super(guardProvider, name, {}, opts, "pbx", "ApplyGuard");
  }
}

// ---- provider side: runs in the dynamic-provider process ----

async function applyAll(digests: Record<string, string> | undefined): Promise<void> {
  const { applied, driverFor } = require("pulumi-pbx/provider/runtime") as typeof import("../runtime");
  const sites = Object.keys(digests ?? {});
  const failures: string[] = [];
  await Promise.all(
    sites.map(async (site) => {
      // A site with nothing saved (an adopting first run, edits that changed nothing) needs no reload.
      const d = await driverFor(site);
      if (!d.capabilities.needsApply || (await d.pendingChanges()) === 0) return;
      await applied(site);
    }).map((p, i) =>
      p.catch((e: unknown) => {
        const site = sites[i];
        const { describeError } = require("pulumi-pbx/provider/messages") as typeof import("../messages");
        failures.push(`site "${site}": ${describeError(e, site)}`);
      }),
    ),
  );
  if (failures.length > 0) {
    throw new Error(`applying the saved changes failed (they stay saved; the next \`pulumi up\` applies them): ${failures.join("; ")}`);
  }
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? {}) === JSON.stringify(b ?? {});

export const ops: Omit<ResourceOps, "check"> = {
  async diff(_id, olds, news) {
    return { changes: !same(olds.digests, news.digests) };
  },
  async create(inputs) {
    const { digests } = withoutProvider(inputs);
    await applyAll(digests);
    return { id: "apply-changes", outs: { digests } };
  },
  async read(id, props) {
    return { id, props: withoutProvider(props) };
  },
  async update(_id, _olds, news) {
    const { digests } = withoutProvider(news);
    await applyAll(digests);
    return { outs: { digests } };
  },
  async delete() {
    const { deferDeletes } = require("pulumi-pbx/provider/runtime") as typeof import("../runtime");
    deferDeletes();
  },
};
