/**
 * Users (`plugins/user`): create (with the inline forms of POST /users:
 * lines, voicemail, auth, groups, forwards, fallbacks), get by id or uuid,
 * partial update, delete (refused while a voicemail is associated, unless
 * `recursive=true`, which also deletes lines, endpoints, extensions, the
 * voicemail and the login).
 */
import crypto from "node:crypto";
import type { FastifyInstance } from "fastify";
import { fixLine, associateLineEndpoint, associateLineExtension, associateUserLine, associateUserVoicemail, createEndpointSip, createExtension, createLine, createVoicemail, deleteLine, getGroup, getLine, getUser, getVoicemail, stripUndefined } from "../domain";
import { resourceError } from "../errors";
import { list, listTenants, serve, type Call } from "../http";
import { USER_FIELD_DEFAULTS, type AuthUserRow, type EndpointSipRow, type ExtensionRow, type GroupRow, type IncallRow, type LineRow, type UserRow, type VoicemailRow } from "../model";
import { hashPassword, type WazoState } from "../state";
import { applyFallbacks, applyForwards } from "./userSubResources";

/** Fields stored as '' by Wazo and read back as null (xivo-dao UserFeatures hybrid properties). */
const NULL_IF_EMPTY = ["lastname", "caller_id", "outgoing_caller_id", "music_on_hold", "mobile_phone_number", "userfield", "description", "username", "password"] as const;
const CALL_RECORD = ["call_record_outgoing_external_enabled", "call_record_outgoing_internal_enabled", "call_record_incoming_external_enabled", "call_record_incoming_internal_enabled"] as const;

/** The writable user fields of a parsed body, as Wazo stores them. */
function userFields(body: Record<string, unknown>): Partial<UserRow> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(USER_FIELD_DEFAULTS)) if (body[k] !== undefined) out[k] = body[k];
  if (body.firstname !== undefined) out.firstname = body.firstname;
  for (const k of NULL_IF_EMPTY) if (out[k] === "") out[k] = null;
  // The deprecated flag sets the four detailed ones.
  if (body.call_record_enabled !== undefined && body.call_record_enabled !== null) for (const k of CALL_RECORD) out[k] = body.call_record_enabled;
  // POST takes null for some flags (UserSchemaNullable): null means "default".
  for (const [k, v] of Object.entries(out)) if (v === null && k in USER_FIELD_DEFAULTS && (USER_FIELD_DEFAULTS as Record<string, unknown>)[k] !== null) out[k] = (USER_FIELD_DEFAULTS as Record<string, unknown>)[k];
  return out as Partial<UserRow>;
}

/** UserValidator: email and CTI username unique (across tenants, as confd checks them), PSTN fallback needs a mobile number. */
function checkUser(c: Call, u: UserRow): void {
  const others = c.state.store.all<UserRow>("user").filter((x) => x.id !== u.id);
  if (u.email && others.some((x) => x.email === u.email)) throw resourceError("User already exists", { email: u.email });
  if (u.username && others.some((x) => x.username === u.username)) throw resourceError("User already exists", { username: u.username });
  if (u.mobile_fallback_enabled && !u.mobile_phone_number) throw resourceError("PSTN fallback must be disabled when mobile phone number is not set");
}

function fullname(u: { firstname: string; lastname: string | null }): string {
  return u.lastname ? `${u.firstname} ${u.lastname}` : u.firstname;
}

/**
 * POST /lines and each line of POST /users: the line, its SIP endpoint, its
 * extensions (created or reused). `response` is what confd answers for it
 * (LineMiddleWare.create, seen on a running wazo-confd): the line as it
 * stands before any user is associated, its endpoint in full, and each
 * extension as it was when created (no lines yet).
 */
export function createLineWithParts(c: Call, body: Record<string, unknown>, options: { reuseExtensions?: boolean } = {}): { line: LineRow; extensions: ExtensionRow[]; response: Record<string, unknown> } {
  const { endpoint_sip, extensions, ...lineFields } = body as { endpoint_sip?: Partial<EndpointSipRow>; extensions?: { exten: string; context?: string }[]; context: string };
  let line = createLine(c, lineFields);
  let sipView: unknown = null;
  if (endpoint_sip) {
    // Like confd's LineSchema: the endpoint gets the line's context unless it names one.
    const options = [...(endpoint_sip.endpoint_section_options ?? [])] as [string, string][];
    if (!options.some(([k]) => k === "context")) options.push(["context", line.context]);
    const sip = createEndpointSip(c, { ...endpoint_sip, endpoint_section_options: options }, line.tenant_uuid);
    sipView = { ...c.view.endpointSip(sip), line: null };
    line = associateLineEndpoint(c, line, sip);
  }
  const made: ExtensionRow[] = [];
  const extViews: unknown[] = [];
  for (const e of extensions ?? []) {
    const context = e.context ?? line.context;
    const existing = c.state.store.all<ExtensionRow>("extension").find((x) => x.exten === e.exten && x.context === context);
    // LineMiddleWare.create_or_get: an exten that exists in the context is reused, not refused.
    const reuse = options.reuseExtensions !== false && existing && c.visible.includes(existing.tenant_uuid);
    const ext = reuse ? existing : createExtension(c, { ...e, context });
    extViews.push(c.view.extension(ext));
    line = associateLineExtension(c, line, ext);
    made.push(ext);
  }
  const response = { ...c.view.line(c.state.store.get<LineRow>("line", line.id)!), endpoint_sip: sipView, extensions: extViews };
  return { line, extensions: made, response };
}

function authView(a: AuthUserRow) {
  return { uuid: a.uuid, username: a.username, firstname: a.firstname, lastname: a.lastname, enabled: a.enabled, purpose: a.purpose, emails: a.email_address ? [{ address: a.email_address, main: true, confirmed: true }] : [] };
}

const SEARCH = {
  columns: {
    id: (u: UserRow) => u.id,
    uuid: (u: UserRow) => u.uuid,
    firstname: (u: UserRow) => u.firstname,
    lastname: (u: UserRow) => u.lastname ?? "",
    fullname: (u: UserRow) => `${u.firstname} ${u.lastname ?? ""}`,
    caller_id: (u: UserRow) => u.caller_id,
    description: (u: UserRow) => u.description,
    userfield: (u: UserRow) => u.userfield,
    email: (u: UserRow) => u.email,
    mobile_phone_number: (u: UserRow) => u.mobile_phone_number,
    music_on_hold: (u: UserRow) => u.music_on_hold,
    outgoing_caller_id: (u: UserRow) => u.outgoing_caller_id,
    preprocess_subroutine: (u: UserRow) => u.preprocess_subroutine,
    username: (u: UserRow) => u.username,
    enabled: (u: UserRow) => u.enabled,
    subscription_type: (u: UserRow) => u.subscription_type,
  },
  search: ["fullname", "caller_id", "description", "userfield", "email", "mobile_phone_number", "preprocess_subroutine", "outgoing_caller_id", "exten", "username", "provisioning_code", "subscription_type"],
  defaultSort: "lastname",
};

/** A user row from a parsed POST /users body (Wazo's defaults, caller ID filled in, uniqueness checked). */
export function insertUser(c: Call, b: Record<string, unknown> & { firstname: string }): UserRow {
  const user: UserRow = {
    ...USER_FIELD_DEFAULTS,
    ...(stripUndefined(userFields(b)) as Partial<UserRow>),
    id: c.state.store.nextId("user"),
    uuid: crypto.randomUUID(),
    tenant_uuid: c.tenant,
    firstname: b.firstname,
    // Python's isoformat of a naive UTC datetime, as confd prints it: microseconds, no zone.
    created_at: new Date().toISOString().replace("Z", "000"),
    line_ids: [],
    voicemail_id: null,
    services: { dnd: false, incallfilter: false },
    forwards: { busy: { enabled: false, destination: null }, noanswer: { enabled: false, destination: null }, unconditional: { enabled: false, destination: null } },
    fallbacks: { noanswer: null, busy: null, congestion: null, fail: null },
    funckeys: {},
  };
  // UserFeatures.fill_caller_id: "Firstname Lastname" in quotes when none is given.
  if (!user.caller_id) user.caller_id = `"${fullname(user)}"`;
  checkUser(c, user);
  return c.state.store.put("user", user.id, user);
}

export function userRoutes(app: FastifyInstance, state: WazoState): void {
  serve(app, state, "listUsers", (c) => {
    const store = c.state.store;
    const mainLine = (u: UserRow) => (u.line_ids.length ? store.get<LineRow>("line", u.line_ids[0]) : undefined);
    const mainExt = (u: UserRow) => {
      const l = mainLine(u);
      return l?.extension_ids.length ? store.get<ExtensionRow>("extension", l.extension_ids[0]) : undefined;
    };
    const config = {
      ...SEARCH,
      columns: {
        ...SEARCH.columns,
        exten: (u: UserRow) => mainExt(u)?.exten,
        extension: (u: UserRow) => mainExt(u)?.exten,
        context: (u: UserRow) => mainExt(u)?.context,
        provisioning_code: (u: UserRow) => mainLine(u)?.provisioning_code,
        voicemail_number: (u: UserRow) => (u.voicemail_id !== null ? store.get<VoicemailRow>("voicemail", u.voicemail_id)?.number : undefined),
      },
    };
    let rows = store.all<UserRow>("user").filter((u) => listTenants(c).includes(u.tenant_uuid));
    const query = { ...c.query };
    if (query.uuid) {
      const uuids = query.uuid.split(",").map((s) => s.toLowerCase());
      rows = rows.filter((u) => uuids.includes(u.uuid));
      delete query.uuid;
    }
    return list(rows, query, config, (u) => c.view.user(u));
  });

  serve(app, state, "getUser", (c) => ({ status: 200, body: c.view.user(getUser(c, c.params.user_id)) }));

  serve(app, state, "createUser", (c) => {
    const b = c.body as Record<string, unknown> & { firstname: string };
    let user = insertUser(c, b);

    let voicemail: VoicemailRow | null = null;
    const vmBody = b.voicemail as (Partial<VoicemailRow> & { id?: number }) | null | undefined;
    if (vmBody) {
      if (vmBody.id) voicemail = getVoicemail(c, vmBody.id);
      else voicemail = createVoicemail(c, { ...vmBody, name: vmBody.name ?? fullname(user) } as VoicemailRow);
      user = associateUserVoicemail(c, user, voicemail);
    }

    const lines: unknown[] = [];
    for (const lineBody of (b.lines as Record<string, unknown>[] | undefined) ?? []) {
      const { line, response } = createLineWithParts(c, lineBody);
      user = associateUserLine(c, getUser(c, String(user.id)), line);
      lines.push(response);
    }

    const groups = (b.groups as { uuid: string }[] | undefined) ?? [];
    for (const g of groups) {
      const group = getGroup(c, g.uuid);
      c.state.store.put<GroupRow>("group", group.id, { ...group, members: [...group.members, { user_uuid: user.uuid, priority: group.members.length }] });
    }

    if (b.forwards) user = applyForwards(c, getUser(c, String(user.id)), b.forwards as Record<string, { enabled?: boolean; destination?: string | null }>);
    if (b.fallbacks) user = applyFallbacks(c, getUser(c, String(user.id)), b.fallbacks as Record<string, unknown>);

    let auth: unknown = undefined;
    const a = b.auth as Record<string, unknown> | null | undefined;
    if (a) {
      // UserListItemSchema.init_auth: what the auth block leaves out comes from the user.
      const username = (a.username as string | null | undefined) || (b.username as string | undefined) || null;
      const password = (a.password as string | null | undefined) || (b.password as string | undefined) || null;
      if (username && c.state.store.all<AuthUserRow>("authUser").some((x) => x.username === username)) throw resourceError("User already exists", { username });
      const row: AuthUserRow = {
        uuid: user.uuid,
        tenant_uuid: user.tenant_uuid,
        username,
        password: password ? hashPassword(password) : null,
        firstname: (a.firstname as string | null | undefined) || user.firstname,
        lastname: (a.lastname as string | null | undefined) || user.lastname,
        email_address: (a.email_address as string | null | undefined) || user.email,
        enabled: (a.enabled as boolean | undefined) ?? true,
        purpose: (a.purpose as string | undefined) ?? "user",
      };
      auth = authView(c.state.store.put("authUser", row.uuid, row));
    }

    const final = getUser(c, String(user.id));
    const body = { ...c.view.user(final), lines, voicemail: voicemail ? c.view.voicemail(c.state.store.get<VoicemailRow>("voicemail", voicemail.id)!) : null, ...(auth ? { auth } : {}) };
    return { status: 201, body, headers: { location: `${c.view.base}/api/confd/1.1/users/${final.id}` } };
  });

  serve(app, state, "updateUser", (c) => {
    const user = getUser(c, c.params.user_id);
    const next: UserRow = { ...user, ...userFields(c.body as Record<string, unknown>) };
    checkUser(c, next);
    c.state.store.put("user", user.id, next);
    // UserFixes: the user's lines follow its caller ID.
    for (const id of next.line_ids) fixLine(c, id);
    // "If the firstname or the lastname is modified, the name of associated voicemail is also updated."
    if ((next.firstname !== user.firstname || next.lastname !== user.lastname) && next.voicemail_id !== null) {
      const vm = c.state.store.get<VoicemailRow>("voicemail", next.voicemail_id);
      if (vm) c.state.store.put<VoicemailRow>("voicemail", vm.id, { ...vm, name: fullname(next) });
    }
    return { status: 204 };
  });

  serve(app, state, "deleteUser", (c) => {
    const user = getUser(c, c.params.user_id);
    const r = c.query.recursive;
    const recursive = r === "true" || r === "True" || r === "1";
    const store = c.state.store;
    if (!recursive && user.voicemail_id !== null) throw resourceError("User is associated with a Voicemail", { user_id: user.id, voicemail_id: user.voicemail_id });
    if (recursive) {
      if (user.voicemail_id !== null && c.view.usersOfVoicemail(user.voicemail_id).every((u) => u.id === user.id)) store.delete("voicemail", user.voicemail_id);
      for (const id of user.line_ids) {
        const line = store.get<LineRow>("line", id);
        if (line) deleteLine(c, getLine(c, id), true);
      }
      if (store.get("authUser", user.uuid)) store.delete("authUser", user.uuid);
    }
    // Whatever pointed at the user stops doing so: incalls go nowhere, memberships and other users' keys go.
    for (const i of c.view.incallsToUser(user.id)) store.put<IncallRow>("incall", i.id, { ...i, destination: { type: "none" } });
    for (const g of c.view.groupsOfUser(user.uuid)) store.put<GroupRow>("group", g.id, { ...g, members: g.members.filter((m) => m.user_uuid !== user.uuid) });
    for (const u of store.all<UserRow>("user")) {
      const keys = Object.entries(u.funckeys).filter(([, k]) => !(k.destination.type === "user" && k.destination.user_id === user.id));
      if (keys.length !== Object.keys(u.funckeys).length) store.put<UserRow>("user", u.id, { ...u, funckeys: Object.fromEntries(keys) });
    }
    store.delete("user", user.id);
    return { status: 204 };
  });
}
