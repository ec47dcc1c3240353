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
 */
import { parse } from "csv-parse/sync";
import { e164, type ApiIssue, UserCreateSchema, type UserCreateParsed, zodIssues } from "../schemas";

/** Columns of each section; `*` in seed 002 marks the required ones. */
const SECTIONS = {
  user: { columns: ["entityid", "firstname", "lastname", "language", "enableclient", "username", "password", "profileclient", "outcallerid", "agentnumber", "mobilephonenumber", "bosssecretary", "enablehint", "enablexfer"], required: ["firstname"] },
  line: { columns: ["phonenumber", "context", "protocol", "linename", "linesecret"], required: ["phonenumber", "context", "protocol"] },
  incall: { columns: ["incallexten", "incallcontext", "incallringseconds"], required: ["incallexten", "incallcontext"] },
  voicemail: { columns: ["voicemailname", "voicemailmailbox", "voicemailpassword", "voicemailemail", "voicemailattach", "voicemaildelete", "voicemailskippass"], required: ["voicemailname", "voicemailmailbox"] },
} as const;

const KNOWN = new Set<string>(Object.values(SECTIONS).flatMap((s) => [...s.columns]));
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
  "voicemail.pin": "voicemailpassword",
  "portal.username": "username",
  "portal.password": "password",
};

/** One good row: the user to create and, if the row has an incall, its DID. */
export interface XivoRow {
  /** Line number in the file (header = 1). */
  line: number;
  user: UserCreateParsed;
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
 * ones, `issues` one entry per problem. An import should proceed only when
 * `issues` is empty (all or nothing).
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
  for (const { record: cells, info } of records.slice(1)) {
    const line = info.lines;
    if (cells.length !== header.length) {
      issues.push({ path: [line], rule: "csv_column_count", message: `line ${line} has ${cells.length} cells, the header has ${header.length}` });
      continue;
    }
    const record = Object.fromEntries(header.map((c, i) => [c, cells[i]]));
    const rowIssues = checkRow(record, line);
    const user = toUser(record);
    const parsed = UserCreateSchema.safeParse(user);
    if (!parsed.success) for (const i of zodIssues(parsed.error)) rowIssues.push({ path: [line, columnFor(i.path)], rule: i.rule, message: i.message });
    let incall: XivoRow["incall"];
    if (has(record, "incallexten")) {
      const n = IncallNumberSchema.safeParse(record.incallexten);
      if (!n.success) rowIssues.push({ path: [line, "incallexten"], rule: "e164", message: `incall number "${record.incallexten}" must be E.164 on this PBX` });
      else incall = { number: n.data, ringSeconds: has(record, "incallringseconds") ? Number(record.incallringseconds) : 30 };
    }
    if (rowIssues.length) issues.push(...rowIssues);
    else if (parsed.success) rows.push({ line, user: parsed.data, ...(incall ? { incall } : {}) });
  }
  return { rows: issues.length ? [] : rows, issues };
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
  if (has(r, "incallringseconds") && !/^\d+$/.test(r.incallringseconds)) out.push({ path: [line, "incallringseconds"], rule: "csv_int", message: "incallringseconds must be a whole number" });
  return out;
}

/** The API user a row describes (checked by UserCreateSchema afterwards). */
function toUser(r: Record<string, string>): Record<string, unknown> {
  const opt = (c: string) => (has(r, c) ? r[c] : undefined);
  const withVoicemail = has(r, "voicemailmailbox");
  // XiVO's outcallerid also takes "default"/"anonymous", which mean "no explicit number" here.
  const callerId = opt("outcallerid");
  return {
    extension: r.phonenumber ?? "",
    firstName: r.firstname ?? "",
    lastName: opt("lastname"),
    language: opt("language"),
    mobileNumber: opt("mobilephonenumber"),
    email: opt("voicemailemail"),
    outgoingCallerId: callerId && !["default", "anonymous"].includes(callerId) ? callerId : undefined,
    voicemail: { enabled: withVoicemail, ...(withVoicemail && has(r, "voicemailpassword") ? { pin: r.voicemailpassword } : {}) },
    ...(r.enableclient === "1" ? { portal: { username: opt("username"), password: opt("password") } } : {}),
  };
}
