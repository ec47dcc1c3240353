/**
 * Helpers for emulator tests: an app on an in-memory store, a site with its
 * token, and a tiny request function.
 *
 * Requests go over real HTTP to a server on a free port: fastify's inject
 * pulls in an ESM-only dependency (cookie) that jest's CommonJS runtime
 * cannot load.
 */
import type { FastifyInstance } from "fastify";
import { startEmulator, type EmulatorOptions } from "../../emulator";

export const ADMIN = "admin-test-token";

export interface Res {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: Record<string, string | string[] | number | undefined>;
}

/** Call the app like a client would. */
export type Call = (method: string, url: string, body?: unknown, headers?: Record<string, string>) => Promise<Res>;

export function caller(baseUrl: string, token: string | undefined): Call {
  return async (method, url, body, headers = {}) => {
    const isText = typeof body === "string";
    const res = await fetch(`${baseUrl}${url.startsWith("/") ? url : `/api/v1/${url}`}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { "content-type": isText ? "text/csv" : "application/json" } : {}), ...headers },
      body: body === undefined ? undefined : isText ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: Object.fromEntries(res.headers.entries()) };
  };
}

/** A fresh app with one site; `call` uses the site token, `admin` the admin token. */
export async function withSite(opts: Partial<EmulatorOptions> & { site?: Record<string, unknown> } = {}) {
  const { site: siteBody, ...appOpts } = opts;
  const emu = await startEmulator({ dataFile: ":memory:", adminToken: ADMIN, applyDelayMs: 5, ...appOpts });
  const app: FastifyInstance = emu.app;
  const admin = caller(emu.url, ADMIN);
  const created = await admin("POST", "sites", { name: "acme", ...siteBody });
  if (created.status !== 201) throw new Error(JSON.stringify(created.body));
  const call = caller(emu.url, created.body.token);
  return { app, url: emu.url, admin, call, token: created.body.token as string };
}

/** Create a user and return it (fails the test on an error). */
export async function mkUser(call: Call, ext: string, extra: Record<string, unknown> = {}) {
  const r = await call("POST", "sites/acme/users", { extension: ext, firstName: `U${ext}`, ...extra });
  if (r.status !== 201) throw new Error(`user ${ext}: ${JSON.stringify(r.body)}`);
  return r.body;
}

/** The rules of a 422 body, for compact assertions. */
export function rules(res: Res): string[] {
  return (res.body?.error?.issues ?? []).map((i: { rule: string }) => i.rule);
}
