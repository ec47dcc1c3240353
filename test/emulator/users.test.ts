import type { FastifyInstance } from "fastify";
import { ADMIN, mkUser, rules, withSite, type Call } from "./helpers";

describe("users", () => {
  let app: FastifyInstance;
  let call: Call;
  let url: string;
  beforeEach(async () => {
    ({ app, call, url } = await withSite({ site: { numberingPlan: { minLength: 3, maxLength: 4, reserved: [{ from: "900", to: "999" }] } } }));
  });
  afterEach(() => app.close());

  test("create returns defaults, SIP identity and seed-004 tags, never the portal password", async () => {
    const r = await call("POST", "sites/acme/users", { extension: "1001", firstName: "Alice", email: "alice@example.com", mobileNumber: "+32 470 12-34-56", portal: { username: "alice", password: "s3cret-pass" } });
    expect(r.status).toBe(201);
    expect(r.headers.etag).toBe('"1"');
    const u = r.body;
    expect(u).toMatchObject({ extension: "1001", mobileNumber: "+32470123456", revision: 1, applied: false, sipUsername: "1001", keyCount: 20, voicemail: { enabled: true, ringsBeforeVoicemail: 4, pin: null }, portal: { username: "alice", passwordSet: true }, tags: [] });
    expect(u.sipPassword).toMatch(/^\S{16,}$/);
    expect(JSON.stringify(u)).not.toContain("s3cret-pass");
    const other = await mkUser(call, "1002");
    expect(other.sipPassword).not.toBe(u.sipPassword);
    expect(other.tags).toEqual(["Setup Required", "Password Required"]);
    const withEmail = await mkUser(call, "1003", { email: "c@example.com" });
    expect(withEmail.tags).toEqual(["New", "Password Required"]);
  });

  test("field rules are 422 with the field path and rule id", async () => {
    const r = await call("POST", "sites/acme/users", { extension: "12a", firstName: " ", email: "nope", mobileNumber: "0470", voicemail: { pin: "12", ringsBeforeVoicemail: 11 }, portal: { password: "short" } });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe("validation_failed");
    expect(r.body.error.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: ["extension"], rule: "extension_digits" }),
        expect.objectContaining({ path: ["firstName"], rule: "first_name_empty" }),
        expect.objectContaining({ path: ["email"], rule: "email_format" }),
        expect.objectContaining({ path: ["mobileNumber"], rule: "e164" }),
        expect.objectContaining({ path: ["voicemail", "pin"], rule: "pin_min_length" }),
        expect.objectContaining({ path: ["voicemail", "ringsBeforeVoicemail"], rule: "rings_before_voicemail_range" }),
        expect.objectContaining({ path: ["portal", "password"], rule: "password_min_length" }),
      ]),
    );
    expect(rules(await call("POST", "sites/acme/users", { extension: "1001", firstName: "A", voicemail: { pin: "12ab" } }))).toContain("pin_digits");
  });

  test("seed 002/003/004 fields: defaults, round trip, secrets write-only (issue 14)", async () => {
    const plain = await mkUser(call, "1001");
    expect(plain).toMatchObject({
      scope: "Basic User", callTransfer: false, supervision: true, bossSecretary: "none", agentNumber: null, hotDeskingPin: null, extraExtensions: [],
      voicemail: { email: null, notificationEmails: [], attachAudio: false, deleteAfterNotification: false, askPassword: true },
      cti: { enabled: false, username: null, profile: null, passwordSet: false },
    });
    const r = await call("POST", "sites/acme/users", {
      extension: "1002", firstName: "Boss", email: "boss@example.com", scope: "Office Manager", callTransfer: true, supervision: false, bossSecretary: "boss", agentNumber: "501",
      hotDeskingPin: "2468", extraExtensions: ["1102", "1202"],
      voicemail: { pin: "4821", email: "vm@example.com", notificationEmails: ["a@example.com", "b@example.com"], attachAudio: true, deleteAfterNotification: true, askPassword: false },
      cti: { username: "boss", password: "cti-secret", profile: "client" },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      role: "admin", scope: "Office Manager", callTransfer: true, supervision: false, bossSecretary: "boss", agentNumber: "501", hotDeskingPin: "2468", extraExtensions: ["1102", "1202"],
      voicemail: { pin: "4821", email: "vm@example.com", notificationEmails: ["a@example.com", "b@example.com"], attachAudio: true, deleteAfterNotification: true, askPassword: false },
      cti: { enabled: true, username: "boss", profile: "client", passwordSet: true },
    });
    expect(JSON.stringify(r.body)).not.toContain("cti-secret");
    // A scope PATCH sets the role; the role reads back as its scope (receptionist has none).
    const p = await call("PATCH", `sites/acme/users/${r.body.id}`, { scope: "Call Center Agent", cti: { enabled: false }, voicemail: { deleteAfterNotification: false } });
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({ role: "agent", scope: "Call Center Agent", cti: { enabled: false, username: "boss" }, voicemail: { attachAudio: true, deleteAfterNotification: false } });
    expect((await call("PATCH", `sites/acme/users/${r.body.id}`, { role: "receptionist" })).body.scope).toBeNull();
  });

  test("seed 002/003/004 rules: scope vs role, delete needs e-mail and attach, CTI login, PINs, extra extensions", async () => {
    expect(rules(await call("POST", "sites/acme/users", { extension: "1001", firstName: "A", role: "user", scope: "Site Manager" }))).toEqual(["role_scope_conflict"]);
    expect(rules(await call("POST", "sites/acme/users", { extension: "1001", firstName: "A", voicemail: { deleteAfterNotification: true, attachAudio: true } }))).toEqual(["voicemail_delete_needs_email"]);
    expect(rules(await call("POST", "sites/acme/users", { extension: "1001", firstName: "A", email: "a@example.com", voicemail: { deleteAfterNotification: true } }))).toEqual(["voicemail_delete_needs_attach"]);
    expect(rules(await call("POST", "sites/acme/users", { extension: "1001", firstName: "A", cti: { enabled: true, password: "abcd" } }))).toEqual(["cti_username_required"]);
    expect(rules(await call("POST", "sites/acme/users", { extension: "1001", firstName: "A", hotDeskingPin: "12a4", agentNumber: "x1", bossSecretary: "chief" })).sort()).toEqual(["agent_number_format", "enum", "hot_desking_pin_digits"].sort());
    expect(rules(await call("POST", "sites/acme/users", { extension: "1001", firstName: "A", voicemail: { notificationEmails: ["a@example.com", "A@example.com"] } }))).toEqual(["voicemail_emails_unique"]);
    expect(rules(await call("POST", "sites/acme/users", { extension: "1001", firstName: "A", extraExtensions: ["1001"] }))).toEqual(["extra_extension_is_main"]);
    expect(rules(await call("POST", "sites/acme/users", { extension: "1001", firstName: "A", extraExtensions: ["950"] }))).toEqual(["extension_reserved"]);
    // A PATCH is judged on the merged user: turning delete on without attach is refused.
    const u = await mkUser(call, "1001", { email: "a@example.com" });
    expect(rules(await call("PATCH", `sites/acme/users/${u.id}`, { voicemail: { deleteAfterNotification: true } }))).toEqual(["voicemail_delete_needs_attach"]);
    // Main and extra extensions share one number space on the site (seed 003: each reaches one user).
    const extra = await call("POST", "sites/acme/users", { extension: "1002", firstName: "B", extraExtensions: ["1001"] });
    expect(extra.status).toBe(409);
    expect(extra.body.error.existing).toMatchObject({ id: u.id, key: "extension 1001" });
    expect((await call("POST", "sites/acme/users", { extension: "1002", firstName: "B", extraExtensions: ["1102"] })).status).toBe(201);
    const clash = await call("POST", "sites/acme/users", { extension: "1102", firstName: "C" });
    expect(clash.status).toBe(409);
    expect(rules(clash)).toEqual(["extension_unique"]);
  });

  test("seed 004: a site that cannot change an extension refuses it (extension_immutable); other fields still change", async () => {
    const site = await withSite({ site: { extensionChange: "replace" } });
    try {
      const r = await site.call("POST", "sites/acme/users", { extension: "1001", firstName: "A" });
      const moved = await site.call("PATCH", `sites/acme/users/${r.body.id}`, { extension: "1002" });
      expect(moved.status).toBe(422);
      expect(moved.body.error.issues).toEqual([expect.objectContaining({ path: ["extension"], rule: "extension_immutable", message: expect.stringContaining("extensionChange") })]);
      expect((await site.call("PATCH", `sites/acme/users/${r.body.id}`, { extension: "1001", firstName: "B" })).status).toBe(200);
      expect((await site.call("GET", "sites/acme")).body.extensionChange).toBe("replace");
      // The default site changes extensions in place.
      const u = await mkUser(call, "1001");
      expect((await call("PATCH", `sites/acme/users/${u.id}`, { extension: "1002" })).status).toBe(200);
    } finally {
      await site.app.close();
    }
  });

  test("numbering plan: length and reserved ranges of the site", async () => {
    const short = await call("POST", "sites/acme/users", { extension: "12", firstName: "A" });
    expect(short.status).toBe(422);
    expect(short.body.error.issues[0]).toMatchObject({ path: ["extension"], rule: "extension_length", message: 'extension "12" must be 3–4 digits' });
    const reserved = await call("POST", "sites/acme/users", { extension: "950", firstName: "A" });
    expect(rules(reserved)).toEqual(["extension_reserved"]);
    expect((await call("POST", "sites/acme/users", { extension: "899", firstName: "A" })).status).toBe(201);
  });

  test("extension uniqueness is a 409 naming the existing user", async () => {
    const alice = await mkUser(call, "1001");
    const r = await call("POST", "sites/acme/users", { extension: "1001", firstName: "Bob" });
    expect(r.status).toBe(409);
    expect(r.body.error).toMatchObject({ code: "conflict", existing: { type: "user", id: alice.id, key: "extension 1001" } });
    expect(rules(r)).toEqual(["extension_unique"]);
    const bob = await mkUser(call, "1002");
    expect((await call("PATCH", `sites/acme/users/${bob.id}`, { extension: "1001" })).status).toBe(409);
  });

  test("outgoing caller ID must be an incoming number of the site", async () => {
    const bad = await call("POST", "sites/acme/users", { extension: "1001", firstName: "A", outgoingCallerId: "+3225550100" });
    expect(rules(bad)).toEqual(["caller_id_not_site_number"]);
    await call("POST", "sites/acme/incoming-numbers", { number: "+32 2 555 01 00" });
    const ok = await call("POST", "sites/acme/users", { extension: "1001", firstName: "A", outgoingCallerId: "+3225550100" });
    expect(ok.status).toBe(201);
  });

  test("PATCH merges, bumps the revision, If-Match stale is 412", async () => {
    const u = await mkUser(call, "1001", { voicemail: { pin: "4821" } });
    const r = await call("PATCH", `sites/acme/users/${u.id}`, { dnd: true, voicemail: { ringsBeforeVoicemail: 6 } }, { "if-match": '"1"' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ dnd: true, revision: 2, voicemail: { pin: "4821", ringsBeforeVoicemail: 6 } });
    expect(r.headers.etag).toBe('"2"');
    const stale = await call("PATCH", `sites/acme/users/${u.id}`, { dnd: false }, { "if-match": '"1"' });
    expect(stale.status).toBe(412);
    expect(stale.body.error.code).toBe("precondition_failed");
    expect((await call("GET", `sites/acme/users/${u.id}`)).body.dnd).toBe(true);
  });

  test("list searches by name or extension and pages", async () => {
    await mkUser(call, "1001", { firstName: "Alice", lastName: "Martin" });
    await mkUser(call, "1002", { firstName: "Bob" });
    await mkUser(call, "2003", { firstName: "Carol" });
    expect((await call("GET", "sites/acme/users?search=martin")).body.items.map((u: { extension: string }) => u.extension)).toEqual(["1001"]);
    expect((await call("GET", "sites/acme/users?search=100")).body.total).toBe(2);
    const page = await call("GET", "sites/acme/users?page=2&pageSize=2");
    expect(page.body).toMatchObject({ page: 2, pageSize: 2, total: 3 });
    expect(page.body.items).toHaveLength(1);
    expect((await call("GET", "sites/acme/users?pageSize=501")).status).toBe(422);
  });

  test("unknown id is 404, unknown field is 422, malformed JSON is 400, all in the error shape", async () => {
    const nf = await call("GET", "sites/acme/users/usr_nope");
    expect(nf.status).toBe(404);
    expect(nf.body.error).toMatchObject({ code: "not_found", requestId: expect.any(String) });
    expect(nf.headers["x-request-id"]).toBe(nf.body.error.requestId);
    expect(rules(await call("POST", "sites/acme/users", { extension: "1001", firstName: "A", extensionn: "x" }))).toEqual(["unknown_field"]);
    const bad = await fetch(`${url}/api/v1/sites/acme/users`, { method: "POST", headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" }, body: "{oops" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("bad_request");
  });
});
