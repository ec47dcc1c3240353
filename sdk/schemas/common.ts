/**
 * Building blocks shared by every API v1 schema: rule-tagged checks, E.164,
 * object metadata (id, revision, applied, timestamps).
 *
 * Every check that a user can trip carries a stable rule id in `params.rule`
 * so the error shape's `issues[].rule` is machine-readable (see `error.ts`).
 * Zod only keeps `params` on custom issues, which is why rules are written as
 * `.refine(fn, rule(...))` rather than `.min()`/`.regex()`.
 */
import { z } from "zod";

/** Options for `.refine()` that tag the resulting issue with a stable rule id. */
export function rule(id: string, message: string): { message: string; params: { rule: string } } {
  return { message, params: { rule: id } };
}

/**
 * Length in characters as a person counts them (code points): "🙂" is one
 * character, though JavaScript's `length` counts two UTF-16 units.
 */
export function chars(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

/** Refinement arguments for "at most `max` characters", e.g. `.refine(...atMost(100, "first_name_length", "first name"))`. */
export function atMost(max: number, ruleId: string, what: string): [(v: string) => boolean, ReturnType<typeof rule>] {
  return [(v) => chars(v) <= max, rule(ruleId, `${what} must be at most ${max} characters`)];
}

/** Upper bounds of free-text fields, in characters. */
export const MAX_CHARS = { name: 100, email: 254, description: 500, id: 100, secret: 128 } as const;

/** E.164: a plus, a non-zero country code digit, 7 to 15 digits in all. */
export const E164_PATTERN = /^\+[1-9]\d{6,14}$/;

/**
 * Normalise what people type into an E.164 number: strip spaces, dashes, dots
 * and parentheses, and turn an international "00" prefix into "+" (the XiVO
 * CSV in seed 002 writes mobile numbers as `00123456789`). The result is not
 * guaranteed to be valid; check it against {@link E164_PATTERN}.
 */
export function normalizeE164(input: string): string {
  const compact = input.replace(/[\s\-.()]/g, "");
  return compact.startsWith("00") ? `+${compact.slice(2)}` : compact;
}

/** True when `value` (already normalised) is an E.164 number. */
export function isE164(value: string): boolean {
  return E164_PATTERN.test(value);
}

/**
 * An E.164 phone number field. Input is normalised first (seed 000: "be sure
 * to include the country code"), so "+32 470 12 34 56" is stored as
 * "+32470123456" and a diff against the returned value stays quiet.
 */
export function e164(ruleId = "e164", what = "phone number"): z.ZodString {
  return z
    .string()
    .overwrite(normalizeE164)
    .refine(isE164, rule(ruleId, `${what} must be in E.164 format, e.g. +3225550100`))
    .meta({ description: `${what} in E.164 format (spaces, dashes, dots, parentheses and a 00 prefix are normalised)` });
}

/** A non-empty trimmed string (names, labels); `ruleId` names what was empty. */
export function nonEmpty(ruleId: string, what: string, max: number = MAX_CHARS.name): z.ZodString {
  return z
    .string()
    .trim()
    .refine((v) => v.length > 0, rule(ruleId, `${what} must not be empty`))
    .refine(...atMost(max, ruleId.replace(/_empty$/, "_length"), what));
}

/** An optional free text (last name, department, description, label …), trimmed and bounded. */
export function freeText(ruleId: string, what: string, max: number = MAX_CHARS.name): z.ZodString {
  return z.string().trim().refine(...atMost(max, ruleId, what));
}

/** Identifier of an object inside a site (opaque string). */
export const IdSchema = z
  .string()
  .refine((v) => v.length > 0, rule("id_empty", "id must not be empty"))
  .refine(...atMost(MAX_CHARS.id, "id_length", "id"))
  .meta({ description: "Opaque object id, unique inside the PBX" });

/** A site name: it appears in URLs, so a lowercase slug. */
export const SiteNameSchema = z
  .string()
  .refine((v) => /^[a-z0-9][a-z0-9-]{0,62}$/.test(v), rule("site_name_format", "site name must be a lowercase slug (a-z, 0-9, -), at most 63 characters"));

/** Ring time of a destination step or a number; consoles offer a 5–300 s slider. */
export function ringSeconds(defaultSeconds: number): z.ZodDefault<z.ZodInt> {
  return z
    .int()
    .refine((v) => v >= 5 && v <= 300, rule("ring_seconds_range", "ring seconds must be between 5 and 300"))
    .default(defaultSeconds);
}

/**
 * Fields every stored object carries. `applied` is false while the object has
 * saved changes that were not applied yet (seed 000: Save, then "Apply changes").
 */
export const ObjectMetaShape = {
  id: IdSchema,
  site: z.string(),
  revision: z.int().min(1).meta({ description: "Starts at 1, +1 per change; the ETag is its quoted value" }),
  applied: z.boolean().meta({ description: "false while saved changes are not applied yet" }),
  createdAt: z.string().meta({ description: "ISO 8601 timestamp" }),
  updatedAt: z.string().meta({ description: "ISO 8601 timestamp" }),
};

/** `?view=` of a GET: the saved (staged) view or what is live on the PBX. */
export const ViewSchema = z.enum(["saved", "live"]).default("saved");
