/**
 * The emulator's web console at `/console`: seed 000's Axivox console on the
 * emulator's own store, served by the same process and port as API v1.
 *
 * Access goes through the emulator's guard (emulator/guard.ts) with rules of
 * its own, read from a session cookie instead of a bearer token:
 * `console:guest` (the sign-in page, the stylesheet), `console:signedIn`,
 * `console:admin` (sites list: the admin token) and `console:site` (pages of
 * `:site`: the admin token or that site's token). Every POST also needs the
 * session's CSRF token (checked here, once the form is parsed).
 *
 * Pages read and write through API v1 with the session's token (./api.ts),
 * so the console enforces nothing of its own: what the API refuses, the
 * console shows beside the field with the API's rule id.
 */
import fs from "node:fs";
import type { FastifyInstance, FastifyRequest } from "fastify";
import formbody from "@fastify/formbody";
import type { Pbx } from "../context";
import type { AccessRule } from "../guard";
import { numberPages } from "./pages/numbers";
import { devicePages } from "./pages/devices";
import { groupPages } from "./pages/groups";
import { authPages } from "./pages/auth";
import { userPages } from "./pages/users";
import { assetDir, consoleRoute, render } from "./page";
import { parseCookies, SESSION_COOKIE, sameSecret, sessionCookie, SessionStore, type Session } from "./session";

/** A request the console's rules refuse: sign in first (401) or not yours (403). */
export class ConsoleDenied extends Error {
  constructor(
    readonly status: 401 | 403 | 404,
    message: string,
  ) {
    super(message);
  }
}

const stores = new WeakMap<Pbx, SessionStore>();

/** The console sessions of one emulator app. */
export function consoleSessions(pbx: Pbx): SessionStore {
  let s = stores.get(pbx);
  if (!s) stores.set(pbx, (s = new SessionStore()));
  return s;
}

/** The session a request's cookie names (undefined when none or expired). */
function sessionFromCookie(pbx: Pbx, req: FastifyRequest): Session | undefined {
  return consoleSessions(pbx).get(parseCookies(req.headers.cookie)[SESSION_COOKIE]);
}

/** The access rules of console routes, merged into the guard's table by createApp. */
export function consoleAccessRules(pbx: Pbx): Record<"console:guest" | "console:signedIn" | "console:admin" | "console:site", AccessRule> {
  const signedIn = (req: FastifyRequest): Session => {
    const s = sessionFromCookie(pbx, req);
    if (!s?.token) throw new ConsoleDenied(401, "Sign in first.");
    req.consoleSession = s;
    return s;
  };
  return {
    "console:guest": (req) => {
      req.consoleSession = sessionFromCookie(pbx, req);
    },
    "console:signedIn": (req) => {
      signedIn(req);
    },
    "console:admin": (req) => {
      if (signedIn(req).site !== null) throw new ConsoleDenied(403, "This page needs the admin token.");
    },
    "console:site": (req) => {
      const s = signedIn(req);
      const site = (req.params as { site?: string } | undefined)?.site;
      // As the API: 403 whether or not the other site exists, so site names do not leak.
      if (s.site !== null && s.site !== site) throw new ConsoleDenied(403, `You are signed in to site "${s.site}"; this page is not part of it.`);
    },
  };
}

/** Register the console under `/console`. */
export function consoleRoutes(app: FastifyInstance, pbx: Pbx): void {
  const sessions = consoleSessions(pbx);
  let css: Buffer | undefined;

  void app.register(
    async (scope) => {
      // Forms only, and only here: the API keeps answering 415 to anything but JSON.
      await scope.register(formbody, { bodyLimit: 256 * 1024 });

      scope.addHook("onRequest", async (req, reply) => {
        req.consoleRoot = app;
        // No page is cached or framed, and none runs a script.
        void reply.headers({
          "cache-control": "no-store",
          "content-security-policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
          "x-content-type-options": "nosniff",
          "referrer-policy": "same-origin",
        });
      });

      // Every POST carries the session's CSRF token; cross-site requests are refused outright.
      scope.addHook("preValidation", async (req) => {
        if (req.method !== "POST") return;
        if (req.headers["sec-fetch-site"] === "cross-site") throw new ConsoleDenied(403, "Cross-site form posts are refused.");
        const origin = req.headers.origin;
        if (origin && origin !== "null" && URL.parse(origin)?.host !== req.headers.host) throw new ConsoleDenied(403, "This form was posted from another site.");
        const given = (req.body as Record<string, unknown> | undefined)?._csrf;
        const s = req.consoleSession;
        if (!s || typeof given !== "string" || !sameSecret(given, s.csrf)) {
          throw new ConsoleDenied(403, "This form's security token is missing or out of date: reload the page and try again.");
        }
      });

      // A signed-in session's cookie is renewed on each page, so its Max-Age follows the session.
      scope.addHook("onSend", async (req, reply, payload) => {
        const s = req.consoleSession;
        if (s && sessions.get(s.id) === s && !reply.hasHeader("set-cookie")) void reply.header("set-cookie", sessionCookie(s.id, sessions.cookieMaxAge(s), req.protocol === "https"));
        return payload;
      });

      scope.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
        if (err instanceof ConsoleDenied) {
          if (err.status === 401) {
            if (req.method === "GET") return reply.redirect(`/console/login?next=${encodeURIComponent(req.url)}`, 303);
            return render(req, reply, "error", { title: "Signed out", problem: "Your session has ended: sign in again." }, 401);
          }
          return render(req, reply, "error", { title: err.status === 403 ? "Not allowed" : "Not found", problem: err.message }, err.status);
        }
        const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
        if (status === 500) req.log.error({ err }, "console error");
        return render(req, reply, "error", { title: "Error", problem: status === 500 ? "Something went wrong in the console." : err.message }, status);
      });
      scope.setNotFoundHandler((req, reply) => render(req, reply, "error", { title: "Not found", problem: `There is no page ${req.url.split("?")[0]}.` }, 404));

      scope.get("/static/console.css", consoleRoute("console:guest"), async (_req, reply) => reply.type("text/css; charset=utf-8").header("cache-control", "public, max-age=300").send((css ??= fs.readFileSync(`${assetDir("static")}/console.css`))));

      authPages(scope, pbx, sessions);
      userPages(scope);
      numberPages(scope);
      groupPages(scope);
      devicePages(scope);
    },
    { prefix: "/console" },
  );
}
