/**
 * Our description of the Wazo confd 1.1 and wazo-auth 0.1 objects the wazo
 * driver reads and writes: request bodies (what confd accepts, with its limits
 * and messages) and responses (the fields we rely on; Wazo sends more).
 *
 * Read from wazo-platform/wazo-confd (GPL-3.0) — the plugins' `api.yml`
 * (Swagger 2.0) and, where that is loose, their `schema.py` (marshmallow),
 * `validator.py`, `resource.py`, `middleware.py`, plus `helpers/destination.py`,
 * `helpers/mallow.py`, `helpers/validator.py`; defaults from xivo-dao's
 * models — and from wazo-platform/wazo-auth's `tokens`, `tenants`, `users`
 * plugins. Described in our own words; nothing is copied from those files.
 *
 * Bodies follow confd's reading rules:
 * - unknown fields are ignored (BaseSchema `unknown = EXCLUDE`), not refused;
 * - on PUT only the first level is partial (`partial=True`): a field left out
 *   keeps its value, but a nested object sent must be complete;
 * - `StrictBoolean` fields take JSON booleans only.
 */
import { z } from "zod";
import { MSG, body, email, float, int, itemsOf, links, list, loose, looseBool, nested, oneOf, sectionOptions, str, strictBool, uuid } from "./fields";

// ---------------------------------------------------------------------------
// Patterns and enumerations from confd's schemas

export const LANGUAGE_RE = /^[a-z]{2}_[A-Z]{2}$/;
/** User caller ID: `"Name"` optionally followed by ` <number>`. */
export const CALLER_ID_RE = /^"(.*)"( <\+?\d+>)?$/;
export const MOBILE_RE = /^\+?[0-9*#]+$/;
export const CTI_USERNAME_RE = /^[a-zA-Z0-9\-._~!$&'()*+,;=%@]{2,254}$/;
export const CTI_PASSWORD_RE = /^[a-zA-Z0-9\-._~!$&'()*+,;=%]{4,64}$/;
export const CALL_PERMISSION_PASSWORD_RE = /^[0-9#*]{1,16}$/;
/** What an extension's `exten` may be outside outcall contexts: digits, `*`, `#`, or an Asterisk pattern `_…`. */
export const EXTEN_RE = /^_[*#0-9_XxZzNn[\].!-]{1,39}$|^[*#0-9]{1,40}$/;
export const VOICEMAIL_NUMBER_RE = /^[0-9]{1,40}$/;
export const VOICEMAIL_PASSWORD_RE = /^[0-9]{1,80}$/;
export const GROUP_LABEL_RE = /^[-_.a-zA-Z0-9 ]+$/;
export const FUNCKEY_EXTEN_RE = /^[A-Z0-9+*]+$/;
export const DEST_CONTEXT_RE = /^[a-zA-Z0-9_-]{1,79}$/;
export const DEST_EXTEN_RE = /^[0-9*#]{1,255}$/;
/** Dialplan application call for `custom` destinations; `System()`/`TrySystem()` are refused. */
export const DEST_COMMAND_RE = /^(?!(try)?system\()[a-zA-Z]{3,}\((.*)\)$/;
/** A PJSIP section name (endpoint `name`). */
export const PJSIP_NAME_RE = /^[-_.a-zA-Z0-9]+$/;
export const TENANT_SLUG_RE = /^[a-zA-Z0-9_-]+$/;

export const LANGUAGES = ["de_DE", "en_US", "es_ES", "fr_FR", "fr_CA", "it_IT", "nl_NL"] as const;
export const RING_STRATEGIES = ["all", "random", "least_recent", "linear", "fewest_calls", "memorized_round_robin", "weight_random"] as const;
export const CALLER_ID_MODES = ["prepend", "overwrite", "append"] as const;
export const FORWARD_NAMES = ["busy", "noanswer", "unconditional"] as const;
export const SERVICE_NAMES = ["dnd", "incallfilter"] as const;
export const CONTEXT_TYPES = ["internal", "incall", "outcall", "services", "others"] as const;
export const AUTH_PURPOSES = ["user", "internal", "external_api"] as const;

// ---------------------------------------------------------------------------
// Destinations (incalls, user fallbacks): `helpers/destination.py`

export const DESTINATION_TYPES = ["application", "conference", "custom", "extension", "group", "hangup", "ivr", "none", "outcall", "queue", "sound", "switchboard", "user", "voicemail"] as const;
export const APPLICATIONS = ["callback_disa", "custom", "directory", "disa", "fax_to_mail", "voicemail"] as const;
export const HANGUP_CAUSES = ["busy", "congestion", "normal"] as const;

const destType = oneOf(DESTINATION_TYPES);

/** Per type, the fields of a destination (besides `type`). */
export const DESTINATION_FIELDS = {
  application: {
    application: oneOf(APPLICATIONS),
    // callback_disa, disa: pin (digits) + context; directory, voicemail: context; fax_to_mail: email; custom: application_uuid
    context: str({ pattern: DEST_CONTEXT_RE }).optional(),
    pin: str({ digits: true, max: 40 }).nullable().optional(),
    email: email(80).optional(),
    application_uuid: uuid().optional(),
  },
  conference: { conference_id: int() },
  custom: { command: str({ pattern: DEST_COMMAND_RE, max: 255 }) },
  extension: { exten: str({ pattern: DEST_EXTEN_RE }), context: str({ pattern: DEST_CONTEXT_RE }) },
  group: { group_id: int(), ring_time: float({ min: 0 }).nullable().optional() },
  hangup: { cause: oneOf(HANGUP_CAUSES), timeout: float({ min: 0 }).nullable().optional() },
  ivr: { ivr_id: int() },
  none: {},
  outcall: { outcall_id: int(), exten: str({ digits: true, max: 255 }) },
  queue: { queue_id: int(), ring_time: float({ min: 0 }).nullable().optional(), skill_rule_id: int().nullable().optional(), skill_rule_variables: z.record(z.string(), z.string()).nullable().optional() },
  sound: { filename: str({ max: 255 }), skip: strictBool().optional(), no_answer: strictBool().optional() },
  switchboard: { switchboard_uuid: uuid(), ring_time: float({ min: 0 }).nullable().optional() },
  user: { user_id: int(), ring_time: float({ min: 0 }).nullable().optional(), moh_uuid: uuid().nullable().optional() },
  voicemail: { voicemail_id: int(), skip_instructions: strictBool().optional(), greeting: oneOf(["busy", "unavailable"]).nullable().optional() },
} as const satisfies Record<(typeof DESTINATION_TYPES)[number], z.core.$ZodLooseShape>;

/** The schema of one destination type (type included), for request validation. */
export const destinationOfType: Record<string, z.ZodObject> = Object.fromEntries(
  Object.entries(DESTINATION_FIELDS).map(([t, shape]) => [t, body({ type: z.literal(t), ...shape })]),
);

/** Marks schemas whose shape depends on a discriminator (the unknown-field walker asks it). */
export const RESOLVERS = new WeakMap<z.ZodType, (value: unknown) => z.ZodType | undefined>();

/**
 * A destination field: `type` first (one of the known types), then that
 * type's own fields — as confd reads it in two steps.
 */
export function destination() {
  const schema = z
    .looseObject({ type: destType }, { error: (iss) => (iss.input === undefined ? MSG.required : iss.input === null ? MSG.null : MSG.nested) })
    .transform((v, ctx) => {
      const r = destinationOfType[v.type].safeParse(v);
      if (!r.success) {
        for (const i of r.error.issues) ctx.addIssue({ code: "custom", message: i.message, path: i.path as PropertyKey[], input: v });
        return z.NEVER;
      }
      return r.data as { type: (typeof DESTINATION_TYPES)[number] } & Record<string, unknown>;
    });
  RESOLVERS.set(schema, (value) => {
    const t = (value as { type?: unknown } | null)?.type;
    return typeof t === "string" ? destinationOfType[t] : undefined;
  });
  return schema;
}

/** A destination as Wazo answers it: its type, its fields, names of what it points at. */
export const destinationResponse = loose({ type: z.enum(DESTINATION_TYPES) });

// ---------------------------------------------------------------------------
// Users: `plugins/user/schema.py`

/** Fields of `UserSchema` that a client may write. `nullOnCreate`: POST /users also takes null for it. */
function userFields(create: boolean) {
  const n = <T extends z.ZodType>(s: T) => (create ? s.nullable() : s);
  return {
    firstname: str({ max: 128 }),
    lastname: str({ max: 128 }).nullable(),
    email: email(254).nullable(),
    timezone: str({ max: 128 }).nullable(),
    language: str({ pattern: LANGUAGE_RE }).nullable(),
    description: str().nullable(),
    caller_id: n(str({ pattern: CALLER_ID_RE, max: 160 })),
    outgoing_caller_id: str({ max: 80 }).nullable(),
    mobile_phone_number: str({ pattern: MOBILE_RE, max: 80 }).nullable(),
    mobile_fallback_enabled: strictBool(),
    username: str({ pattern: CTI_USERNAME_RE }).nullable(),
    password: str({ pattern: CTI_PASSWORD_RE }).nullable(),
    music_on_hold: str({ max: 128 }).nullable(),
    preprocess_subroutine: str({ max: 79 }).nullable(),
    userfield: str({ max: 128 }).nullable(),
    call_transfer_enabled: n(strictBool()),
    dtmf_hangup_enabled: n(strictBool()),
    /** Deprecated: sets the four `call_record_*_enabled` at once; may not be sent with them. */
    call_record_enabled: n(strictBool()),
    call_record_outgoing_external_enabled: strictBool(),
    call_record_outgoing_internal_enabled: strictBool(),
    call_record_incoming_internal_enabled: strictBool(),
    call_record_incoming_external_enabled: strictBool(),
    online_call_record_enabled: n(strictBool()),
    supervision_enabled: n(strictBool()),
    /** Seconds the user's phones ring before the no-answer fallback (Wazo counts seconds, not rings). */
    ring_seconds: n(int({ min: 0, max: 10800 })),
    simultaneous_calls: n(int({ min: 1, max: 20 })),
    call_permission_password: str({ pattern: CALL_PERMISSION_PASSWORD_RE }).nullable(),
    subscription_type: int({ min: 0, max: 10 }),
    enabled: n(strictBool()),
    func_key_template_id: int().nullable(),
  };
}

const CALL_RECORD_DETAIL = ["call_record_outgoing_external_enabled", "call_record_outgoing_internal_enabled", "call_record_incoming_external_enabled", "call_record_incoming_internal_enabled"] as const;

function callRecordExclusive(v: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const detail = CALL_RECORD_DETAIL.some((k) => v[k] !== undefined && v[k] !== null);
  if (v.call_record_enabled !== undefined && v.call_record_enabled !== null && detail) {
    ctx.addIssue({ code: "custom", message: "'call_record_enabled' is deprecated and incompatible with 'call_record_*_enabled' options", path: [], params: { schema: true } });
  }
}

/** Optional everywhere except `required`: a create shape. */
function optionalExcept<S extends Record<string, z.ZodType>>(shape: S, required: readonly (keyof S)[]): Record<string, z.ZodType> {
  return Object.fromEntries(Object.entries(shape).map(([k, s]) => [k, required.includes(k) ? s : s.optional()]));
}
/** Every field optional: the first level of a PUT. */
function allOptional<S extends Record<string, z.ZodType>>(shape: S): Record<string, z.ZodType> {
  return Object.fromEntries(Object.entries(shape).map(([k, s]) => [k, s.optional()]));
}

/** The wazo-auth user created with a confd user (`auth` of POST /users); missing names/login come from the user. */
export const userAuthBody = nested({
  username: str({ min: 1, max: 256 }).nullable().optional(),
  password: str({ min: 1 }).nullable().optional(),
  firstname: str().nullable().optional(),
  lastname: str().nullable().optional(),
  purpose: oneOf(AUTH_PURPOSES).optional(),
  enabled: looseBool().optional(),
  email_address: email().nullable().optional(),
});

// ---------------------------------------------------------------------------
// SIP endpoints: `plugins/endpoint_sip/schema.py`

const endpointSipShape = {
  /** PJSIP section name; generated (8 lowercase letters/digits) when left out. */
  name: str({ pattern: PJSIP_NAME_RE, min: 1, max: 79 }).refine((v) => !["global", "system"].includes(v), { error: "Reserved Asterisk section name" }),
  label: str({ max: 128 }).nullable(),
  aor_section_options: sectionOptions(),
  /** `[["username", …], ["password", …]]`: Wazo generates neither; the client chooses them. */
  auth_section_options: sectionOptions(),
  endpoint_section_options: sectionOptions(),
  identify_section_options: sectionOptions(),
  registration_section_options: sectionOptions(),
  registration_outbound_auth_section_options: sectionOptions(),
  outbound_auth_section_options: sectionOptions(),
  templates: list(nested({ uuid: uuid() })),
  transport: nested({ uuid: uuid() }).nullable(),
  asterisk_id: str({ max: 1024 }).nullable(),
};
export const endpointSipCreateBody = body(allOptional(endpointSipShape));
export const endpointSipUpdateBody = body(allOptional(endpointSipShape));

const optionPairs = z.array(z.tuple([z.string(), z.string()]).or(z.array(z.string()).length(2)));
export const endpointSipResponse = loose({
  uuid: z.string(),
  tenant_uuid: z.string(),
  name: z.string(),
  label: z.string().nullable(),
  aor_section_options: optionPairs,
  auth_section_options: optionPairs,
  endpoint_section_options: optionPairs,
  identify_section_options: optionPairs,
  registration_section_options: optionPairs,
  registration_outbound_auth_section_options: optionPairs,
  outbound_auth_section_options: optionPairs,
  templates: z.array(loose({ uuid: z.string() })),
  transport: loose({ uuid: z.string() }).nullable(),
  asterisk_id: z.string().nullable(),
  line: loose({ id: z.number().int() }).nullable(),
  trunk: loose({ id: z.number().int() }).nullable(),
  links,
});

// ---------------------------------------------------------------------------
// Extensions: `plugins/extension/schema.py`

const extensionShape = {
  exten: str({ max: 40 }),
  context: str(),
  commented: looseBool(),
  enabled: looseBool(),
};
export const extensionCreateBody = body(optionalExcept(extensionShape, ["exten", "context"]));
export const extensionUpdateBody = body(allOptional(extensionShape));

const relRef = loose({ id: z.number().int() });
export const extensionResponse = loose({
  id: z.number().int(),
  tenant_uuid: z.string(),
  exten: z.string(),
  context: z.string(),
  commented: z.boolean(),
  enabled: z.boolean(),
  lines: z.array(relRef),
  incall: relRef.nullable(),
  group: loose({ id: z.number().int(), uuid: z.string() }).nullable(),
  conference: relRef.nullable(),
  parking_lot: relRef.nullable(),
  outcall: relRef.nullable(),
  queue: relRef.nullable(),
  links,
});
const extensionRef = loose({ id: z.number().int(), exten: z.string(), context: z.string() });

// ---------------------------------------------------------------------------
// Lines: `plugins/line/schema.py`

const lineShape = {
  /** Name of an internal context of the tenant. */
  context: str(),
  provisioning_code: str({ digits: true, length: 6 }),
  position: int({ min: 1 }),
  caller_id_name: str().nullable(),
  caller_id_num: str({ digits: true }).nullable(),
  registrar: str({ max: 128 }),
};
/** Only one endpoint on a line. */
function oneEndpoint(v: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const n = ["endpoint_sip", "endpoint_sccp", "endpoint_custom"].filter((k) => v[k]).length;
  if (n > 1) ctx.addIssue({ code: "custom", message: "Only one endpoint should be configured on a line", path: [], params: { schema: true } });
}
/** POST /lines (and each line of POST /users): the line, optionally its SIP endpoint and extensions inline. */
export const lineCreateBody = body({
  ...optionalExcept(lineShape, ["context"]),
  endpoint_sip: nested(allOptional(endpointSipShape)).optional(),
  // confd fills an inline extension's context from the line's before reading it (LineSchema.propagate_context).
  extensions: list(body(optionalExcept(extensionShape, ["exten"]))).optional(),
}).superRefine(oneEndpoint);
export const lineUpdateBody = body(allOptional(lineShape));

export const lineResponse = loose({
  id: z.number().int(),
  tenant_uuid: z.string(),
  /** The SIP endpoint's name once one is associated; null before. */
  name: z.string().nullable(),
  protocol: z.string().nullable(),
  context: z.string(),
  provisioning_code: z.string(),
  provisioning_extension: z.string(),
  position: z.number().int(),
  caller_id_name: z.string().nullable(),
  caller_id_num: z.string().nullable(),
  registrar: z.string(),
  device_id: z.string().nullable(),
  endpoint_sip: loose({ uuid: z.string(), name: z.string() }).nullable(),
  endpoint_sccp: relRef.nullable(),
  endpoint_custom: relRef.nullable(),
  extensions: z.array(extensionRef),
  users: z.array(loose({ uuid: z.string() })),
  links,
});

// ---------------------------------------------------------------------------
// Voicemails: `plugins/voicemail/schema.py`

const voicemailShape = {
  name: str({ max: 80 }),
  number: str({ pattern: VOICEMAIL_NUMBER_RE }),
  context: str(),
  /** The PIN: digits only. */
  password: str({ pattern: VOICEMAIL_PASSWORD_RE }).nullable(),
  email: str({ max: 80 }).nullable(),
  language: str({ pattern: LANGUAGE_RE }).nullable(),
  timezone: str().nullable(),
  pager: str({ max: 80 }).nullable(),
  max_messages: int({ min: 0 }).nullable(),
  attach_audio: strictBool().nullable(),
  delete_messages: strictBool(),
  ask_password: strictBool(),
  enabled: strictBool(),
  options: list(list(str()).length(2, { error: MSG.lengthEqual(2) })),
  accesstype: oneOf(["personal", "global"]),
};
function deleteMessagesNeeds(v: Record<string, unknown>, ctx: z.RefinementCtx): void {
  if (v.delete_messages && !v.email) ctx.addIssue({ code: "custom", message: "email must be provided if delete_messages is set", path: [], params: { schema: true } });
  else if (v.delete_messages && !v.attach_audio) ctx.addIssue({ code: "custom", message: "attach_audio must be set if delete_messages is set", path: [], params: { schema: true } });
}
export const voicemailCreateBody = body(optionalExcept(voicemailShape, ["name", "number", "context"])).superRefine(deleteMessagesNeeds);
export const voicemailUpdateBody = body(allOptional(voicemailShape)).superRefine(deleteMessagesNeeds);

export const voicemailResponse = loose({
  id: z.number().int(),
  tenant_uuid: z.string(),
  name: z.string(),
  number: z.string(),
  context: z.string(),
  password: z.string().nullable(),
  email: z.string().nullable(),
  language: z.string().nullable(),
  timezone: z.string().nullable(),
  pager: z.string().nullable(),
  max_messages: z.number().int().nullable(),
  attach_audio: z.boolean().nullable(),
  delete_messages: z.boolean(),
  ask_password: z.boolean(),
  enabled: z.boolean(),
  options: z.array(z.array(z.string())),
  accesstype: z.enum(["personal", "global"]),
  users: z.array(loose({ uuid: z.string() })),
  links,
});

/** `voicemail` of POST /users: an existing voicemail's `id`, or a new voicemail's fields. */
export const userVoicemailBody = body({
  id: int().optional(),
  ...allOptional(voicemailShape),
}).superRefine((v: Record<string, unknown>, ctx) => {
  if (!v.id && !v.name && !v.number && !v.context) ctx.addIssue({ code: "custom", message: "name, number and context must be provided if no id provided", path: [], params: { schema: true } });
});

// ---------------------------------------------------------------------------
// Forwards, services, fallbacks: `plugins/user/sub_resources/schema.py`, `plugins/user_fallback/schema.py`

/** One forward: enabling one needs a destination (confd refuses it otherwise). */
export const forwardBody = body({ enabled: strictBool().optional(), destination: str({ max: 128 }).nullable().optional() });
export const forwardsBody = body({ busy: forwardBody.optional(), noanswer: forwardBody.optional(), unconditional: forwardBody.optional() });
export const forwardResponse = loose({ enabled: z.boolean(), destination: z.string().nullable() });
export const forwardsResponse = loose({ busy: forwardResponse, noanswer: forwardResponse, unconditional: forwardResponse });

export const serviceBody = body({ enabled: strictBool() });
export const servicesBody = body({ dnd: serviceBody.optional(), incallfilter: serviceBody.optional() });
export const serviceResponse = loose({ enabled: z.boolean() });
export const servicesResponse = loose({ dnd: serviceResponse, incallfilter: serviceResponse });

/**
 * PUT /users/{id}/fallbacks replaces all four: a fallback left out (or null)
 * is removed, not kept.
 */
export const fallbacksBody = body({
  noanswer_destination: destination().nullable().optional(),
  busy_destination: destination().nullable().optional(),
  congestion_destination: destination().nullable().optional(),
  fail_destination: destination().nullable().optional(),
});
export const fallbacksResponse = loose({
  noanswer_destination: destinationResponse.nullable(),
  busy_destination: destinationResponse.nullable(),
  congestion_destination: destinationResponse.nullable(),
  fail_destination: destinationResponse.nullable(),
});

// ---------------------------------------------------------------------------
// Users (bodies and responses, now that their parts are declared)

export const userCreateBody = body({
  ...optionalExcept(userFields(true), ["firstname"]),
  auth: userAuthBody.nullable().optional(),
  lines: list(lineCreateBody).optional(),
  voicemail: userVoicemailBody.nullable().optional(),
  groups: list(nested({ uuid: str({ max: 40 }) })).optional(),
  incalls: list(
    nested({
      preprocess_subroutine: str({ max: 79 }).nullable().optional(),
      greeting_sound: str({ max: 255 }).nullable().optional(),
      caller_id_mode: oneOf(CALLER_ID_MODES).nullable().optional(),
      caller_id_name: str({ max: 80 }).nullable().optional(),
      description: str().nullable().optional(),
      extensions: list(nested({ id: int().optional(), exten: str({ max: 40 }).optional(), context: str().optional() })).optional(),
    }),
  ).optional(),
  // POST /users takes these out before reading the user, then applies them as PUT …/forwards and …/fallbacks would.
  forwards: forwardsBody.optional(),
  fallbacks: fallbacksBody.optional(),
}).superRefine(callRecordExclusive);
export const userUpdateBody = body(allOptional(userFields(false))).superRefine(callRecordExclusive);

export const userResponse = loose({
  id: z.number().int(),
  uuid: z.string(),
  tenant_uuid: z.string(),
  firstname: z.string(),
  lastname: z.string().nullable(),
  email: z.string().nullable(),
  timezone: z.string().nullable(),
  language: z.string().nullable(),
  description: z.string().nullable(),
  caller_id: z.string().nullable(),
  outgoing_caller_id: z.string().nullable(),
  mobile_phone_number: z.string().nullable(),
  mobile_fallback_enabled: z.boolean(),
  username: z.string().nullable(),
  password: z.string().nullable(),
  music_on_hold: z.string().nullable(),
  preprocess_subroutine: z.string().nullable(),
  userfield: z.string().nullable(),
  call_transfer_enabled: z.boolean(),
  dtmf_hangup_enabled: z.boolean(),
  call_record_enabled: z.boolean(),
  call_record_outgoing_external_enabled: z.boolean(),
  call_record_outgoing_internal_enabled: z.boolean(),
  call_record_incoming_external_enabled: z.boolean(),
  call_record_incoming_internal_enabled: z.boolean(),
  online_call_record_enabled: z.boolean(),
  supervision_enabled: z.boolean(),
  ring_seconds: z.number().int(),
  simultaneous_calls: z.number().int(),
  call_permission_password: z.string().nullable(),
  subscription_type: z.number().int(),
  enabled: z.boolean(),
  lines: z.array(loose({ id: z.number().int(), name: z.string().nullable(), extensions: z.array(extensionRef), endpoint_sip: loose({ uuid: z.string() }).nullable() })),
  voicemail: loose({ id: z.number().int(), name: z.string() }).nullable(),
  groups: z.array(loose({ uuid: z.string(), id: z.number().int(), name: z.string() })),
  incalls: z.array(loose({ id: z.number().int(), extensions: z.array(extensionRef) })),
  forwards: forwardsResponse,
  fallbacks: fallbacksResponse,
  services: servicesResponse,
  links,
});
/** POST /users also answers what it made inline: `lines`, `voicemail`, `auth`. */
export const userCreateResponse = userResponse.extend({
  lines: z.array(loose({ id: z.number().int() })),
  voicemail: loose({ id: z.number().int() }).nullable(),
  auth: loose({ uuid: z.string(), username: z.string().nullable() }).nullable().optional(),
});

// ---------------------------------------------------------------------------
// Incalls: `plugins/incall/schema.py`

const incallShape = {
  preprocess_subroutine: str({ max: 79 }).nullable(),
  greeting_sound: str({ max: 255 }).nullable(),
  caller_id_mode: oneOf(CALLER_ID_MODES).nullable(),
  caller_id_name: str({ max: 80 }).nullable(),
  description: str().nullable(),
  destination: destination(),
};
export const incallCreateBody = body(optionalExcept(incallShape, ["destination"]));
export const incallUpdateBody = body(allOptional(incallShape));
export const incallResponse = loose({
  id: z.number().int(),
  tenant_uuid: z.string(),
  preprocess_subroutine: z.string().nullable(),
  greeting_sound: z.string().nullable(),
  caller_id_mode: z.enum(CALLER_ID_MODES).nullable(),
  caller_id_name: z.string().nullable(),
  description: z.string().nullable(),
  destination: destinationResponse,
  extensions: z.array(extensionRef),
  links,
});

// ---------------------------------------------------------------------------
// Groups: `plugins/group/schema.py`, `plugins/group_member/schema.py`

const groupShape = {
  /** What people see; not unique (the unique `name` is generated: `grp-<tenant slug>-<uuid>`). */
  label: str({ max: 128, pattern: GROUP_LABEL_RE }),
  preprocess_subroutine: str({ max: 79 }).nullable(),
  ring_strategy: oneOf(RING_STRATEGIES),
  caller_id_mode: oneOf(CALLER_ID_MODES).nullable(),
  caller_id_name: str({ max: 80 }).nullable(),
  dtmf_record_toggle: strictBool(),
  timeout: int({ min: 0 }).nullable(),
  user_timeout: int({ min: 0 }).nullable(),
  retry_delay: int({ min: 0 }).nullable(),
  music_on_hold: str({ max: 128 }).nullable(),
  ring_in_use: strictBool(),
  mark_answered_elsewhere: strictBool(),
  enabled: strictBool(),
  ignore_forward: strictBool(),
  max_calls: int({ min: 0 }).nullable(),
};
/** Deprecated since 21.04 but still read: a `name` without `label` becomes the label (GroupSchema.copy_name_to_label). */
function nameToLabel(v: unknown): unknown {
  if (v && typeof v === "object" && !Array.isArray(v) && !("label" in v) && "name" in v) return { ...(v as Record<string, unknown>), label: (v as { name: unknown }).name };
  return v;
}
export const groupCreateBody = z.preprocess(nameToLabel, body(optionalExcept(groupShape, ["label"])));
export const groupUpdateBody = body(allOptional(groupShape));
export const groupMemberUsersBody = body({ users: list(nested({ uuid: str(), priority: int({ min: 0 }).optional() })) });
export const groupResponse = loose({
  id: z.number().int(),
  uuid: z.string(),
  tenant_uuid: z.string(),
  name: z.string(),
  label: z.string(),
  preprocess_subroutine: z.string().nullable(),
  ring_strategy: z.enum(RING_STRATEGIES),
  caller_id_mode: z.enum(CALLER_ID_MODES).nullable(),
  caller_id_name: z.string().nullable(),
  dtmf_record_toggle: z.boolean(),
  timeout: z.number().int().nullable(),
  user_timeout: z.number().int().nullable(),
  retry_delay: z.number().int().nullable(),
  music_on_hold: z.string().nullable(),
  ring_in_use: z.boolean(),
  mark_answered_elsewhere: z.boolean(),
  enabled: z.boolean(),
  ignore_forward: z.boolean(),
  max_calls: z.number().int().nullable(),
  extensions: z.array(extensionRef),
  members: loose({ users: z.array(loose({ uuid: z.string(), priority: z.number().int() })), extensions: z.array(loose({ exten: z.string(), context: z.string(), priority: z.number().int() })) }),
  incalls: z.array(loose({ id: z.number().int() })),
  links,
});

// ---------------------------------------------------------------------------
// Function keys: `plugins/func_key/schema.py`

export const FUNCKEY_DESTINATION_TYPES = ["agent", "bsfilter", "conference", "custom", "forward", "group", "groupmember", "onlinerec", "paging", "park_position", "parking", "queue", "service", "transfer", "user"] as const;
export const FUNCKEY_SERVICES = ["enablevm", "vmusermsg", "vmuserpurge", "phonestatus", "recsnd", "directoryaccess", "fwdundoall", "pickup", "callrecord", "incallfilter", "enablednd"] as const;

export const FUNCKEY_DESTINATION_FIELDS = {
  agent: { agent_id: int(), action: oneOf(["login", "logout", "toggle"]) },
  bsfilter: { filter_member_id: int() },
  conference: { conference_id: int() },
  custom: { exten: str({ pattern: FUNCKEY_EXTEN_RE }) },
  forward: { forward: oneOf(FORWARD_NAMES), exten: str({ pattern: FUNCKEY_EXTEN_RE }).nullable().optional() },
  group: { group_id: int() },
  groupmember: { group_id: int(), action: oneOf(["join", "leave", "toggle"]) },
  onlinerec: {},
  paging: { paging_id: int() },
  park_position: { parking_lot_id: int(), position: int() },
  parking: { parking_lot_id: int() },
  queue: { queue_id: int() },
  service: { service: oneOf(FUNCKEY_SERVICES) },
  transfer: { transfer: oneOf(["blind", "attended"]) },
  user: { user_id: int() },
} as const satisfies Record<(typeof FUNCKEY_DESTINATION_TYPES)[number], z.core.$ZodLooseShape>;

export const funcKeyDestinationOfType: Record<string, z.ZodObject> = Object.fromEntries(
  Object.entries(FUNCKEY_DESTINATION_FIELDS).map(([t, shape]) => [t, body({ type: z.literal(t), ...shape })]),
);

function funcKeyDestination() {
  const schema = z
    .looseObject({ type: oneOf(FUNCKEY_DESTINATION_TYPES) }, { error: (iss) => (iss.input === undefined ? MSG.required : iss.input === null ? MSG.null : MSG.nested) })
    .transform((v, ctx) => {
      // Funckey text fields refuse line breaks, tabs and ';' (FuncKeyValidator) — checked by the emulator as a 400 Input Error.
      const r = funcKeyDestinationOfType[v.type].safeParse(v);
      if (!r.success) {
        for (const i of r.error.issues) ctx.addIssue({ code: "custom", message: i.message, path: i.path as PropertyKey[], input: v });
        return z.NEVER;
      }
      return r.data as { type: (typeof FUNCKEY_DESTINATION_TYPES)[number] } & Record<string, unknown>;
    });
  RESOLVERS.set(schema, (value) => {
    const t = (value as { type?: unknown } | null)?.type;
    return typeof t === "string" ? funcKeyDestinationOfType[t] : undefined;
  });
  return schema;
}

/** One key: `blf` (supervision; Wazo's default is true), a label, a destination. */
export const funcKeyBody = body({ blf: strictBool().optional(), label: str().nullable().optional(), destination: funcKeyDestination() });
/** PUT /users/{id}/funckeys: every key of the user at once, by position (keys left out are removed). */
export const funcKeysBody = body({
  name: str({ max: 128 }).nullable().optional(),
  keys: z.record(z.string().regex(/^[1-9]\d*$/, { error: MSG.integer }), funcKeyBody, { error: "FuncKey must be a dictionary" }).optional(),
});
export const funcKeyResponse = loose({
  inherited: z.boolean(),
  blf: z.boolean(),
  label: z.string().nullable(),
  destination: loose({ type: z.enum(FUNCKEY_DESTINATION_TYPES), href: z.string().nullable() }),
});
export const funcKeysResponse = loose({ name: z.string().nullable(), keys: z.record(z.string(), funcKeyResponse) });

// ---------------------------------------------------------------------------
// IVRs and conferences (`plugins/ivr`, `plugins/conference`): the driver only
// looks them up by name, for incall destinations; tests create them.

export const ivrCreateBody = body({
  name: str({ max: 128 }),
  description: str().nullable().optional(),
  greeting_sound: str({ max: 255 }).nullable().optional(),
  menu_sound: str({ max: 255 }),
  invalid_sound: str({ max: 255 }).nullable().optional(),
  abort_sound: str({ max: 255 }).nullable().optional(),
  timeout: int({ min: 0 }).optional(),
  max_tries: int({ min: 1 }).optional(),
  invalid_destination: destination().nullable().optional(),
  timeout_destination: destination().nullable().optional(),
  abort_destination: destination().nullable().optional(),
  choices: list(nested({ exten: str({ pattern: EXTEN_RE }), destination: destination() })).optional(),
});
export const ivrResponse = loose({ id: z.number().int(), tenant_uuid: z.string(), name: z.string(), menu_sound: z.string(), description: z.string().nullable(), choices: z.array(loose({ exten: z.string() })), incalls: z.array(loose({ id: z.number().int() })), links });

export const conferenceCreateBody = body({
  name: str({ max: 128 }).nullable().optional(),
  preprocess_subroutine: str({ max: 79 }).nullable().optional(),
  max_users: int({ min: 0 }).optional(),
  record: looseBool().optional(),
  pin: str({ max: 80, digits: true }).nullable().optional(),
  admin_pin: str({ max: 80, digits: true }).nullable().optional(),
  quiet_join_leave: looseBool().optional(),
  announce_join_leave: looseBool().optional(),
  announce_user_count: looseBool().optional(),
  announce_only_user: looseBool().optional(),
  music_on_hold: str({ max: 128 }).nullable().optional(),
});
export const conferenceResponse = loose({ id: z.number().int(), tenant_uuid: z.string(), name: z.string().nullable(), max_users: z.number().int(), record: z.boolean(), pin: z.string().nullable(), extensions: z.array(extensionRef), incalls: z.array(loose({ id: z.number().int() })), links });

// ---------------------------------------------------------------------------
// Contexts: `plugins/context/schema.py`

const rangeShape = { start: str({ digits: true, max: 16 }), end: str({ digits: true, max: 16 }).optional() };
function rangeRule(v: { start?: string; end?: string }, ctx: z.RefinementCtx): void {
  if (v.start && v.end) {
    if (v.start.length !== v.end.length) ctx.addIssue({ code: "custom", message: "Start and end must be of the same length", path: [], params: { schema: true } });
    else if (Number(v.start) > Number(v.end)) ctx.addIssue({ code: "custom", message: "Start of range must be lower than or equal to the end", path: [], params: { schema: true } });
  }
}
const range = nested(rangeShape).superRefine(rangeRule);
const incallRange = nested({ ...rangeShape, did_length: int({ min: 0 }).optional() }).superRefine(rangeRule);
const contextShape = {
  label: str({ min: 1, max: 128 }),
  type: oneOf(CONTEXT_TYPES),
  user_ranges: list(range),
  group_ranges: list(range),
  queue_ranges: list(range),
  conference_room_ranges: list(range),
  incall_ranges: list(incallRange),
  description: str().nullable(),
  enabled: strictBool(),
};
export const contextCreateBody = body(optionalExcept(contextShape, ["label"]));
export const contextUpdateBody = body(allOptional(contextShape));
const rangeResponse = loose({ start: z.string(), end: z.string().nullable().optional() });
export const contextResponse = loose({
  id: z.number().int(),
  uuid: z.string(),
  tenant_uuid: z.string(),
  /** Generated: `ctx-<tenant slug>-<type>-<uuid>`; extensions, lines and voicemails name it. */
  name: z.string(),
  label: z.string(),
  type: z.enum(CONTEXT_TYPES),
  user_ranges: z.array(rangeResponse),
  group_ranges: z.array(rangeResponse),
  queue_ranges: z.array(rangeResponse),
  conference_room_ranges: z.array(rangeResponse),
  incall_ranges: z.array(rangeResponse),
  description: z.string().nullable(),
  enabled: z.boolean(),
  links,
});

// ---------------------------------------------------------------------------
// User import: `plugins/user_import` (POST /users/import, text/csv)

/**
 * The CSV: comma-separated with a header line (Python `csv.DictReader`), one
 * user per row; known columns include firstname, lastname, email, language,
 * mobile_phone_number, ring_seconds, simultaneous_calls, enabled (0/1),
 * username, password, context, exten, line_protocol (sip|sccp|webrtc),
 * sip_username, sip_secret, voicemail_name, voicemail_number,
 * voicemail_context, voicemail_password, voicemail_email, incall_exten,
 * incall_context, incall_ring_seconds, call_permissions.
 */
export const USER_IMPORT_COLUMNS = [
  "uuid", "firstname", "lastname", "email", "language", "outgoing_caller_id", "mobile_phone_number", "call_permission_password", "userfield",
  "enabled", "supervision_enabled", "call_transfer_enabled", "dtmf_hangup_enabled", "call_record_outgoing_external_enabled",
  "call_record_outgoing_internal_enabled", "call_record_incoming_external_enabled", "call_record_incoming_internal_enabled",
  "online_call_record_enabled", "ring_seconds", "simultaneous_calls", "subscription_type", "context", "username", "password",
  "voicemail_name", "voicemail_number", "voicemail_context", "voicemail_password", "voicemail_email", "voicemail_attach_audio",
  "voicemail_delete_messages", "voicemail_ask_password", "line_protocol", "sip_username", "sip_secret", "exten",
  "incall_exten", "incall_context", "incall_ring_seconds", "call_permissions",
] as const;
export const userImportBody = z.string({ error: "the body must be CSV text" });
export const userImportCreated = loose({
  row_number: z.number().int(),
  user_id: z.number().int(),
  user_uuid: z.string().optional(),
  line_id: z.number().int().nullable().optional(),
  sip_uuid: z.string().nullable().optional(),
  extension_id: z.number().int().nullable().optional(),
  voicemail_id: z.number().int().nullable().optional(),
  incall_extension_id: z.number().int().nullable().optional(),
});
export const userImportResponse = loose({ created: z.array(userImportCreated) });
export const userImportErrorResponse = loose({
  errors: z.array(loose({ message: z.string(), timestamp: z.number(), details: loose({ row_number: z.number().int() }) })),
});

// ---------------------------------------------------------------------------
// Errors

/** confd's error body: a JSON list of strings, e.g. `["Resource Not Found - User was not found ('id': 42)"]`. */
export const confdError = z.array(z.string()).min(1);
/** wazo-auth's error body on its token operations (`http._error`). */
export const authError = loose({ reason: z.array(z.string()).min(1), timestamp: z.array(z.number()), status_code: z.number().int() });
/** wazo-auth's error body elsewhere (its APIException handler): `{ message, error_id, details, timestamp }`. */
export const authApiError = loose({ message: z.string(), error_id: z.string(), details: z.record(z.string(), z.unknown()), timestamp: z.number() });

// ---------------------------------------------------------------------------
// wazo-auth: tokens, tenants, users

export const tokenRequestBody = body({
  backend: str().optional(),
  /** Seconds; 1 up to ten years. Default 7200. */
  expiration: int({ min: 1, max: 315360000 }).optional(),
  access_type: oneOf(["online", "offline"]).optional(),
  client_id: str({ min: 1, max: 1024 }).optional(),
  refresh_token: str().optional(),
  tenant_id: str().optional(),
  domain_name: str().optional(),
});
export const tokenData = loose({
  token: z.string(),
  auth_id: z.string(),
  xivo_user_uuid: z.string().nullable(),
  xivo_uuid: z.string(),
  issued_at: z.string(),
  expires_at: z.string(),
  utc_issued_at: z.string(),
  utc_expires_at: z.string(),
  acl: z.array(z.string()),
  metadata: loose({ uuid: z.string(), tenant_uuid: z.string(), auth_id: z.string(), purpose: z.string() }),
  session_uuid: z.string(),
});
export const tokenResponse = loose({ data: tokenData });

export const tenantCreateBody = body({
  uuid: uuid().nullable().optional(),
  name: str({ min: 1, max: 128 }).nullable().optional(),
  slug: str({ min: 1, max: 10, pattern: TENANT_SLUG_RE }).nullable().optional(),
  domain_names: list(str()).optional(),
});
export const tenantResponse = loose({ uuid: z.string(), name: z.string().nullable(), slug: z.string(), parent_uuid: z.string(), domain_names: z.array(z.string()) });
export const tenantsResponse = loose({ items: z.array(tenantResponse), total: z.number().int(), filtered: z.number().int() });

export const authUserCreateBody = body({
  uuid: uuid().optional(),
  username: str({ min: 1, max: 256 }).nullable().optional(),
  password: str({ min: 1 }).nullable().optional(),
  firstname: str().nullable().optional(),
  lastname: str().nullable().optional(),
  email_address: email().nullable().optional(),
  purpose: oneOf(AUTH_PURPOSES).optional(),
  enabled: looseBool().optional(),
});
/** PUT /users/{uuid} (wazo-auth): the login's fields; a field left out is reset to its default. */
export const authUserUpdateBody = body({
  username: str({ min: 1, max: 256 }).nullable().optional(),
  firstname: str().nullable().optional(),
  lastname: str().nullable().optional(),
  purpose: oneOf(AUTH_PURPOSES).optional(),
  enabled: looseBool().optional(),
  authentication_method: str().optional(),
});
/** POST /users/password/reset?user_uuid= (wazo-auth): an administrator sets a login's password; its sessions end. */
export const passwordResetBody = body({ password: str({ min: 1 }) });

export const authUserResponse = loose({
  uuid: z.string(),
  tenant_uuid: z.string(),
  username: z.string().nullable(),
  firstname: z.string().nullable(),
  lastname: z.string().nullable(),
  purpose: z.enum(AUTH_PURPOSES),
  enabled: z.boolean(),
  emails: z.array(loose({ address: z.string(), main: z.boolean(), confirmed: z.boolean() })),
});

// List answers
export const usersResponse = itemsOf(userResponse);
/** wazo-auth lists answer `total` (in scope), `filtered` (matching the search) and the page. */
export const authUsersResponse = loose({ items: z.array(authUserResponse), total: z.number().int(), filtered: z.number().int() });
export const linesResponse = itemsOf(lineResponse);
export const endpointsSipResponse = itemsOf(endpointSipResponse);
export const extensionsResponse = itemsOf(extensionResponse);
export const voicemailsResponse = itemsOf(voicemailResponse);
export const incallsResponse = itemsOf(incallResponse);
export const groupsResponse = itemsOf(groupResponse);
export const contextsResponse = itemsOf(contextResponse);
export const ivrsResponse = itemsOf(ivrResponse);
export const conferencesResponse = itemsOf(conferenceResponse);
