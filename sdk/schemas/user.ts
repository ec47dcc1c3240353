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
 * Simple User, Basic User, Call Center Agent/Supervisor, Site/Office Manager).
 */
export const ROLES = ["noPortal", "simpleUser", "user", "agent", "supervisor", "receptionist", "siteManager", "admin"] as const;
export const RoleSchema = z.enum(ROLES);

/**
 * The user scopes of seed 004, exactly as the portal names them ("User's
 * Scope"), in its order. A scope is another name for one {@link ROLES} value
 * ({@link ROLE_OF_SCOPE}): the PBX stores the role, and reads the scope back
 * from it. Seed 003's Receptionist has no seed 004 scope (its scope reads null).
 */
export const SCOPES = ["No Portal", "Simple User", "Basic User", "Call Center Agent", "Call Center Supervisor", "Site Manager", "Office Manager"] as const;
export const ScopeSchema = z.enum(SCOPES);
export type Scope = z.infer<typeof ScopeSchema>;

/**
 * Seed 004 scope → role. "Basic User" is the default user (seed 001 license
 * "Voice"), "Office Manager" the customer administrator (seed 001 "Admin",
 * seed 003 "PBX Admin"), "Site Manager" the site administrator; the call
 * center scopes are seed 003's Agent and Supervisor.
 */
export const ROLE_OF_SCOPE: Record<Scope, Role> = {
  "No Portal": "noPortal",
  "Simple User": "simpleUser",
  "Basic User": "user",
  "Call Center Agent": "agent",
  "Call Center Supervisor": "supervisor",
  "Site Manager": "siteManager",
  "Office Manager": "admin",
};

/** Role → seed 004 scope; null for a role seed 004 has no scope for (receptionist). */
export function scopeOfRole(role: Role): Scope | null {
  return (Object.keys(ROLE_OF_SCOPE) as Scope[]).find((s) => ROLE_OF_SCOPE[s] === role) ?? null;
}

/** Boss / secretary call filter role (seed 002 `bosssecretary`: no, boss, secretary). */
export const BossSecretarySchema = z.enum(["none", "boss", "secretary"]);

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

/** Extra voicemail notification addresses (seed 004 "Email Addresses"): valid, no duplicates, at most 10. */
const NotificationEmailsSchema = z
  .array(EmailSchema)
  .refine((l) => new Set(l.map((e) => e.toLowerCase())).size === l.length, rule("voicemail_emails_unique", "a notification e-mail address is listed twice"))
  .refine((l) => l.length <= 10, rule("voicemail_emails_count", "at most 10 notification e-mail addresses"));

/**
 * Voicemail fields beyond enabled / PIN / rings (seeds 001, 002, 003, 004).
 * `email` is the voicemail's own address (seed 001 "Email Address: Email on
 * which the user will receive the voicemail", seed 002 `voicemailemail`):
 * unset or null, messages go to the user's e-mail.
 */
const voicemailExtraFields = {
  email: EmailSchema.nullable(),
  notificationEmails: NotificationEmailsSchema,
  /** Seed 002 `voicemailattach`: the audio file is attached to the notification e-mail. */
  attachAudio: z.boolean(),
  /** Seed 002 `voicemaildelete`, seed 003 "delete the messages from database after sending notifications". */
  deleteAfterNotification: z.boolean(),
  /** Seed 002 `voicemailskippass` inverted: the voicemail asks for the PIN (true) or skips it (false). */
  askPassword: z.boolean(),
};

/** Voicemail settings as sent. Seed 003: voicemail is enabled by default. */
const VoicemailInputSchema = z
  .object({
    enabled: z.boolean().default(true),
    pin: VoicemailPinSchema.nullable().optional(),
    ringsBeforeVoicemail: RingsBeforeVoicemailSchema.default(4),
    email: voicemailExtraFields.email.optional(),
    notificationEmails: voicemailExtraFields.notificationEmails.optional(),
    attachAudio: voicemailExtraFields.attachAudio.optional(),
    deleteAfterNotification: voicemailExtraFields.deleteAfterNotification.optional(),
    askPassword: voicemailExtraFields.askPassword.optional(),
  })
  .strict();

const VoicemailPatchSchema = z
  .object({
    enabled: z.boolean().optional(),
    pin: VoicemailPinSchema.nullable().optional(),
    ringsBeforeVoicemail: RingsBeforeVoicemailSchema.optional(),
    ...z.object(voicemailExtraFields).partial().shape,
  })
  .strict();

/** CTI client password (seed 002 XiVO Client `password`): 4–128 characters, no spaces. Write-only. */
export const CtiPasswordSchema = z
  .string()
  .refine((v) => chars(v) >= 4, rule("cti_password_min_length", "CTI client password must be at least 4 characters"))
  .refine((v) => !/\s/.test(v), rule("cti_password_format", "CTI client password must not contain spaces"))
  .refine(...atMost(MAX_CHARS.secret, "cti_password_max_length", "CTI client password"));

/** CTI client login name (seed 002 XiVO Client `username`). */
const CtiUsernameSchema = z
  .string()
  .trim()
  .refine((v) => /^[a-zA-Z0-9._@-]{2,254}$/.test(v), rule("cti_username_format", "CTI client username must be 2–254 letters, digits, . _ @ or -"));

/** CTI (XiVO Client) login as sent: seed 002 `enableclient`, `username`, `password`, `profileclient`. */
const CtiInputSchema = z
  .object({
    enabled: z.boolean().optional(),
    username: CtiUsernameSchema.nullable().optional(),
    password: CtiPasswordSchema.nullable().optional(),
    /** CTI profile name (XiVO "Services > CTI server > Profiles"), e.g. "client", "agent", "supervisor". */
    profile: nonEmpty("cti_profile_empty", "CTI profile").nullable().optional(),
  })
  .strict();

/** Hot-desking PIN (seed 003: dial *11 and enter the PIN): digits only, 4–20. Secret. */
export const HotDeskingPinSchema = z
  .string()
  .refine((v) => /^\d*$/.test(v), rule("hot_desking_pin_digits", "hot-desking PIN must contain digits only"))
  .refine((v) => v.length >= 4 && v.length <= 20, rule("hot_desking_pin_length", "hot-desking PIN must be 4–20 digits"));

/** Agent number (seed 002 `agentnumber`): digits, 1–10. */
const AgentNumberSchema = z
  .string()
  .trim()
  .refine((v) => /^\d{1,10}$/.test(v), rule("agent_number_format", "agent number must be 1–10 digits"));

/** Extra extensions (seed 003 "Multiple extensions can be added to single users"): digits, no duplicates, at most 10. */
const ExtraExtensionsSchema = z
  .array(ExtensionSchema)
  .refine((l) => new Set(l).size === l.length, rule("extra_extensions_unique", "an extra extension is listed twice"))
  .refine((l) => l.length <= 10, rule("extra_extensions_count", "at most 10 extra extensions"));

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
  /** Seed 004 "User's Scope", another name for `role` (see {@link ROLE_OF_SCOPE}). */
  scope: ScopeSchema,
  /** Seed 002 `enablexfer`: the user may transfer calls. */
  callTransfer: z.boolean(),
  /** Seed 002 `enablehint`: the user's line is supervised (its state lights BLF keys). */
  supervision: z.boolean(),
  /** Seed 002 `bosssecretary`: the user's role in a boss/secretary call filter. */
  bossSecretary: BossSecretarySchema,
  /** Seed 002 `agentnumber`: the call-center agent number of the user. */
  agentNumber: AgentNumberSchema.nullable(),
  /** Seed 003 hot desking (*11 then the PIN). Secret. */
  hotDeskingPin: HotDeskingPinSchema.nullable(),
  /** Seed 003: extensions besides the main one, each unique on the site and in its numbering plan. */
  extraExtensions: ExtraExtensionsSchema,
};

/**
 * Cross-field rules of a user's full data (a create body, or saved data after
 * a PATCH): role and scope agree; a voicemail that deletes messages after the
 * notification has an address to send them to and attaches the audio (else
 * the message is lost); an enabled CTI login has a username; the extra
 * extensions differ from the main one.
 */
export function userCrossIssues(u: {
  extension?: string;
  email?: string | null;
  role?: Role;
  scope?: Scope | null;
  voicemail?: { email?: string | null; notificationEmails?: string[]; attachAudio?: boolean; deleteAfterNotification?: boolean };
  cti?: { enabled?: boolean; username?: string | null } | null;
  extraExtensions?: string[];
}): { path: string[]; rule: string; message: string }[] {
  const out: { path: string[]; rule: string; message: string }[] = [];
  if (u.scope && u.role && ROLE_OF_SCOPE[u.scope] !== u.role) {
    out.push({ path: ["scope"], rule: "role_scope_conflict", message: `scope "${u.scope}" is role "${ROLE_OF_SCOPE[u.scope]}", but role says "${u.role}": set one of them` });
  }
  const vm = u.voicemail;
  if (vm?.deleteAfterNotification) {
    if (!vm.email && !u.email && !(vm.notificationEmails ?? []).length) {
      out.push({ path: ["voicemail", "deleteAfterNotification"], rule: "voicemail_delete_needs_email", message: "deleting messages after the notification needs an e-mail address to notify (voicemail.email or the user's email)" });
    } else if (vm.attachAudio !== true) {
      out.push({ path: ["voicemail", "deleteAfterNotification"], rule: "voicemail_delete_needs_attach", message: "deleting messages after the notification needs voicemail.attachAudio, else the message is lost" });
    }
  }
  if (u.cti?.enabled && !u.cti.username) out.push({ path: ["cti", "username"], rule: "cti_username_required", message: "an enabled CTI client login needs a username (seed 002: enableclient=1 needs username and password)" });
  if (u.extension !== undefined && (u.extraExtensions ?? []).includes(u.extension)) {
    out.push({ path: ["extraExtensions"], rule: "extra_extension_is_main", message: `extension ${u.extension} is already the user's main extension` });
  }
  return out;
}

function addCrossIssues(v: Parameters<typeof userCrossIssues>[0], ctx: z.RefinementCtx): void {
  for (const i of userCrossIssues(v)) ctx.addIssue({ code: "custom", path: i.path, message: i.message, params: { rule: i.rule } });
}

/** Body of `POST /sites/{site}/users`. Omitted fields get the PBX defaults. */
export const UserCreateSchema = z
  .object({
    ...userFields,
    lastName: userFields.lastName.optional(),
    email: userFields.email.optional(),
    mobileNumber: userFields.mobileNumber.optional(),
    department: userFields.department.optional(),
    language: userFields.language.optional(),
    /** Omitted: from `scope`, else "user". */
    role: userFields.role.optional(),
    scope: userFields.scope.optional(),
    callTransfer: userFields.callTransfer.default(false),
    supervision: userFields.supervision.default(true),
    bossSecretary: userFields.bossSecretary.default("none"),
    agentNumber: userFields.agentNumber.optional(),
    hotDeskingPin: userFields.hotDeskingPin.optional(),
    extraExtensions: userFields.extraExtensions.default([]),
    cti: CtiInputSchema.optional(),
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

/** A PATCH body's own cross-field rule (role vs scope); the rest is judged on the merged user. */
export function withPatchRules<T extends z.ZodType<{ role?: Role; scope?: Scope }>>(schema: T): T {
  return schema.superRefine((v, ctx) => addCrossIssues({ role: v.role, scope: v.scope }, ctx)) as unknown as T;
}

/** {@link UserCreateSchema} with its cross-field rules ({@link userCrossIssues}); `.extend()` the plain one first. */
export function withUserRules<T extends z.ZodType<Parameters<typeof userCrossIssues>[0]>>(schema: T): T {
  return schema.superRefine(addCrossIssues) as unknown as T;
}

/** Body of `PATCH /sites/{site}/users/{id}`: any subset; nested objects merge. */
export const UserUpdateSchema = z
  .object({
    ...z.object(userFields).partial().shape,
    voicemail: VoicemailPatchSchema.optional(),
    portal: PortalInputSchema.optional(),
    cti: CtiInputSchema.optional(),
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
    // Fields of issue 14 default when absent, so answers of a PBX from before them still read.
    /** Seed 004 scope of the role; null for a role seed 004 has no scope for. */
    scope: ScopeSchema.nullable().default(null),
    callTransfer: z.boolean().default(false),
    supervision: z.boolean().default(true),
    bossSecretary: BossSecretarySchema.default("none"),
    agentNumber: z.string().nullable().default(null),
    /** Secret. */
    hotDeskingPin: z.string().nullable().default(null),
    extraExtensions: z.array(z.string()).default([]),
    voicemail: z.object({
      enabled: z.boolean(),
      pin: z.string().nullable(),
      ringsBeforeVoicemail: z.int(),
      email: z.string().nullable().default(null),
      notificationEmails: z.array(z.string()).default([]),
      attachAudio: z.boolean().default(false),
      deleteAfterNotification: z.boolean().default(false),
      askPassword: z.boolean().default(true),
    }),
    /** The password is write-only: only whether one is set comes back. */
    portal: z.object({ username: z.string().nullable(), passwordSet: z.boolean() }),
    /** CTI client login; the password is write-only. */
    cti: z
      .object({ enabled: z.boolean(), username: z.string().nullable(), profile: z.string().nullable(), passwordSet: z.boolean() })
      .default({ enabled: false, username: null, profile: null, passwordSet: false }),
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
