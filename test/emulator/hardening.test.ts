/**
 * Issue 10, items 2–6: bad input is never a 500, writes stay consistent,
 * nothing is dropped silently, limits count characters and every error has
 * the API's shape, memory stays bounded.
 */
import type { FastifyInstance } from "fastify";
import net from "node:net";
import { RateLimiter } from "../../emulator/faults";
import { IDEMPOTENCY_TTL_MS } from "../../emulator/store/store";
import { mkUser, rules, withSite, type Call } from "./helpers";

describe("hardening", () => {
  let app: FastifyInstance;
  let call: Call;
  let admin: Call;
  let url: string;
  let token: string;
  beforeEach(async () => {
    ({ app, call, admin, url, token } = await withSite({ site: { numberingPlan: { minLength: 2, maxLength: 4, reserved: [] } } }));
  });
  afterEach(() => app.close());

  /** A request with a raw body and content type, answered as text. */
  const raw = async (method: string, path: string, body?: string, contentType?: string) => {
    const r = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(contentType ? { "content-type": contentType } : {}) }, body });
    const text = await r.text();
    let json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: r.status, body: json, text };
  };

  describe("no 500 on bad input", () => {
    test("reserved ranges with non-digits or fullwidth digits are 422 naming the rule, on POST and PATCH /sites", async () => {
      for (const reserved of [[{ from: "1a", to: "19" }], [{ from: "１０", to: "１９" }], [{ from: "10", to: "1９" }]]) {
        const created = await admin("POST", "sites", { name: "bad-range", numberingPlan: { reserved } });
        expect(created.status).toBe(422);
        expect(rules(created)).toContain("reserved_range_digits");
        const patched = await admin("PATCH", "sites/acme", { numberingPlan: { reserved } });
        expect(patched.status).toBe(422);
        expect(rules(patched)).toContain("reserved_range_digits");
      }
    });

    test("a little fuzz: wrong types, huge numbers, arrays for objects, control characters — never a 500, always the error shape", async () => {
      const u = await mkUser(call, "10");
      const weird: unknown[] = [null, [], [{}], "x", "", 1e308, -1, 1.5, true, {}, "１２", "\u0000", "a".repeat(5000), { __proto__: { admin: true } }, [[["deep"]]]];
      const targets: [string, string, Record<string, unknown>, Call][] = [
        ["POST", "sites/acme/users", { extension: "11", firstName: "A", voicemail: { pin: "1234" }, portal: { username: "a", password: "password1" }, permissions: ["userPortal"] }, call],
        ["PATCH", `sites/acme/users/${u.id}`, { firstName: "B", voicemail: { enabled: false } }, call],
        ["POST", "sites/acme/incoming-numbers", { number: "+3225550100", destination: { type: "user", userId: u.id }, ringSeconds: 20, description: "d" }, call],
        ["POST", "sites/acme/user-groups", { name: "G", members: [u.id], ringStrategy: "inOrder", ringSeconds: 20 }, call],
        ["PUT", `sites/acme/users/${u.id}/keys/1`, { type: "quickCall", number: "+3225550100", label: "l" }, call],
        ["PUT", `sites/acme/users/${u.id}/forwarding`, { mode: "forward", always: [{ number: "+32470999999", ringSeconds: 20 }] }, call],
        ["POST", "sites", { name: "fuzz", numberingPlan: { minLength: 2, maxLength: 4, reserved: [{ from: "10", to: "19" }] }, defaultKeyCount: 10 }, admin],
        ["PATCH", "sites/acme", { numberingPlan: { minLength: 2, maxLength: 4, reserved: [] }, defaultKeyCount: 10 }, admin],
      ];
      const fails: string[] = [];
      for (const [method, path, good, who] of targets) {
        const bodies: unknown[] = [...weird];
        for (const key of Object.keys(good)) for (const w of weird) bodies.push({ ...good, [key]: w });
        for (const nested of ["voicemail", "portal", "numberingPlan", "destination"]) {
          if (good[nested] && typeof good[nested] === "object") for (const w of weird) bodies.push({ ...good, [nested]: { ...(good[nested] as object), pin: w, userId: w, minLength: w, reserved: [w] } });
          if (nested === "numberingPlan") for (const w of weird) bodies.push({ ...good, numberingPlan: { reserved: [{ from: w, to: w }] } });
        }
        for (const body of bodies) {
          const r = await who(method, path, body);
          if (r.status >= 500 || (r.status >= 400 && !r.body?.error?.code)) fails.push(`${method} ${path} ${JSON.stringify(body).slice(0, 80)} → ${r.status}`);
        }
      }
      expect(fails).toEqual([]);
    });
  });

  describe("consistency", () => {
    test("renumbering an incoming number carries its users' outgoing caller ID along; their later PATCHes work", async () => {
      const num = (await call("POST", "sites/acme/incoming-numbers", { number: "+3225550100" })).body;
      const u = await mkUser(call, "10", { outgoingCallerId: "+3225550100" });
      const renumbered = await call("PATCH", `sites/acme/incoming-numbers/${num.id}`, { number: "+3225550199" });
      expect(renumbered.status).toBe(200);
      const after = (await call("GET", `sites/acme/users/${u.id}`)).body;
      expect(after).toMatchObject({ outgoingCallerId: "+3225550199", revision: 2, applied: false });
      expect((await call("PATCH", `sites/acme/users/${u.id}`, { firstName: "Still fine" })).status).toBe(200);
    });

    test("PATCH /sites/{site} honours If-Match: a stale revision is 412 and changes nothing", async () => {
      const site = await admin("GET", "sites/acme");
      const stale = await admin("PATCH", "sites/acme", { defaultKeyCount: 10 }, { "if-match": '"99"' });
      expect(stale.status).toBe(412);
      expect(stale.body.error.code).toBe("precondition_failed");
      expect((await admin("GET", "sites/acme")).body).toMatchObject({ defaultKeyCount: 20, revision: site.body.revision });
      const ok = await admin("PATCH", "sites/acme", { defaultKeyCount: 10 }, { "if-match": site.headers.etag as string });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ defaultKeyCount: 10, revision: site.body.revision + 1 });
    });

    test("a write that changes nothing is a no-op: same revision, nothing pending, on every PATCH and PUT", async () => {
      const u = await mkUser(call, "10", { voicemail: { pin: "4821" }, portal: { username: "ann", password: "password1" } });
      const other = await mkUser(call, "11");
      const num = (await call("POST", "sites/acme/incoming-numbers", { number: "+3225550100", destination: { type: "user", userId: u.id } })).body;
      const group = (await call("POST", "sites/acme/user-groups", { name: "Sales", members: [u.id] })).body;
      const keyBody = { type: "blf", targetUserId: other.id, label: "Bob" };
      const fwdBody = { mode: "forward", always: [{ number: "+32470999999" }] };
      await call("PUT", `sites/acme/users/${u.id}/keys/1`, keyBody);
      await call("PUT", `sites/acme/users/${u.id}/forwarding`, fwdBody);
      await call("POST", "sites/acme/apply");
      const site = (await admin("GET", "sites/acme")).body;
      const writes: [Call, string, string, unknown][] = [
        [call, "PATCH", `sites/acme/users/${u.id}`, {}],
        [call, "PATCH", `sites/acme/users/${u.id}`, { firstName: u.firstName, voicemail: { pin: "4821" }, portal: { username: "ann", password: "password1" } }],
        [call, "PATCH", `sites/acme/incoming-numbers/${num.id}`, {}],
        [call, "PATCH", `sites/acme/incoming-numbers/${num.id}`, { number: "+32 2 555 01 00" }],
        [call, "PATCH", `sites/acme/user-groups/${group.id}`, { members: [u.id] }],
        [call, "PUT", `sites/acme/users/${u.id}/keys/1`, keyBody],
        [call, "PUT", `sites/acme/users/${u.id}/forwarding`, fwdBody],
        [admin, "PATCH", "sites/acme", {}],
        [admin, "PATCH", "sites/acme", { defaultKeyCount: site.defaultKeyCount }],
      ];
      for (const [who, method, path, body] of writes) {
        const before = await who("GET", path.startsWith("sites/acme/") && path !== "sites/acme" ? path : "sites/acme");
        const r = await who(method, path, body);
        expect([method, path, r.status]).toEqual([method, path, 200]);
        expect([path, r.body.revision]).toEqual([path, before.body.revision]);
        expect(r.headers.etag).toBe(`"${before.body.revision}"`);
      }
      expect((await call("GET", "sites/acme/apply")).body.pending).toBe(0);
      expect((await call("GET", `sites/acme/users/${u.id}`)).body.applied).toBe(true);
    });
  });

  describe("nothing dropped silently", () => {
    test("unknown fields inside nested objects are 422 naming the field", async () => {
      const u = await mkUser(call, "10");
      const cases: [Call, string, string, unknown, (string | number)[]][] = [
        [call, "POST", "sites/acme/users", { extension: "11", firstName: "A", voicemail: { enabled: true, pinn: "4821" } }, ["voicemail", "pinn"]],
        [call, "POST", "sites/acme/users", { extension: "11", firstName: "A", portal: { user: "ann", password: "password1" } }, ["portal", "user"]],
        [call, "PATCH", `sites/acme/users/${u.id}`, { voicemail: { pinn: "4821" } }, ["voicemail", "pinn"]],
        [call, "PATCH", `sites/acme/users/${u.id}`, { portal: { passwd: "password1" } }, ["portal", "passwd"]],
        [call, "POST", "sites/acme/incoming-numbers", { number: "+3225550100", destination: { type: "user", userId: u.id, ring: 3 } }, ["destination", "ring"]],
        [call, "PUT", `sites/acme/users/${u.id}/forwarding`, { mode: "forward", always: [{ number: "+32470999999", rings: 3 }] }, ["always", 0, "rings"]],
        [admin, "POST", "sites", { name: "x", colour: "red" }, ["colour"]],
        [admin, "POST", "sites", { name: "x", numberingPlan: { minLenght: 3 } }, ["numberingPlan", "minLenght"]],
        [admin, "POST", "sites", { name: "x", numberingPlan: { reserved: [{ from: "10", to: "19", note: "x" }] } }, ["numberingPlan", "reserved", 0, "note"]],
        [admin, "PATCH", "sites/acme", { defaultKeyCount: 10, sipDomain: "x" }, ["sipDomain"]],
        [admin, "PATCH", "sites/acme", { numberingPlan: { maxLenght: 3 } }, ["numberingPlan", "maxLenght"]],
      ];
      for (const [who, method, path, body, field] of cases) {
        const r = await who(method, path, body);
        expect([path, r.status]).toEqual([path, 422]);
        expect(r.body.error.issues).toContainEqual({ path: field, rule: "unknown_field", message: `unknown field "${field[field.length - 1]}"` });
      }
      // Nothing was written by any of them.
      expect((await call("GET", `sites/acme/users/${u.id}`)).body.revision).toBe(1);
      expect((await admin("GET", "sites/acme")).body.revision).toBe(1);
    });
  });

  describe("limits and parsing", () => {
    test("lengths are counted in characters: four emoji are not an 8-character password, eight are", async () => {
      const short = await call("POST", "sites/acme/users", { extension: "10", firstName: "A", portal: { username: "a", password: "🙂🙂🙂🙂" } });
      expect(rules(short)).toEqual(["password_min_length"]);
      expect((await call("POST", "sites/acme/users", { extension: "10", firstName: "A", portal: { username: "a", password: "🙂".repeat(8) } })).status).toBe(201);
      // 100 emoji are 100 characters (200 UTF-16 units): a first name may be that long.
      expect((await call("POST", "sites/acme/users", { extension: "11", firstName: "🙂".repeat(100) })).status).toBe(201);
    });

    test("every string field has a maximum length, with a rule id", async () => {
      const long = (n: number) => "x".repeat(n);
      const u = await mkUser(call, "10");
      const cases: [Call, string, string, unknown, string][] = [
        [call, "POST", "sites/acme/users", { extension: "11", firstName: long(1024 * 1024) }, "first_name_length"],
        [call, "POST", "sites/acme/users", { extension: "11", firstName: "A", lastName: long(101) }, "last_name_length"],
        [call, "POST", "sites/acme/users", { extension: "11", firstName: "A", department: long(101) }, "department_length"],
        [call, "POST", "sites/acme/users", { extension: "11", firstName: "A", email: `${long(250)}@example.com` }, "email_length"],
        [call, "POST", "sites/acme/users", { extension: "11", firstName: "A", portal: { username: long(101) } }, "portal_username_length"],
        [call, "POST", "sites/acme/users", { extension: "11", firstName: "A", portal: { password: long(129) } }, "password_max_length"],
        [call, "POST", "sites/acme/users", { extension: "11", firstName: "A", voicemail: { pin: "1".repeat(21) } }, "pin_max_length"],
        [call, "POST", "sites/acme/users", { extension: "1".repeat(11), firstName: "A" }, "extension_length"],
        [call, "POST", "sites/acme/incoming-numbers", { number: "+3225550100", description: long(501) }, "description_length"],
        [call, "POST", "sites/acme/incoming-numbers", { number: "+3225550100", destination: { type: "dialPlan", name: long(101) } }, "dial_plan_length"],
        [call, "POST", "sites/acme/incoming-numbers", { number: "+3225550100", destination: { type: "user", userId: long(101) } }, "id_length"],
        [call, "POST", "sites/acme/user-groups", { name: long(101) }, "group_name_length"],
        [call, "PUT", `sites/acme/users/${u.id}/keys/1`, { type: "switch", label: long(101) }, "label_length"],
        [admin, "POST", "sites", { name: "x", sipDomain: long(254) }, "sip_domain_length"],
      ];
      for (const [who, method, path, body, rule] of cases) {
        const r = await who(method, path, body);
        expect([rule, r.status]).toEqual([rule, 422]);
        expect(rules(r)).toContain(rule);
      }
    });

    test("key positions are parsed strictly: 1e1, 0x3, 03 and ' 3' are 422 in the error shape, not keys 10 and 3", async () => {
      const u = await mkUser(call, "10");
      for (const p of ["1e1", "0x3", "03", "%203", "3.0", "+3", "-1", "99999999999999999999"]) {
        const put = await call("PUT", `sites/acme/users/${u.id}/keys/${p}`, { type: "switch" });
        expect([p, put.status]).toEqual([p, 422]);
        expect(put.body.error.issues[0]).toMatchObject({ path: ["position"], rule: "key_position_format" });
        expect((await call("GET", `sites/acme/users/${u.id}/keys/${p}`)).status).toBe(422);
      }
      expect((await call("GET", `sites/acme/users/${u.id}/keys`)).body.total).toBe(0);
      expect(rules(await call("PUT", `sites/acme/users/${u.id}/keys/0`, { type: "switch" }))).toEqual(["key_position_range"]);
      expect((await call("PUT", `sites/acme/users/${u.id}/keys/3`, { type: "switch" })).status).toBe(201);
    });

    test("a NUL byte or another control character in search is refused, not a match-everything", async () => {
      await mkUser(call, "10");
      await mkUser(call, "11");
      for (const s of ["%00", "a%00b", "%0A", "%1F"]) {
        const r = await call("GET", `sites/acme/users?search=${s}`);
        expect([s, r.status]).toEqual([s, 422]);
        expect(rules(r)).toEqual(["search_format"]);
      }
      expect((await call("GET", "sites/acme/users?search=10")).body.total).toBe(1);
    });

    test("every error has the API's shape, the framework's own included", async () => {
      const u = await mkUser(call, "10");
      const shaped = (r: { status: number; body: any }, status: number, code: string) => {
        expect(r.status).toBe(status);
        expect(r.body.error).toMatchObject({ code, message: expect.any(String), requestId: expect.any(String) });
      };
      shaped(await raw("GET", `/api/v1/sites/acme/users/${"x".repeat(150)}`), 400, "bad_request");
      shaped(await raw("GET", "/api/v1/sites/acme/users/%zz"), 400, "bad_request");
      shaped(await raw("POST", "/api/v1/sites/acme/users", "{bad", "application/json"), 400, "bad_request");
      shaped(await raw("POST", "/api/v1/sites/acme/users", JSON.stringify({ extension: "11", firstName: "x".repeat(11 * 1024 * 1024) }), "application/json"), 413, "bad_request");
      shaped(await raw("POST", "/api/v1/sites/acme/users", '{"extension":"11","firstName":"A"}', "text/plain"), 415, "bad_request");
      shaped(await raw("PATCH", `/api/v1/sites/acme/users/${u.id}`, '{"firstName":"B"}', "text/csv"), 415, "bad_request");
      shaped(await raw("POST", "/api/v1/sites/acme/users", "<user/>", "application/xml"), 415, "bad_request");
      shaped(await raw("POST", "/api/v1/sites/acme/import/users", '{"csv":"x"}', "application/json"), 415, "bad_request");
      shaped(await raw("GET", "/api/v1/nothing-here"), 404, "not_found");
      // A request node's own parser refuses is answered in the shape too.
      const port = new URL(url).port;
      const answer = await new Promise<string>((resolve, reject) => {
        const s = net.connect(Number(port), "127.0.0.1", () => s.write("GET /api/v1/sites HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n"));
        let data = "";
        s.on("data", (d) => (data += d.toString()));
        s.on("end", () => resolve(data));
        s.on("error", reject);
      });
      expect(answer).toMatch(/^HTTP\/1.1 400/);
      expect(JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4)).error.code).toBe("bad_request");
      // Nothing was created by the text/plain body.
      expect((await call("GET", "sites/acme/users")).body.total).toBe(1);
    });

    test("the CSV import reports every bad row in one answer, whatever kind of problem", async () => {
      await mkUser(call, "10");
      const csv = ["firstname|phonenumber|context|protocol|enablexfer", "Ann|10|default|sip|0", "Bea|11|default|sip|yes", "Cid|12345|default|sip|0", "Dan|13|default|sip|0"].join("\n");
      for (const text of [csv, csv.replace(/\n/g, "\r\n")]) {
        const r = await call("POST", "sites/acme/import/users", text);
        expect(r.status).toBe(422);
        expect(r.body.error.issues.map((i: { path: unknown[]; rule: string }) => `${i.path.join(":")}:${i.rule}`)).toEqual([
          "2:phonenumber:extension_unique",
          "3:enablexfer:csv_bool",
          "4:phonenumber:extension_length",
        ]);
      }
      expect((await call("GET", "sites/acme/users")).body.total).toBe(1);
    });
  });

  describe("bounded memory", () => {
    test("idempotency keys older than 24 hours are purged from the store, not only ignored", async () => {
      const store = app.pbx.store;
      store.rememberIdempotent("old-key", 201, { id: "x" }, Date.now() - IDEMPOTENCY_TTL_MS - 60_000);
      store.rememberIdempotent("fresh-key", 201, { id: "y" }, Date.now() - 60_000);
      const storedKeys = () => (store.db.prepare("SELECT key FROM idempotency ORDER BY key").all() as { key: string }[]).map((r) => r.key);
      expect(storedKeys()).toContain("fresh-key");
      await call("POST", "sites/acme/users", { extension: "10", firstName: "A" }, { "idempotency-key": "k1" });
      const keys = storedKeys();
      expect(keys).not.toContain("old-key");
      expect(keys).toContain("fresh-key");
      expect(keys).toHaveLength(2);
    });

    test("the rate limiter's table is bounded: old windows go first, a busy caller is still limited", () => {
      const limiter = new RateLimiter(100);
      const t0 = 1_000_000;
      for (let i = 0; i < 10_000; i++) limiter.hit(`caller-${i}`, 5, t0 + i / 100);
      expect(limiter.size).toBeLessThanOrEqual(100);
      const waits = Array.from({ length: 7 }, () => limiter.hit("busy", 5, t0 + 200));
      expect(waits.filter((w) => w > 0)).toHaveLength(2);
      for (let i = 0; i < 500; i++) limiter.hit(`late-${i}`, 5, t0 + 5_000 + i);
      expect(limiter.size).toBeLessThanOrEqual(100);
    });
  });
});
