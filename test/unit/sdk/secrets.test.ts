/**
 * The token never leaks through an error, however it is printed: Pulumi shows
 * error messages in `pulumi up` output and people paste them into tickets.
 */
import * as util from "util";
import nock from "nock";
import { BASE, TOKEN, apiUser, connectionReset, errorBody, rejectionOf, testClient, useNock } from "./helpers";

useNock();

/** Every way an error is commonly printed or logged. */
function renderings(err: Error): Record<string, string> {
  return {
    message: err.message,
    stack: String(err.stack),
    string: String(err),
    json: JSON.stringify(err),
    inspect: util.inspect(err, { depth: 10, showHidden: true }),
    inspectCause: util.inspect(err.cause, { depth: 10, showHidden: true }),
  };
}

const failures: Array<[string, (scope: nock.Scope) => void, { timeoutMs?: number }]> = [
  ["401", (s) => s.get(`${BASE}/users/usr_1`).reply(401, errorBody("unauthorized", "unknown token"))],
  ["409", (s) => s.get(`${BASE}/users/usr_1`).reply(409, errorBody("conflict", "taken", { existing: { type: "user", id: "u", key: "k" } }))],
  ["a reset connection", (s) => s.get(`${BASE}/users/usr_1`).replyWithError(connectionReset())],
  ["a timeout", (s) => s.get(`${BASE}/users/usr_1`).delay(200).reply(200, apiUser()), { timeoutMs: 20 }],
  ["a schema mismatch", (s) => s.get(`${BASE}/users/usr_1`).reply(200, { id: 1 })],
  ["a server that echoes the request", (s) => s.get(`${BASE}/users/usr_1`).reply(400, function () {
    return errorBody("bad_request", `bad header ${String(this.req.headers.authorization)}`);
  })],
  ["a proxy page that echoes the request", (s) => s.get(`${BASE}/users/usr_1`).reply(502, function () {
    return `<pre>${String(this.req.headers.authorization)}</pre>`;
  })],
].map(([name, setUp, options]) => [name as string, setUp as (scope: nock.Scope) => void, (options ?? {}) as { timeoutMs?: number }]);

describe("the token stays secret", () => {
  it.each(failures)("in every rendering of %s", async (_name, setUp, options) => {
    const { client, url } = testClient({ retry: { retries: 0 }, ...options });
    const scope = nock(url).matchHeader("authorization", `Bearer ${TOKEN}`);
    setUp(scope);
    const err = await rejectionOf(client.users.get("usr_1"));
    for (const [how, text] of Object.entries(renderings(err))) {
      expect({ how, leaked: text.includes(TOKEN) }).toEqual({ how, leaked: false });
    }
    expect(scope.isDone()).toBe(true);
  });

  it("and the client object does not show it either", () => {
    const { client } = testClient();
    expect(util.inspect(client, { depth: 10 })).not.toContain(TOKEN);
    expect(JSON.stringify(Object.keys(client))).not.toContain(TOKEN);
  });
});
