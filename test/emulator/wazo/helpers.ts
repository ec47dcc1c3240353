/**
 * Helpers for the Wazo emulator's tests: an emulator on a free port and an
 * in-memory store, a tenant with a login and its token, and a request
 * function that checks every answer against our description of Wazo
 * (`sdk/drivers/wazo/spec`) and records which operations were exercised.
 */
import { matchOperation, validateResponse, type WazoProblem } from "../../../sdk/drivers/wazo/spec";
import { startWazoEmulator, type RunningWazoEmulator, type StartWazoOptions } from "../../../emulator/wazo";

export const ADMIN = "wazo-admin-test-token";

export interface Res {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: Record<string, string>;
}

/** Operations answered, by id → statuses seen; and responses off the description. */
export const seen = new Map<string, Set<number>>();
export const offSpec: { request: string; status: number; problems: WazoProblem[] }[] = [];

export type Call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<Res>;

/**
 * A client of one service (`confd` or `auth`) with a token and a tenant.
 * `path` is relative to the service base unless it starts with `/api/` or `/metrics`.
 */
export function client(emu: RunningWazoEmulator, service: "confd" | "auth", token?: string, tenant?: string): Call {
  return async (method, path, body, headers = {}) => {
    const full = path.startsWith("/api/") || path.startsWith("/metrics") || path.startsWith("/healthz") ? path : `/api/${service === "confd" ? "confd/1.1" : "auth/0.1"}${path}`;
    const isText = typeof body === "string";
    const res = await fetch(`${emu.url}${full}`, {
      method,
      headers: {
        ...(token ? { "x-auth-token": token } : {}),
        ...(tenant ? { "wazo-tenant": tenant } : {}),
        ...(body !== undefined ? { "content-type": isText ? "text/csv; charset=utf-8" : "application/json" } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : isText ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = undefined;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    const m = matchOperation(method, full);
    const noRoute = res.status === 404 && typeof parsed === "string" && parsed.includes("404 Not Found"); // Flask: no route (e.g. a path parameter of the wrong type)
    if (m && !noRoute && res.status !== 401 && res.status < 500) {
      let s = seen.get(m.operation.id);
      if (!s) seen.set(m.operation.id, (s = new Set()));
      s.add(res.status);
      const problems = validateResponse(m.operation, res.status, parsed);
      if (problems.length) offSpec.push({ request: `${method} ${full}`, status: res.status, problems });
    }
    return { status: res.status, body: parsed, headers: Object.fromEntries(res.headers.entries()) };
  };
}

export function basic(username: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}` };
}

/**
 * A fresh emulator with tenant `office` (login pulumi / s3cret-pass) and
 * tenant `other` (login intruder / other-pass). `call`: confd as office's
 * token; `other`: confd as the other tenant's token; `admin`: the master token.
 */
export async function withWazo(opts: StartWazoOptions = {}) {
  const emu = await startWazoEmulator({ dataFile: ":memory:", adminToken: ADMIN, ...opts });
  const office = emu.createTenant("office");
  const otherTenant = emu.createTenant("other");
  emu.createAuthUser(office.uuid, "pulumi", "s3cret-pass");
  emu.createAuthUser(otherTenant.uuid, "intruder", "other-pass");
  const auth = client(emu, "auth");
  const token = await login(auth, "pulumi", "s3cret-pass");
  const otherToken = await login(auth, "intruder", "other-pass");
  return {
    emu,
    office,
    otherTenant,
    token,
    auth,
    call: client(emu, "confd", token),
    other: client(emu, "confd", otherToken),
    admin: client(emu, "confd", ADMIN, office.uuid),
    anon: client(emu, "confd"),
    internal: office.contexts.internal!,
    incall: office.contexts.incall!,
  };
}

export async function login(auth: Call, username: string, password: string, expiration?: number): Promise<string> {
  const r = await auth("POST", "/token", expiration !== undefined ? { expiration } : {}, basic(username, password));
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.data.token as string;
}

export type Wazo = Awaited<ReturnType<typeof withWazo>>;

/** A user with a SIP line and extension, made the way the driver makes it (endpoint, line, extension, associations). */
export async function mkUser(w: Wazo, exten: string, extra: Record<string, unknown> = {}) {
  const u = await w.call("POST", "/users", { firstname: `U${exten}`, ...extra });
  if (u.status !== 201) throw new Error(`user ${exten}: ${JSON.stringify(u.body)}`);
  const sip = await w.call("POST", "/endpoints/sip", { label: `U${exten}`, auth_section_options: [["username", `u${exten}`], ["password", `pw-${exten}`]] });
  if (sip.status !== 201) throw new Error(`sip ${exten}: ${JSON.stringify(sip.body)}`);
  const line = await w.call("POST", "/lines", { context: w.internal });
  if (line.status !== 201) throw new Error(`line ${exten}: ${JSON.stringify(line.body)}`);
  const ext = await w.call("POST", "/extensions", { exten, context: w.internal });
  if (ext.status !== 201) throw new Error(`extension ${exten}: ${JSON.stringify(ext.body)}`);
  for (const [m, p] of [
    ["PUT", `/lines/${line.body.id}/endpoints/sip/${sip.body.uuid}`],
    ["PUT", `/lines/${line.body.id}/extensions/${ext.body.id}`],
    ["PUT", `/users/${u.body.uuid}/lines/${line.body.id}`],
  ] as const) {
    const r = await w.call(m, p);
    if (r.status !== 204) throw new Error(`${m} ${p}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  return { user: u.body, sip: sip.body, line: line.body, extension: ext.body };
}
