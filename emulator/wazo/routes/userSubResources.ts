/**
 * A user's services (DND, incall filter), forwards and fallbacks
 * (`plugins/user/sub_resources`, `plugins/user_fallback`).
 *
 * Real confd does not check the tenant on these (they look the user up by id
 * alone); the emulator does, like every other route: another tenant's user is
 * not found.
 */
import type { FastifyInstance } from "fastify";
import { checkDestination, getUser, normaliseDestination } from "../domain";
import { resourceError } from "../errors";
import { serve, type Call } from "../http";
import type { Destination, UserRow } from "../model";
import type { WazoState } from "../state";

type ForwardName = "busy" | "noanswer" | "unconditional";

/** Apply forwards sent (others kept). Enabling a forward with no destination is refused (NoEmptyFieldWhenEnabled). */
export function applyForwards(c: Call, user: UserRow, body: Partial<Record<ForwardName, { enabled?: boolean; destination?: string | null }>>): UserRow {
  const forwards = { ...user.forwards };
  for (const name of ["busy", "noanswer", "unconditional"] as const) {
    const f = body[name];
    if (!f) continue;
    const next = { ...forwards[name] };
    if (f.enabled !== undefined) next.enabled = f.enabled;
    if (f.destination !== undefined) next.destination = f.destination === "" ? null : f.destination;
    forwards[name] = next;
  }
  for (const f of Object.values(forwards)) if (f.enabled && f.destination === null) throw resourceError("Forward must be disabled to remove destination");
  return c.state.store.put<UserRow>("user", user.id, { ...user, forwards });
}

const FALLBACK_KEYS = { noanswer_destination: "noanswer", busy_destination: "busy", congestion_destination: "congestion", fail_destination: "fail" } as const;

/** Replace the fallbacks: one left out or null is removed (UserFeatures.fallbacks setter). */
export function applyFallbacks(c: Call, user: UserRow, body: Record<string, unknown>): UserRow {
  const fallbacks: UserRow["fallbacks"] = { noanswer: null, busy: null, congestion: null, fail: null };
  for (const [key, event] of Object.entries(FALLBACK_KEYS)) {
    const d = body[key] as Destination | null | undefined;
    if (!d) continue;
    checkDestination(c, d);
    fallbacks[event] = normaliseDestination(d);
  }
  return c.state.store.put<UserRow>("user", user.id, { ...user, fallbacks });
}

export function userSubRoutes(app: FastifyInstance, state: WazoState): void {
  serve(app, state, "getUserServices", (c) => ({ status: 200, body: c.view.services(getUser(c, c.params.user_id)) }));
  serve(app, state, "getUserService", (c) => {
    const u = getUser(c, c.params.user_id);
    return { status: 200, body: { enabled: u.services[c.params.service_name as "dnd" | "incallfilter"] } };
  });
  serve(app, state, "updateUserService", (c) => {
    const u = getUser(c, c.params.user_id);
    c.state.store.put<UserRow>("user", u.id, { ...u, services: { ...u.services, [c.params.service_name]: (c.body as { enabled: boolean }).enabled } });
    return { status: 204 };
  });

  serve(app, state, "listUserForwards", (c) => ({ status: 200, body: c.view.forwards(getUser(c, c.params.user_id)) }));
  serve(app, state, "updateUserForwards", (c) => {
    applyForwards(c, getUser(c, c.params.user_id), c.body);
    return { status: 204 };
  });
  serve(app, state, "getUserForward", (c) => ({ status: 200, body: { ...getUser(c, c.params.user_id).forwards[c.params.forward_name as ForwardName] } }));
  serve(app, state, "updateUserForward", (c) => {
    applyForwards(c, getUser(c, c.params.user_id), { [c.params.forward_name]: c.body });
    return { status: 204 };
  });

  serve(app, state, "getUserFallbacks", (c) => ({ status: 200, body: c.view.fallbacks(getUser(c, c.params.user_id)) }));
  serve(app, state, "updateUserFallbacks", (c) => {
    applyFallbacks(c, getUser(c, c.params.user_id), c.body);
    return { status: 204 };
  });
}
