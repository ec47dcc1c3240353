/**
 * What the Wazo-shaped emulator keeps, and how it shows it: one stored shape
 * per kind (close to Wazo's columns), and a `render*` per kind producing the
 * JSON confd answers (with the relations it embeds: a user's lines, a line's
 * extensions, …). Defaults are Wazo's (xivo-dao models and confd schemas):
 * ring_seconds 30, simultaneous_calls 5, supervision on, caller ID
 * `"First Last"` filled in at creation, empty strings read back as null, …
 */
import type { WazoStore } from "./store";

export type Destination = { type: string } & Record<string, unknown>;

export interface TenantRow {
  uuid: string;
  name: string | null;
  slug: string;
  parent_uuid: string;
  domain_names: string[];
}

export interface AuthUserRow {
  uuid: string;
  tenant_uuid: string;
  username: string | null;
  /** scrypt of the password with `salt`; null: cannot log in. */
  password: { salt: string; hash: string } | null;
  firstname: string | null;
  lastname: string | null;
  email_address: string | null;
  enabled: boolean;
  purpose: string;
}

export interface TokenRow {
  /** sha256 of the token: the token itself is never stored. */
  id: string;
  auth_id: string;
  tenant_uuid: string;
  issued_at: number;
  expires_at: number;
  session_uuid: string;
}

export interface Range {
  start: string;
  end?: string | null;
  did_length?: number;
}

export interface ContextRow {
  id: number;
  uuid: string;
  tenant_uuid: string;
  name: string;
  label: string;
  type: string;
  user_ranges: Range[];
  group_ranges: Range[];
  queue_ranges: Range[];
  conference_room_ranges: Range[];
  incall_ranges: Range[];
  description: string | null;
  enabled: boolean;
}

export interface FuncKeyRow {
  /** The key's own id (confd numbers function keys). */
  id: number;
  blf: boolean;
  label: string | null;
  destination: Destination;
}

export const USER_FIELD_DEFAULTS = {
  lastname: null as string | null,
  email: null as string | null,
  timezone: null as string | null,
  language: null as string | null,
  description: null as string | null,
  caller_id: null as string | null,
  outgoing_caller_id: null as string | null,
  mobile_phone_number: null as string | null,
  mobile_fallback_enabled: false,
  username: null as string | null,
  password: null as string | null,
  music_on_hold: null as string | null,
  preprocess_subroutine: null as string | null,
  userfield: null as string | null,
  call_transfer_enabled: false,
  dtmf_hangup_enabled: false,
  call_record_outgoing_external_enabled: false,
  call_record_outgoing_internal_enabled: false,
  call_record_incoming_external_enabled: false,
  call_record_incoming_internal_enabled: false,
  online_call_record_enabled: false,
  supervision_enabled: true,
  ring_seconds: 30,
  simultaneous_calls: 5,
  call_permission_password: null as string | null,
  subscription_type: 0,
  enabled: true,
  func_key_template_id: null as number | null,
};
export type UserFields = typeof USER_FIELD_DEFAULTS;

export interface UserRow extends UserFields {
  id: number;
  uuid: string;
  tenant_uuid: string;
  firstname: string;
  created_at: string;
  line_ids: number[];
  voicemail_id: number | null;
  services: { dnd: boolean; incallfilter: boolean };
  forwards: Record<"busy" | "noanswer" | "unconditional", { enabled: boolean; destination: string | null }>;
  fallbacks: Record<"noanswer" | "busy" | "congestion" | "fail", Destination | null>;
  funckeys: Record<string, FuncKeyRow>;
}

export interface LineRow {
  id: number;
  tenant_uuid: string;
  context: string;
  provisioning_code: string;
  position: number;
  caller_id_name: string | null;
  caller_id_num: string | null;
  registrar: string;
  endpoint_sip_uuid: string | null;
  extension_ids: number[];
}

export type SectionOptions = [string, string][];
export interface EndpointSipRow {
  uuid: string;
  tenant_uuid: string;
  name: string;
  label: string | null;
  aor_section_options: SectionOptions;
  auth_section_options: SectionOptions;
  endpoint_section_options: SectionOptions;
  identify_section_options: SectionOptions;
  registration_section_options: SectionOptions;
  registration_outbound_auth_section_options: SectionOptions;
  outbound_auth_section_options: SectionOptions;
  templates: { uuid: string }[];
  transport: { uuid: string } | null;
  asterisk_id: string | null;
}
export const SECTION_KEYS = [
  "aor_section_options",
  "auth_section_options",
  "endpoint_section_options",
  "identify_section_options",
  "registration_section_options",
  "registration_outbound_auth_section_options",
  "outbound_auth_section_options",
] as const;

export interface ExtensionRow {
  id: number;
  tenant_uuid: string;
  exten: string;
  context: string;
  commented: boolean;
  enabled: boolean;
}

export const VOICEMAIL_DEFAULTS = {
  password: null as string | null,
  email: null as string | null,
  language: null as string | null,
  timezone: null as string | null,
  pager: null as string | null,
  max_messages: null as number | null,
  attach_audio: null as boolean | null,
  delete_messages: false,
  ask_password: true,
  enabled: true,
  options: [] as string[][],
  accesstype: "personal",
};
export interface VoicemailRow extends Omit<typeof VOICEMAIL_DEFAULTS, never> {
  id: number;
  tenant_uuid: string;
  name: string;
  number: string;
  context: string;
}

export const INCALL_DEFAULTS = {
  preprocess_subroutine: null as string | null,
  greeting_sound: null as string | null,
  caller_id_mode: null as string | null,
  caller_id_name: null as string | null,
  description: null as string | null,
};
export interface IncallRow extends Omit<typeof INCALL_DEFAULTS, never> {
  id: number;
  tenant_uuid: string;
  destination: Destination;
  extension_ids: number[];
}

export const GROUP_DEFAULTS = {
  preprocess_subroutine: null as string | null,
  ring_strategy: "all",
  caller_id_mode: null as string | null,
  caller_id_name: null as string | null,
  dtmf_record_toggle: false,
  timeout: null as number | null,
  user_timeout: 15 as number | null,
  retry_delay: 5 as number | null,
  music_on_hold: null as string | null,
  ring_in_use: true,
  mark_answered_elsewhere: false,
  enabled: true,
  ignore_forward: false,
  max_calls: 0 as number | null,
};
export interface GroupRow extends Omit<typeof GROUP_DEFAULTS, never> {
  id: number;
  uuid: string;
  tenant_uuid: string;
  name: string;
  label: string;
  members: { user_uuid: string; priority: number }[];
  extension_ids: number[];
}

export interface IvrRow {
  id: number;
  tenant_uuid: string;
  name: string;
  description: string | null;
  greeting_sound: string | null;
  menu_sound: string;
  invalid_sound: string | null;
  abort_sound: string | null;
  timeout: number;
  max_tries: number;
  invalid_destination: Destination | null;
  timeout_destination: Destination | null;
  abort_destination: Destination | null;
  choices: { exten: string; destination: Destination }[];
}

export interface ConferenceRow {
  id: number;
  tenant_uuid: string;
  name: string | null;
  preprocess_subroutine: string | null;
  max_users: number;
  record: boolean;
  pin: string | null;
  admin_pin: string | null;
  quiet_join_leave: boolean;
  announce_join_leave: boolean;
  announce_user_count: boolean;
  announce_only_user: boolean;
  music_on_hold: string | null;
}

// ---------------------------------------------------------------------------
// Rendering

/** Links as confd builds them (absolute URLs of the object). */
function link(base: string, rel: string, path: string) {
  return [{ rel, href: `${base}/api/confd/1.1/${path}` }];
}

/** The relations and renderers, bound to a store and a base URL. */
export class View {
  constructor(
    readonly store: WazoStore,
    readonly base: string,
  ) {}

  extensionRef(id: number) {
    const e = this.store.get<ExtensionRow>("extension", id);
    return e ? { id: e.id, exten: e.exten, context: e.context, links: link(this.base, "extensions", `extensions/${e.id}`) } : undefined;
  }

  private refs(ids: number[]) {
    return ids.map((id) => this.extensionRef(id)).filter((x) => x !== undefined);
  }

  lineOfEndpoint(uuid: string): LineRow | undefined {
    return this.store.all<LineRow>("line").find((l) => l.endpoint_sip_uuid === uuid);
  }
  usersOfLine(lineId: number): UserRow[] {
    return this.store.all<UserRow>("user").filter((u) => u.line_ids.includes(lineId));
  }
  usersOfVoicemail(id: number): UserRow[] {
    return this.store.all<UserRow>("user").filter((u) => u.voicemail_id === id);
  }
  linesOfExtension(id: number): LineRow[] {
    return this.store.all<LineRow>("line").filter((l) => l.extension_ids.includes(id));
  }
  incallOfExtension(id: number): IncallRow | undefined {
    return this.store.all<IncallRow>("incall").find((i) => i.extension_ids.includes(id));
  }
  groupOfExtension(id: number): GroupRow | undefined {
    return this.store.all<GroupRow>("group").find((g) => g.extension_ids.includes(id));
  }
  groupsOfUser(uuid: string): GroupRow[] {
    return this.store.all<GroupRow>("group").filter((g) => g.members.some((m) => m.user_uuid === uuid));
  }
  incallsToUser(id: number): IncallRow[] {
    return this.store.all<IncallRow>("incall").filter((i) => i.destination.type === "user" && i.destination.user_id === id);
  }

  /** A destination as confd shows it: its fields plus the names of what it points at. */
  destination(d: Destination | null): Destination | null {
    if (!d) return null;
    const out: Destination = { ...d };
    if (d.type === "user") {
      const u = this.store.get<UserRow>("user", d.user_id as number);
      out.ring_time = d.ring_time ?? null;
      out.moh_uuid = d.moh_uuid ?? null;
      if (u) Object.assign(out, { user_firstname: u.firstname, user_lastname: u.lastname });
    } else if (d.type === "group") {
      const g = this.store.get<GroupRow>("group", d.group_id as number);
      out.ring_time = d.ring_time ?? null;
      if (g) Object.assign(out, { group_label: g.label, group_name: g.name });
    } else if (d.type === "voicemail") {
      const v = this.store.get<VoicemailRow>("voicemail", d.voicemail_id as number);
      out.skip_instructions = d.skip_instructions ?? false;
      out.greeting = d.greeting ?? null;
      if (v) out.voicemail_name = v.name;
    } else if (d.type === "ivr") {
      const i = this.store.get<IvrRow>("ivr", d.ivr_id as number);
      if (i) out.ivr_name = i.name;
    } else if (d.type === "conference") {
      const cf = this.store.get<ConferenceRow>("conference", d.conference_id as number);
      if (cf) out.conference_name = cf.name;
    } else if (d.type === "hangup" && (d.cause === "busy" || d.cause === "congestion")) {
      out.timeout = d.timeout ?? null;
    }
    return out;
  }

  forwards(u: UserRow) {
    return {
      busy: { ...u.forwards.busy },
      noanswer: { ...u.forwards.noanswer },
      unconditional: { ...u.forwards.unconditional },
    };
  }
  fallbacks(u: UserRow) {
    return {
      noanswer_destination: this.destination(u.fallbacks.noanswer),
      busy_destination: this.destination(u.fallbacks.busy),
      congestion_destination: this.destination(u.fallbacks.congestion),
      fail_destination: this.destination(u.fallbacks.fail),
    };
  }
  services(u: UserRow) {
    return { dnd: { enabled: u.services.dnd }, incallfilter: { enabled: u.services.incallfilter } };
  }

  funcKey(fk: FuncKeyRow) {
    const d: Destination & { href: string | null } = { ...fk.destination, href: null };
    if (d.type === "user") {
      d.href = `${this.base}/api/confd/1.1/users/${d.user_id}`;
      const u = this.store.get<UserRow>("user", d.user_id as number);
      if (u) Object.assign(d, { user_firstname: u.firstname, user_lastname: u.lastname });
    } else if (d.type === "group") {
      const g = this.store.get<GroupRow>("group", d.group_id as number);
      if (g) Object.assign(d, { group_label: g.label, group_name: g.name });
    }
    return { id: fk.id, inherited: false, blf: fk.blf, label: fk.label, destination: d };
  }

  user(u: UserRow) {
    const { line_ids, voicemail_id, services, forwards, fallbacks, funckeys, created_at, ...fields } = u;
    void funckeys;
    void created_at;
    const vm = voicemail_id !== null ? this.store.get<VoicemailRow>("voicemail", voicemail_id) : undefined;
    return {
      ...fields,
      call_record_enabled:
        u.call_record_outgoing_external_enabled && u.call_record_outgoing_internal_enabled && u.call_record_incoming_external_enabled && u.call_record_incoming_internal_enabled,
      country: null,
      created_at,
      // Each line as GET /lines/{id} shows it (seen on a running wazo-confd).
      lines: line_ids
        .map((id) => this.store.get<LineRow>("line", id))
        .filter((l): l is LineRow => !!l)
        .map((l) => this.line(l)),
      voicemail: vm ? { id: vm.id, name: vm.name, links: link(this.base, "voicemails", `voicemails/${vm.id}`) } : null,
      groups: this.groupsOfUser(u.uuid).map((g) => ({ uuid: g.uuid, id: g.id, name: g.name, links: link(this.base, "groups", `groups/${g.uuid}`) })),
      incalls: this.incallsToUser(u.id).map((i) => ({ id: i.id, extensions: this.refs(i.extension_ids), links: link(this.base, "incalls", `incalls/${i.id}`) })),
      forwards: this.forwards({ ...u, forwards } as UserRow),
      fallbacks: this.fallbacks({ ...u, fallbacks } as UserRow),
      services: this.services({ ...u, services } as UserRow),
      agent: null,
      switchboards: [],
      queues: [],
      call_permissions: [],
      call_pickup_target_users: [],
      schedules: [],
      links: link(this.base, "users", `users/${u.id}`),
    };
  }

  /** The caller ID a line shows: its SIP endpoint's `callerid` option (`"Name" <num>`) when it has one. */
  lineCallerId(l: LineRow, sip: EndpointSipRow | undefined): { name: string | null; num: string | null } {
    if (!sip) return { name: l.caller_id_name, num: l.caller_id_num };
    const opt = sip.endpoint_section_options.find(([k]) => k === "callerid")?.[1];
    if (opt === undefined) return { name: null, num: null };
    const m = /^"(.*)"(?: <(\+?\d+)>)?$/.exec(opt);
    return m ? { name: m[1], num: m[2] ?? null } : { name: opt, num: null };
  }

  line(l: LineRow) {
    const sip = l.endpoint_sip_uuid ? this.store.get<EndpointSipRow>("endpointSip", l.endpoint_sip_uuid) : undefined;
    const username = sip?.auth_section_options.find(([k]) => k === "username")?.[1];
    const cid = this.lineCallerId(l, sip);
    return {
      id: l.id,
      tenant_uuid: l.tenant_uuid,
      name: sip?.name ?? null,
      protocol: sip ? "sip" : null,
      device_id: null,
      device_slot: l.position,
      provisioning_extension: l.provisioning_code,
      context: l.context,
      provisioning_code: l.provisioning_code,
      position: l.position,
      caller_id_name: cid.name,
      caller_id_num: cid.num,
      registrar: l.registrar,
      application: null,
      endpoint_sip: sip ? { uuid: sip.uuid, label: sip.label, name: sip.name, auth_section_options: username !== undefined ? [["username", username]] : [], links: link(this.base, "endpoint_sip", `endpoints/sip/${sip.uuid}`) } : null,
      endpoint_sccp: null,
      endpoint_custom: null,
      extensions: this.refs(l.extension_ids),
      users: this.usersOfLine(l.id).map((u) => ({ uuid: u.uuid, firstname: u.firstname, lastname: u.lastname, links: link(this.base, "users", `users/${u.uuid}`) })),
      is_webrtc: false,
      links: link(this.base, "lines", `lines/${l.id}`),
    };
  }

  endpointSip(e: EndpointSipRow) {
    const line = this.lineOfEndpoint(e.uuid);
    return { ...e, line: line ? { id: line.id, links: link(this.base, "lines", `lines/${line.id}`) } : null, trunk: null, links: link(this.base, "endpoint_sip", `endpoints/sip/${e.uuid}`) };
  }

  extension(e: ExtensionRow) {
    const incall = this.incallOfExtension(e.id);
    const group = this.groupOfExtension(e.id);
    return {
      ...e,
      lines: this.linesOfExtension(e.id).map((l) => ({ id: l.id, name: l.endpoint_sip_uuid ? (this.store.get<EndpointSipRow>("endpointSip", l.endpoint_sip_uuid)?.name ?? null) : null, links: link(this.base, "lines", `lines/${l.id}`) })),
      incall: incall ? { id: incall.id, links: link(this.base, "incalls", `incalls/${incall.id}`) } : null,
      group: group ? { uuid: group.uuid, id: group.id, name: group.name, links: link(this.base, "groups", `groups/${group.uuid}`) } : null,
      conference: null,
      parking_lot: null,
      outcall: null,
      queue: null,
      links: link(this.base, "extensions", `extensions/${e.id}`),
    };
  }

  voicemail(v: VoicemailRow) {
    return {
      ...v,
      users: this.usersOfVoicemail(v.id).map((u) => ({ uuid: u.uuid, firstname: u.firstname, lastname: u.lastname, links: link(this.base, "users", `users/${u.uuid}`) })),
      links: link(this.base, "voicemails", `voicemails/${v.id}`),
    };
  }

  incall(i: IncallRow) {
    const { extension_ids, destination, ...fields } = i;
    return { ...fields, destination: this.destination(destination), extensions: this.refs(extension_ids), schedules: [], links: link(this.base, "incalls", `incalls/${i.id}`) };
  }

  group(g: GroupRow) {
    const { members, extension_ids, ...fields } = g;
    return {
      ...fields,
      extensions: this.refs(extension_ids),
      members: {
        users: members.map((m) => {
          const u = this.store.all<UserRow>("user").find((x) => x.uuid === m.user_uuid);
          return { uuid: m.user_uuid, firstname: u?.firstname ?? null, lastname: u?.lastname ?? null, priority: m.priority, links: link(this.base, "users", `users/${m.user_uuid}`) };
        }),
        extensions: [],
      },
      incalls: this.store
        .all<IncallRow>("incall")
        .filter((i) => i.destination.type === "group" && i.destination.group_id === g.id)
        .map((i) => ({ id: i.id, extensions: this.refs(i.extension_ids), links: link(this.base, "incalls", `incalls/${i.id}`) })),
      fallbacks: { noanswer_destination: null, congestion_destination: null },
      schedules: [],
      call_permissions: [],
      links: link(this.base, "groups", `groups/${g.uuid}`),
    };
  }

  private incallsTo(type: string, key: string, id: number) {
    return this.store
      .all<IncallRow>("incall")
      .filter((i) => i.destination.type === type && i.destination[key] === id)
      .map((i) => ({ id: i.id, extensions: this.refs(i.extension_ids), links: link(this.base, "incalls", `incalls/${i.id}`) }));
  }

  ivr(i: IvrRow) {
    return {
      ...i,
      invalid_destination: this.destination(i.invalid_destination),
      timeout_destination: this.destination(i.timeout_destination),
      abort_destination: this.destination(i.abort_destination),
      choices: i.choices.map((ch) => ({ exten: ch.exten, destination: this.destination(ch.destination) })),
      incalls: this.incallsTo("ivr", "ivr_id", i.id),
      links: link(this.base, "ivr", `ivr/${i.id}`),
    };
  }

  conference(cf: ConferenceRow) {
    return { ...cf, extensions: [], incalls: this.incallsTo("conference", "conference_id", cf.id), links: link(this.base, "conferences", `conferences/${cf.id}`) };
  }

  context(c: ContextRow) {
    return { ...c, contexts: [], links: link(this.base, "contexts", `contexts/${c.id}`) };
  }
}
