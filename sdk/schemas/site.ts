/**
 * Site (tenant) and its extension numbering plan.
 *
 * Seed 004 (NetSapiens-style portal): "follow the numbering plan for the
 * client and follow the Reserved Number Space"; seed 001: "Extension number
 * should be 2-4 digits only" — so length and reserved ranges vary per site and
 * live on the site, not in the user schema.
 */
import { z } from "zod";
import { nonEmpty, ObjectMetaShape, rule, SiteNameSchema } from "./common";

/** A reserved extension range, inclusive; `from` and `to` have the same width (seed 004). */
const RANGE_BOUND = /^[0-9]{1,10}$/;
const rangeBound = z.string().refine((v) => RANGE_BOUND.test(v), rule("reserved_range_digits", "range bounds must be 1–10 digits (0-9)"));

export const ReservedRangeSchema = z
  .object({ from: rangeBound, to: rangeBound })
  .strict()
  .superRefine((r, ctx) => {
    // The bounds' own checks have reported a non-digit; comparing them as numbers would throw.
    if (!RANGE_BOUND.test(r.from) || !RANGE_BOUND.test(r.to)) return;
    if (r.from.length !== r.to.length) {
      ctx.addIssue({ code: "custom", path: ["to"], message: "range bounds must have the same number of digits", params: { rule: "reserved_range_width" } });
    } else if (BigInt(r.from) > BigInt(r.to)) {
      ctx.addIssue({ code: "custom", path: ["to"], message: "range end must not be before its start", params: { rule: "reserved_range_order" } });
    }
  });

/** Extension numbering plan of a site. Default: 2–6 digits, nothing reserved. */
export const NumberingPlanSchema = z
  .object({
    minLength: z.int().refine((v) => v >= 1 && v <= 10, rule("numbering_plan_length", "minLength must be 1–10")).default(2),
    maxLength: z.int().refine((v) => v >= 1 && v <= 10, rule("numbering_plan_length", "maxLength must be 1–10")).default(6),
    reserved: z.array(ReservedRangeSchema).refine((r) => r.length <= 100, rule("reserved_range_count", "at most 100 reserved ranges")).default([]),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.minLength > p.maxLength) {
      ctx.addIssue({ code: "custom", path: ["maxLength"], message: "maxLength must not be below minLength", params: { rule: "numbering_plan_length" } });
    }
  });

/** A numbering plan with its defaults filled in. */
export type NumberingPlan = z.infer<typeof NumberingPlanSchema>;

/** The plan a site gets when none is given (DESIGN: default 2–6 digits). */
export const DEFAULT_NUMBERING_PLAN: NumberingPlan = Object.freeze({ minLength: 2, maxLength: 6, reserved: [] }) as NumberingPlan;

/**
 * Check an extension against a site's numbering plan. Pure and local, so the
 * provider can run it at `pulumi preview` when it knows the plan.
 *
 * @returns a problem message in the user's words, or null when the extension fits.
 */
export function checkExtension(ext: string, plan: NumberingPlan = DEFAULT_NUMBERING_PLAN): string | null {
  return checkExtensionRule(ext, plan)?.message ?? null;
}

/** Like {@link checkExtension} but also names the rule (`extension_digits`, `extension_length`, `extension_reserved`). */
export function checkExtensionRule(ext: string, plan: NumberingPlan = DEFAULT_NUMBERING_PLAN): { rule: string; message: string } | null {
  const { minLength, maxLength } = plan;
  const span = minLength === maxLength ? `${minLength}` : `${minLength}–${maxLength}`;
  // The plan's rule in its own words, whatever is wrong: "abcd" under a 2–4 plan "must be 2–4 digits".
  if (!/^[0-9]+$/.test(ext)) return { rule: "extension_digits", message: `extension "${ext}" must be ${span} digits` };
  if (ext.length < minLength || ext.length > maxLength) {
    return { rule: "extension_length", message: `extension "${ext}" must be ${span} digits` };
  }
  for (const r of plan.reserved) {
    if (r.from.length === ext.length && BigInt(r.from) <= BigInt(ext) && BigInt(ext) <= BigInt(r.to)) {
      return { rule: "extension_reserved", message: `extension "${ext}" is in the reserved range ${r.from}–${r.to}` };
    }
  }
  return null;
}

/** Whether a site changes a user's extension in place (`update`) or not at all (`replace`, seed 004). */
export const ExtensionChangeSchema = z.enum(["update", "replace"]);

/** Body of `POST /api/v1/sites` (admin token). */
export const SiteCreateSchema = z
  .object({
    name: SiteNameSchema,
    numberingPlan: NumberingPlanSchema.optional(),
    /** Number of function keys a new user gets (seed 000: keys 1–20). */
    defaultKeyCount: z.int().refine((v) => v >= 1 && v <= 100, rule("key_count_range", "key count must be 1–100")).default(20),
    /** SIP domain handed to users (seed 000: "assigned to the company by the Axivox representative"). */
    sipDomain: nonEmpty("sip_domain_empty", "SIP domain", 253).optional(),
    /**
     * Seed 004 ("Extension … This cannot be changed later"): `replace` makes the
     * site refuse a user's new extension (rule `extension_immutable`); the user is
     * deleted and made again (the provider does so with `pbx:sites.<site>.extensionChange`).
     */
    extensionChange: ExtensionChangeSchema.default("update"),
  })
  .strict();

/** Body of `PATCH /api/v1/sites/{site}`. */
export const SiteUpdateSchema = z
  .object({
    numberingPlan: NumberingPlanSchema.optional(),
    defaultKeyCount: z.int().refine((v) => v >= 1 && v <= 100, rule("key_count_range", "key count must be 1–100")).optional(),
    extensionChange: ExtensionChangeSchema.optional(),
  })
  .strict();

/** A site as returned. `id` equals `name`. */
export const SiteSchema = z
  .object({
    id: ObjectMetaShape.id,
    name: z.string(),
    numberingPlan: NumberingPlanSchema,
    defaultKeyCount: z.int(),
    /** Absent on sites made before it: "update". */
    extensionChange: ExtensionChangeSchema.default("update"),
    sipDomain: z.string(),
    sipProxy: z.string(),
    revision: ObjectMetaShape.revision,
    createdAt: ObjectMetaShape.createdAt,
    updatedAt: ObjectMetaShape.updatedAt,
  })
  .meta({ id: "Site" });

/** Response of `POST /api/v1/sites`: the site and a token scoped to it (shown once). */
export const SiteCreatedSchema = z.object({ site: SiteSchema, token: z.string() }).meta({ id: "SiteCreated" });

export type Site = z.infer<typeof SiteSchema>;
export type SiteCreate = z.input<typeof SiteCreateSchema>;
export type SiteUpdate = z.infer<typeof SiteUpdateSchema>;
export type SiteCreated = z.infer<typeof SiteCreatedSchema>;
