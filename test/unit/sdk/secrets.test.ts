/**
 * The token never leaks through an error, however it is printed: Pulumi shows
 * error messages in `pulumi up` output and people paste them into tickets.
 */
import * as util from "util";
import nock from "nock";
import { BASE, TOKEN, apiUser, errorBody, scriptedServer, rejectionOf, testClient, useNock } from "./helpers";

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

type SetUp = (scope: nock.Scope) => void;
const echoed = (req: { headers: Record<string, unknown> }) => String(req.headers.authorization);

const failures: Array<[string, SetUp, { timeoutMs?: number }]> = [
  ["401", (s) => s.get(`${BASE}/users/usr_1`).reply(401, errorBody("unauthorized", "unknown token")), {}],
  ["409", (s) => s.get(`${BASE}/users/usr_1`).reply(409, errorBody("conflict", "taken", { existing: { type: "user", id: "u", key: "k" } })), {}],
  ["a timeout", (s) => s.get(`${BASE}/users/usr_1`).delay(200).reply(200, apiUser()), { timeoutMs: 20 }],
  ["a schema mismatch", (s) => s.get(`${BASE}/users/usr_1`).reply(200, { id: 1 }), {}],
  ["a server that echoes the request", (s) => s.get(`${BASE}/users/usr_1`).reply(400, function () {
    return errorBody("bad_request", `bad header ${echoed(this.req)}`);
  }), {}],
  ["a proxy page that echoes the request", (s) => s.get(`${BASE}/users/usr_1`).reply(502, function () {
    return `<pre>${echoed(this.req)}</pre>`;
  }), {}],
];

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

  it("in every rendering of a reset connection", async () => {
    const server = await scriptedServer(["reset"]);
    const { client } = testClient({ url: server.url, retry: { retries: 0 } });
    const err = await rejectionOf(client.users.get("usr_1"));
    for (const text of Object.values(renderings(err))) expect(text).not.toContain(TOKEN);
    expect(server.received[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
    client.close();
    await server.close();
  });

  it("and the client object does not show it either", () => {
    const { client } = testClient();
    expect(util.inspect(client, { depth: 10 })).not.toContain(TOKEN);
    expect(JSON.stringify(Object.keys(client))).not.toContain(TOKEN);
  });
});
