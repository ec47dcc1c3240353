/**
 * Users on Wazo: a confd user, its SIP line (line + SIP endpoint + extension
 * in the tenant's internal context), its voicemail, its DND service and its
 * wazo-auth login (the portal). Our id is the user's uuid.
 *
 * Requests:
 * - create: GET /extensions?exten&context (is the extension free?), POST
 *   /users with the line, SIP endpoint, extension, voicemail and wazo-auth
 *   user inline (one confd transaction), PUT /users/{uuid}/services/dnd when
 *   dnd is on, then the read below;
 * - read: GET /users/{uuid}, GET /endpoints/sip/{uuid} (SIP credentials),
 *   GET /voicemails/{id} (PIN), GET {auth}/users/{uuid} (portal login);
 * - update: GET /users/{uuid}, then only what changed: PUT /users/{uuid},
 *   PUT /extensions/{id}, PUT /voicemails/{id}, POST or DELETE
 *   /users/{uuid}/voicemails (+ DELETE /voicemails/{id}), PUT
 *   /users/{uuid}/services/dnd, wazo-auth PUT /users/{uuid} or POST
 *   /users/password/reset; then the read;
 * - delete: GET /users/{uuid} (a user that still has devices — lines with no
 *   extension — is refused, naming them), DELETE /users/{uuid}?recursive=true — confd then deletes the
 *   user's voicemail, lines with their extensions and SIP endpoints, and the
 *   wazo-auth user, and leaves groups (plugins/user/middleware.py), so
 *   nothing create made is left behind.
 *
 * Rings vs seconds: we count rings before voicemail, Wazo counts the seconds
 * a user's phones ring before the no-answer fallback (`ring_seconds`). One
 * ring cadence is about 5 s in Europe (1 s on, 4 s off) and 6 s in North
 * America; we take {@link SECONDS_PER_RING} = 5, so 4 rings ↔ 20 s, and read
 * back round(ring_seconds / 5): a change made in confd shows as soon as it
 * moves the ring count.
 */
import { randomBytes } from "crypto";
import { PbxConflictError, PbxNotFoundError } from "../../errors";
import { computeUserTags, scopeOfRole, UserCreateSchema, UserUpdateSchema, type UserCreateParsed, type UserUpdateParsed } from "../../schemas/user";
import type { CreateOptions, KindDriver, UserInput, UserModel } from "../driver";
import { SECONDS_PER_RING } from "./capabilities";
import { WazoSite, WazoUser, checked, invalid } from "./site";

/** Wazo field → our property path, for validation errors of user writes. */
export const USER_FIELDS: Record<string, string> = {
  firstname: "firstName",
  lastname: "lastName",
  email: "email",
  mobile_phone_number: "mobileNumber",
  language: "language",
  userfield: "department",
  outgoing_caller_id: "outgoingCallerId",
  simultaneous_calls: "multipleCalls",
  ring_seconds: "voicemail.ringsBeforeVoicemail",
  exten: "extension",
  extensions: "extension",
  // "Exten 1001 not inside user range of context …": the extension is out of the numbering plan.
  range: "extension",
  context: "extension",
  lines: "extension",
  voicemail: "voicemail",
  number: "extension",
  password: "voicemail.pin",
  auth: "portal",
  // The confd user's own username/password are the CTI (XiVO Client) login; the portal is wazo-auth's `auth`.
  username: "cti.username",
  description: "",
};

/** Fields of a write to /users itself, where `password` is the CTI login's (elsewhere it is the voicemail PIN). */
const USER_WRITE_FIELDS: Record<string, string> = { ...USER_FIELDS, password: "cti.password" };

interface SipEndpoint {
  uuid: string;
  name?: string;
  auth_section_options?: Array<[string, string] | string[]>;
}
interface Voicemail {
  id: number;
  password?: string | null;
  email?: string | null;
  number?: string;
  attach_audio?: boolean | null;
  delete_messages?: boolean;
  ask_password?: boolean;
}

type VoicemailExtra = { email?: string | null; attachAudio?: boolean; deleteAfterNotification?: boolean; askPassword?: boolean };

/** Our voicemail options (seeds 001, 002, 003) as confd voicemail fields, only those set. */
function voicemailOptions(vm: VoicemailExtra | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (vm?.attachAudio !== undefined) out.attach_audio = vm.attachAudio;
  if (vm?.deleteAfterNotification !== undefined) out.delete_messages = vm.deleteAfterNotification;
  if (vm?.askPassword !== undefined) out.ask_password = vm.askPassword;
  return out;
}

/** The CTI login as confd user fields: `username`/`password` (confd has no switch: disabled ↔ no login). */
function ctiFields(cti: { enabled?: boolean; username?: string | null; password?: string | null } | undefined): Record<string, unknown> {
  if (!cti) return {};
  if (cti.enabled === false) return { username: null, password: null };
  const out: Record<string, unknown> = {};
  if (cti.username !== undefined) out.username = cti.username;
  if (cti.password !== undefined) out.password = cti.password;
  return out;
}
interface AuthUser {
  uuid: string;
  username?: string | null;
}

/** Owner marks of the models this driver returned (not a model field, so it never shows in a diff). */
const marks = new WeakMap<object, string>();

/** The owner mark (the confd user's description) of a model this driver returned. */
export function ownerMarkOfUser(u: UserModel): string | undefined {
  return marks.get(u);
}

const randomText = (alphabet: string, length: number) => {
  const bytes = randomBytes(length);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
};
const LOWER = "abcdefghijklmnopqrstuvwxyz0123456789";
const MIXED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** SIP credentials: Wazo does not generate them, the client chooses them (8-letter name as Wazo's own UI does). */
export function newSipCredentials(): { username: string; password: string } {
  return { username: randomText(LOWER, 8), password: randomText(MIXED, 20) };
}

function option(options: SipEndpoint["auth_section_options"], key: string): string | undefined {
  const pair = (options ?? []).find((o) => o[0] === key);
  return pair?.[1];
}

/** Our call recording as Wazo's five flags. */
export function recordingFlags(mode: "off" | "onDemand" | "always"): Record<string, boolean> {
  const auto = mode === "always";
  return {
    call_record_outgoing_external_enabled: auto,
    call_record_outgoing_internal_enabled: auto,
    call_record_incoming_external_enabled: auto,
    call_record_incoming_internal_enabled: auto,
    online_call_record_enabled: mode === "onDemand",
  };
}

/**
 * Wazo's five flags as our call recording. Some but not all automatic flags
 * on (only set through confd) reads as "always": calls are being recorded
 * automatically, and a program that said "off" or "onDemand" sees the drift.
 */
export function recordingOf(u: Pick<WazoUser, "call_record_outgoing_external_enabled" | "call_record_outgoing_internal_enabled" | "call_record_incoming_external_enabled" | "call_record_incoming_internal_enabled" | "online_call_record_enabled">): "off" | "onDemand" | "always" {
  const auto = [u.call_record_outgoing_external_enabled, u.call_record_outgoing_internal_enabled, u.call_record_incoming_external_enabled, u.call_record_incoming_internal_enabled];
  if (auto.some(Boolean)) return "always";
  return u.online_call_record_enabled ? "onDemand" : "off";
}

export const ringsToSeconds = (rings: number) => rings * SECONDS_PER_RING;
export const secondsToRings = (seconds: number) => Math.round(seconds / SECONDS_PER_RING);

const displayName = (first: string, last?: string | null) => (last ? `${first} ${last}` : first);

export class WazoUsers implements KindDriver<"user"> {
  constructor(private readonly site: WazoSite) {}

  private get http() {
    return this.site.http;
  }

  idOf(u: UserModel): string {
    return u.id;
  }

  ownerMarkOf(u: UserModel): string | undefined {
    return ownerMarkOfUser(u);
  }

  async create(input: UserInput, options: CreateOptions = {}): Promise<UserModel> {
    const u = checked(UserCreateSchema, input, { method: "POST", path: `${this.http.base.confd}/users` });
    const holder = await this.find({ extension: u.extension });
    if (holder) throw taken(holder.id, u.extension, this.http.base.confd);
    const internal = await this.site.context("internal");
    const sip = newSipCredentials();
    this.http.addSecret(sip.password);
    this.http.addSecret(u.voicemail.pin ?? undefined);
    this.http.addSecret(u.portal?.password ?? undefined);
    this.http.addSecret(u.cti?.password ?? undefined);
    const body: Record<string, unknown> = {
      ...userFieldsOf(u),
      ...(options.ownerMark ? { description: options.ownerMark } : {}),
      lines: [
        {
          context: internal.name,
          endpoint_sip: { name: sip.username, auth_section_options: [["username", sip.username], ["password", sip.password]] },
          extensions: [{ exten: u.extension, context: internal.name }],
        },
      ],
    };
    if (u.voicemail.enabled) body.voicemail = voicemailBody(u, internal.name);
    if (u.portal && (u.portal.username || u.portal.password)) {
      body.auth = {
        username: u.portal.username ?? undefined,
        password: u.portal.password ?? undefined,
        firstname: u.firstName,
        lastname: u.lastName ?? null,
        email_address: u.email ?? null,
        purpose: "user",
      };
    }
    const created = await this.http.request<{ uuid: string; id: number }>({
      method: "POST",
      path: "/users",
      body,
      fields: USER_WRITE_FIELDS,
      // No idempotency key in Wazo: if an attempt that failed did create the user, find it by extension.
      recover: async () => {
        const found = await this.find({ extension: u.extension });
        if (found && (!options.ownerMark || this.ownerMarkOf(found) === options.ownerMark)) return { value: { uuid: found.id } };
        return undefined;
      },
    }).catch((e: unknown) => this.explainConflict(e, u.extension));
    if (u.dnd) await this.setDnd(created.uuid, true);
    return this.get(created.uuid);
  }

  async get(id: string): Promise<UserModel> {
    return this.modelOf(await this.site.getUser(id));
  }

  async update(id: string, raw: UserInput): Promise<UserModel> {
    const input = checked(UserUpdateSchema, raw, { method: "PUT", path: `${this.http.base.confd}/users/${id}` });
    const u = await this.site.getUser(id);
    const main = await this.site.mainLine(u);
    const vm = u.voicemail ? await this.http.request<Voicemail>({ method: "GET", path: `/voicemails/${u.voicemail.id}` }) : undefined;
    const internal = await this.site.context("internal");
    this.http.addSecret(input.voicemail?.pin ?? undefined);
    this.http.addSecret(input.portal?.password ?? undefined);
    this.http.addSecret(input.cti?.password ?? undefined);

    // The user's own fields, only those the input sets.
    const put: Record<string, unknown> = {};
    const set = <K extends keyof UserUpdateParsed>(k: K, wazo: string, f: (v: NonNullable<UserUpdateParsed[K]> | null) => unknown = (v) => v) => {
      if (input[k] !== undefined) put[wazo] = f(input[k] as NonNullable<UserUpdateParsed[K]> | null);
    };
    set("firstName", "firstname");
    set("lastName", "lastname");
    set("email", "email");
    set("mobileNumber", "mobile_phone_number");
    set("department", "userfield");
    set("language", "language");
    set("outgoingCallerId", "outgoing_caller_id", (v) => v ?? "default");
    if (input.multipleCalls !== undefined) {
      const want = input.multipleCalls ? (u.simultaneous_calls > 1 ? u.simultaneous_calls : 5) : 1;
      if (want !== u.simultaneous_calls) put.simultaneous_calls = want;
    }
    if (input.callRecording !== undefined) Object.assign(put, recordingFlags(input.callRecording));
    set("callTransfer", "call_transfer_enabled");
    set("supervision", "supervision_enabled");
    Object.assign(put, ctiFields(input.cti));
    if (input.voicemail?.ringsBeforeVoicemail !== undefined) put.ring_seconds = ringsToSeconds(input.voicemail.ringsBeforeVoicemail);
    // Only what differs from what Wazo holds (confd's PUT is partial at the first level).
    const current = u as unknown as Record<string, unknown>;
    for (const k of Object.keys(put)) if (current[k] === put[k] || (put[k] === null && current[k] === "")) delete put[k];
    if (Object.keys(put).length) await this.http.request({ method: "PUT", path: `/users/${u.uuid}`, body: put, fields: USER_WRITE_FIELDS });

    // The extension, on the user's line (a user made in confd without a line gets one).
    const extension = input.extension;
    if (extension !== undefined && main?.extension?.exten !== extension) {
      const holder = await this.find({ extension });
      if (holder && holder.id !== u.uuid) throw taken(holder.id, extension, this.http.base.confd);
      if (main?.extension) {
        await this.http.request({ method: "PUT", path: `/extensions/${main.extension.id}`, body: { exten: extension }, fields: USER_FIELDS }).catch((e: unknown) => this.explainConflict(e, extension));
      } else {
        await this.addLine(u, extension, internal.name);
      }
    }

    // Voicemail.
    const first = (input.firstName ?? u.firstname) as string;
    const last = input.lastName !== undefined ? input.lastName : u.lastname;
    const number = extension ?? main?.extension?.exten;
    const email = input.email !== undefined ? input.email : u.email;
    if (input.voicemail?.enabled === false && vm) {
      await this.http.request({ method: "DELETE", path: `/users/${u.uuid}/voicemails` });
      await this.http.request({ method: "DELETE", path: `/voicemails/${vm.id}` });
    } else if (input.voicemail?.enabled === true && !vm) {
      if (!number) throw invalid("voicemail.enabled", "the user has no extension for its voicemail number");
      await this.http.request({
        method: "POST",
        path: `/users/${u.uuid}/voicemails`,
        body: {
          name: displayName(first, last),
          number,
          context: internal.name,
          ...(input.voicemail.pin ? { password: input.voicemail.pin } : {}),
          ...((input.voicemail.email ?? email) ? { email: input.voicemail.email ?? email } : {}),
          ...voicemailOptions(input.voicemail),
        },
        fields: { ...USER_FIELDS, name: "firstName", email: "email" },
        // An attempt that landed before failing: the user has its voicemail now.
        recover: async () => {
          const vms = await this.http.request<{ items?: Voicemail[] }>({ method: "GET", path: `/users/${u.uuid}/voicemails` });
          return vms?.items?.length ? { value: vms.items[0] } : undefined;
        },
      });
    } else if (vm && input.voicemail?.enabled !== false) {
      const vput: Record<string, unknown> = {};
      if (input.voicemail?.pin !== undefined && input.voicemail.pin !== vm.password) vput.password = input.voicemail.pin;
      if (extension !== undefined && vm.number !== undefined && vm.number !== extension) vput.number = extension;
      // The voicemail's own address (seeds 001, 002) when the program gives one; else it follows the user's e-mail.
      const vmEmail = input.voicemail?.email !== undefined ? (input.voicemail.email ?? email ?? null) : input.email !== undefined && (vm.email ?? null) === (u.email || null) ? input.email : undefined;
      if (vmEmail !== undefined && (vm.email ?? null) !== (vmEmail ?? null)) vput.email = vmEmail;
      const options = voicemailOptions(input.voicemail);
      const currentVm = vm as unknown as Record<string, unknown>;
      for (const [k, v] of Object.entries(options)) if ((currentVm[k] ?? null) !== v) vput[k] = v;
      // confd judges delete_messages with the email and attach_audio of the same body: send them along.
      if (vput.delete_messages === true) {
        if (vput.email === undefined) vput.email = vm.email ?? null;
        if (vput.attach_audio === undefined) vput.attach_audio = vm.attach_audio ?? null;
      }
      if (Object.keys(vput).length) await this.http.request({ method: "PUT", path: `/voicemails/${vm.id}`, body: vput, fields: { ...USER_FIELDS, email: "email" } });
    }

    if (input.dnd !== undefined && input.dnd !== !!u.services?.dnd?.enabled) await this.setDnd(u.uuid, input.dnd);
    if (input.portal) await this.updatePortal(u, input.portal, first, last);
    return this.get(u.uuid);
  }

  async delete(id: string): Promise<void> {
    // confd's recursive delete would take the user's devices (its extra lines) along; like API v1,
    // a user that still has devices is refused naming them (see emulator/rules/references.ts).
    const u = await this.site.getUser(id);
    const devices = (u.lines ?? []).filter((l) => (l.extensions ?? []).length === 0 && l.endpoint_sip);
    if (devices.length) {
      const names = devices.map((l) => `line ${l.id}${l.name ? ` (${l.name})` : ""}`).join(", ");
      throw new PbxConflictError({
        method: "DELETE",
        path: `${this.http.base.confd}/users/${id}`,
        status: 409,
        code: "conflict",
        detail: `user ${id} still has ${devices.length === 1 ? "a device" : `${devices.length} devices`}: ${names}; delete or reassign ${devices.length === 1 ? "it" : "them"} first`,
        existing: { type: "device", id: String(devices[0].id), key: `device of user ${id}` },
        issues: [{ path: ["devices"], rule: "user_has_devices", message: `devices ${devices.map((l) => l.id).join(", ")} belong to this user` }],
      });
    }
    await this.http.request({ method: "DELETE", path: `/users/${encodeURIComponent(id)}`, query: { recursive: true } });
  }

  async find({ extension }: { extension: string }): Promise<UserModel | undefined> {
    const internal = await this.site.context("internal");
    const found = await this.http.request<{ items: Array<{ id: number; exten: string; context: string; lines?: Array<{ id: number }> }> }>({
      method: "GET",
      path: "/extensions",
      query: { exten: extension, context: internal.name },
    });
    const ext = (found?.items ?? []).find((e) => e.exten === extension && e.context === internal.name);
    const lineId = ext?.lines?.[0]?.id;
    if (lineId === undefined) return undefined;
    const line = await this.http.request<{ users?: Array<{ uuid: string }> }>({ method: "GET", path: `/lines/${lineId}` });
    const uuid = line?.users?.[0]?.uuid;
    if (!uuid) return undefined;
    return this.get(uuid).catch((e: unknown) => {
      if (e instanceof PbxNotFoundError) return undefined;
      throw e;
    });
  }

  /**
   * Every user of the tenant in five paged lists, whatever the site's size:
   * confd users (their bodies carry lines, extensions, voicemail id and
   * services), SIP endpoints, voicemails, and wazo-auth logins; joined here
   * rather than read one user at a time (four GETs each).
   */
  async list(): Promise<UserModel[]> {
    const [users, endpoints, voicemails, logins] = await Promise.all([
      this.site.listAll<WazoUser>("/users"),
      this.site.listAll<SipEndpoint>("/endpoints/sip"),
      this.site.listAll<Voicemail>("/voicemails"),
      this.site.listAll<AuthUser>("/users", {}, "auth"),
    ]);
    const endpointBy = new Map(endpoints.map((e) => [e.uuid, e]));
    const voicemailBy = new Map(voicemails.map((v) => [v.id, v]));
    const loginBy = new Map(logins.map((l) => [l.uuid, l]));
    const models = await Promise.all(
      users.map(async (u) => {
        this.site.rememberUser(u);
        const endpointUuid = (await this.site.mainLine(u))?.line.endpoint_sip?.uuid;
        // Made between the lists (or not in them): read it alone, as get does.
        const endpoint = endpointUuid ? (endpointBy.get(endpointUuid) ?? null) : undefined;
        const vm = u.voicemail ? (voicemailBy.get(u.voicemail.id) ?? null) : undefined;
        if (endpoint === null || vm === null) {
          return this.get(u.uuid).catch((e: unknown) => {
            if (e instanceof PbxNotFoundError) return undefined; // deleted while listing
            throw e;
          });
        }
        return this.modelOf(u, { endpoint, vm, auth: loginBy.get(u.uuid) ?? null });
      }),
    );
    return models.filter((m): m is UserModel => m !== undefined);
  }

  /**
   * Our model of a confd user (and its endpoint, voicemail and wazo-auth
   * user): read here unless a list already brought them (`known`; a login
   * of null is "none").
   */
  async modelOf(u: WazoUser, known?: { endpoint?: SipEndpoint; vm?: Voicemail; auth: AuthUser | null }): Promise<UserModel> {
    const main = await this.site.mainLine(u);
    const endpointUuid = main?.line.endpoint_sip?.uuid;
    const [endpoint, vm, auth] = known
      ? [known.endpoint, known.vm, known.auth ?? undefined]
      : await Promise.all([
          endpointUuid ? this.http.request<SipEndpoint>({ method: "GET", path: `/endpoints/sip/${endpointUuid}` }) : undefined,
          u.voicemail ? this.http.request<Voicemail>({ method: "GET", path: `/voicemails/${u.voicemail.id}` }) : undefined,
          this.authUser(u.uuid),
        ]);
    const sipPassword = option(endpoint?.auth_section_options, "password") ?? "";
    this.http.addSecret(sipPassword);
    this.http.addSecret(vm?.password ?? undefined);
    this.http.addSecret(u.password ?? undefined);
    const pin = vm?.password ? vm.password : null;
    const portalUsername = auth?.username ?? null;
    const model: UserModel = {
      id: u.uuid,
      site: this.site.name,
      extension: main?.extension?.exten ?? "",
      firstName: u.firstname,
      // confd keeps an unset last name as "": that is our null.
      lastName: u.lastname || null,
      email: u.email || null,
      mobileNumber: u.mobile_phone_number || null,
      department: u.userfield || null,
      language: u.language || null,
      role: "user",
      scope: scopeOfRole("user"),
      permissions: [],
      directoryListed: true,
      multipleCalls: u.simultaneous_calls > 1,
      loginRequired: false,
      dnd: !!u.services?.dnd?.enabled,
      callRecording: recordingOf(u),
      outgoingCallerId: !u.outgoing_caller_id || u.outgoing_caller_id === "default" ? null : u.outgoing_caller_id,
      // Wazo has no key count (capabilities say so); a constant keeps reads stable.
      keyCount: WAZO_KEY_COUNT,
      callTransfer: !!u.call_transfer_enabled,
      supervision: u.supervision_enabled !== false,
      // Call filters, agents, hot desking and extra extensions are not managed on Wazo (capabilities say so).
      bossSecretary: "none",
      agentNumber: null,
      hotDeskingPin: null,
      extraExtensions: [],
      voicemail: {
        enabled: !!vm,
        pin,
        ringsBeforeVoicemail: secondsToRings(u.ring_seconds),
        email: vm?.email || null,
        notificationEmails: [],
        // confd's null attach_audio means "the server's default", which attaches nothing unless configured.
        attachAudio: !!vm?.attach_audio,
        deleteAfterNotification: !!vm?.delete_messages,
        askPassword: vm ? vm.ask_password !== false : true,
      },
      // wazo-auth never shows a password: a login that exists was made with one.
      portal: { username: portalUsername, passwordSet: !!auth },
      // No CTI profiles in confd any more: a login is enabled while it has a username.
      cti: { enabled: !!u.username, username: u.username || null, profile: null, passwordSet: !!u.password },
      sipUsername: option(endpoint?.auth_section_options, "username") ?? endpoint?.name ?? "",
      sipDomain: this.site.host,
      sipProxy: this.site.host,
      sipPassword,
      tags: computeUserTags({ email: u.email, voicemailPinSet: pin !== null, portalPasswordSet: !!auth }),
    };
    if (u.description) marks.set(model, u.description);
    return model;
  }

  private async authUser(uuid: string): Promise<AuthUser | undefined> {
    try {
      return await this.http.request<AuthUser>({ service: "auth", method: "GET", path: `/users/${uuid}`, tenant: true });
    } catch (e) {
      if (e instanceof PbxNotFoundError) return undefined;
      throw e;
    }
  }

  private setDnd(uuid: string, enabled: boolean): Promise<unknown> {
    return this.http.request({ method: "PUT", path: `/users/${uuid}/services/dnd`, body: { enabled }, fields: { enabled: "dnd" } });
  }

  /** A line, SIP endpoint and extension for a user that has none (made in confd without one). */
  private async addLine(u: WazoUser, extension: string, context: string): Promise<void> {
    const sip = newSipCredentials();
    this.http.addSecret(sip.password);
    const line = await this.http.request<{ id: number }>({
      method: "POST",
      path: "/lines",
      body: {
        context,
        endpoint_sip: { name: sip.username, auth_section_options: [["username", sip.username], ["password", sip.password]] },
        extensions: [{ exten: extension, context }],
      },
      fields: USER_FIELDS,
    });
    await this.http.request({
      method: "PUT",
      path: `/users/${u.uuid}/lines/${line.id}`,
      // confd refuses an association already made: after a lost answer, look first.
      recover: async () => {
        const l = await this.http.request<{ users?: Array<{ uuid: string }> }>({ method: "GET", path: `/lines/${line.id}` });
        return (l.users ?? []).some((x) => x.uuid === u.uuid) ? { value: undefined } : undefined;
      },
    });
  }

  /** The wazo-auth login: created when missing, renamed, or given a new password. */
  private async updatePortal(u: WazoUser, portal: NonNullable<UserUpdateParsed["portal"]>, first: string, last: string | null | undefined): Promise<void> {
    const auth = await this.authUser(u.uuid);
    const fields = { username: "portal.username", password: "portal.password" };
    if (!auth) {
      if (!portal.username && !portal.password) return;
      const made = await this.http.request({
        service: "auth",
        method: "POST",
        path: "/users",
        tenant: true,
        body: { uuid: u.uuid, username: portal.username ?? undefined, password: portal.password ?? undefined, firstname: first, lastname: last ?? null, purpose: "user" },
        fields,
        recover: async () => ((await this.authUser(u.uuid)) ? { value: undefined } : undefined),
      }).then(
        () => true,
        (e: unknown) => {
          // The login exists after all (a wazo-auth that does not let us read it): change it below.
          if (e instanceof PbxConflictError) return false;
          throw e;
        },
      );
      if (made) return;
    }
    if (portal.username !== undefined && portal.username !== null && portal.username !== auth?.username) {
      await this.http.request({
        service: "auth",
        method: "PUT",
        path: `/users/${u.uuid}`,
        tenant: true,
        body: { username: portal.username, firstname: first, lastname: last ?? null, purpose: "user", enabled: true },
        fields,
      });
    }
    if (portal.password) {
      // An administrator sets a password through the reset operation (the change operation needs the old one).
      await this.http.request({ service: "auth", method: "POST", path: "/users/password/reset", query: { user_uuid: u.uuid }, tenant: true, body: { password: portal.password }, fields, repeatable: true });
    }
  }

  /** A Wazo "already exists" on a user write, with the user that holds the extension. */
  private async explainConflict(e: unknown, extension: string): Promise<never> {
    if (e instanceof PbxConflictError && !e.existing) {
      const holder = await this.find({ extension }).catch(() => undefined);
      if (holder) throw taken(holder.id, extension, this.http.base.confd);
      throw new PbxConflictError({ method: e.method, path: e.path, status: e.status, code: "conflict", detail: e.message.split(": ").slice(1).join(": ") || `extension ${extension} is taken`, body: e.body, existing: { type: "extension", id: extension, key: `extension ${extension}` } });
    }
    throw e;
  }
}

/** The key count users read back with (Wazo has none; keyCount is unsupported as an input). */
export const WAZO_KEY_COUNT = 0;

function taken(uuid: string, extension: string, base: string): PbxConflictError {
  return new PbxConflictError({
    method: "POST",
    path: `${base}/users`,
    status: 409,
    code: "conflict",
    detail: `extension ${extension} is already used by user ${uuid}`,
    existing: { type: "user", id: uuid, key: `extension ${extension}` },
  });
}

/** The confd user fields of a parsed create. */
function userFieldsOf(u: UserCreateParsed): Record<string, unknown> {
  const body: Record<string, unknown> = {
    firstname: u.firstName,
    ring_seconds: ringsToSeconds(u.voicemail.ringsBeforeVoicemail),
    simultaneous_calls: u.multipleCalls ? 5 : 1,
    ...recordingFlags(u.callRecording),
  };
  if (u.lastName !== undefined) body.lastname = u.lastName;
  if (u.email !== undefined) body.email = u.email;
  if (u.mobileNumber !== undefined) body.mobile_phone_number = u.mobileNumber;
  if (u.department !== undefined) body.userfield = u.department;
  if (u.language !== undefined) body.language = u.language;
  if (u.outgoingCallerId !== undefined) body.outgoing_caller_id = u.outgoingCallerId ?? "default";
  body.call_transfer_enabled = u.callTransfer;
  body.supervision_enabled = u.supervision;
  Object.assign(body, ctiFields(u.cti?.enabled === false ? undefined : u.cti));
  return body;
}

function voicemailBody(u: UserCreateParsed, context: string): Record<string, unknown> {
  return {
    name: displayName(u.firstName, u.lastName),
    number: u.extension,
    context,
    ...(u.voicemail.pin ? { password: u.voicemail.pin } : {}),
    ...((u.voicemail.email ?? u.email) ? { email: u.voicemail.email ?? u.email } : {}),
    ...voicemailOptions(u.voicemail),
  };
}
