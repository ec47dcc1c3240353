/**
 * The Wazo Platform driver: confd 1.1 (and wazo-auth 0.1 for tokens, tenants
 * and portal logins) behind the Driver interface. The registry loads this
 * folder with `require("./wazo")`.
 *
 * Differences from API v1 the driver absorbs (each explained where it is done):
 * - changes are live at once: no apply step (`needsApply: false`, `apply()` a no-op);
 * - no ETag: models carry no `revision`, `ifMatch` is ignored;
 * - no idempotency keys: a create that may have landed is found again by its
 *   natural key (`recover` in http.ts) instead of being sent twice;
 * - PUT and DELETE answer 204 with no body: every write reads the object back;
 * - errors are a list of strings: http.ts makes our typed errors of them;
 * - rings vs seconds (users.ts), E.164 vs digit DIDs (incomingNumbers.ts),
 *   one destination per forward (forwardings.ts), `recursive` user deletes.
 *
 * Connection: `url` is the stack's root; confd under `/api/confd/1.1`,
 * wazo-auth under `/api/auth/0.1` (`confdPath`, `authPath` override them);
 * a ready `token`, or `username` + `password` for tokens renewed before they
 * expire; the site is the wazo-auth tenant with that slug or name, unless
 * `tenant` gives its uuid (sent as `Wazo-Tenant`).
 */
import { PbxValidationError } from "../../errors";
import type { ApiIssue } from "../../schemas/error";
import type { User } from "../../schemas/user";
import type { ImportResult } from "../../schemas/system";
import { columnFor, parseXivoCsv, type XivoRow } from "../../import/xivoCsv";
import type { Driver, DriverConnection, KindDriver, UserModel } from "../driver";
import { capabilities } from "./capabilities";
import { WazoDevices } from "./devices";
import { WazoForwardings } from "./forwardings";
import { WazoFunctionKeys } from "./functionKeys";
import { WAZO_REJECTED_RULE, WazoHttpOptions, errorStrings } from "./http";
import { WazoIncomingNumbers } from "./incomingNumbers";
import { WazoSite } from "./site";
import { WazoUserGroups } from "./userGroups";
import { WazoUsers, newSipCredentials, ownerMarkOfUser, recordingFlags, ringsToSeconds } from "./users";

export { capabilities, WAZO_MAPPING, SECONDS_PER_RING, mappingMarkdown, type MappingRow } from "./capabilities";
export { WazoHttp, TokenSource, DEFAULT_AUTH_PATH, DEFAULT_CONFD_PATH, WAZO_REJECTED_RULE, type WazoHttpOptions, type WazoRequest } from "./http";
export { WazoSite } from "./site";

/** A Wazo site behind the Driver interface. */
export class WazoDriver implements Driver {
  readonly capabilities = capabilities;
  readonly site: string;
  /** The shared HTTP core and tenant lookups (tests, the console). */
  readonly wazo: WazoSite;
  readonly users: WazoUsers;
  readonly incomingNumbers: KindDriver<"incomingNumber">;
  readonly userGroups: KindDriver<"userGroup">;
  readonly functionKeys: KindDriver<"functionKey">;
  readonly forwardings: KindDriver<"forwarding">;
  readonly devices: KindDriver<"device">;

  constructor(connection: DriverConnection, tuning: Partial<WazoHttpOptions> = {}) {
    this.site = connection.site;
    this.wazo = new WazoSite(connection, tuning);
    this.users = new WazoUsers(this.wazo);
    this.incomingNumbers = new WazoIncomingNumbers(this.wazo);
    this.userGroups = new WazoUserGroups(this.wazo);
    this.functionKeys = new WazoFunctionKeys(this.wazo);
    this.forwardings = new WazoForwardings(this.wazo);
    this.devices = new WazoDevices(this.wazo);
  }

  /** confd changes are live as soon as they are written: nothing to apply. */
  async apply(): Promise<void> {}

  /** Nothing is ever waiting: confd changes are live at once. */
  async pendingChanges(): Promise<number> {
    return 0;
  }

  /**
   * Imports a XiVO pipe-separated CSV (seed 002) through Wazo's own
   * `POST /users/import`, which is all or nothing: the file is checked with
   * the same parser as API v1 (so a bad file fails the same way, naming line
   * and column), turned into Wazo's comma-separated columns, sent once, and
   * the users it made are read back.
   */
  async importUsers(csvText: string): Promise<ImportResult> {
    const { rows, issues } = parseXivoCsv(csvText);
    // What Wazo cannot express, per row and column, as a create would say at preview.
    for (const r of rows) {
      for (const u of capabilities.unsupported("user", r.declared as Record<string, unknown>)) {
        issues.push({ path: [r.line, columnFor(u.property.split("."))], rule: "driver_unsupported", message: `${u.property}: ${u.message}` });
      }
    }
    const path = `${this.wazo.http.base.confd}/users/import`;
    if (issues.length) throw new PbxValidationError({ method: "POST", path, status: 400, code: "validation_failed", detail: "the CSV file has errors", issues });
    if (rows.length === 0) return { created: [] };
    const [internal, incall] = await Promise.all([this.wazo.context("internal"), rows.some((r) => r.incall) ? this.wazo.context("incall") : undefined]);
    const table = rows.map((r) => wazoImportRow(r, internal.name, incall?.name));
    for (const t of table) for (const k of SECRET_COLUMNS) this.wazo.http.addSecret(t[k]);
    let answer: { created?: Array<{ user_uuid?: string; user_id: number; row_number?: number }> };
    try {
      answer = await this.wazo.http.request({ method: "POST", path: "/users/import", body: toCsv(table), contentType: "text/csv; charset=utf-8" });
    } catch (e) {
      throw importError(e, rows, path);
    }
    const now = new Date().toISOString();
    const created = await Promise.all(
      (answer?.created ?? []).map(async (c, i) => {
        const cti = rows[(c.row_number ?? i + 1) - 1]?.user.cti;
        // The XiVO Client login (cti) is the confd user's username/password, which the import has no column for.
        if (cti && cti.enabled !== false && cti.username) {
          this.wazo.http.addSecret(cti.password ?? undefined);
          await this.wazo.http.request({ method: "PUT", path: `/users/${c.user_uuid ?? String(c.user_id)}`, body: { username: cti.username, ...(cti.password ? { password: cti.password } : {}) }, fields: { username: "cti.username", password: "cti.password" } });
        }
        const m = await this.users.get(c.user_uuid ?? String(c.user_id));
        // ImportResult carries API v1 objects: Wazo has no revision or apply state, so these are constants.
        return { ...m, revision: 1, applied: true, createdAt: now, updatedAt: now } as User;
      }),
    );
    return { created };
  }

  close(): void {
    this.wazo.http.close();
  }
}

/** The driver for one site (the registry's entry point). */
export function createDriver(connection: DriverConnection): Driver {
  if (!connection.url) throw new Error(`no Wazo URL for site "${connection.site}"`);
  if (!connection.token && !(connection.username && connection.password)) {
    throw new Error(`no Wazo credentials for site "${connection.site}": set a token, or a wazo-auth username and password`);
  }
  return new WazoDriver(connection);
}

/** The owner mark of a user model this driver returned (Wazo keeps it in the user's description). */
export function ownerMarkOf(model: UserModel): string | undefined {
  return ownerMarkOfUser(model);
}

// ---------------------------------------------------------------------------
// CSV import

/** Columns of the file sent to Wazo (names of confd's user_import). */
export const IMPORT_COLUMNS = [
  "firstname", "lastname", "email", "language", "mobile_phone_number", "outgoing_caller_id", "userfield", "ring_seconds", "simultaneous_calls",
  "call_record_outgoing_external_enabled", "call_record_outgoing_internal_enabled", "call_record_incoming_external_enabled", "call_record_incoming_internal_enabled", "online_call_record_enabled",
  "call_transfer_enabled", "supervision_enabled",
  "context", "exten", "line_protocol", "sip_username", "sip_secret",
  "voicemail_name", "voicemail_number", "voicemail_context", "voicemail_password", "voicemail_email",
  "voicemail_attach_audio", "voicemail_delete_messages", "voicemail_ask_password",
  "incall_exten", "incall_context", "incall_ring_seconds",
] as const;
type ImportColumn = (typeof IMPORT_COLUMNS)[number];
const SECRET_COLUMNS: ImportColumn[] = ["sip_secret", "voicemail_password"];

/** One XiVO row as Wazo's import columns (the same mapping as a user create). */
export function wazoImportRow(row: XivoRow, internalContext: string, incallContext: string | undefined): Record<ImportColumn, string> {
  const u = row.user;
  const sip = newSipCredentials();
  const flags = recordingFlags(u.callRecording);
  const b = (v: boolean) => (v ? "1" : "0");
  const out = Object.fromEntries(IMPORT_COLUMNS.map((c) => [c, ""])) as Record<ImportColumn, string>;
  Object.assign(out, {
    firstname: u.firstName,
    lastname: u.lastName ?? "",
    email: u.email ?? "",
    language: u.language ?? "",
    mobile_phone_number: u.mobileNumber ?? "",
    outgoing_caller_id: u.outgoingCallerId ?? "",
    userfield: u.department ?? "",
    ring_seconds: String(ringsToSeconds(u.voicemail.ringsBeforeVoicemail)),
    simultaneous_calls: u.multipleCalls ? "5" : "1",
    call_record_outgoing_external_enabled: b(flags.call_record_outgoing_external_enabled),
    call_record_outgoing_internal_enabled: b(flags.call_record_outgoing_internal_enabled),
    call_record_incoming_external_enabled: b(flags.call_record_incoming_external_enabled),
    call_record_incoming_internal_enabled: b(flags.call_record_incoming_internal_enabled),
    online_call_record_enabled: b(flags.online_call_record_enabled),
    // Seed 002 enablexfer / enablehint.
    call_transfer_enabled: b(u.callTransfer),
    supervision_enabled: b(u.supervision),
    // Not username/password: Wazo's import makes those a wazo-auth login (our portal), while the XiVO
    // Client login is confd's user username/password (our cti), written after the import.
    context: internalContext,
    exten: u.extension,
    line_protocol: "sip",
    sip_username: sip.username,
    sip_secret: sip.password,
  });
  if (u.voicemail.enabled) {
    Object.assign(out, {
      voicemail_name: u.lastName ? `${u.firstName} ${u.lastName}` : u.firstName,
      voicemail_number: u.extension,
      voicemail_context: internalContext,
      voicemail_password: u.voicemail.pin ?? "",
      voicemail_email: u.voicemail.email ?? u.email ?? "",
      voicemail_attach_audio: u.voicemail.attachAudio === undefined ? "" : b(u.voicemail.attachAudio),
      voicemail_delete_messages: u.voicemail.deleteAfterNotification === undefined ? "" : b(u.voicemail.deleteAfterNotification),
      voicemail_ask_password: u.voicemail.askPassword === undefined ? "" : b(u.voicemail.askPassword),
    });
  }
  if (row.incall && incallContext) {
    Object.assign(out, { incall_exten: row.incall.number.replace(/^\+/, ""), incall_context: incallContext, incall_ring_seconds: String(row.incall.ringSeconds) });
  }
  return out;
}

/** RFC 4180 CSV (what Python's csv module reads): a header, then one line per row. */
export function toCsv(rows: Array<Record<string, string>>): string {
  const cell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines = [IMPORT_COLUMNS.join(","), ...rows.map((r) => IMPORT_COLUMNS.map((c) => cell(r[c] ?? "")).join(","))];
  return `${lines.join("\r\n")}\r\n`;
}

/** Wazo's import errors (`{errors: [{message, details: {row_number}}]}`) pointing at the lines of our file. */
function importError(e: unknown, rows: XivoRow[], path: string): unknown {
  if (!(e instanceof PbxValidationError)) return e;
  const body = e.body as { errors?: Array<{ message?: string; details?: { row_number?: number } }> } | undefined;
  if (!Array.isArray(body?.errors)) return e;
  const issues: ApiIssue[] = body.errors.map((x) => {
    const n = x.details?.row_number;
    const line = n !== undefined ? rows[n - 1]?.line : undefined;
    return { path: line !== undefined ? [line] : [], rule: WAZO_REJECTED_RULE, message: x.message ?? errorStrings(x).join("; ") };
  });
  // The body echoes every cell of the bad rows (passwords included): it is not kept.
  return new PbxValidationError({ method: "POST", path, status: e.status, code: "validation_failed", detail: "Wazo refused the import", issues });
}
