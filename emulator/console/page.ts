/**
 * Rendering a console page: the Eta templates of `views/` (autoescaped), the
 * page chrome (site menu, "Apply changes (N)", who is signed in), flash
 * messages after a redirect, and the headers every page carries.
 */
import fs from "node:fs";
import path from "node:path";
import { Eta } from "eta";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { ApiIssue } from "../../sdk/schemas";
import { ConsoleApi } from "./api";
import type { PlacedIssues } from "./forms";
import type { Session } from "./session";

/**
 * Templates and the stylesheet sit next to the sources (`emulator/console/`).
 * tsc copies no assets, so built code (`dist/emulator/console/`, or a build in
 * a temporary folder) looks for them up its folders and then from the working
 * directory. Read lazily: without them the console fails, never the API.
 */
export function assetDir(name: string): string {
  const candidates = [path.join(__dirname, name)];
  for (let dir = __dirname; path.dirname(dir) !== dir; dir = path.dirname(dir)) candidates.push(path.join(dir, "emulator", "console", name));
  candidates.push(path.join(process.cwd(), "emulator", "console", name));
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new Error(`console ${name} not found (looked in ${candidates[0]} and emulator/console/${name} above it and in the working directory)`);
  return found;
}

let engine: Eta | undefined;
const eta = (): Eta => (engine ??= new Eta({ views: assetDir("views"), cache: true, autoEscape: true, autoTrim: false }));

declare module "fastify" {
  interface FastifyRequest {
    /** The console session the guard found (console routes only). */
    consoleSession?: Session;
    /** Set by the console's plugin: the fastify instance that owns the API routes. */
    consoleRoot?: FastifyInstance;
  }
}

/** The signed-in session of a request (the guard put it there). */
export function sessionOf(req: FastifyRequest): Session {
  const s = req.consoleSession;
  if (!s?.token) throw new Error("console handler reached without a signed-in session");
  return s;
}

/** API v1 with the session's token. */
export function apiOf(req: FastifyRequest): ConsoleApi {
  return new ConsoleApi(req.consoleRoot!, sessionOf(req).token!, req.id);
}

/** Site chrome: pending changes of the site. */
export interface SiteChrome {
  name: string;
  pending: number | null;
}

/** What every template gets besides its own data. */
export interface PageData {
  title: string;
  csrf?: string;
  /** "admin" or the site a site token is scoped to; undefined when signed out. */
  who?: string;
  isAdmin?: boolean;
  site?: SiteChrome;
  /** Which menu entry is current: users, numbers, groups, sites. */
  section?: string;
  flash?: string;
  /** Validation issues of the form on the page. */
  issues?: PlacedIssues;
  /** A message that is not about a field (409 without a field, 412, 5xx). */
  problem?: string;
  [key: string]: unknown;
}

/** Render `view` inside the layout and send it. */
export function render(req: FastifyRequest, reply: FastifyReply, view: string, data: PageData, status = 200): FastifyReply {
  const s = req.consoleSession;
  const flash = s?.flash;
  if (s) s.flash = undefined;
  const it = {
    csrf: s?.csrf,
    who: s?.token ? (s.site === null ? "admin" : `site ${s.site}`) : undefined,
    isAdmin: s?.token !== undefined && s.site === null,
    flash,
    path: req.url.split("?")[0],
    issues: { byField: {}, all: [] },
    ...data,
    errorsFor: (name: string): ApiIssue[] => (data.issues?.byField[name] ?? []),
  };
  const html = eta().render(`./${view}`, it);
  return reply.status(status).type("text/html; charset=utf-8").send(html);
}

/** The site chrome of `site` (pending changes for the Apply button). */
export async function siteChrome(api: ConsoleApi, site: string): Promise<SiteChrome> {
  const r = await api.get<{ pending: number }>(`sites/${encodeURIComponent(site)}/apply`);
  return { name: site, pending: r.ok ? r.body.pending : null };
}

/** The fastify `config` of a console route (not an API route: no faults, no rate limit). */
export function consoleRoute(auth: "console:guest" | "console:signedIn" | "console:admin" | "console:site") {
  return { config: { auth, api: false } as never };
}

/** Redirect after a successful POST, with a message for the next page. */
export function redirectWithFlash(req: FastifyRequest, reply: FastifyReply, to: string, flash?: string): FastifyReply {
  if (flash && req.consoleSession) req.consoleSession.flash = flash;
  return reply.redirect(to, 303);
}

/** A console path of a site (names are slugs, ids are opaque: both are encoded anyway). */
export function sitePath(site: string, ...rest: string[]): string {
  return ["/console/sites", site, ...rest].map((p, i) => (i === 0 ? p : encodeURIComponent(p))).join("/");
}

/** A one-line message for an API refusal that is not about a field. */
export function problemOf(r: { status: number; error?: { code: string; message: string } }): string {
  if (r.status === 412) return "Someone changed this since you opened it: reload the page to see their change, then make yours again.";
  return r.error ? `The PBX refused: ${r.error.message} (${r.error.code}, HTTP ${r.status})` : `The PBX answered HTTP ${r.status}`;
}
