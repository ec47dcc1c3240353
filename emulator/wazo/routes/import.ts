/**
 * POST /users/import (`plugins/user_import`): comma-separated CSV with a
 * header line, one user per row, with optionally a SIP line and its
 * extension, a voicemail, an incall and a login. All or nothing: any bad row
 * answers 400 `{ errors: [...] }` (one per bad row, with its number) and
 * nothing is kept; otherwise 201 `{ created: [...] }`.
 */
import { parse } from "csv-parse/sync";
import type { FastifyInstance } from "fastify";
import crypto from "node:crypto";
import { OPERATION_BY_ID, parseBody, pyRepr } from "../../../sdk/drivers/wazo/spec";
import { associateUserLine, associateUserVoicemail, createExtension, createVoicemail, getContext } from "../domain";
import { WazoError } from "../errors";
import { serve, type Call } from "../http";
import type { IncallRow, VoicemailRow } from "../model";
import { hashPassword, type WazoState } from "../state";
import { createLineWithParts, insertUser } from "./users";

const BOOLEAN_COLUMNS = new Set(["enabled", "supervision_enabled", "call_transfer_enabled", "dtmf_hangup_enabled", "call_record_outgoing_external_enabled", "call_record_outgoing_internal_enabled", "call_record_incoming_external_enabled", "call_record_incoming_internal_enabled", "online_call_record_enabled", "voicemail_attach_audio", "voicemail_delete_messages", "voicemail_ask_password"]);
const INT_COLUMNS = new Set(["ring_seconds", "simultaneous_calls", "subscription_type", "incall_ring_seconds"]);
const USER_COLUMNS = ["firstname", "lastname", "email", "language", "outgoing_caller_id", "mobile_phone_number", "call_permission_password", "userfield", "enabled", "supervision_enabled", "call_transfer_enabled", "dtmf_hangup_enabled", "call_record_outgoing_external_enabled", "call_record_outgoing_internal_enabled", "call_record_incoming_external_enabled", "call_record_incoming_internal_enabled", "online_call_record_enabled", "ring_seconds", "simultaneous_calls", "subscription_type"];

class RowError extends Error {}

/** A cell as csvparse.py reads it: '' is absent, booleans are 0/1, integers digits. */
function cell(row: Record<string, string>, col: string): unknown {
  const v = row[col];
  if (v === undefined || v === "") return undefined;
  if (BOOLEAN_COLUMNS.has(col)) {
    if (v !== "0" && v !== "1") throw new RowError(`Input Error - '${col}' must be one of (0, 1)`);
    return v === "1";
  }
  if (INT_COLUMNS.has(col)) {
    if (!/^\d+$/.test(v)) throw new RowError(`Input Error - field '${col}': wrong type. Should be a integer`);
    return Number(v);
  }
  return v;
}

function randomLower(n: number): string {
  return Array.from(crypto.randomBytes(n), (b) => "abcdefghijklmnopqrstuvwxyz"[b % 26]).join("");
}

function importRow(c: Call, row: Record<string, string>): Record<string, unknown> {
  // csvparse.py: a column present in the header but empty is None (so an empty firstname is "Field may not be null.").
  const userBody: Record<string, unknown> = {};
  for (const col of USER_COLUMNS) {
    if (!(col in row)) continue;
    const v = cell(row, col);
    userBody[col] = v === undefined ? null : v;
  }
  const parsed = parseBody(OPERATION_BY_ID.createUser, userBody);
  // The row's message is marshmallow's error dictionary as Python prints it: `{'firstname': ['Field may not be null.']}`.
  if (!parsed.ok) throw new RowError(pyRepr(parsed.errors));
  // The row's user is made as POST /users makes one (same rules and defaults).
  let user = insertUser(c, parsed.value as Record<string, unknown> & { firstname: string });
  const ids: Record<string, unknown> = { user_id: user.id, user_uuid: user.uuid };

  const exten = cell(row, "exten") as string | undefined;
  const context = cell(row, "context") as string | undefined;
  const protocol = (cell(row, "line_protocol") as string | undefined) ?? (exten ? "sip" : undefined);
  if (protocol) {
    if (protocol !== "sip" && protocol !== "webrtc") throw new RowError(`Input Error - line_protocol: the emulator makes SIP lines only, not '${protocol}'`);
    if (!context) throw new RowError("Input Error - missing parameters: context");
    // SipCreator: the endpoint is named after its username; username and password are made up when missing.
    const sipUser = (cell(row, "sip_username") as string | undefined) || randomLower(8);
    const sipSecret = (cell(row, "sip_secret") as string | undefined) || randomLower(8);
    const auth: [string, string][] = [["username", sipUser], ["password", sipSecret]];
    const { line, extensions } = createLineWithParts(c, { context, endpoint_sip: { name: sipUser, auth_section_options: auth }, extensions: exten ? [{ exten, context }] : [] }, { reuseExtensions: false });
    user = associateUserLine(c, user, line);
    Object.assign(ids, { line_id: line.id, sip_uuid: line.endpoint_sip_uuid, extension_id: extensions[0]?.id ?? null });
  }

  const vmNumber = cell(row, "voicemail_number") as string | undefined;
  const vmContext = cell(row, "voicemail_context") as string | undefined;
  if (vmNumber || vmContext) {
    // VoicemailCreator reads the voicemail columns with the voicemail schema: name, number and context are required.
    const vmBody: Record<string, unknown> = {};
    for (const [col, field] of [["voicemail_name", "name"], ["voicemail_number", "number"], ["voicemail_context", "context"], ["voicemail_password", "password"], ["voicemail_email", "email"], ["voicemail_attach_audio", "attach_audio"], ["voicemail_delete_messages", "delete_messages"], ["voicemail_ask_password", "ask_password"]] as const) {
      const v = cell(row, col);
      if (v !== undefined) vmBody[field] = v;
    }
    const vmParsed = parseBody(OPERATION_BY_ID.createVoicemail, vmBody);
    if (!vmParsed.ok) throw new RowError(pyRepr(vmParsed.errors));
    const vm = createVoicemail(c, vmParsed.value as VoicemailRow);
    user = associateUserVoicemail(c, user, vm);
    ids.voicemail_id = vm.id;
  }

  const incallExten = cell(row, "incall_exten") as string | undefined;
  if (incallExten) {
    const incallContext = cell(row, "incall_context") as string | undefined;
    if (!incallContext) throw new RowError("Input Error - missing parameters: incall_context");
    getContext(c, incallContext, "incall_context");
    const ext = createExtension(c, { exten: incallExten, context: incallContext });
    const ring = cell(row, "incall_ring_seconds") as number | undefined;
    const incall: IncallRow = { preprocess_subroutine: null, greeting_sound: null, caller_id_mode: null, caller_id_name: null, description: null, id: c.state.store.nextId("incall"), tenant_uuid: c.tenant, destination: { type: "user", user_id: user.id, ...(ring !== undefined ? { ring_time: ring } : {}) }, extension_ids: [ext.id] };
    c.state.store.put("incall", incall.id, incall);
    ids.incall_extension_id = ext.id;
  }

  const username = cell(row, "username") as string | undefined;
  const password = cell(row, "password") as string | undefined;
  if (username) {
    if (c.state.store.all<{ username: string | null }>("authUser").some((u) => u.username === username)) throw new RowError(`Resource Error - User already exists ('username': '${username}')`);
    c.state.store.put("authUser", user.uuid, { uuid: user.uuid, tenant_uuid: user.tenant_uuid, username, password: password ? hashPassword(password) : null, firstname: user.firstname, lastname: user.lastname, email_address: user.email, enabled: true, purpose: "user" });
  }
  return ids;
}

export function importRoutes(app: FastifyInstance, state: WazoState): void {
  serve(app, state, "importUsers", (c) => {
    let rows: Record<string, string>[];
    try {
      rows = parse(String(c.body ?? ""), { columns: true, skip_empty_lines: true, relax_column_count: true, bom: true }) as Record<string, string>[];
    } catch (e) {
      throw new WazoError(400, [`Input Error - CSV: ${(e as Error).message}`]);
    }
    const created: Record<string, unknown>[] = [];
    const errors: unknown[] = [];
    rows.forEach((row, i) => {
      try {
        created.push({ row_number: i + 1, ...importRow(c, row) });
      } catch (e) {
        if (!(e instanceof RowError) && !(e instanceof WazoError)) throw e;
        errors.push({ message: e instanceof WazoError ? e.messages.join("; ") : e.message, timestamp: Math.floor(Date.now() / 1000), details: { row, row_number: i + 1 } });
      }
    });
    // All or nothing: throwing rolls the whole import back.
    if (errors.length) throw new WazoError(400, ["import failed"], {}, { errors });
    return { status: 201, body: { created } };
  });
}
