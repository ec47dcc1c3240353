/**
 * Console sessions expire: idle, absolute and guest limits, with a fake clock;
 * signing in replaces the guest session (no fixation); the table is bounded.
 */
import { parseCookies, sessionCookie, SessionStore } from "../../emulator/console/session";

describe("console sessions", () => {
  let now = 0;
  const store = () => new SessionStore({ idleMs: 1000, absoluteMs: 5000, guestMs: 300, max: 3 }, () => now);
  beforeEach(() => (now = 1_000_000));

  test("a signed-in session ends after the idle limit, and after the absolute limit however active", () => {
    const s = store();
    const a = s.signIn(undefined, "tok", "office");
    now += 999;
    expect(s.get(a.id)).toBe(a);
    now += 1000;
    expect(s.get(a.id)).toBeUndefined();
    const b = s.signIn(undefined, "tok", "office");
    for (let i = 0; i < 5; i++) {
      now += 900;
      expect(s.get(b.id)).toBe(b);
    }
    now += 900;
    expect(s.get(b.id)).toBeUndefined();
  });

  test("signing in ends the guest session and gives a new id and CSRF token", () => {
    const s = store();
    const guest = s.guest();
    const signed = s.signIn(guest, "tok", null);
    expect(signed.id).not.toBe(guest.id);
    expect(signed.csrf).not.toBe(guest.csrf);
    expect(s.get(guest.id)).toBeUndefined();
    now += 301;
    expect(s.get(signed.id)).toBe(signed);
    expect(s.guest() && s.get("unknown")).toBeUndefined();
  });

  test("guest sessions are short-lived and the table never grows past its limit", () => {
    const s = store();
    const g = s.guest();
    now += 300;
    expect(s.get(g.id)).toBeUndefined();
    for (let i = 0; i < 10; i++) s.guest();
    expect(s.size).toBeLessThanOrEqual(3);
  });

  test("the cookie is HttpOnly, SameSite=Strict, scoped to /console, and lives no longer than the session", () => {
    const s = store();
    const a = s.signIn(undefined, "tok", "office");
    now += 2000;
    expect(sessionCookie(a.id, s.cookieMaxAge(a), false)).toBe(`pbx_console=${a.id}; Path=/console; HttpOnly; SameSite=Strict; Max-Age=3`);
    expect(sessionCookie(a.id, 3, true)).toMatch(/; Secure$/);
    expect(parseCookies(`x=1; pbx_console=${a.id}; y=2`).pbx_console).toBe(a.id);
  });
});
