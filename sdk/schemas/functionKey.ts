/**
 * Function key on a user's phone (seed 000 Keys tab; seed 002 XiVO function
 * keys with supervision). Addressed by (userId, position); `PUT` creates or
 * replaces, so there is no separate PATCH body.
 */
import { z } from "zod";
import { freeText, IdSchema, isE164, normalizeE164, ObjectMetaShape, rule } from "./common";

/**
 * Key types of the Axivox Keys tab (seed 000). "Not configured" is the absence
 * of a key (DELETE), not a type.
 */
export const FUNCTION_KEY_TYPES = ["blf", "quickCall", "line", "switch", "pickup"] as const;
export const FunctionKeyTypeSchema = z.enum(FUNCTION_KEY_TYPES);
export type FunctionKeyType = z.infer<typeof FunctionKeyTypeSchema>;

/** Types that point at another user of the site (BLF watches, Line calls, Pickup answers). */
export const KEY_TYPES_WITH_USER_TARGET: readonly FunctionKeyType[] = ["blf", "line", "pickup"];
/** Types that dial a number ("Quick Call: speed-dial of an external number"). */
export const KEY_TYPES_WITH_NUMBER: readonly FunctionKeyType[] = ["quickCall"];

/** Key position, 1-based; the upper bound is the user's key count, checked by the PBX. */
export const KeyPositionSchema = z
  .int()
  .refine((v) => v >= 1, rule("key_position_range", "key position must be 1 or more"));

/**
 * Key position as written in a URL (`/keys/3`): digits only, no sign,
 * exponent, hex or leading zero, so one key has one address.
 */
export const KeyPositionParamSchema = z
  .string()
  .refine((v) => /^(0|[1-9]\d{0,8})$/.test(v), rule("key_position_format", "key position must be a whole number in digits, e.g. 3"))
  .transform(Number)
  .pipe(KeyPositionSchema);

/** A quick-call number: E.164 (normalised) or internal digits. */
const KeyNumberSchema = z
  .string()
  .overwrite((v) => (/^[\d\s\-.()]+$/.test(v) && !v.trim().startsWith("00") ? v.replace(/[\s\-.()]/g, "") : normalizeE164(v)))
  .refine((v) => isE164(v) || /^\d{1,10}$/.test(v), rule("key_number_format", "number must be E.164 (e.g. +3225550100) or internal digits"));

const keyFields = z.object({
  /** Owner; optional in the body because the path names it — must match if given. */
  userId: IdSchema.optional(),
  /** Optional in the body because the path names it — must match if given. */
  position: KeyPositionSchema.optional(),
  type: FunctionKeyTypeSchema,
  targetUserId: IdSchema.nullable().optional(),
  number: KeyNumberSchema.nullable().optional(),
  label: freeText("label_length", "label").nullable().optional(),
});

/**
 * Seed 000: the secondary options "must be filled out in conjunction with the
 * initial action" — so a target where the type needs one, and none where it
 * does not. Issues point at the field to fix.
 */
function checkKeyTarget(k: z.infer<typeof keyFields>, ctx: z.RefinementCtx): void {
  const needsUser = KEY_TYPES_WITH_USER_TARGET.includes(k.type);
  const needsNumber = KEY_TYPES_WITH_NUMBER.includes(k.type);
  const pairs: Array<[keyof typeof k, boolean, string]> = [
    ["targetUserId", needsUser, "a target user"],
    ["number", needsNumber, "a number"],
  ];
  for (const [field, needed, what] of pairs) {
    const present = k[field] !== undefined && k[field] !== null;
    if (needed && !present) {
      ctx.addIssue({ code: "custom", path: [field], message: `a ${k.type} key needs ${what} (${field})`, params: { rule: "key_target_required" } });
    } else if (!needed && present) {
      ctx.addIssue({ code: "custom", path: [field], message: `a ${k.type} key takes no ${field}`, params: { rule: "key_target_forbidden" } });
    }
  }
}

/** Body of `PUT /sites/{site}/users/{userId}/keys/{position}`. */
export const FunctionKeyCreateSchema = keyFields.strict().superRefine(checkKeyTarget).meta({ id: "FunctionKeyCreate" });

/** PUT replaces the whole key, so an update is the same body as a create. */
export const FunctionKeyUpdateSchema = FunctionKeyCreateSchema;

/** A function key as returned. */
export const FunctionKeySchema = z
  .object({
    ...ObjectMetaShape,
    userId: z.string(),
    position: z.int(),
    type: FunctionKeyTypeSchema,
    targetUserId: z.string().nullable(),
    number: z.string().nullable(),
    label: z.string().nullable(),
  })
  .meta({ id: "FunctionKey" });

/**
 * What makes two keys "exactly the same function key" (seed 002: XiVO rejects
 * it, since it "generally will delete one of the two"): type plus target.
 */
export function functionKeyIdentity(k: { type: string; targetUserId?: string | null; number?: string | null }): string {
  return `${k.type}:${k.targetUserId ?? k.number ?? ""}`;
}

export type FunctionKey = z.infer<typeof FunctionKeySchema>;
export type FunctionKeyCreate = z.input<typeof FunctionKeyCreateSchema>;
export type FunctionKeyCreateParsed = z.output<typeof FunctionKeyCreateSchema>;
export type FunctionKeyUpdate = FunctionKeyCreate;
