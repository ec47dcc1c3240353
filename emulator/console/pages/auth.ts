/**
 * Signing in and out, the sites list (admin), and the "Apply changes" button.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { authenticate, type Pbx } from "../../context";
import { field, type FormBody } from "../forms";
import { apiOf, consoleRoute, problemOf, redirectWithFlash, render, sessionOf, siteChrome, sitePath } from "../page";
import { sessionCookie, type SessionStore } from "../session";

/** Where to go after signing in: a console path only (no open redirect). */
function safeNext(next: string | undefined, fallback: string): string {
  return next && /^\/console(\/[\w\-./%?=&]*)?$/.test(next) && !next.startsWith("//") ? next : fallback;
}

/** The token's scope, by the API's own check of a bearer token; undefined when unknown. */
function scopeOf(pbx: Pbx, token: string): { site: string | null } | undefined {
  try {
    return authenticate(pbx, { headers: { authorization: `Bearer ${token}` } } as FastifyRequest);
  } catch {
    return undefined;
  }
}

const home = (site: string | null | undefined) => (site === null ? "/console/sites" : sitePath(site!, "users"));

export function authPages(app: FastifyInstance, pbx: Pbx, sessions: SessionStore): void {
  app.get("/", consoleRoute("console:guest"), async (req, reply) => {
    const s = req.consoleSession;
    return reply.redirect(s?.token ? home(s.site) : "/console/login", 303);
  });

  app.get<{ Querystring: { next?: string } }>("/login", consoleRoute("console:guest"), async (req, reply) => {
    let s = req.consoleSession;
    if (s?.token) return reply.redirect(safeNext(req.query.next, home(s.site)), 303);
    if (!s) {
      s = req.consoleSession = sessions.guest();
      void reply.header("set-cookie", sessionCookie(s.id, sessions.cookieMaxAge(s), req.protocol === "https"));
    }
    return render(req, reply, "login", { title: "Sign in", next: safeNext(req.query.next, "") });
  });

  app.post<{ Body: FormBody }>("/login", consoleRoute("console:guest"), async (req, reply) => {
    const token = field(req.body, "token").trim();
    const scope = token ? scopeOf(pbx, token) : undefined;
    if (!scope) {
      const message = token ? "This token is not known to this PBX." : "Enter a token.";
      return render(req, reply, "login", { title: "Sign in", next: safeNext(field(req.body, "next"), ""), tokenError: message }, 401);
    }
    const s = (req.consoleSession = sessions.signIn(req.consoleSession, token, scope.site));
    void reply.header("set-cookie", sessionCookie(s.id, sessions.cookieMaxAge(s), req.protocol === "https"));
    return reply.redirect(safeNext(field(req.body, "next"), home(scope.site)), 303);
  });

  app.post("/logout", consoleRoute("console:signedIn"), async (req, reply) => {
    sessions.end(sessionOf(req).id);
    req.consoleSession = undefined;
    void reply.header("set-cookie", sessionCookie("", 0, req.protocol === "https"));
    return reply.redirect("/console/login", 303);
  });

  app.get("/sites", consoleRoute("console:admin"), async (req, reply) => {
    const api = apiOf(req);
    // API v1 has no list of sites; the admin page reads the names from the store.
    const names = (pbx.store.db.prepare("SELECT name FROM sites ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    const sites = [];
    for (const name of names) {
      const [site, chrome] = await Promise.all([api.get(`sites/${encodeURIComponent(name)}`), siteChrome(api, name)]);
      if (site.ok) sites.push({ ...site.body, pending: chrome.pending });
    }
    return render(req, reply, "sites", { title: "Sites", section: "sites", sites });
  });

  app.get<{ Params: { site: string } }>("/sites/:site", consoleRoute("console:site"), async (req, reply) => reply.redirect(sitePath(req.params.site, "users"), 303));

  app.post<{ Params: { site: string }; Body: FormBody }>("/sites/:site/apply", consoleRoute("console:site"), async (req, reply) => {
    const site = req.params.site;
    const back = field(req.body, "back");
    const to = back.startsWith(`${sitePath(site)}/`) ? back : sitePath(site, "users");
    const r = await apiOf(req).call<{ applied: number }>("POST", `sites/${encodeURIComponent(site)}/apply`);
    const n = r.body?.applied;
    return redirectWithFlash(req, reply, to, r.ok ? `Applied ${n} change${n === 1 ? "" : "s"}: they are live.` : `Apply failed. ${problemOf(r)}`);
  });
}
