/**
 * User: the person behind an extension, with voicemail, portal access, SIP
 * identity and phone features.
 */
import { z } from "zod";
import { atMost, chars, e164, freeText, MAX_CHARS, nonEmpty, ObjectMetaShape, rule } from "./common";
import { checkExtensionRule, DEFAULT_NUMBERING_PLAN, type NumberingPlan } from "./site";

/**
 * Portal permissions, the Axivox Permissions tab list (seed 000), in its order.
 * Each grants one menu of the management console to the user.
 */
export const PERMISSIONS = [
  "userPortal", // User portal access
  "userManagement", // User management
  "administratorRights", // Administrator rights
  "incomingNumberManagement", // Incoming number management
  "userGroupManagement", // User group management
  "phoneNumberManagement", // Phone number management
  "dialPlanManagement", // Dial plan management
  "pickupGroupManagement", // Pickup group management
  "switchManagement", // Switch management
  "conferenceManagement", // Conference management
  "queueManagement", // Queue management
  "voicemailManagement", // Voicemail management
  "audioMessageManagement", // Audio messages management
  "musicOnHoldManagement", // Music on hold management
  "directoryManagement", // Directory management
  "callList", // Call list
  "connectedUserList", // Connected user list
  "generalSettings", // General settings
  "applyChanges", // Apply changes button
  "downloadInvoices", // Download invoices
  "invoiceInformation", // Invoice information
  "blacklistManagement", // Blacklist management
  "conferenceParticipantManagement", // Conference participant management
] as const;

/** One Axivox portal permission (seed 000). */
export const PermissionSchema = z.enum(PERMISSIONS);

/**
 * Portal role / scope. Merges seed 001 (license type Voice/Admin), seed 003
 * (PBX Admin, Supervisor, Agent, Receptionist) and seed 004 scopes (No Portal,
 * Basic User, Call Center Agent/Supervisor, Site/Office Manager).
 */
export const ROLES = ["noPortal", "user", "agent", "supervisor", "receptionist", "siteManager", "admin"] as const;
export const RoleSchema = z.enum(ROLES);

/** Call recording (seed 002): off, on demand with *3, or every call (*26 / "Call recording" box). */
export const CallRecordingSchema = z.enum(["off", "onDemand", "always"]);

/**
 * Extension digits, with what no numbering plan allows (more than 10 digits).
 * Length and reserved ranges are per site: {@link extensionSchema} checks an
 * extension against a known plan, in the plan's words.
 */
export const ExtensionSchema = z
  .string()
  .trim()
  .refine((v) => /^[0-9]+$/.test(v), rule("extension_digits", "extension must contain digits only"))
  .refine((v) => chars(v) <= 10, rule("extension_length", "extension must be at most 10 digits"))
  .meta({ description: "Internal extension; digits; length and reserved ranges follow the site's numbering plan" });

/**
 * The extension under a site's numbering plan: one issue, in the plan's own
 * words (`extension "abcd" must be 2–4 digits`, rule `extension_digits`), so a
 * caller that knows the plan swaps it in for {@link ExtensionSchema}:
 * `UserCreateSchema.extend({ extension: extensionSchema(plan) })`.
 */
export function extensionSchema(plan: NumberingPlan = DEFAULT_NUMBERING_PLAN) {
  return z
    .string()
    .trim()
    .superRefine((v, ctx) => {
      const problem = checkExtensionRule(v, plan);
      if (problem) ctx.addIssue({ code: "custom", message: problem.message, params: { rule: problem.rule } });
    })
    .meta({ description: `Internal extension; ${plan.minLength}–${plan.maxLength} digits outside the reserved ranges` });
}

/** Voicemail PIN: digits only, at least 4 (seed 004). Returned in clear: admins see it in consoles. */
export const VoicemailPinSchema = z
  .string()
  .refine((v) => /^\d*$/.test(v), rule("pin_digits", "voicemail PIN must contain digits only"))
  .refine((v) => v.length >= 4, rule("pin_min_length", "voicemail PIN must be at least 4 digits"))
  .refine((v) => chars(v) <= 20, rule("pin_max_length", "voicemail PIN must be at most 20 digits"));

/** Rings before the call goes to voicemail: 2–10, default 4 (seed 001). */
export const RingsBeforeVoicemailSchema = z
  .int()
  .refine((v) => v >= 2 && v <= 10, rule("rings_before_voicemail_range", "rings before voicemail must be between 2 and 10"));

/** Portal password: at least 8 characters (seed 000), counted as a person counts them. Write-only. */
export const PortalPasswordSchema = z
  .string()
  .refine((v) => chars(v) >= 8, rule("password_min_length", "portal password must be at least 8 characters"))
  .refine(...atMost(MAX_CHARS.secret, "password_max_length", "portal password"));

const EmailSchema = z
  .string()
  .trim()
  .refine((v) => z.email().safeParse(v).success, rule("email_format", "email must be a valid address"))
  .refine(...atMost(MAX_CHARS.email, "email_length", "email"));

/** Voicemail settings as sent. Seed 003: voicemail is enabled by default. */
const VoicemailInputSchema = z
  .object({
    enabled: z.boolean().default(true),
    pin: VoicemailPinSchema.nullable().optional(),
    ringsBeforeVoicemail: RingsBeforeVoicemailSchema.default(4),
  })
  .strict();

const VoicemailPatchSchema = z
  .object({
    enabled: z.boolean().optional(),
    pin: VoicemailPinSchema.nullable().optional(),
    ringsBeforeVoicemail: RingsBeforeVoicemailSchema.optional(),
  })
  .strict();

/** Portal credentials as sent (seed 000 Permissions tab: Username + Password). */
const PortalInputSchema = z
  .object({
    username: nonEmpty("portal_username_empty", "portal username").nullable().optional(),
    password: PortalPasswordSchema.nullable().optional(),
  })
  .strict();

/**
 * Fields a user can set, with no defaults, so `.partial()` for PATCH never
 * invents values (zod 4 applies inner defaults even under `.optional()`).
 * `null` clears an optional field.
 */
const userFields = {
  extension: ExtensionSchema,
  firstName: nonEmpty("first_name_empty", "first name"),
  lastName: freeText("last_name_length", "last name").nullable(),
  email: EmailSchema.nullable(),
  /** Axivox "GSM number" (seed 000): include the country code. */
  mobileNumber: e164("e164", "mobile number").nullable(),
  department: freeText("department_length", "department").nullable(),
  /** Locale, XiVO style (seed 002: de_DE, en_US, fr_FR …). */
  language: z
    .string()
    .refine((v) => /^[a-z]{2}_[A-Z]{2}$/.test(v), rule("language_format", "language must look like en_US"))
    .nullable(),
  role: RoleSchema,
  permissions: z
    .array(PermissionSchema)
    .refine((p) => new Set(p).size === p.length, rule("permissions_unique", "a permission is listed twice")),
  /** Listed in the dial-by-name directory (seed 000 "Directory"). */
  directoryListed: z.boolean(),
  /** "This user can receive multiple calls at the same time" (seed 000). */
  multipleCalls: z.boolean(),
  /** "This user must log-in to call" — hot desking (seed 000, seed 003 *11). */
  loginRequired: z.boolean(),
  /** Do not disturb (seed 001). */
  dnd: z.boolean(),
  callRecording: CallRecordingSchema,
  /** Outbound caller ID; must be an incoming number of the same site (seed 003), checked by the PBX. */
  outgoingCallerId: e164("e164", "outgoing caller ID").nullable(),
  /** Number of function keys (seed 000 "Number of keys"). */
  keyCount: z.int().refine((v) => v >= 1 && v <= 100, rule("key_count_range", "key count must be 1–100")),
};

/** Body of `POST /sites/{site}/users`. Omitted fields get the PBX defaults. */
export const UserCreateSchema = z
  .object({
    ...userFields,
    lastName: userFields.lastName.optional(),
    email: userFields.email.optional(),
    mobileNumber: userFields.mobileNumber.optional(),
    department: userFields.department.optional(),
    language: userFields.language.optional(),
    role: userFields.role.default("user"),
    permissions: userFields.permissions.default([]),
    directoryListed: userFields.directoryListed.default(true),
    multipleCalls: userFields.multipleCalls.default(false),
    loginRequired: userFields.loginRequired.default(false),
    dnd: userFields.dnd.default(false),
    callRecording: userFields.callRecording.default("off"),
    outgoingCallerId: userFields.outgoingCallerId.optional(),
    /** Omitted: the site's `defaultKeyCount`. */
    keyCount: userFields.keyCount.optional(),
    voicemail: VoicemailInputSchema.default({ enabled: true, ringsBeforeVoicemail: 4 }),
    portal: PortalInputSchema.optional(),
  })
  .strict()
  .meta({ id: "UserCreate" });

/** Body of `PATCH /sites/{site}/users/{id}`: any subset; nested objects merge. */
export const UserUpdateSchema = z
  .object({
    ...z.object(userFields).partial().shape,
    voicemail: VoicemailPatchSchema.optional(),
    portal: PortalInputSchema.optional(),
  })
  .strict()
  .meta({ id: "UserUpdate" });

/** Status tags of seed 004. */
export const USER_TAGS = ["New", "Setup Required", "Password Required"] as const;
export const UserTagSchema = z.enum(USER_TAGS);
export type UserTag = z.infer<typeof UserTagSchema>;

/**
 * Compute the seed 004 status tags, in this order:
 * - "New": the user has an email, but neither a voicemail PIN nor a portal password;
 * - "Setup Required": the user has no email address;
 * - "Password Required": the user has no portal password.
 * So a fresh user with only an email is ["New", "Password Required"], and a
 * fully set-up user has no tags.
 */
export function computeUserTags(u: { email?: string | null; voicemailPinSet: boolean; portalPasswordSet: boolean }): UserTag[] {
  const tags: UserTag[] = [];
  const hasEmail = !!u.email;
  if (hasEmail && !u.voicemailPinSet && !u.portalPasswordSet) tags.push("New");
  if (!hasEmail) tags.push("Setup Required");
  if (!u.portalPasswordSet) tags.push("Password Required");
  return tags;
}

/** A user as returned (saved or live view). */
export const UserSchema = z
  .object({
    ...ObjectMetaShape,
    extension: z.string(),
    firstName: z.string(),
    lastName: z.string().nullable(),
    email: z.string().nullable(),
    mobileNumber: z.string().nullable(),
    department: z.string().nullable(),
    language: z.string().nullable(),
    role: RoleSchema,
    permissions: z.array(PermissionSchema),
    directoryListed: z.boolean(),
    multipleCalls: z.boolean(),
    loginRequired: z.boolean(),
    dnd: z.boolean(),
    callRecording: CallRecordingSchema,
    outgoingCallerId: z.string().nullable(),
    keyCount: z.int(),
    voicemail: z.object({ enabled: z.boolean(), pin: z.string().nullable(), ringsBeforeVoicemail: z.int() }),
    /** The password is write-only: only whether one is set comes back. */
    portal: z.object({ username: z.string().nullable(), passwordSet: z.boolean() }),
    /** Seed 000 SIP identifiers: the SIP username is the extension. */
    sipUsername: z.string(),
    sipDomain: z.string(),
    sipProxy: z.string(),
    /** Generated by the PBX, unique per user (seed 000). Secret. */
    sipPassword: z.string(),
    tags: z.array(UserTagSchema),
  })
  .meta({ id: "User" });

export type User = z.infer<typeof UserSchema>;
/** What a caller may send to create a user (defaults optional). */
export type UserCreate = z.input<typeof UserCreateSchema>;
/** A create body after parsing, defaults filled in. */
export type UserCreateParsed = z.output<typeof UserCreateSchema>;
export type UserUpdate = z.input<typeof UserUpdateSchema>;
export type UserUpdateParsed = z.output<typeof UserUpdateSchema>;
export type Permission = z.infer<typeof PermissionSchema>;
export type Role = z.infer<typeof RoleSchema>;
