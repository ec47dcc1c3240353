/**
 * Inputs every pbx resource takes, and the resource options they all apply.
 */
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { capabilitiesOf, type Kind } from "../../sdk/drivers";
import { type Settings, driverOf } from "../config";
import { checkWith } from "../framework";
import { settings } from "../runtime";

/** Inputs shared by every pbx resource. */
export interface CommonArgs {
  /**
   * The PBX site (tenant) the object lives on. Defaults to stack config `pbx:site`
   * (or `PBX_SITE`). Changing it replaces the object.
   */
  site?: pulumi.Input<string>;
  /**
   * Take over an existing object with the same natural key (extension, number, group
   * name, key position, user's forwarding, device's SIP user name or MAC) instead of failing, and make it match the
   * program. This is the import path: `pulumi import` does not work with dynamic
   * providers (pulumi/pulumi#16175).
   */
  adopt?: pulumi.Input<boolean>;
}

/**
 * The mark a resource leaves on what it creates, where the PBX keeps one, and
 * the seed of its idempotency keys: derived from the project, the stack and the
 * resource's type and name, so the next run of the same stack recognises an
 * object an interrupted run created (its answer lost) as its own, while an
 * object made by anyone else still needs `adopt`. Not a secret: a digest.
 */
export function ownerMarkFor(type: string, name: string): string {
  const digest = crypto.createHash("sha256").update(`${pulumi.getProject()}\u0000${pulumi.getStack()}\u0000${type}\u0000${name}`).digest("hex");
  return `pulumi-pbx:${digest.slice(0, 24)}`;
}

/** Resource options with outputs that hold secrets marked secret in the state. */
export function withSecretOutputs(opts: pulumi.CustomResourceOptions | undefined, names: string[]): pulumi.CustomResourceOptions {
  return { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...names] };
}

/** The failure when neither the resource nor the stack names a site. */
export const noSiteFailure = {
  property: "site",
  reason: "site: no site given: set `site` on the resource, or stack config pbx:site (or PBX_SITE) (rule: site_required)",
};

/**
 * Check with the resource's own site, else the stack's default site (`pbx:site`),
 * written into the checked inputs so that moving a resource to another site is a
 * visible replacement. Then the site's driver says what its PBX cannot express
 * (libcloud-style declared capabilities): each is a failure at preview, never a
 * silent approximation.
 */
export async function checkSited<T>(
  kind: Kind,
  schema: z.ZodType<T>,
  news: Record<string, any>,
  extra?: (value: T, s: Settings) => pulumi.dynamic.CheckFailure[],
): Promise<pulumi.dynamic.CheckResult> {
  const s = await settings();
  const site = news.site ?? s.site;
  if (!site) return { inputs: news, failures: [noSiteFailure] };
  const driver = driverOf(s, site);
  const { ownerMark, applyMode, ...given } = news;
  const r = checkWith(schema, { ...given, site }, (v) => [
    ...(extra ? extra(v, s) : []),
    ...unsupportedFailures(driver, kind, v as Record<string, unknown>),
  ]);
  const steering = { ...(typeof ownerMark === "string" ? { ownerMark } : {}), ...(applyMode === "deferred" ? { applyMode } : {}) };
  return { ...r, inputs: { ...r.inputs, ...steering } };
}

/** The driver's "cannot express" list as CheckFailures naming the field, the driver and the rule. */
export function unsupportedFailures(driver: ReturnType<typeof driverOf>, kind: Kind, value: Record<string, unknown>): pulumi.dynamic.CheckFailure[] {
  const { site: _s, adopt: _a, ...input } = value;
  return capabilitiesOf(driver).unsupported(kind, input).map((u) => ({
    property: u.property,
    reason: `${u.property}: ${u.message}; the ${driver} driver cannot express it (rule: driver_unsupported)`,
  }));
}
