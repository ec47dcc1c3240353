/**
 * What the client sends for each call and what it makes of the answer.
 */
import nock from "nock";
import { PbxNotFoundError } from "../../../sdk/errors";
import { BASE, TOKEN, apiGroup, apiKey, apiNumber, apiUser, errorBody, page, testClient, useNock } from "./helpers";

useNock();

describe("PbxClient requests", () => {
  it("authenticates, names itself and parses a user", async () => {
    const { client, url } = testClient({ userAgent: "pbx-test/1.0" });
    const scope = nock(url)
      .matchHeader("authorization", `Bearer ${TOKEN}`)
      .matchHeader("user-agent", "pbx-test/1.0")
      .matchHeader("accept", "application/json")
      .get(`${BASE}/users/usr_1`)
      .query({ view: "live" })
      .reply(200, apiUser(), { ETag: '"1"' });
    await expect(client.users.get("usr_1", { view: "live" })).resolves.toEqual(apiUser());
    expect(scope.isDone()).toBe(true);
  });

  it("lists one page with the given query", async () => {
    const { client, url } = testClient();
    const scope = nock(url).get(`${BASE}/incoming-numbers`).query({ page: 2, pageSize: 10, search: "+32" }).reply(200, page([apiNumber()], 11, 2, 10));
    const result = await client.incomingNumbers.list({ page: 2, pageSize: 10, search: "+32" });
    expect(result).toMatchObject({ page: 2, pageSize: 10, total: 11 });
    expect(result.items[0].number).toBe("+3225550100");
    expect(scope.isDone()).toBe(true);
  });

  it("listAll walks every page, 500 at a time", async () => {
    const { client, url } = testClient();
    const first = Array.from({ length: 500 }, (_, i) => apiGroup({ id: `grp_${i}`, name: `G${i}` }));
    const scope = nock(url)
      .get(`${BASE}/user-groups`)
      .query({ page: 1, pageSize: 500 })
      .reply(200, page(first, 501, 1, 500))
      .get(`${BASE}/user-groups`)
      .query({ page: 2, pageSize: 500 })
      .reply(200, page([apiGroup({ id: "grp_500", name: "G500" })], 501, 2, 500));
    const all = await client.userGroups.listAll();
    expect(all).toHaveLength(501);
    expect(scope.isDone()).toBe(true);
  });

  it("creates with the body as JSON", async () => {
    const { client, url } = testClient();
    const body = { extension: "1001", firstName: "Alice", voicemail: { enabled: true, pin: "4821", ringsBeforeVoicemail: 4 } };
    const scope = nock(url).matchHeader("content-type", "application/json").post(`${BASE}/users`, body).reply(201, apiUser());
    await expect(client.users.create(body)).resolves.toMatchObject({ id: "usr_1", revision: 1 });
    expect(scope.isDone()).toBe(true);
  });

  it("updates with If-Match from a revision or an ETag", async () => {
    const { client, url } = testClient();
    const scope = nock(url)
      .patch(`${BASE}/user-groups/grp_1`, { members: ["usr_1"] })
      .matchHeader("if-match", '"1"')
      .reply(200, apiGroup({ revision: 2, members: ["usr_1"] }))
      .patch(`${BASE}/user-groups/grp_1`, { ringSeconds: 30 })
      .matchHeader("if-match", '"2"')
      .reply(200, apiGroup({ revision: 3, ringSeconds: 30 }));
    const g = await client.userGroups.update("grp_1", { members: ["usr_1"] }, { ifMatch: 1 });
    await client.userGroups.update("grp_1", { ringSeconds: 30 }, { ifMatch: `"${g.revision}"` });
    expect(scope.isDone()).toBe(true);
  });

  it("deletes, accepting 204 with no body", async () => {
    const { client, url } = testClient();
    const scope = nock(url).delete(`${BASE}/user-groups/grp_1`).reply(204);
    await expect(client.userGroups.delete("grp_1")).resolves.toBeUndefined();
    expect(scope.isDone()).toBe(true);
  });

  it("encodes ids in paths", async () => {
    const { client, url } = testClient();
    const scope = nock(url).get(`${BASE}/users/a%2Fb`).reply(404, errorBody("not_found", "no"));
    await expect(client.users.get("a/b")).rejects.toBeInstanceOf(PbxNotFoundError);
    expect(scope.isDone()).toBe(true);
  });
});

describe("find helpers: search, then exact match", () => {
  it("findByExtension ignores users that only contain the extension", async () => {
    const { client, url } = testClient();
    const scope = nock(url)
      .get(`${BASE}/users`)
      .query({ page: 1, pageSize: 500, search: "100" })
      .reply(200, page([apiUser({ id: "usr_a", extension: "1001" }), apiUser({ id: "usr_b", extension: "100" })]));
    await expect(client.users.findByExtension(" 100 ")).resolves.toMatchObject({ id: "usr_b" });
    expect(scope.isDone()).toBe(true);
  });

  it("findByExtension is undefined when nobody has it", async () => {
    const { client, url } = testClient();
    const scope = nock(url).get(`${BASE}/users`).query(true).reply(200, page([apiUser({ extension: "1001" })]));
    await expect(client.users.findByExtension("100")).resolves.toBeUndefined();
    expect(scope.isDone()).toBe(true);
  });

  it("findByNumber normalises to E.164 first", async () => {
    const { client, url } = testClient();
    const scope = nock(url)
      .get(`${BASE}/incoming-numbers`)
      .query({ page: 1, pageSize: 500, search: "+3225550100" })
      .reply(200, page([apiNumber({ number: "+32255501001", id: "num_x" }), apiNumber({ id: "num_1" })]));
    await expect(client.incomingNumbers.findByNumber("+32 2 555 01 00")).resolves.toMatchObject({ id: "num_1" });
    expect(scope.isDone()).toBe(true);
  });

  it("findByName matches the whole name", async () => {
    const { client, url } = testClient();
    const scope = nock(url)
      .get(`${BASE}/user-groups`)
      .query({ page: 1, pageSize: 500, search: "Sales" })
      .reply(200, page([apiGroup({ id: "grp_x", name: "Sales EMEA" }), apiGroup({ id: "grp_1", name: "Sales" })]));
    await expect(client.userGroups.findByName("Sales")).resolves.toMatchObject({ id: "grp_1" });
    expect(scope.isDone()).toBe(true);
  });
});

describe("function keys and forwardings", () => {
  it("lists, reads, puts and deletes keys by user and position", async () => {
    const { client, url } = testClient();
    const body = { type: "quickCall" as const, number: "+32470999999", label: "Mobile" };
    const scope = nock(url)
      .get(`${BASE}/users/usr_1/keys`)
      .query({ page: 1, pageSize: 500 })
      .reply(200, page([apiKey()]))
      .get(`${BASE}/users/usr_1/keys/2`)
      .query(true)
      .reply(404, errorBody("not_found", "no key at position 2"))
      .put(`${BASE}/users/usr_1/keys/2`, body)
      .matchHeader("if-match", '"4"')
      .reply(200, apiKey({ position: 2, type: "quickCall", targetUserId: null, number: "+32470999999", label: "Mobile" }))
      .delete(`${BASE}/users/usr_1/keys/2`)
      .reply(204);
    await expect(client.functionKeys.list("usr_1")).resolves.toHaveLength(1);
    await expect(client.functionKeys.get("usr_1", 2)).rejects.toBeInstanceOf(PbxNotFoundError);
    await expect(client.functionKeys.put("usr_1", 2, body, { ifMatch: 4 })).resolves.toMatchObject({ position: 2, type: "quickCall" });
    await client.functionKeys.delete("usr_1", 2);
    expect(scope.isDone()).toBe(true);
  });

  it("reads, puts and deletes a user's forwarding", async () => {
    const { client, url } = testClient();
    const forwarding = {
      id: "fwd_1", site: "demo", revision: 1, applied: false, createdAt: "x", updatedAt: "x", userId: "usr_1", mode: "forward",
      onNoAnswer: [{ userId: "usr_2", ringSeconds: 20 }], onBusy: [], always: [], whenUnreachable: [], voicemailLastResort: true, followMe: [],
    };
    const body = { mode: "forward" as const, onNoAnswer: [{ userId: "usr_2", ringSeconds: 20 }], voicemailLastResort: true };
    const scope = nock(url)
      .put(`${BASE}/users/usr_1/forwarding`, body)
      .reply(201, forwarding)
      .get(`${BASE}/users/usr_1/forwarding`)
      .query(true)
      .reply(200, forwarding)
      .delete(`${BASE}/users/usr_1/forwarding`)
      .reply(204);
    await expect(client.forwardings.put("usr_1", body)).resolves.toMatchObject({ mode: "forward" });
    await expect(client.forwardings.get("usr_1")).resolves.toMatchObject({ voicemailLastResort: true });
    await client.forwardings.delete("usr_1");
    expect(scope.isDone()).toBe(true);
  });
});

describe("site-wide calls", () => {
  it("applies and reads the apply status", async () => {
    const { client, url } = testClient();
    const scope = nock(url)
      .post(`${BASE}/apply`)
      .matchHeader("idempotency-key", /.+/)
      .reply(200, { applied: 3, revision: 7 })
      .get(`${BASE}/apply`)
      .reply(200, { pending: 0, lastAppliedAt: "2025-01-01T00:00:00Z", applies: 1 });
    await expect(client.apply()).resolves.toEqual({ applied: 3, revision: 7 });
    await expect(client.applyStatus()).resolves.toMatchObject({ pending: 0, applies: 1 });
    expect(scope.isDone()).toBe(true);
  });

  it("imports XiVO CSV as text/csv", async () => {
    const { client, url } = testClient();
    const csv = "entityid|firstname|lastname|line_protocol|context|language\n1|Alice|Martin|sip|default|fr_FR\n";
    const scope = nock(url)
      .matchHeader("content-type", "text/csv")
      .post(`${BASE}/import/users`, csv)
      .reply(201, { created: [apiUser()] });
    await expect(client.importUsers(csv)).resolves.toMatchObject({ created: [{ id: "usr_1" }] });
    expect(scope.isDone()).toBe(true);
  });

  it("creates a site and reads one", async () => {
    const { client, url } = testClient();
    const site = {
      id: "branch", name: "branch", numberingPlan: { minLength: 3, maxLength: 4, reserved: [] }, defaultKeyCount: 20,
      sipDomain: "branch.pbx.test", sipProxy: "sip.pbx.test", revision: 1, createdAt: "x", updatedAt: "x",
    };
    const scope = nock(url)
      .post("/api/v1/sites", { name: "branch", numberingPlan: { minLength: 3, maxLength: 4 } })
      .reply(201, { site, token: "pbxs_new" })
      .get("/api/v1/sites/branch")
      .reply(200, site)
      .get("/api/v1/sites/demo")
      .reply(200, { ...site, id: "demo", name: "demo" });
    await expect(client.sites.create({ name: "branch", numberingPlan: { minLength: 3, maxLength: 4 } })).resolves.toMatchObject({ token: "pbxs_new" });
    await expect(client.sites.get("branch")).resolves.toMatchObject({ name: "branch" });
    await expect(client.sites.get()).resolves.toMatchObject({ name: "demo" });
    expect(scope.isDone()).toBe(true);
  });
});

it("close() frees the keep-alive sockets", async () => {
  const { client, url } = testClient();
  const scope = nock(url).get(`${BASE}/users/usr_1`).reply(200, apiUser());
  await client.users.get("usr_1");
  client.close();
  expect(scope.isDone()).toBe(true);
});
