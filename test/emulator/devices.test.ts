/**
 * Devices over HTTP (seed 003 Devices, seed 004 "Add Phone Extension", seed 002
 * line protocol, name and secret): every rule, staged changes and apply,
 * If-Match, Idempotency-Key, search, and what deleting the owner does.
 */
import type { FastifyInstance } from "fastify";
import { mkUser, rules, withSite, type Call } from "./helpers";

describe("devices", () => {
  let app: FastifyInstance;
  let call: Call;
  let alice: { id: string; sipUsername: string; sipPassword: string };
  beforeEach(async () => {
    ({ app, call } = await withSite());
    alice = await mkUser(call, "1001");
  });
  afterEach(() => app.close());

  const desk = (extra: Record<string, unknown> = {}) => ({ name: "Alice desk", userId: alice.id, sipUsername: "alice-desk", ...extra });

  test("create: defaults, a generated secret, the site's SIP domain, the MAC in one form; the user keeps its own SIP identity", async () => {
    const r = await call("POST", "sites/acme/devices", desk({ macAddress: "00-15-65-AA-BB-CC", make: "yealink", model: "T46U" }));
    expect(r.status).toBe(201);
    expect(r.headers.etag).toBe('"1"');
    expect(r.body).toMatchObject({ name: "Alice desk", userId: alice.id, type: "sip", protocol: "sip", sipUsername: "alice-desk", macAddress: "00:15:65:aa:bb:cc", make: "yealink", model: "T46U", applied: false, revision: 1 });
    expect(r.body.sipPassword).toMatch(/^\S{16,}$/);
    expect(r.body.sipDomain).toEqual(expect.any(String));
    const other = await call("POST", "sites/acme/devices", desk({ sipUsername: "alice-soft", name: "Softphone" }));
    expect(other.body.sipPassword).not.toBe(r.body.sipPassword);
    const given = await call("POST", "sites/acme/devices", desk({ sipUsername: "alice-2", sipPassword: "Given-pass-1" }));
    expect(given.body.sipPassword).toBe("Given-pass-1");
    const user = await call("GET", `sites/acme/users/${alice.id}`);
    expect(user.body).toMatchObject({ sipUsername: "1001", sipPassword: alice.sipPassword });
    // MAC notations: dots (Cisco), none.
    for (const [mac, sip] of [["0015.65aa.bb01", "a3"], ["001565AABB02", "a4"]]) {
      expect((await call("POST", "sites/acme/devices", desk({ sipUsername: sip, macAddress: mac, make: "snom", model: "D735" }))).body.macAddress).toMatch(/^00:15:65:aa:bb:0[12]$/);
    }
  });

  test.each([
    ["device_name_empty", { name: " " }],
    ["sip_username_format", { sipUsername: "alice desk" }],
    ["sip_username_required", { sipUsername: undefined }],
    ["sip_password_format", { sipPassword: "short" }],
    ["sip_password_format", { sipPassword: "has a space in it" }],
    ["mac_format", { macAddress: "00:15:65:aa:bb", make: "yealink", model: "T46U" }],
    ["mac_format", { macAddress: "ff:ff:ff:ff:ff:ff", make: "yealink", model: "T46U" }],
    ["mac_format", { macAddress: "01:00:5e:00:00:01", make: "yealink", model: "T46U" }],
    ["device_make_unknown", { macAddress: "00:15:65:aa:bb:cc", make: "acme", model: "X1" }],
    ["device_model_unknown", { macAddress: "00:15:65:aa:bb:cc", make: "yealink", model: "T99" }],
    ["device_provisioning_incomplete", { macAddress: "00:15:65:aa:bb:cc" }],
    ["device_provisioning_incomplete", { make: "yealink", model: "T46U" }],
    ["device_mobile_no_provisioning", { type: "mobile", macAddress: "00:15:65:aa:bb:cc", make: "yealink", model: "T46U" }],
    ["device_mobile_sip", { type: "mobile", protocol: "sccp", sipUsername: undefined }],
    ["device_sccp_no_sip_credentials", { protocol: "sccp", macAddress: "00:1b:54:aa:bb:cc", make: "cisco", model: "7942G" }],
    ["device_sccp_needs_mac", { protocol: "sccp", sipUsername: undefined }],
    ["device_model_protocol", { protocol: "sccp", sipUsername: undefined, macAddress: "00:1b:54:aa:bb:cc", make: "cisco", model: "8845" }],
    ["device_model_protocol", { protocol: "sccp", sipUsername: undefined, macAddress: "00:15:65:aa:bb:cc", make: "yealink", model: "T46U" }],
    ["unknown_field", { colour: "black" }],
  ])("rule %s: 422 naming the field", async (rule, extra) => {
    const r = await call("POST", "sites/acme/devices", desk(extra));
    expect(r.status).toBe(422);
    expect(rules(r)).toContain(rule);
    expect(r.body.error.issues.every((i: { path: unknown[] }) => i.path.length > 0)).toBe(true);
  });

  test("the owner must be a user of the site (device_user_missing)", async () => {
    const r = await call("POST", "sites/acme/devices", desk({ userId: "usr_nope" }));
    expect(r.status).toBe(422);
    expect(r.body.error.issues).toEqual([expect.objectContaining({ path: ["userId"], rule: "device_user_missing" })]);
  });

  test("SIP user name unique on the site, any case, users' own SIP usernames included (409 naming the holder)", async () => {
    const first = (await call("POST", "sites/acme/devices", desk())).body;
    const twin = await call("POST", "sites/acme/devices", desk({ sipUsername: "Alice-Desk", name: "Other" }));
    expect(twin.status).toBe(409);
    expect(twin.body.error).toMatchObject({ code: "conflict", existing: { type: "device", id: first.id } });
    expect(rules(twin)).toEqual(["sip_username_unique"]);
    const asUser = await call("POST", "sites/acme/devices", desk({ sipUsername: "1001" }));
    expect(asUser.status).toBe(409);
    expect(asUser.body.error.existing).toMatchObject({ type: "user", id: alice.id });
    // And the other way: a user may not take a device's user name as extension.
    await call("POST", "sites/acme/devices", desk({ sipUsername: "2001", name: "Numbered" }));
    const user = await call("POST", "sites/acme/users", { extension: "2001", firstName: "Bob" });
    expect(user.status).toBe(409);
    expect(rules(user)).toEqual(["sip_username_unique"]);
    expect(user.body.error.existing.type).toBe("device");
  });

  test("MAC address unique on the site (mac_unique), whatever the notation", async () => {
    const a = (await call("POST", "sites/acme/devices", desk({ macAddress: "00:15:65:aa:bb:cc", make: "yealink", model: "T46U" }))).body;
    const b = await call("POST", "sites/acme/devices", desk({ sipUsername: "other", macAddress: "0015.65AA.BBCC", make: "yealink", model: "T46U" }));
    expect(b.status).toBe(409);
    expect(rules(b)).toEqual(["mac_unique"]);
    expect(b.body.error.existing).toMatchObject({ type: "device", id: a.id, key: "MAC address 00:15:65:aa:bb:cc" });
  });

  test("SCCP phone: no SIP credentials, known by its MAC; mobile device: SIP without provisioning", async () => {
    const sccp = await call("POST", "sites/acme/devices", { name: "Lobby", userId: alice.id, protocol: "sccp", macAddress: "00:1b:54:aa:bb:cc", make: "cisco", model: "7942G" });
    expect(sccp.status).toBe(201);
    expect(sccp.body).toMatchObject({ protocol: "sccp", sipUsername: null, sipPassword: null, macAddress: "00:1b:54:aa:bb:cc" });
    const mobile = await call("POST", "sites/acme/devices", desk({ type: "mobile", sipUsername: "alice-mobile" }));
    expect(mobile.status).toBe(201);
    expect(mobile.body).toMatchObject({ type: "mobile", protocol: "sip", macAddress: null, make: null, model: null });
  });

  test("patch: If-Match, the rules on the merged object, a no-op patch is no change; list, search, staged and live views", async () => {
    const d = (await call("POST", "sites/acme/devices", desk({ macAddress: "00:15:65:aa:bb:cc", make: "yealink", model: "T46U" }))).body;
    expect((await call("PATCH", `sites/acme/devices/${d.id}`, { name: "x" }, { "if-match": '"7"' })).status).toBe(412);
    const bad = await call("PATCH", `sites/acme/devices/${d.id}`, { model: "VVX 450" });
    expect(bad.status).toBe(422);
    expect(rules(bad)).toEqual(["device_model_unknown"]);
    const moved = await call("PATCH", `sites/acme/devices/${d.id}`, { make: "polycom", model: "VVX 450", sipPassword: "New-pass-99" }, { "if-match": '"1"' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ make: "polycom", model: "VVX 450", sipPassword: "New-pass-99", revision: 2 });
    const same = await call("PATCH", `sites/acme/devices/${d.id}`, { name: "Alice desk" });
    expect(same.body.revision).toBe(2);
    const unprovisioned = await call("PATCH", `sites/acme/devices/${d.id}`, { macAddress: null, make: null, model: null });
    expect(unprovisioned.body).toMatchObject({ macAddress: null, make: null, model: null });
    await call("POST", "sites/acme/devices", desk({ sipUsername: "bob-soft", name: "Softphone" }));
    expect((await call("GET", "sites/acme/devices?search=BOB-SOFT")).body.items.map((x: { sipUsername: string }) => x.sipUsername)).toEqual(["bob-soft"]);
    expect((await call("GET", "sites/acme/devices")).body.total).toBe(2);
    expect((await call("GET", `sites/acme/devices/${d.id}?view=live`)).status).toBe(404);
    await call("POST", "sites/acme/apply");
    expect((await call("GET", `sites/acme/devices/${d.id}?view=live`)).body).toMatchObject({ applied: true, make: null });
    expect((await call("DELETE", `sites/acme/devices/${d.id}`)).status).toBe(204);
    expect((await call("GET", `sites/acme/devices/${d.id}`)).status).toBe(404);
    expect((await call("GET", `sites/acme/devices/${d.id}?view=live`)).status).toBe(200);
    await call("POST", "sites/acme/apply");
    expect((await call("GET", `sites/acme/devices/${d.id}?view=live`)).status).toBe(404);
  });

  test("Idempotency-Key: a retried create makes one device", async () => {
    const a = await call("POST", "sites/acme/devices", desk(), { "idempotency-key": "dev-1" });
    const b = await call("POST", "sites/acme/devices", desk(), { "idempotency-key": "dev-1" });
    expect(b.status).toBe(201);
    expect(b.body.id).toBe(a.body.id);
    expect((await call("GET", "sites/acme/devices")).body.total).toBe(1);
  });

  test("deleting a user that still has devices is refused naming them (user_has_devices); once they are gone it goes", async () => {
    const d = (await call("POST", "sites/acme/devices", desk())).body;
    const r = await call("DELETE", `sites/acme/users/${alice.id}`);
    expect(r.status).toBe(409);
    expect(rules(r)).toEqual(["user_has_devices"]);
    expect(r.body.error.message).toContain(`${d.id} ("Alice desk")`);
    expect((await call("GET", `sites/acme/users/${alice.id}`)).status).toBe(200);
    // Reassigned to another user, the device no longer holds the first one back.
    const bob = await mkUser(call, "1002");
    expect((await call("PATCH", `sites/acme/devices/${d.id}`, { userId: bob.id })).status).toBe(200);
    expect((await call("DELETE", `sites/acme/users/${alice.id}`)).status).toBe(204);
    expect((await call("PATCH", `sites/acme/devices/${d.id}`, { userId: alice.id })).status).toBe(422);
  });
});

describe("console: the Devices page", () => {
  test("lists a site's devices with their user, never the SIP password; the menu links to it", async () => {
    const { app, url, call, token } = await withSite();
    try {
      const alice = await mkUser(call, "1001", { lastName: "Martin" });
      const d = (await call("POST", "sites/acme/devices", { name: "Alice <desk>", userId: alice.id, sipUsername: "alice-desk", macAddress: "0015.65aa.bbcc", make: "yealink", model: "T46U" })).body;
      const form = await fetch(`${url}/console/login`);
      const guest = form.headers.get("set-cookie")!.split(";")[0];
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1];
      const signed = await fetch(`${url}/console/login`, { method: "POST", redirect: "manual", headers: { cookie: guest, "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ _csrf: csrf, token }) });
      const cookie = signed.headers.get("set-cookie")!.split(";")[0];
      const page = await fetch(`${url}/console/sites/acme/devices`, { headers: { cookie } });
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain("Alice &lt;desk&gt;");
      expect(html).toContain("U1001 Martin (1001)");
      expect(html).toContain("00:15:65:aa:bb:cc");
      expect(html).toContain("yealink T46U");
      expect(html).toContain('href="/console/sites/acme/devices" aria-current="page">Devices</a>');
      expect(html).not.toContain(d.sipPassword);
      expect((await fetch(`${url}/console/sites/acme/devices`, { redirect: "manual" })).status).toBeGreaterThanOrEqual(300);
    } finally {
      await app.close();
    }
  });
});
