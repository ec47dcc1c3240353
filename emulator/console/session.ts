/**
 * Console sessions: kept in memory by the server, named by a random id in an
 * HttpOnly, SameSite=Strict cookie. The API token a person signed in with
 * stays here and never goes back to the browser. Each session has its own
 * CSRF token, put in every form and checked on every POST.
 *
 * A guest session (no token yet) exists only to carry the sign-in form's CSRF
 * token; signing in replaces it with a new id (no session fixation).
 */
import crypto from "node:crypto";

/** Name of the session cookie. */
export const SESSION_COOKIE = "pbx_console";

/** Limits of a session. */
export interface SessionLimits {
  /** A signed-in session ends after this long without a request. */
  idleMs: number;
  /** …and after this long whatever happens. */
  absoluteMs: number;
  /** A guest session (sign-in form) lives this long. */
  guestMs: number;
  /** Sessions kept at most; the oldest go first (anyone can open the sign-in page). */
  max: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = { idleMs: 30 * 60_000, absoluteMs: 8 * 3600_000, guestMs: 15 * 60_000, max: 10_000 };

/** One session. */
export interface Session {
  id: string;
  csrf: string;
  /** The bearer token the console calls the API with; undefined for a guest. */
  token?: string;
  /** null: the admin token (every site); a name: that site only. */
  site?: string | null;
  createdAt: number;
  lastSeenAt: number;
  /** One-shot message for the next page (after a redirect). */
  flash?: string;
}

const randomId = () => crypto.randomBytes(24).toString("base64url");

/** Constant-time comparison of two strings. */
export function sameSecret(a: string, b: string): boolean {
  const ha = crypto.createHash("sha256").update(a).digest();
  const hb = crypto.createHash("sha256").update(b).digest();
  return crypto.timingSafeEqual(ha, hb);
}

/** The sessions of one emulator app. */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(
    readonly limits: SessionLimits = DEFAULT_SESSION_LIMITS,
    private readonly clock: () => number = Date.now,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  /** A new guest session (for the sign-in form). */
  guest(): Session {
    return this.add({ id: randomId(), csrf: randomId(), createdAt: this.clock(), lastSeenAt: this.clock() });
  }

  /** A new signed-in session; the guest session it replaces is ended. */
  signIn(previous: Session | undefined, token: string, site: string | null): Session {
    if (previous) this.sessions.delete(previous.id);
    return this.add({ id: randomId(), csrf: randomId(), token, site, createdAt: this.clock(), lastSeenAt: this.clock() });
  }

  /** The live session named `id` (touched), or undefined when unknown or expired. */
  get(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const s = this.sessions.get(id);
    if (!s) return undefined;
    if (this.expired(s, this.clock())) {
      this.sessions.delete(id);
      return undefined;
    }
    s.lastSeenAt = this.clock();
    return s;
  }

  end(id: string): void {
    this.sessions.delete(id);
  }

  /** Seconds the cookie may live (the session's absolute limit). */
  cookieMaxAge(s: Session): number {
    const limit = s.token ? this.limits.absoluteMs : this.limits.guestMs;
    return Math.max(1, Math.floor((s.createdAt + limit - this.clock()) / 1000));
  }

  private expired(s: Session, now: number): boolean {
    if (!s.token) return now - s.createdAt >= this.limits.guestMs;
    return now - s.lastSeenAt >= this.limits.idleMs || now - s.createdAt >= this.limits.absoluteMs;
  }

  private add(s: Session): Session {
    if (this.sessions.size >= this.limits.max) {
      const now = this.clock();
      for (const [id, x] of this.sessions) if (this.expired(x, now)) this.sessions.delete(id);
      // Still full: the oldest session goes (Map keeps insertion order).
      while (this.sessions.size >= this.limits.max) this.sessions.delete(this.sessions.keys().next().value!);
    }
    this.sessions.set(s.id, s);
    return s;
  }
}

/** Cookie header → name/value pairs (the value is our own base64url id, so no decoding rules matter). */
export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (!(name in out)) out[name] = part.slice(eq + 1).trim();
  }
  return out;
}

/** The Set-Cookie value of a session (`maxAge` 0 clears it). */
export function sessionCookie(id: string, maxAge: number, secure: boolean): string {
  return [`${SESSION_COOKIE}=${id}`, "Path=/console", "HttpOnly", "SameSite=Strict", `Max-Age=${maxAge}`, ...(secure ? ["Secure"] : [])].join("; ");
}
