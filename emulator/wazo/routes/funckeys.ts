/**
 * A user's function keys by position (`plugins/func_key`: the user's private
 * template). Destinations must exist in the caller's tenants; the same
 * destination twice on one user is refused (SimilarFuncKeyValidator); labels
 * and extens refuse line breaks, tabs and ';' (FuncKeyValidator).
 */
import type { FastifyInstance } from "fastify";
import { findGroup, findUser, getUser } from "../domain";
import { inputError, notFound, paramNotFound, resourceError, WazoError } from "../errors";
import { serve, type Call } from "../http";
import type { Destination, FuncKeyRow, UserRow } from "../model";
import type { WazoState } from "../state";

const INVALID = /[\n\r\t;]/;

function checkText(text: unknown, field: string): void {
  if (typeof text === "string" && INVALID.test(text)) throw inputError(`field '${field}': wrong type. Should be a string without special characters (\\n \\r \\t ;)`, { [field]: text });
}

/** Keys that may supervise (TemplateService._adjust_blfs): any other key is stored with blf off, whatever was asked. */
const DESTINATION_BLFS = new Set(["agent", "bsfilter", "conference", "custom", "forward", "groupmember", "park_position", "user"]);
const SERVICE_BLFS = new Set(["callrecord", "enablednd", "enablevm", "incallfilter"]);
function blfAllowed(d: Destination): boolean {
  return d.type === "service" ? SERVICE_BLFS.has(String(d.service)) : DESTINATION_BLFS.has(d.type);
}

function checkKey(c: Call, key: { blf?: boolean; label?: string | null; destination: Destination }): FuncKeyRow {
  checkText(key.label, "label");
  const d = key.destination;
  if (d.type === "user" && !findUser(c, d.user_id as number)) throw paramNotFound("user_id", "User", { user_id: d.user_id });
  if ((d.type === "group" || d.type === "groupmember") && !findGroup(c, d.group_id as number)) throw paramNotFound("group_id", "Group", { group_id: d.group_id });
  if (d.type === "custom" || d.type === "forward") checkText(d.exten, "exten");
  // The emulator has none of these objects: a key pointing at one points at nothing.
  const absent: Record<string, [string, string]> = { agent: ["agent_id", "Agent"], conference: ["conference_id", "Conference"], paging: ["paging_id", "Paging"], queue: ["queue_id", "Queue"], parking: ["parking_lot_id", "ParkingLot"], park_position: ["parking_lot_id", "ParkingLot"], bsfilter: ["filter_member_id", "FilterMember"] };
  const a = absent[d.type];
  if (a) throw paramNotFound(a[0], a[1], { [a[0]]: d[a[0]] });
  const destination = Object.fromEntries(Object.entries(d).filter(([, v]) => v !== undefined)) as Destination;
  // A forward key's exten is dumped as null when there is none.
  if (destination.type === "forward" && destination.exten === undefined) destination.exten = null;
  return { id: c.state.store.nextId("funckey"), blf: blfAllowed(destination) ? (key.blf ?? true) : false, label: key.label ?? null, destination };
}

function destinationKey(d: Destination): string {
  return JSON.stringify(Object.entries(d).filter(([k, v]) => k !== "href" && v !== null && v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** No destination twice among a user's keys. */
function checkNoDuplicates(keys: Record<string, FuncKeyRow>): void {
  const seen = new Set<string>();
  for (const k of Object.values(keys)) {
    const h = destinationKey(k.destination);
    if (seen.has(h)) throw resourceError("destination already exists", Object.fromEntries(Object.entries(k.destination).filter(([, v]) => v !== null && v !== undefined)));
    seen.add(h);
  }
}

function keysView(c: Call, u: UserRow) {
  return { id: u.id, name: null, keys: Object.fromEntries(Object.entries(u.funckeys).sort(([a], [b]) => Number(a) - Number(b)).map(([p, k]) => [p, c.view.funcKey(k)])) };
}

export function funcKeyRoutes(app: FastifyInstance, state: WazoState): void {
  serve(app, state, "listUserFuncKeys", (c) => ({ status: 200, body: keysView(c, getUser(c, c.params.user_id)) }));

  serve(app, state, "updateUserFuncKeys", (c) => {
    const u = getUser(c, c.params.user_id);
    const body = c.body as { keys?: Record<string, { blf?: boolean; label?: string | null; destination: Destination }> };
    const keys: Record<string, FuncKeyRow> = {};
    for (const [p, k] of Object.entries(body.keys ?? {})) keys[String(Number(p))] = checkKey(c, k);
    checkNoDuplicates(keys);
    c.state.store.put<UserRow>("user", u.id, { ...u, funckeys: keys });
    return { status: 204 };
  });

  serve(app, state, "getUserFuncKey", (c) => {
    const u = getUser(c, c.params.user_id);
    const k = u.funckeys[String(Number(c.params.position))];
    if (!k) throw notFound("FuncKey", { template_id: u.id, position: Number(c.params.position) });
    return { status: 200, body: c.view.funcKey(k) };
  });

  serve(app, state, "updateUserFuncKey", (c) => {
    const u = getUser(c, c.params.user_id);
    // confd does not check the position; PostgreSQL's check constraint refuses 0, and confd answers 500.
    if (Number(c.params.position) < 1) throw new WazoError(500, ["Unexpected error: (psycopg2.errors.CheckViolation) new row for relation \"func_key_mapping\" violates check constraint \"func_key_mapping_position_check\""]);
    const keys = { ...u.funckeys, [String(Number(c.params.position))]: checkKey(c, c.body) };
    checkNoDuplicates(keys);
    c.state.store.put<UserRow>("user", u.id, { ...u, funckeys: keys });
    return { status: 204 };
  });

  serve(app, state, "deleteUserFuncKey", (c) => {
    const u = getUser(c, c.params.user_id);
    const pos = String(Number(c.params.position));
    if (!u.funckeys[pos]) throw notFound("FuncKey", { resource: "FuncKey", position: Number(pos), template_id: u.id });
    const keys = { ...u.funckeys };
    delete keys[pos];
    c.state.store.put<UserRow>("user", u.id, { ...u, funckeys: keys });
    return { status: 204 };
  });
}
