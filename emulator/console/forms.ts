/**
 * HTML forms ↔ API bodies. Pure: a form field is named by the API path it
 * fills (`voicemail.pin`, `onBusy.0.number`, `keys.3.type`), so an issue the
 * API returns lands beside the field that caused it. Values are passed on as
 * typed; what is valid is for the API to say (a non-number in a number field
 * is sent as text and comes back as rule `type`).
 */
import type { ApiIssue } from "../../sdk/schemas";

/** A parsed urlencoded body: repeated names give arrays. */
export type FormBody = Record<string, string | string[] | undefined>;

/** Values a form shows, by field name. */
export type FormValues = Record<string, string | boolean | string[] | undefined>;

/** The first value of a field, trimmed of nothing (the API trims what it trims). */
export function field(form: FormBody, name: string): string {
  const v = form[name];
  return Array.isArray(v) ? (v[0] ?? "") : (v ?? "");
}

/** Every value of a repeated field (checkboxes). */
export function fields(form: FormBody, name: string): string[] {
  const v = form[name];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** A checkbox: present means on. */
export function checked(form: FormBody, name: string): boolean {
  return form[name] !== undefined;
}

/** An integer field: digits become a number, empty is absent, anything else goes as typed (the API names it). */
export function int(value: string): number | string | undefined {
  if (value.trim() === "") return undefined;
  return /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;
}

/** An optional text: empty clears it (PATCH) or leaves it out (create). */
export function optional(value: string, clear: boolean): string | null | undefined {
  return value.trim() === "" ? (clear ? null : undefined) : value;
}

/** Drop undefined entries (a create omits what it does not set). */
export function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Issues by the form field they belong to; `rename` maps an API path to a field name. */
export interface PlacedIssues {
  /** Field name → its issues. */
  byField: Record<string, ApiIssue[]>;
  /** Every issue, with the field it was placed on (if any), for the summary at the top. */
  all: Array<ApiIssue & { field?: string }>;
}

/** Place issues on the page's fields; an issue with no field on this page is listed in the summary only. */
export function placeIssues(issues: ApiIssue[], fieldNames: Iterable<string>, rename: (path: string) => string = (p) => p): PlacedIssues {
  const names = new Set(fieldNames);
  const byField: Record<string, ApiIssue[]> = {};
  const all: PlacedIssues["all"] = [];
  for (const issue of issues) {
    let name = rename(issue.path.join("."));
    // A rule about a whole object (a forwarding step, a destination) goes on its first field;
    // one about an item of a list (`permissions.3`) on the list.
    for (let probe = name; ; probe = probe.slice(0, probe.lastIndexOf("."))) {
      const hit = names.has(probe) ? probe : [...names].find((n) => n.startsWith(`${probe}.`));
      if (hit) {
        name = hit;
        break;
      }
      if (!probe.includes(".")) break;
    }
    const placed = names.has(name) ? name : undefined;
    if (placed) (byField[placed] ??= []).push(issue);
    all.push({ ...issue, field: placed });
  }
  return { byField, all };
}

// ---- users ----

/** Fields of the General tab. */
export const GENERAL_FIELDS = [
  "extension", "firstName", "lastName", "email", "mobileNumber", "department", "language", "outgoingCallerId",
  "callRecording", "directoryListed", "multipleCalls", "loginRequired", "dnd",
  "voicemail.enabled", "voicemail.pin", "voicemail.ringsBeforeVoicemail",
] as const;

/** A user (as the API returns it) as the General tab shows it. The PIN is never put in a form. */
export function generalValues(u: Record<string, any>): FormValues { // eslint-disable-line @typescript-eslint/no-explicit-any
  return {
    extension: u.extension, firstName: u.firstName, lastName: u.lastName ?? "", email: u.email ?? "",
    mobileNumber: u.mobileNumber ?? "", department: u.department ?? "", language: u.language ?? "",
    outgoingCallerId: u.outgoingCallerId ?? "", callRecording: u.callRecording,
    directoryListed: u.directoryListed, multipleCalls: u.multipleCalls, loginRequired: u.loginRequired, dnd: u.dnd,
    "voicemail.enabled": u.voicemail.enabled ? "yes" : "no",
    "voicemail.ringsBeforeVoicemail": String(u.voicemail.ringsBeforeVoicemail),
  };
}

/** What the General form submitted, to show it again after a refusal (the PIN is not shown again). */
export function generalFormValues(form: FormBody): FormValues {
  const v: FormValues = {};
  for (const name of GENERAL_FIELDS) v[name] = field(form, name);
  for (const name of ["directoryListed", "multipleCalls", "loginRequired", "dnd"]) v[name] = checked(form, name);
  v["voicemail.pin"] = "";
  return v;
}

/** The General form as a create (`create`) or PATCH body. */
export function generalBody(form: FormBody, create: boolean): Record<string, unknown> {
  const clear = !create;
  const pin = field(form, "voicemail.pin");
  const voicemail = defined({
    enabled: field(form, "voicemail.enabled") === "yes",
    ringsBeforeVoicemail: int(field(form, "voicemail.ringsBeforeVoicemail")),
    pin: pin !== "" ? pin : !create && checked(form, "voicemail.clearPin") ? null : undefined,
  });
  return defined({
    extension: field(form, "extension"),
    firstName: field(form, "firstName"),
    lastName: optional(field(form, "lastName"), clear),
    email: optional(field(form, "email"), clear),
    mobileNumber: optional(field(form, "mobileNumber"), clear),
    department: optional(field(form, "department"), clear),
    language: optional(field(form, "language"), clear),
    outgoingCallerId: optional(field(form, "outgoingCallerId"), clear),
    callRecording: field(form, "callRecording") || undefined,
    directoryListed: checked(form, "directoryListed"),
    multipleCalls: checked(form, "multipleCalls"),
    loginRequired: checked(form, "loginRequired"),
    dnd: checked(form, "dnd"),
    voicemail,
  });
}

/** The Permissions tab as a PATCH body: role, permissions, portal username and (when typed) password. */
export function permissionsBody(form: FormBody): Record<string, unknown> {
  const password = field(form, "portal.password");
  const portal = defined({
    username: optional(field(form, "portal.username"), true),
    password: password !== "" ? password : checked(form, "portal.clearPassword") ? null : undefined,
  });
  return { role: field(form, "role"), permissions: fields(form, "permissions"), portal };
}

// ---- forwarding ----

/** The four forwarding lists, in the order the Forwardings tab shows them. */
export const FORWARD_LISTS = ["onNoAnswer", "onBusy", "always", "whenUnreachable"] as const;

/** One step as a form row: `target` is `user:<id>`, `number`, or empty. */
export interface StepRow {
  target: string;
  number: string;
  ringSeconds: string;
}

/** API steps → rows. */
export function stepRows(steps: Array<{ userId?: string; number?: string; ringSeconds: number }> | undefined): StepRow[] {
  return (steps ?? []).map((s) => ({ target: s.userId ? `user:${s.userId}` : "number", number: s.number ?? "", ringSeconds: String(s.ringSeconds) }));
}

/** Submitted rows of `list` (`list.0.target`, …), in order, blank rows included. */
export function submittedRows(form: FormBody, list: string): StepRow[] {
  const rows: StepRow[] = [];
  for (let i = 0; form[`${list}.${i}.target`] !== undefined || form[`${list}.${i}.number`] !== undefined; i++) {
    rows.push({ target: field(form, `${list}.${i}.target`), number: field(form, `${list}.${i}.number`), ringSeconds: field(form, `${list}.${i}.ringSeconds`) });
  }
  return rows;
}

/**
 * Rows → API steps. Blank rows are dropped; `index` maps each step back to
 * its row so an issue on step 1 lands on the row it came from.
 */
export function rowsToSteps(rows: StepRow[]): { steps: Record<string, unknown>[]; index: number[] } {
  const steps: Record<string, unknown>[] = [];
  const index: number[] = [];
  rows.forEach((r, i) => {
    if (r.target === "" && r.number.trim() === "") return;
    const ringSeconds = int(r.ringSeconds);
    if (r.target.startsWith("user:")) steps.push(defined({ userId: r.target.slice(5), ringSeconds }));
    else steps.push(defined({ number: r.number, ringSeconds }));
    index.push(i);
  });
  return { steps, index };
}

/** An API path inside step lists (`onBusy.1.number`) → the row's field (`onBusy.<row>.number`). */
export function stepPathRenamer(indexes: Record<string, number[]>): (path: string) => string {
  return (path) => {
    const m = /^(\w+)\.(\d+)(?:\.(\w+))?$/.exec(path);
    if (!m || !indexes[m[1]]) return path;
    const row = indexes[m[1]][Number(m[2])] ?? Number(m[2]);
    return `${m[1]}.${row}.${m[3] === "userId" ? "target" : (m[3] ?? "target")}`;
  };
}

// ---- function keys ----

/** A key row of the Keys tab. */
export interface KeyRow {
  type: string;
  targetUserId: string;
  number: string;
  label: string;
}

/** The PUT body of a key row, or null for "Not configured" (a DELETE). */
export function keyBody(row: KeyRow): Record<string, unknown> | null {
  if (row.type === "") return null;
  return defined({
    type: row.type,
    targetUserId: row.targetUserId === "" ? undefined : row.targetUserId,
    number: row.number.trim() === "" ? undefined : row.number,
    label: row.label.trim() === "" ? null : row.label,
  });
}

// ---- incoming numbers and groups ----

/** The incoming number form as a create or PATCH body. */
export function numberBody(form: FormBody, create: boolean): Record<string, unknown> {
  const type = field(form, "destination.type");
  const destination: Record<string, unknown> = { type };
  if (type === "user" || type === "voicemail") destination.userId = field(form, "destination.userId");
  if (type === "userGroup") destination.groupId = field(form, "destination.groupId");
  if (type === "dialPlan") destination.name = field(form, "destination.name");
  if (type === "conference") destination.room = field(form, "destination.room");
  return defined({
    number: field(form, "number"),
    destination,
    ringSeconds: int(field(form, "ringSeconds")),
    description: optional(field(form, "description"), !create),
  });
}

/** The user group form as a create or PATCH body. */
export function groupBody(form: FormBody): Record<string, unknown> {
  return defined({ name: field(form, "name"), ringStrategy: field(form, "ringStrategy") || undefined, ringSeconds: int(field(form, "ringSeconds")), members: fields(form, "members") });
}
