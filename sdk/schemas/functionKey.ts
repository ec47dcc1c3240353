/**
 * Function key on a user's phone (seed 000 Keys tab; seed 002 XiVO function
 * keys with supervision). Addressed by (userId, position); `PUT` creates or
 * replaces, so there is no separate PATCH body.
 */
import { z } from "zod";
import { freeText, IdSchema, isE164, normalizeE164, ObjectMetaShape, rule } from "./common";

/**
 * Key types: those of the Axivox Keys tab (seed 000: blf, quickCall, line,
 * switch, pickup) and the XiVO types of seed 002 that point at what a site
 * holds: forward (unconditional / busy / no answer, with or without a number),
 * service (a feature the user toggles, e.g. DND), group (a user group) and
 * transfer (blind / attended). "Not configured" is the absence of a key
 * (DELETE), not a type.
 */
export const FUNCTION_KEY_TYPES = ["blf", "quickCall", "line", "switch", "pickup", "forward", "service", "group", "transfer"] as const;
export const FunctionKeyTypeSchema = z.enum(FUNCTION_KEY_TYPES);
export type FunctionKeyType = z.infer<typeof FunctionKeyTypeSchema>;

/** Types that point at another user of the site (BLF watches, Line calls, Pickup answers). */
export const KEY_TYPES_WITH_USER_TARGET: readonly FunctionKeyType[] = ["blf", "line", "pickup"];
/** Types that dial a number ("Quick Call: speed-dial of an external number"). */
export const KEY_TYPES_WITH_NUMBER: readonly FunctionKeyType[] = ["quickCall"];

/** Which forward a forward key toggles (seed 002 "forward unconditionnal function key"). */
export const KeyForwardSchema = z.enum(["unconditional", "busy", "noAnswer"]);
/**
 * Services a service key toggles or opens (the XiVO/Wazo service list): DND,
 * voicemail on/off, call recording, incoming call filter, all forwards off,
 * phone status, directory, group pickup, record a sound, voicemail
 * messages, purge voicemail.
 */
export const KEY_SERVICES = ["dnd", "voicemail", "callRecording", "incallFilter", "forwardsOff", "phoneStatus", "directory", "groupPickup", "recordSound", "voicemailMessages", "voicemailPurge"] as const;
export const KeyServiceSchema = z.enum(KEY_SERVICES);
/** A transfer key's kind. */
export const KeyTransferSchema = z.enum(["blind", "attended"]);

/**
 * Keys that can be supervised — "a supervised key will light up when enabled"
 * (seed 002) — because what they point at has a state to show: a user (blf),
 * a number (quickCall, XiVO "Customized"), a forward, the Axivox switch and
 * pickup, and the services that are on or off. A line key is a blf key
 * without supervision; group, transfer and the other services have no lamp.
 */
export const SUPERVISED_SERVICES: readonly string[] = ["dnd", "voicemail", "callRecording", "incallFilter"];
export function canSupervise(type: string, service?: string | null): boolean {
  if (type === "service") return SUPERVISED_SERVICES.includes(String(service));
  return ["blf", "quickCall", "forward", "switch", "pickup"].includes(type);
}

/** Supervision when the program does not say: a blf key lights, every other key is plain. */
export function defaultSupervision(type: string): boolean {
  return type === "blf";
}

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
  /** The user group of a group key. */
  targetGroupId: IdSchema.nullable().optional(),
  number: KeyNumberSchema.nullable().optional(),
  /** The forward a forward key toggles. */
  forward: KeyForwardSchema.nullable().optional(),
  /** The service of a service key. */
  service: KeyServiceSchema.nullable().optional(),
  /** The kind of a transfer key. */
  transfer: KeyTransferSchema.nullable().optional(),
  label: freeText("label_length", "label").nullable().optional(),
  /** Seed 002 "Supervision": the key lights up with the state of its target. Default: on for blf, off otherwise. */
  supervision: z.boolean().optional(),
});

type KeyFields = z.infer<typeof keyFields>;
type TargetField = "targetUserId" | "targetGroupId" | "number" | "forward" | "service" | "transfer";

/** Per target field: the types that need it, and those that may have it. */
const TARGETS: Record<TargetField, { required: readonly FunctionKeyType[]; optional: readonly FunctionKeyType[]; what: string }> = {
  targetUserId: { required: KEY_TYPES_WITH_USER_TARGET, optional: [], what: "a target user" },
  targetGroupId: { required: ["group"], optional: [], what: "a target user group" },
  // Seed 002: "if the forward unconditionnal function key is used with no destination the user will be prompted".
  number: { required: KEY_TYPES_WITH_NUMBER, optional: ["forward"], what: "a number" },
  forward: { required: ["forward"], optional: [], what: "which forward (unconditional, busy or noAnswer)" },
  service: { required: ["service"], optional: [], what: "a service" },
  transfer: { required: ["transfer"], optional: [], what: "a transfer kind (blind or attended)" },
};

/**
 * Seed 000: the secondary options "must be filled out in conjunction with the
 * initial action" — so a target where the type needs one, and none where it
 * does not. Issues point at the field to fix.
 */
function checkKeyTarget(k: KeyFields, ctx: z.RefinementCtx): void {
  for (const [field, t] of Object.entries(TARGETS) as Array<[TargetField, (typeof TARGETS)[TargetField]]>) {
    const needed = t.required.includes(k.type);
    const allowed = needed || t.optional.includes(k.type);
    const present = k[field] !== undefined && k[field] !== null;
    if (needed && !present) {
      ctx.addIssue({ code: "custom", path: [field], message: `a ${k.type} key needs ${t.what} (${field})`, params: { rule: "key_target_required" } });
    } else if (!allowed && present) {
      ctx.addIssue({ code: "custom", path: [field], message: `a ${k.type} key takes no ${field}`, params: { rule: "key_target_forbidden" } });
    }
  }
  // Seed 002 supervision. A line key is a user key without supervision, a blf key one with it.
  if (k.type === "blf" && k.supervision === false) {
    ctx.addIssue({ code: "custom", path: ["supervision"], message: "a blf key is a supervised user key: use type \"line\" for one without supervision", params: { rule: "key_supervision_type" } });
  } else if (k.type === "line" && k.supervision === true) {
    ctx.addIssue({ code: "custom", path: ["supervision"], message: "a line key is a user key without supervision: use type \"blf\" for a supervised one", params: { rule: "key_supervision_type" } });
  } else if (k.supervision === true && !canSupervise(k.type, k.service)) {
    const what = k.type === "service" ? `the ${String(k.service)} service` : `a ${k.type} key`;
    ctx.addIssue({ code: "custom", path: ["supervision"], message: `${what} has no state to light up: leave supervision off`, params: { rule: "key_supervision_unsupported" } });
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
    // Defaults: keys saved before these fields existed read as plain keys of the Axivox types.
    targetGroupId: z.string().nullable().default(null),
    number: z.string().nullable(),
    forward: KeyForwardSchema.nullable().default(null),
    service: KeyServiceSchema.nullable().default(null),
    transfer: KeyTransferSchema.nullable().default(null),
    label: z.string().nullable(),
    supervision: z.boolean().default(false),
  })
  .meta({ id: "FunctionKey" });

/**
 * What makes two keys "exactly the same function key" (seed 002: XiVO rejects
 * it, since it "generally will delete one of the two"): type plus target.
 */
export function functionKeyIdentity(k: { type: string; targetUserId?: string | null; targetGroupId?: string | null; number?: string | null; forward?: string | null; service?: string | null; transfer?: string | null }): string {
  return [k.type, k.targetUserId ?? k.targetGroupId ?? "", k.forward ?? k.service ?? k.transfer ?? "", k.number ?? ""].join(":");
}

export type FunctionKey = z.infer<typeof FunctionKeySchema>;
export type FunctionKeyCreate = z.input<typeof FunctionKeyCreateSchema>;
export type FunctionKeyCreateParsed = z.output<typeof FunctionKeyCreateSchema>;
export type FunctionKeyUpdate = FunctionKeyCreate;
