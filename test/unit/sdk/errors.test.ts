/**
 * Each failure becomes a typed error that says what failed in the user's words.
 */
import nock from "nock";
import {
  PbxApiError,
  PbxAuthError,
  PbxConflictError,
  PbxNetworkError,
  PbxNotFoundError,
  PbxPreconditionFailedError,
  PbxRateLimitError,
  PbxSchemaError,
  PbxValidationError,
} from "../../../sdk/errors";
import { BASE, apiUser, errorBody, scriptedServer, rejectionOf, testClient, useNock } from "./helpers";

useNock();

describe("typed errors", () => {
  it("409 is a PbxConflictError naming the existing object", async () => {
    const { client, url } = testClient();
    const existing = { type: "user", id: "usr_123", key: "extension 1001" };
    const scope = nock(url)
      .post(`${BASE}/users`)
      .reply(409, errorBody("conflict", "extension 1001 is already used by user usr_123", { existing }), { "X-Request-Id": "req_9" });
    const err = await rejectionOf(client.users.create({ extension: "1001", firstName: "Bob" }));
    expect(err).toBeInstanceOf(PbxConflictError);
    expect(err.message).toBe("POST /api/v1/sites/demo/users → 409 conflict: extension 1001 is already used by user usr_123");
    expect(err).toMatchObject({ status: 409, method: "POST", path: `${BASE}/users`, code: "conflict", requestId: "req_1", existing });
    expect(scope.isDone()).toBe(true);
  });

  it("422 is a PbxValidationError with the field path of each issue", async () => {
    const { client, url } = testClient();
    const issues = [{ path: ["voicemail", "pin"], rule: "pin_min_length", message: "voicemail PIN must be at least 4 digits" }];
    const scope = nock(url).patch(`${BASE}/users/usr_1`).reply(422, errorBody("validation_failed", "the user is invalid", { issues }));
    const err = await rejectionOf(client.users.update("usr_1", { voicemail: { pin: "12" } }));
    expect(err).toBeInstanceOf(PbxValidationError);
    expect((err as PbxValidationError).issues).toEqual(issues);
    expect(err.message).toBe(
      "PATCH /api/v1/sites/demo/users/usr_1 → 422 validation_failed: the user is invalid: voicemail.pin: voicemail PIN must be at least 4 digits",
    );
    expect(scope.isDone()).toBe(true);
  });

  it("400 (malformed body) is a PbxValidationError too", async () => {
    const { client, url } = testClient();
    const scope = nock(url).post(`${BASE}/user-groups`).reply(400, errorBody("bad_request", "body is not JSON"));
    const err = await rejectionOf(client.userGroups.create({ name: "Sales" }));
    expect(err).toBeInstanceOf(PbxValidationError);
    expect((err as PbxValidationError).issues).toEqual([]);
    expect(scope.isDone()).toBe(true);
  });

  it("404 is a PbxNotFoundError", async () => {
    const { client, url } = testClient();
    const scope = nock(url).get(`${BASE}/users/usr_404`).reply(404, errorBody("not_found", "user usr_404 does not exist"));
    const err = await rejectionOf(client.users.get("usr_404"));
    expect(err).toBeInstanceOf(PbxNotFoundError);
    expect(err.message).toBe("GET /api/v1/sites/demo/users/usr_404 → 404 not_found: user usr_404 does not exist");
    expect(scope.isDone()).toBe(true);
  });

  it.each([
    [401, "unauthorized"],
    [403, "forbidden"],
  ])("%i is a PbxAuthError", async (status, code) => {
    const { client, url } = testClient();
    const scope = nock(url).get(`${BASE}/apply`).reply(status, errorBody(code, "token is not valid for site demo"));
    const err = await rejectionOf(client.applyStatus());
    expect(err).toBeInstanceOf(PbxAuthError);
    expect(err).toMatchObject({ status, code });
    expect(scope.isDone()).toBe(true);
  });

  it("412 is a PbxPreconditionFailedError", async () => {
    const { client, url } = testClient();
    const scope = nock(url)
      .delete(`${BASE}/incoming-numbers/num_1`)
      .matchHeader("If-Match", '"3"')
      .reply(412, errorBody("precondition_failed", "revision is 4, not 3"));
    const err = await rejectionOf(client.incomingNumbers.delete("num_1", { ifMatch: 3 }));
    expect(err).toBeInstanceOf(PbxPreconditionFailedError);
    expect(scope.isDone()).toBe(true);
  });

  it("429 without retries left is a PbxRateLimitError with retryAfterMs", async () => {
    const { client, url } = testClient({ retry: { retries: 0 } });
    const scope = nock(url).get(`${BASE}/users`).reply(429, errorBody("rate_limited", "slow down"), { "Retry-After": "3" });
    const err = await rejectionOf(client.users.list());
    expect(err).toBeInstanceOf(PbxRateLimitError);
    expect((err as PbxRateLimitError).retryAfterMs).toBe(3_000);
    expect(scope.isDone()).toBe(true);
  });

  it("a response without the error shape still becomes a PbxApiError with a code from its status", async () => {
    const { client, url } = testClient({ retry: { retries: 0 } });
    const scope = nock(url).get(`${BASE}/users/usr_1`).reply(502, "<html>Bad Gateway</html>");
    const err = await rejectionOf(client.users.get("usr_1"));
    expect(err).toBeInstanceOf(PbxApiError);
    expect(err).toMatchObject({ status: 502, code: "internal", body: "<html>Bad Gateway</html>" });
    expect(err.message).toBe("GET /api/v1/sites/demo/users/usr_1 → 502 internal: <html>Bad Gateway</html>");
    expect(scope.isDone()).toBe(true);
  });

  it("a connection failure is a PbxNetworkError with status 0", async () => {
    const server = await scriptedServer(["reset"]);
    const { client } = testClient({ url: server.url, retry: { retries: 0 } });
    const err = await rejectionOf(client.users.get("usr_1"));
    expect(err).toBeInstanceOf(PbxNetworkError);
    expect(err).toMatchObject({ status: 0, code: "network_error", timedOut: false });
    expect(err.message).toBe("GET /api/v1/sites/demo/users/usr_1 → network error: ECONNRESET socket hang up");
    expect(server.isDone()).toBe(true);
    client.close();
    await server.close();
  });

  it("no answer within timeoutMs is a PbxNetworkError that timed out", async () => {
    const { client, url } = testClient({ timeoutMs: 20, retry: { retries: 0 } });
    const scope = nock(url).get(`${BASE}/users/usr_1`).delay(200).reply(200, apiUser());
    const err = await rejectionOf(client.users.get("usr_1"));
    expect(err).toBeInstanceOf(PbxNetworkError);
    expect(err).toMatchObject({ status: 0, code: "timeout", timedOut: true });
    expect(err.message).toBe("GET /api/v1/sites/demo/users/usr_1 → timeout: no response within 20 ms");
    expect(scope.isDone()).toBe(true);
  });

  it("a 2xx body that does not match the schema is a PbxSchemaError naming method, path and the zod cause", async () => {
    const { client, url } = testClient();
    const { sipPassword: _dropped, ...broken } = apiUser();
    const scope = nock(url).get(`${BASE}/users/usr_1`).reply(200, broken);
    const err = await rejectionOf(client.users.get("usr_1"));
    expect(err).toBeInstanceOf(PbxSchemaError);
    expect(err.message).toMatch(/^GET \/api\/v1\/sites\/demo\/users\/usr_1 → 200 invalid_response: the response does not match the User schema: sipPassword: /);
    expect((err.cause as Error).name).toBe("ZodError");
    expect(scope.isDone()).toBe(true); // and not retried: one interceptor, consumed once
  });
});
