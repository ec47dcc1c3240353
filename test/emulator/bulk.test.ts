/**
 * What one-request creates and reads in bulk need from API v1: a create-only
 * PUT (`If-None-Match: *`) for keys and forwardings, site-wide lists of both,
 * and an apply that can be refused (the `applyFails` fault) without losing the
 * saved changes.
 */
import type { FastifyInstance } from "fastify";
import { mkUser, withSite, type Call } from "./helpers";

describe("create-only PUT, site-wide lists, refused applies", () => {
  let app: FastifyInstance;
  let call: Call;
  beforeEach(async () => {
    ({ app, call } = await withSite({ site: { defaultKeyCount: 4 }, applyDelayMs: 0 }));
  });
  afterEach(() => app.close());

  test("If-None-Match: * creates a key once; a taken position is 412 naming the holder and unchanged", async () => {
    const alice = await mkUser(call, "1001");
    const first = await call("PUT", `sites/acme/users/${alice.id}/keys/1`, { type: "switch" }, { "if-none-match": "*" });
    expect(first.status).toBe(201);
    const again = await call("PUT", `sites/acme/users/${alice.id}/keys/1`, { type: "quickCall", number: "+3225550100" }, { "if-none-match": "*" });
    expect(again.status).toBe(412);
    expect(again.body.error.existing).toMatchObject({ type: "functionKey", id: first.body.id });
    expect((await call("GET", `sites/acme/users/${alice.id}/keys/1`)).body).toMatchObject({ type: "switch", revision: 1 });
  });

  test("If-None-Match: * on a forwarding: a forwarding set to off is a free slot, any other is taken", async () => {
    const bob = await mkUser(call, "1002");
    expect((await call("PUT", `sites/acme/users/${bob.id}/forwarding`, { mode: "off" })).status).toBe(201);
    const set = await call("PUT", `sites/acme/users/${bob.id}/forwarding`, { mode: "forward", onBusy: [{ number: "+32470999999" }] }, { "if-none-match": "*" });
    expect(set.status).toBe(200);
    const twice = await call("PUT", `sites/acme/users/${bob.id}/forwarding`, { mode: "forward", onBusy: [{ number: "+32470888888" }] }, { "if-none-match": "*" });
    expect(twice.status).toBe(412);
  });

  test("every key and every forwarding of the site, paged", async () => {
    const users = [await mkUser(call, "1001"), await mkUser(call, "1002"), await mkUser(call, "1003")];
    for (const u of users) {
      await call("PUT", `sites/acme/users/${u.id}/keys/2`, { type: "switch" });
      await call("PUT", `sites/acme/users/${u.id}/forwarding`, { mode: "forward", always: [{ number: "+32470999999" }] });
    }
    const keys = await call("GET", "sites/acme/keys?pageSize=2");
    expect(keys.body).toMatchObject({ page: 1, pageSize: 2, total: 3 });
    expect(keys.body.items).toHaveLength(2);
    const fwd = await call("GET", "sites/acme/forwardings?pageSize=500");
    expect(fwd.body.items.map((f: { userId: string }) => f.userId).sort()).toEqual(users.map((u) => u.id).sort());
  });

  test("a refused apply is 422 apply_failed and the changes stay saved for the next apply", async () => {
    await mkUser(call, "1001");
    app.pbx.faults.applyFails = true;
    const refused = await call("POST", "sites/acme/apply");
    expect(refused.status).toBe(422);
    expect(refused.body.error.issues[0].rule).toBe("apply_failed");
    expect((await call("GET", "sites/acme/apply")).body.pending).toBeGreaterThan(0);
    app.pbx.faults.applyFails = false;
    expect((await call("POST", "sites/acme/apply")).status).toBe(200);
    expect((await call("GET", "sites/acme/apply")).body.pending).toBe(0);
  });
});
