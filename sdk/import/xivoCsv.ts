/**
 * XiVO bulk user import (seed 002): a pipe-separated text file with a header
 * row; each row creates a user, optionally with a line (its extension), an
 * incall (a DID ringing the user) and a voicemail.
 *
 * The emulator's import route (`POST /sites/{site}/import/users`) and the
 * provider's `usersFromXivoCsv` (provider/csv.ts) both use it, so a file is
 * judged the same way before a program runs and on the PBX.
 *
 * This parser is pure (no store): it checks each row on its own — required
 * fields per section, booleans, and the API v1 user rules — and reports
 * problems as `{path: [line, column], rule, message}`, where `line` is the
 * line number in the file (the header is line 1) and `column` the CSV column
 * name, so a user can find the cell. Rules that need the PBX (extension
 * uniqueness, numbering plan) are checked by the import route, which maps
 * them back with {@link XIVO_COLUMN_FOR_FIELD}.
 *
 * Every seed 002 column has a meaning here ({@link XIVO_COLUMNS} says which);
 * a value this PBX cannot honour is refused naming its column, never dropped:
 * - user: firstname, lastname, language, mobilephonenumber, outcallerid
 *   ("default" = no explicit number; "anonymous" is refused), agentnumber,
 *   bosssecretary, enablehint (supervision), enablexfer (callTransfer),
 *   enableclient/username/password/profileclient (the CTI login, `cti`);
 *   entityid is the XiVO entity, i.e. the site the file is imported into: one
 *   value for the whole file;
 * - line: phonenumber is the extension; context is the site's internal context
 *   (one value for the whole file); protocol must be sip (the PBX has no SCCP);
 *   linename is the SIP name, which is the extension here (seed 000), so it
 *   must equal phonenumber; linesecret is refused (the PBX generates SIP
 *   passwords, seed 000);
 * - incall: incallexten (E.164) and incallringseconds become an incoming number
 *   ringing the user; incallcontext is the site's incoming context (one value);
 * - voicemail: voicemailname must be the user's name and voicemailmailbox the
 *   extension (the PBX names and numbers a user's box so); voicemailpassword
 *   (PIN), voicemailemail (`voicemail.email`), voicemailattach,
 *   voicemaildelete, voicemailskippass (inverse of `voicemail.askPassword`).
 *
 * All or nothing is the caller's decision: `rows` holds every good row even
 * when other rows are bad, and `issues` every problem of every bad row; an
 * import proceeds only when `issues` is empty.
 */
import { parse } from "csv-parse/sync";
import { e164, type ApiIssue, UserCreateSchema, type UserCreateParsed, zodIssues } from "../schemas";
import { withUserRules } from "../schemas/user";

/** Columns of each section; `*` in seed 002 marks the required ones. */
const SECTIONS = {
  user: { columns: ["entityid", "firstname", "lastname", "language", "enableclient", "username", "password", "profileclient", "outcallerid", "agentnumber", "mobilephonenumber", "bosssecretary", "enablehint", "enablexfer"], required: ["firstname"] },
  line: { columns: ["phonenumber", "context", "protocol", "linename", "linesecret"], required: ["phonenumber", "context", "protocol"] },
  incall: { columns: ["incallexten", "incallcontext", "incallringseconds"], required: ["incallexten", "incallcontext"] },
  voicemail: { columns: ["voicemailname", "voicemailmailbox", "voicemailpassword", "voicemailemail", "voicemailattach", "voicemaildelete", "voicemailskippass"], required: ["voicemailname", "voicemailmailbox"] },
} as const;

const KNOWN = new Set<string>(Object.values(SECTIONS).flatMap((s) => [...s.columns]));

/** What each seed 002 column becomes here (the declared field, or the rule that judges it). */
export const XIVO_COLUMNS: Record<string, string> = {
  entityid: "the site the file is imported into (one value per file; rule csv_entity_mixed)",
  firstname: "User.firstName",
  lastname: "User.lastName",
  language: "User.language",
  enableclient: "User.cti.enabled",
  username: "User.cti.username",
  password: "User.cti.password",
  profileclient: "User.cti.profile",
  outcallerid: "User.outgoingCallerId (\"default\" = none; \"anonymous\" refused: rule csv_outcallerid_anonymous)",
  agentnumber: "User.agentNumber",
  mobilephonenumber: "User.mobileNumber",
  bosssecretary: "User.bossSecretary (no → none)",
  enablehint: "User.supervision",
  enablexfer: "User.callTransfer",
  phonenumber: "User.extension",
  context: "the site's internal context (one value per file; rule csv_context_mixed)",
  protocol: "User SIP identity: sip only (rule csv_protocol_unsupported)",
  linename: "User.sipUsername, which is the extension: must equal phonenumber (rule csv_linename)",
  linesecret: "refused: the PBX generates SIP passwords (rule csv_linesecret)",
  incallexten: "IncomingNumber.number (destination: the user)",
  incallcontext: "the site's incoming context (one value per file; rule csv_context_mixed)",
  incallringseconds: "IncomingNumber.ringSeconds",
  voicemailname: "the user's voicemail name, which is the user's name (rule csv_voicemail_name)",
  voicemailmailbox: "User.voicemail.enabled; the mailbox is the extension (rule csv_voicemail_mailbox)",
  voicemailpassword: "User.voicemail.pin",
  voicemailemail: "User.voicemail.email",
  voicemailattach: "User.voicemail.attachAudio",
  voicemaildelete: "User.voicemail.deleteAfterNotification",
  voicemailskippass: "User.voicemail.askPassword (inverted)",
};

const RowUserSchema = withUserRules(UserCreateSchema);
const BOOLEANS = ["enableclient", "enablehint", "enablexfer", "voicemailattach", "voicemaildelete", "voicemailskippass"];
const LANGUAGES = ["de_DE", "en_US", "es_ES", "fr_FR", "fr_CA"];

/** Which CSV column an API user field comes from, to point issues at a cell. */
export const XIVO_COLUMN_FOR_FIELD: Record<string, string> = {
  extension: "phonenumber",
  firstName: "firstname",
  lastName: "lastname",
  language: "language",
  email: "voicemailemail",
  mobileNumber: "mobilephonenumber",
  outgoingCallerId: "outcallerid",
  agentNumber: "agentnumber",
  bossSecretary: "bosssecretary",
  supervision: "enablehint",
  callTransfer: "enablexfer",
  "voicemail.pin": "voicemailpassword",
  "voicemail.email": "voicemailemail",
  "voicemail.attachAudio": "voicemailattach",
  "voicemail.deleteAfterNotification": "voicemaildelete",
  "voicemail.askPassword": "voicemailskippass",
  "cti.enabled": "enableclient",
  "cti.username": "username",
  "cti.password": "password",
  "cti.profile": "profileclient",
  cti: "enableclient",
};

/** One good row: the user to create and, if the row has an incall, its DID. */
export interface XivoRow {
  /** Line number in the file (header = 1). */
  line: number;
  /** The user, with the PBX defaults filled in (what the import route creates). */
  user: UserCreateParsed;
  /** Only the fields the row sets (what a program declares, so the rest stays unmanaged). */
  declared: Partial<UserCreateParsed>;
  incall?: { number: string; ringSeconds: number };
}

/** Map an API field path to the CSV column it came from. */
export function columnFor(path: ApiIssue["path"]): string {
  const key = path.filter((p) => typeof p === "string").join(".");
  return XIVO_COLUMN_FOR_FIELD[key] ?? XIVO_COLUMN_FOR_FIELD[String(path[0])] ?? String(path[0] ?? "");
}

const IncallNumberSchema = e164("e164", "incall number");

/**
 * Parse a XiVO user import file. All rows are checked; `rows` holds the good
 * ones (even when other rows are bad), `issues` one entry per problem of every
 * bad row. An import proceeds only when `issues` is empty (all or nothing).
 */
export function parseXivoCsv(text: string): { rows: XivoRow[]; issues: ApiIssue[] } {
  const issues: ApiIssue[] = [];
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // Rows are arrays so that a row with a missing or extra cell is reported as that row's problem.
    records = parse(text, { delimiter: "|", skip_empty_lines: true, trim: true, info: true, relax_column_count: true, relax_quotes: true }) as unknown as typeof records;
  } catch (err) {
    const e = err as { message: string; lines?: number };
    return { rows: [], issues: [{ path: [e.lines ?? 1], rule: "csv_syntax", message: e.message }] };
  }
  if (records.length === 0) return { rows: [], issues: [{ path: [1], rule: "csv_required", message: "the file is empty; the first line names the columns" }] };
  const header = records[0].record;
  for (const c of header) if (!KNOWN.has(c)) issues.push({ path: [1, c], rule: "csv_unknown_column", message: `unknown column "${c}" (seed 002 lists the supported fields)` });
  if (!header.includes("phonenumber")) issues.push({ path: [1, "phonenumber"], rule: "csv_required", message: `column "phonenumber" is required: it is the user's extension` });
  if (issues.length) return { rows: [], issues };

  const rows: XivoRow[] = [];
  /** File-wide columns: one value for the whole file, the first row's. */
  const fileWide = new Map<string, { value: string; line: number }>();
  for (const { record: cells, info } of records.slice(1)) {
    const line = info.lines;
    if (cells.length !== header.length) {
      issues.push({ path: [line], rule: "csv_column_count", message: `line ${line} has ${cells.length} cells, the header has ${header.length}` });
      continue;
    }
    const record = Object.fromEntries(header.map((c, i) => [c, cells[i]]));
    const rowIssues = checkRow(record, line);
    for (const c of ["entityid", "context", "incallcontext"]) {
      if (!has(record, c)) continue;
      const first = fileWide.get(c);
      if (!first) fileWide.set(c, { value: record[c], line });
      else if (first.value !== record[c]) {
        rowIssues.push({ path: [line, c], rule: c === "entityid" ? "csv_entity_mixed" : "csv_context_mixed", message: `${c} "${record[c]}" differs from "${first.value}" on line ${first.line}: a file is imported into one site, which has one ${c === "entityid" ? "entity" : c === "context" ? "internal context" : "incoming context"}` });
      }
    }
    const user = toUser(record);
    const parsed = RowUserSchema.safeParse(user);
    if (!parsed.success) for (const i of zodIssues(parsed.error)) rowIssues.push({ path: [line, columnFor(i.path)], rule: i.rule, message: i.message });
    let incall: XivoRow["incall"];
    if (has(record, "incallexten")) {
      const n = IncallNumberSchema.safeParse(record.incallexten);
      if (!n.success) rowIssues.push({ path: [line, "incallexten"], rule: "e164", message: `incall number "${record.incallexten}" must be E.164 on this PBX` });
      else incall = { number: n.data, ringSeconds: has(record, "incallringseconds") ? Number(record.incallringseconds) : 30 };
      if (incall && (incall.ringSeconds < 5 || incall.ringSeconds > 300)) {
        rowIssues.push({ path: [line, "incallringseconds"], rule: "ring_seconds_range", message: "ring seconds must be between 5 and 300" });
      }
    }
    if (rowIssues.length) issues.push(...rowIssues);
    else if (parsed.success) rows.push({ line, user: parsed.data, declared: declaredOf(user, parsed.data), ...(incall ? { incall } : {}) });
  }
  return { rows, issues };
}

/** `parsed` restricted to what `raw` sets (one level into voicemail and cti). */
function declaredOf(raw: Record<string, unknown>, parsed: UserCreateParsed): Partial<UserCreateParsed> {
  const out: Record<string, unknown> = {};
  const p = parsed as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined) continue;
    if (typeof v === "object" && v !== null && !Array.isArray(v)) {
      const inner = p[k] as Record<string, unknown>;
      out[k] = Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([ik]) => [ik, inner[ik]]));
    } else out[k] = p[k];
  }
  return out as Partial<UserCreateParsed>;
}

function has(r: Record<string, string>, c: string): boolean {
  return r[c] !== undefined && r[c] !== "";
}

/** Seed 002's own rules: required fields per section, 0/1 booleans, language for a voicemail. */
function checkRow(r: Record<string, string>, line: number): ApiIssue[] {
  const out: ApiIssue[] = [];
  for (const [name, section] of Object.entries(SECTIONS)) {
    const present = name === "user" || name === "line" || section.columns.some((c) => has(r, c));
    if (!present) continue;
    for (const c of section.required) if (!has(r, c)) out.push({ path: [line, c], rule: "csv_required", message: `${c} is required in the ${name} section` });
  }
  for (const c of BOOLEANS) if (has(r, c) && r[c] !== "0" && r[c] !== "1") out.push({ path: [line, c], rule: "csv_bool", message: `${c} must be 0 or 1` });
  if (has(r, "voicemailmailbox") && !has(r, "language")) out.push({ path: [line, "language"], rule: "csv_required", message: "language is required when the row adds a voicemail" });
  if (has(r, "language") && !LANGUAGES.includes(r.language)) out.push({ path: [line, "language"], rule: "csv_language", message: `language must be one of ${LANGUAGES.join(", ")}` });
  if (r.enableclient === "1" && (!has(r, "username") || !has(r, "password"))) out.push({ path: [line, has(r, "username") ? "password" : "username"], rule: "csv_required", message: "enableclient=1 needs username and password" });
  if (has(r, "protocol") && !["sip", "sccp"].includes(r.protocol)) out.push({ path: [line, "protocol"], rule: "csv_protocol", message: "protocol must be sip or sccp" });
  if (r.protocol === "sccp") out.push({ path: [line, "protocol"], rule: "csv_protocol_unsupported", message: "protocol sccp: this PBX gives each user a SIP identity and has no SCCP lines; use sip" });
  if (has(r, "incallringseconds") && !/^\d+$/.test(r.incallringseconds)) out.push({ path: [line, "incallringseconds"], rule: "csv_int", message: "incallringseconds must be a whole number" });
  if (has(r, "entityid") && !/^[1-9]\d*$/.test(r.entityid)) out.push({ path: [line, "entityid"], rule: "csv_int", message: "entityid must be a positive whole number" });
  if (has(r, "linename") && r.linename !== r.phonenumber) {
    out.push({ path: [line, "linename"], rule: "csv_linename", message: `linename "${r.linename}": the SIP name is the extension on this PBX (seed 000), so it must be "${r.phonenumber ?? ""}" or empty` });
  }
  if (has(r, "linesecret")) out.push({ path: [line, "linesecret"], rule: "csv_linesecret", message: "linesecret: the PBX generates every SIP password (seed 000), so a line secret cannot be given; leave it empty" });
  if (has(r, "bosssecretary") && !["no", "boss", "secretary"].includes(r.bosssecretary)) out.push({ path: [line, "bosssecretary"], rule: "csv_bosssecretary", message: "bosssecretary must be no, boss or secretary" });
  if (r.outcallerid === "anonymous") out.push({ path: [line, "outcallerid"], rule: "csv_outcallerid_anonymous", message: "outcallerid anonymous: this PBX has no hidden caller ID; give an incoming number of the site, default, or leave it empty" });
  const fullName = [r.firstname, r.lastname].filter((x) => x).join(" ");
  if (has(r, "voicemailname") && r.voicemailname !== fullName) {
    out.push({ path: [line, "voicemailname"], rule: "csv_voicemail_name", message: `voicemailname "${r.voicemailname}": the PBX names a user's voicemail after the user, so it must be "${fullName}"` });
  }
  if (has(r, "voicemailmailbox") && r.voicemailmailbox !== r.phonenumber) {
    out.push({ path: [line, "voicemailmailbox"], rule: "csv_voicemail_mailbox", message: `voicemailmailbox "${r.voicemailmailbox}": a user's mailbox is its extension on this PBX, so it must be "${r.phonenumber ?? ""}"` });
  }
  const voicemailOnly = ["voicemailpassword", "voicemailemail", "voicemailattach", "voicemaildelete", "voicemailskippass"].filter((c) => has(r, c));
  if (voicemailOnly.length && !has(r, "voicemailmailbox")) {
    for (const c of voicemailOnly) out.push({ path: [line, c], rule: "csv_required", message: `${c} needs the row's voicemail section (voicemailname and voicemailmailbox)` });
  }
  return out;
}

/** The API user a row describes (checked by UserCreateSchema afterwards). */
function toUser(r: Record<string, string>): Record<string, unknown> {
  const opt = (c: string) => (has(r, c) ? r[c] : undefined);
  const bool = (c: string) => (has(r, c) ? r[c] === "1" : undefined);
  const withVoicemail = has(r, "voicemailmailbox");
  // XiVO's outcallerid "default" means "no explicit number" here ("anonymous" is refused by checkRow).
  const callerId = opt("outcallerid");
  const skip = bool("voicemailskippass");
  const withCti = ["enableclient", "username", "password", "profileclient"].some((c) => has(r, c));
  const boss = opt("bosssecretary");
  return {
    extension: r.phonenumber ?? "",
    firstName: r.firstname ?? "",
    lastName: opt("lastname"),
    language: opt("language"),
    mobileNumber: opt("mobilephonenumber"),
    outgoingCallerId: callerId && callerId !== "default" && callerId !== "anonymous" ? callerId : undefined,
    agentNumber: opt("agentnumber"),
    bossSecretary: boss === "no" ? "none" : boss === "boss" || boss === "secretary" ? boss : undefined,
    supervision: bool("enablehint"),
    callTransfer: bool("enablexfer"),
    voicemail: {
      enabled: withVoicemail,
      ...(withVoicemail
        ? { pin: opt("voicemailpassword"), email: opt("voicemailemail"), attachAudio: bool("voicemailattach"), deleteAfterNotification: bool("voicemaildelete"), askPassword: skip === undefined ? undefined : !skip }
        : {}),
    },
    ...(withCti ? { cti: { enabled: bool("enableclient") ?? false, username: opt("username"), password: opt("password"), profile: opt("profileclient") } } : {}),
  };
}
