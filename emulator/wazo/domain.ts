/**
 * The confd rules the emulator enforces, shared by the route files: lookups
 * that answer 404 for objects of another tenant, extension availability and
 * patterns, line ↔ endpoint / extension / user associations, voicemails,
 * destinations. Each rule names the confd validator it follows; messages are
 * built as xivo-dao's `helpers/errors.py` builds them.
 */
import crypto from "node:crypto";
import { EXTEN_RE } from "../../sdk/drivers/wazo/spec/schemas";
import { idMeta, inputError, notFound, paramNotFound, resourceError, WazoError } from "./errors";
import type { Call } from "./http";
import {
  SECTION_KEYS,
  VOICEMAIL_DEFAULTS,
  type ContextRow,
  type Destination,
  type EndpointSipRow,
  type ExtensionRow,
  type GroupRow,
  type IncallRow,
  type LineRow,
  type SectionOptions,
  type UserRow,
  type VoicemailRow,
} from "./model";

// ---------------------------------------------------------------------------
// Lookups (tenant-scoped: another tenant's object is "not found")

export function findUser(c: Call, id: string | number): UserRow | undefined {
  const s = String(id);
  const users = c.state.store.all<UserRow>("user");
  const u = /^\d+$/.test(s) ? c.state.store.get<UserRow>("user", s) : users.find((x) => x.uuid === s.toLowerCase());
  return u && c.visible.includes(u.tenant_uuid) ? u : undefined;
}
export function getUser(c: Call, id: string): UserRow {
  const u = findUser(c, id);
  if (!u) throw notFound("User", { id: idMeta(id) });
  return u;
}
function getById<T extends { tenant_uuid: string }>(c: Call, kind: "line" | "extension" | "voicemail" | "incall", resource: string, id: string | number): T {
  const row = c.state.store.get<T>(kind, id);
  if (!row || !c.visible.includes(row.tenant_uuid)) throw notFound(resource, { id: typeof id === "number" ? id : idMeta(id) });
  return row;
}
export const getLine = (c: Call, id: string | number) => getById<LineRow>(c, "line", "Line", id);
export const getExtension = (c: Call, id: string | number) => getById<ExtensionRow>(c, "extension", "Extension", id);
export const getVoicemail = (c: Call, id: string | number) => getById<VoicemailRow>(c, "voicemail", "Voicemail", id);
export const getIncall = (c: Call, id: string | number) => getById<IncallRow>(c, "incall", "Incall", id);
export function getEndpointSip(c: Call, uuid: string): EndpointSipRow {
  const e = c.state.store.get<EndpointSipRow>("endpointSip", uuid.toLowerCase());
  if (!e || !c.visible.includes(e.tenant_uuid)) throw notFound("SIPEndpoint", { uuid: idMeta(uuid) });
  return e;
}
export function findGroup(c: Call, id: string | number): GroupRow | undefined {
  const s = String(id);
  const g = /^\d+$/.test(s) ? c.state.store.get<GroupRow>("group", s) : c.state.store.all<GroupRow>("group").find((x) => x.uuid === s.toLowerCase());
  return g && c.visible.includes(g.tenant_uuid) ? g : undefined;
}
export function getGroup(c: Call, id: string): GroupRow {
  const g = findGroup(c, id);
  if (!g) throw notFound("Group", /^\d+$/.test(id) ? { id: Number(id) } : { uuid: idMeta(id) });
  return g;
}

/** GetResource('context', context_dao.get_by_name): the context must exist (in a visible tenant). */
export function getContext(c: Call, name: string, field = "context"): ContextRow {
  const ctx = c.state.store.all<ContextRow>("context").find((x) => x.name === name && c.visible.includes(x.tenant_uuid));
  if (!ctx) throw paramNotFound(field, "Context", { [field]: name });
  return ctx;
}

function inRanges(exten: string, ranges: { start: string; end?: string | null; did_length?: number }[]): boolean {
  if (!/^\d+$/.test(exten)) return false;
  const n = Number(exten);
  return ranges.some((r) => {
    const cut = (v: string) => Number(r.did_length ? v.slice(-r.did_length) : v);
    const start = cut(r.start);
    const end = r.end ? cut(r.end) : start;
    const x = r.did_length ? Number(exten.slice(-r.did_length)) : n;
    return start <= x && x <= end;
  });
}
const isPattern = (exten: string) => exten.startsWith("_");

// ---------------------------------------------------------------------------
// Extensions: plugins/extension/validator.py

/** Who holds an extension, if anyone. */
export function extensionOwner(c: Call, id: number): { type: "line"; lines: LineRow[] } | { type: "incall"; incall: IncallRow } | { type: "group"; group: GroupRow } | undefined {
  const lines = c.view.linesOfExtension(id);
  if (lines.length) return { type: "line", lines };
  const incall = c.view.incallOfExtension(id);
  if (incall) return { type: "incall", incall };
  const group = c.view.groupOfExtension(id);
  if (group) return { type: "group", group };
  return undefined;
}

function checkExtenPattern(ctx: ContextRow, exten: string): void {
  const ok = ctx.type === "outcall" ? /^_?\+?[*#0-9_XxZzNn[\].!-]*$/.test(exten) : EXTEN_RE.test(exten);
  // confd raises this InputError with no category prefix.
  if (!ok) throw new WazoError(400, ["exten: ['String does not match expected pattern.']"]);
}

/** Create an extension: its context must exist, the exten must be free in it and fit the context's pattern. */
export function createExtension(c: Call, body: { exten: string; context: string; commented?: boolean; enabled?: boolean }): ExtensionRow {
  const ctx = getContext(c, body.context);
  if (c.state.store.all<ExtensionRow>("extension").some((e) => e.exten === body.exten && e.context === body.context)) {
    throw resourceError("Extension already exists", { exten: body.exten, context: body.context });
  }
  checkExtenPattern(ctx, body.exten);
  const row: ExtensionRow = { id: c.state.store.nextId("extension"), tenant_uuid: ctx.tenant_uuid, exten: body.exten, context: body.context, commented: body.commented ?? false, enabled: body.enabled ?? true };
  return c.state.store.put("extension", row.id, row);
}

/** Edit an extension: the new exten/context must be free, fit the context type of what holds it and its ranges. */
export function updateExtension(c: Call, e: ExtensionRow, body: Partial<ExtensionRow>): ExtensionRow {
  const next: ExtensionRow = { ...e, ...body };
  const ctx = getContext(c, next.context);
  if (c.state.store.all<ExtensionRow>("extension").some((x) => x.id !== e.id && x.exten === next.exten && x.context === next.context)) {
    throw resourceError("Extension already exists", { exten: next.exten, context: next.context });
  }
  const owner = extensionOwner(c, e.id);
  const wantType = owner?.type === "incall" ? "incall" : owner ? "internal" : undefined;
  if (wantType && ctx.type !== wantType) throw resourceError(`ContextType '${ctx.type}' cannot be associated`);
  if (owner && !isPattern(next.exten)) {
    const ranges = owner.type === "line" ? ctx.user_ranges : owner.type === "group" ? ctx.group_ranges : ctx.incall_ranges;
    if (!inRanges(next.exten, ranges)) throw inputError(`Extension '${next.exten}' is outside of range for context '${next.context}'`);
  }
  checkExtenPattern(ctx, next.exten);
  if (ctx.tenant_uuid !== e.tenant_uuid) throw resourceError("different tenants", { current_tenant_uuid: e.tenant_uuid, context_tenant_uuid: ctx.tenant_uuid });
  const saved = c.state.store.put("extension", e.id, next);
  for (const l of c.view.linesOfExtension(e.id)) fixLine(c, l.id);
  return saved;
}

/** Delete an extension: refused while something holds it. */
export function deleteExtension(c: Call, e: ExtensionRow): void {
  const owner = extensionOwner(c, e.id);
  if (owner?.type === "line") throw resourceError("Extension is associated with a line", { extension_id: e.id, associated_ids: owner.lines.map((l) => l.id) });
  if (owner?.type === "incall") throw resourceError("Extension is associated with a incall", { extension_id: e.id, associated_id: owner.incall.id });
  if (owner?.type === "group") throw resourceError("Extension is associated with a group", { extension_id: e.id, associated_id: owner.group.id });
  c.state.store.delete("extension", e.id);
}

// ---------------------------------------------------------------------------
// SIP endpoints: plugins/endpoint_sip

function randomName(): string {
  const pool = "abcdefghijklmnopqrstuvwxyz0123456789";
  return Array.from(crypto.randomBytes(8), (b) => pool[b % pool.length]).join("");
}

/**
 * Option names confd accepts per PJSIP section (PJSIPDocValidator). confd
 * reads them from Asterisk's documentation; the emulator knows the short
 * lists (auth, and the identify / registration lists confd hard-codes) and
 * accepts any name in the long ones (endpoint, aor), rather than refuse a
 * real option it does not list.
 */
const PJSIP_OPTIONS: Record<string, readonly string[]> = {
  auth_section_options: ["auth_type", "password", "username", "realm", "md5_cred", "nonce_lifetime", "refresh_token", "oauth_clientid", "oauth_secret", "supported_algorithms_uac", "supported_algorithms_uas"],
  outbound_auth_section_options: ["auth_type", "password", "username", "realm", "md5_cred", "nonce_lifetime", "refresh_token", "oauth_clientid", "oauth_secret", "supported_algorithms_uac", "supported_algorithms_uas"],
  registration_outbound_auth_section_options: ["auth_type", "password", "username", "realm", "md5_cred", "nonce_lifetime", "refresh_token", "oauth_clientid", "oauth_secret", "supported_algorithms_uac", "supported_algorithms_uas"],
  identify_section_options: ["match", "endpoint", "srv_lookups", "match_header"],
  registration_section_options: ["auth_rejection_permanent", "client_uri", "contact_user", "contact_header_params", "expiration", "max_retries", "outbound_proxy", "retry_interval", "server_uri", "forbidden_retry_interval", "fatal_retry_interval", "line", "transport", "support_path", "support_outbound"],
};

function checkSectionOptions(body: Partial<EndpointSipRow>): void {
  for (const [field, known] of Object.entries(PJSIP_OPTIONS)) {
    for (const [name] of (body[field as keyof EndpointSipRow] as SectionOptions | undefined) ?? []) {
      if (!known.includes(name)) throw new WazoError(400, [`Input Error - '${field}: invalid variable (${name})' must be one of (${known.join(", ")})`]);
    }
  }
}

/** Create a SIP endpoint: its name (generated when left out) is unique. */
export { checkSectionOptions };

export function createEndpointSip(c: Call, body: Partial<EndpointSipRow>, tenant: string): EndpointSipRow {
  checkSectionOptions(body);
  const all = c.state.store.all<EndpointSipRow>("endpointSip");
  if (body.name && all.some((e) => e.name === body.name)) throw resourceError("SIPEndpoint already exists", { name: body.name });
  let name = body.name;
  while (!name || all.some((e) => e.name === name)) name = randomName();
  for (const t of body.templates ?? []) {
    const tpl = c.state.store.get<EndpointSipRow>("endpointSip", t.uuid.toLowerCase());
    if (!tpl) throw paramNotFound("templates", "endpoint_sip", { templates: t });
  }
  if (body.transport) throw paramNotFound("transport", "SIPTransport", { uuid: body.transport.uuid });
  const row: EndpointSipRow = {
    uuid: crypto.randomUUID(),
    tenant_uuid: tenant,
    name,
    label: body.label ?? null,
    ...(Object.fromEntries(SECTION_KEYS.map((k) => [k, (body[k] ?? []) as SectionOptions])) as Pick<EndpointSipRow, (typeof SECTION_KEYS)[number]>),
    templates: body.templates ?? [],
    transport: null,
    asterisk_id: body.asterisk_id ?? null,
  };
  return c.state.store.put("endpointSip", row.uuid, row);
}

// ---------------------------------------------------------------------------
// Lines and their associations: plugins/line, line_endpoint, line_extension, user_line

function provisioningCode(c: Call): string {
  const taken = new Set(c.state.store.all<LineRow>("line").map((l) => l.provisioning_code));
  for (;;) {
    const code = String(100000 + crypto.randomInt(0, 900000));
    if (!taken.has(code)) return code;
  }
}

/** Create a line in an existing context (its tenant is the context's). */
export function createLine(c: Call, body: { context: string; provisioning_code?: string; position?: number; caller_id_name?: string | null; caller_id_num?: string | null; registrar?: string }): LineRow {
  const ctx = getContext(c, body.context);
  if (body.provisioning_code && c.state.store.all<LineRow>("line").some((l) => l.provisioning_code === body.provisioning_code)) {
    throw resourceError("Line already exists", { provisioning_code: body.provisioning_code });
  }
  if (body.registrar !== undefined && body.registrar !== "default") throw paramNotFound("registrar", "Registrar", { registrar: body.registrar });
  const row: LineRow = {
    id: c.state.store.nextId("line"),
    tenant_uuid: ctx.tenant_uuid,
    context: body.context,
    provisioning_code: body.provisioning_code ?? provisioningCode(c),
    position: body.position ?? 1,
    caller_id_name: body.caller_id_name ?? null,
    caller_id_num: body.caller_id_num ?? null,
    registrar: body.registrar ?? "default",
    endpoint_sip_uuid: null,
    extension_ids: [],
  };
  return c.state.store.put("line", row.id, row);
}

/**
 * xivo-dao `LineFixes.fix_caller_id`, run after associations and user edits:
 * the SIP endpoint of a line with a user carries the user's caller ID as its
 * `callerid` option, `"Name" <number>` (the number from the user's caller ID,
 * else the line's extension). Seen on a running wazo-confd: the option
 * appears in GET /endpoints/sip/{uuid} and the line's caller_id_name/num.
 */
export function fixLine(c: Call, lineId: number): void {
  const line = c.state.store.get<LineRow>("line", lineId);
  if (!line?.endpoint_sip_uuid) return;
  const user = c.view.usersOfLine(line.id)[0];
  const sip = c.state.store.get<EndpointSipRow>("endpointSip", line.endpoint_sip_uuid);
  if (!user || !sip) return;
  const ext = line.extension_ids.length ? c.state.store.get<ExtensionRow>("extension", line.extension_ids[0]) : undefined;
  const m = /^"(.*)"(?:\s+<(\+?\d+)>)?$/.exec(user.caller_id ?? "");
  const name = m ? m[1] : (user.caller_id ?? "");
  const num = m?.[2] ?? ext?.exten;
  setCallerIdOption(c, sip, `"${name}"${num ? ` <${num}>` : ""}`);
}

/** Set (or replace in place) the endpoint's `callerid` option. */
export function setCallerIdOption(c: Call, sip: EndpointSipRow, value: string | null): void {
  const options = sip.endpoint_section_options.filter(([k]) => k !== "callerid" || value !== null).map(([k, v]) => [k, k === "callerid" ? (value as string) : v] as [string, string]);
  if (value !== null && !options.some(([k]) => k === "callerid")) options.push(["callerid", value]);
  c.state.store.put<EndpointSipRow>("endpointSip", sip.uuid, { ...sip, endpoint_section_options: options });
}

/** Line ↔ SIP endpoint (ValidateLineSIPAssociation). */
export function associateLineEndpoint(c: Call, line: LineRow, sip: EndpointSipRow): LineRow {
  if (line.tenant_uuid !== sip.tenant_uuid) throw resourceError("different tenants", { line_tenant_uuid: line.tenant_uuid, endpoint_tenant_uuid: sip.tenant_uuid });
  if (line.endpoint_sip_uuid) throw resourceError("Line is associated with a Endpoint", { line_id: line.id, endpoint: "sip", endpoint_id: line.endpoint_sip_uuid });
  const other = c.view.lineOfEndpoint(sip.uuid);
  if (other) throw resourceError("Line is associated with a Endpoint", { line_id: other.id, endpoint: "sip", endpoint_uuid: sip.uuid });
  const next = c.state.store.put<LineRow>("line", line.id, { ...line, endpoint_sip_uuid: sip.uuid });
  fixLine(c, line.id);
  return next;
}

/** Line ↔ extension (LineExtensionAssociationValidator). */
export function associateLineExtension(c: Call, line: LineRow, ext: ExtensionRow): LineRow {
  if (ext.tenant_uuid !== line.tenant_uuid) throw resourceError("different tenants", { extension_tenant_uuid: ext.tenant_uuid, line_tenant_uuid: line.tenant_uuid });
  if (!line.endpoint_sip_uuid) throw resourceError("Line must be associated with a Endpoint", { line_id: line.id });
  if (line.extension_ids.length) throw resourceError("Line is associated with a Extension", { line_id: line.id, extension_id: line.extension_ids[0] });
  const owner = extensionOwner(c, ext.id);
  if (owner && owner.type !== "line") throw resourceError(`Extension is associated with a ${owner.type}`, { id: ext.id, associated_id: owner.type === "incall" ? String(owner.incall.id) : String(owner.group.id) });
  const ctx = getContext(c, ext.context);
  if (ctx.type !== "internal") throw resourceError(`ContextType '${ctx.type}' cannot be associated`, { id: ext.id, context: ext.context });
  const mainUser = c.view.usersOfLine(line.id)[0];
  if (mainUser && owner?.type === "line") {
    for (const other of owner.lines) {
      const otherUser = c.view.usersOfLine(other.id)[0];
      if (otherUser && otherUser.id !== mainUser.id) throw resourceError("User is associated with a Line", { user_id: otherUser.id, line_id: other.id });
    }
  }
  if (!isPattern(ext.exten) && !inRanges(ext.exten, ctx.user_ranges)) throw inputError(`Extension '${ext.exten}' is outside of range for context '${ext.context}'`);
  const next = c.state.store.put<LineRow>("line", line.id, { ...line, extension_ids: [...line.extension_ids, ext.id] });
  fixLine(c, line.id);
  return next;
}

/** User ↔ line (UserLineAssociationValidator). A user's first line is its main line. */
export function associateUserLine(c: Call, user: UserRow, line: LineRow): UserRow {
  if (user.tenant_uuid !== line.tenant_uuid) throw resourceError("different tenants", { user_tenant_uuid: user.tenant_uuid, line_tenant_uuid: line.tenant_uuid });
  if (!line.endpoint_sip_uuid) throw resourceError("Line must be associated with a Endpoint", { line_id: line.id });
  if (user.line_ids.includes(line.id)) return user; // already associated: confd answers 204 again
  const ext = line.extension_ids[0];
  if (ext !== undefined) {
    for (const other of c.view.linesOfExtension(ext)) {
      if (other.id === line.id) continue;
      const holder = c.view.usersOfLine(other.id)[0];
      if (holder && holder.id !== user.id) throw resourceError("Line is associated with a Extension", { line_id: other.id, extension_id: ext });
    }
  }
  const next = c.state.store.put<UserRow>("user", user.id, { ...user, line_ids: [...user.line_ids, line.id] });
  fixLine(c, line.id);
  return next;
}

/** Delete a line: its SIP endpoint goes with it (xivo-dao LinePersistor.delete); `recursive` also deletes its extensions. */
export function deleteLine(c: Call, line: LineRow, recursive: boolean): void {
  for (const u of c.view.usersOfLine(line.id)) c.state.store.put<UserRow>("user", u.id, { ...u, line_ids: u.line_ids.filter((id) => id !== line.id) });
  if (recursive) {
    for (const id of line.extension_ids) if (c.view.linesOfExtension(id).every((l) => l.id === line.id)) c.state.store.delete("extension", id);
  }
  if (line.endpoint_sip_uuid) c.state.store.delete("endpointSip", line.endpoint_sip_uuid);
  c.state.store.delete("line", line.id);
}

// ---------------------------------------------------------------------------
// Voicemails: plugins/voicemail, user_voicemail

/** Create a voicemail: its context must exist; number unique in the context; one global voicemail per context. */
export function createVoicemail(c: Call, body: Partial<VoicemailRow> & { name: string; number: string; context: string }): VoicemailRow {
  const ctx = getContext(c, body.context);
  const all = c.state.store.all<VoicemailRow>("voicemail");
  const same = all.find((v) => v.number === body.number && v.context === body.context);
  if (same) throw resourceError("Voicemail already exists", { number: same.number, context: same.context });
  if (body.accesstype === "global" && all.some((v) => v.context === body.context && v.accesstype === "global")) throw resourceError("Operation not permitted. There can be only one global voicemail per context.");
  const row: VoicemailRow = { ...VOICEMAIL_DEFAULTS, ...stripUndefined(body), id: c.state.store.nextId("voicemail"), tenant_uuid: ctx.tenant_uuid } as VoicemailRow;
  return c.state.store.put("voicemail", row.id, row);
}

export function updateVoicemail(c: Call, v: VoicemailRow, body: Partial<VoicemailRow>): VoicemailRow {
  const next = { ...v, ...stripUndefined(body) } as VoicemailRow;
  getContext(c, next.context);
  const all = c.state.store.all<VoicemailRow>("voicemail");
  const same = all.find((x) => x.id !== v.id && x.number === next.number && x.context === next.context);
  if (same) throw resourceError("Voicemail already exists", { number: same.number, context: same.context });
  if (next.accesstype === "global" && all.some((x) => x.id !== v.id && x.context === next.context && x.accesstype === "global")) throw resourceError("Operation not permitted. There can be only one global voicemail per context.");
  if (next.accesstype === "global" && c.view.usersOfVoicemail(v.id).length) throw resourceError("Operation not permitted. A global voicemail cannot be associated to users.");
  return c.state.store.put("voicemail", v.id, next);
}

/** User ↔ voicemail (UserHasNoVoicemail, VoicemailIsNotGlobal). */
export function associateUserVoicemail(c: Call, user: UserRow, vm: VoicemailRow): UserRow {
  if (vm.tenant_uuid !== user.tenant_uuid) throw resourceError("different tenants", { voicemail_tenant_uuid: vm.tenant_uuid, user_tenant_uuid: user.tenant_uuid });
  if (user.voicemail_id !== null) throw resourceError("User is associated with a Voicemail", { user_id: user.id, voicemail_id: vm.id });
  if (vm.accesstype === "global") throw resourceError("Operation not permitted. A global voicemail cannot be associated to users.");
  return c.state.store.put<UserRow>("user", user.id, { ...user, voicemail_id: vm.id });
}

// ---------------------------------------------------------------------------
// Destinations: helpers/destination.py DestinationValidator

/** The objects a destination points at must exist (in the caller's tenants). */
export function checkDestination(c: Call, d: Destination): void {
  // The id is shown as the integer the body gave (seen on a running wazo-confd: `('actionarg1': 999999)`).
  const missing = (resource: string) => paramNotFound("actionarg1", resource, { actionarg1: d[`${resource.toLowerCase()}_id`] ?? null });
  if (d.type === "user" && !findUser(c, d.user_id as number)) throw paramNotFound("actionarg1", "User", { actionarg1: d.user_id });
  if (d.type === "group" && !findGroup(c, d.group_id as number)) throw paramNotFound("actionarg1", "Group", { actionarg1: d.group_id });
  if (d.type === "voicemail") {
    const v = c.state.store.get<VoicemailRow>("voicemail", d.voicemail_id as number);
    if (!v || !c.visible.includes(v.tenant_uuid)) throw paramNotFound("actionarg1", "Voicemail", { actionarg1: d.voicemail_id });
  }
  if (d.type === "ivr") {
    const i = c.state.store.get<{ tenant_uuid: string }>("ivr", d.ivr_id as number);
    if (!i || !c.visible.includes(i.tenant_uuid)) throw missing("IVR");
  }
  if (d.type === "conference") {
    const cf = c.state.store.get<{ tenant_uuid: string }>("conference", d.conference_id as number);
    if (!cf || !c.visible.includes(cf.tenant_uuid)) throw missing("Conference");
  }
  // The emulator has no queues, outcalls, switchboards or custom applications: a reference to one is not found.
  if (d.type === "queue") throw missing("Queue");
  if (d.type === "outcall") throw missing("Outcall");
  if (d.type === "switchboard") throw paramNotFound("actionarg1", "Switchboard", { actionarg1: d.switchboard_uuid });
  if (d.type === "application" && d.application === "custom") throw paramNotFound("actionarg1", "Application", { actionarg1: d.application_uuid });
}

/** A destination as stored: the fields of its type with nulls for optional ones left out. */
export function normaliseDestination(d: Destination): Destination {
  return stripUndefined(d) as Destination;
}

export function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
