/**
 * Issue 12 item 2: the API v1 driver creates function keys and forwardings with
 * one conditional PUT (`If-None-Match: *`), no GET first; a slot that is taken
 * (412) surfaces as a conflict naming the object that holds it.
 */
import nock from "nock";
import { ApiV1Driver } from "../../../../sdk/drivers/apiv1";
import { PbxConflictError } from "../../../../sdk/errors";
import { BASE, SITE, TOKEN, apiKey, errorBody, rejectionOf, uniqueHost, useNock } from "../../sdk/helpers";

useNock();

function driver() {
  const url = uniqueHost();
  const sent: string[] = [];
  const d = new ApiV1Driver({ url, token: TOKEN, site: SITE, sleep: async () => {}, retry: { retries: 0 } });
  return { url, d, sent };
}

/** Every request nock sees, in order, as `METHOD path if-none-match`. */
function record(scope: nock.Scope, sent: string[]): void {
  scope.on("request", (req: { method: string; path: string; headers: Record<string, unknown> }) => {
    sent.push(`${req.method} ${req.path.split("?")[0]} ${String(req.headers["if-none-match"] ?? "-")}`);
  });
}

const forwarding = {
  id: "fwd_1", site: SITE, revision: 1, applied: false, createdAt: "x", updatedAt: "x", userId: "usr_1", mode: "forward",
  onNoAnswer: [], onBusy: [], always: [{ number: "+32470999999", ringSeconds: 20 }], whenUnreachable: [], voicemailLastResort: false, followMe: [],
};

describe("API v1 driver: create-only PUTs for keys and forwardings", () => {
  test("a function key is created with exactly one PUT carrying If-None-Match: *, no GET before it", async () => {
    const { url, d, sent } = driver();
    const scope = nock(url)
      .put(`${BASE}/users/usr_1/keys/1`, { type: "quickCall", number: "+3225550100" })
      .matchHeader("if-none-match", "*")
      .reply(201, apiKey({ type: "quickCall", targetUserId: null, number: "+3225550100", supervision: false }));
    record(scope, sent);
    const m = await d.functionKeys.create({ userId: "usr_1", position: 1, type: "quickCall", number: "+3225550100" });
    expect(scope.isDone()).toBe(true);
    expect(sent).toEqual([`PUT ${BASE}/users/usr_1/keys/1 *`]);
    expect(m).toMatchObject({ userId: "usr_1", position: 1, number: "+3225550100" });
  });

  test("a forwarding is created with exactly one PUT carrying If-None-Match: *, no GET before it", async () => {
    const { url, d, sent } = driver();
    const scope = nock(url)
      .put(`${BASE}/users/usr_1/forwarding`, { mode: "forward", always: [{ number: "+32470999999" }] })
      .matchHeader("if-none-match", "*")
      .reply(201, forwarding);
    record(scope, sent);
    const m = await d.forwardings.create({ userId: "usr_1", mode: "forward", always: [{ number: "+32470999999" }] });
    expect(scope.isDone()).toBe(true);
    expect(sent).toEqual([`PUT ${BASE}/users/usr_1/forwarding *`]);
    expect(m).toMatchObject({ userId: "usr_1", mode: "forward" });
  });

  test("a taken key slot (412) is a conflict naming the key that holds it; only the read-back follows the PUT", async () => {
    const { url, d, sent } = driver();
    const scope = nock(url)
      .put(`${BASE}/users/usr_1/keys/1`)
      .matchHeader("if-none-match", "*")
      .reply(412, errorBody("precondition_failed", "position 1 is taken"))
      // The read-back that tells a lost response of ours from someone else's key: it holds a BLF, not what we sent.
      .get(`${BASE}/users/usr_1/keys/1`).query(true)
      .reply(200, apiKey());
    record(scope, sent);
    const e = await rejectionOf(d.functionKeys.create({ userId: "usr_1", position: 1, type: "quickCall", number: "+3225550100" }));
    expect(e).toBeInstanceOf(PbxConflictError);
    expect((e as PbxConflictError).existing).toMatchObject({ type: "FunctionKey", key: "position 1" });
    expect(String((e as PbxConflictError).existing?.id)).toContain("usr_1");
    expect(e.message).toMatch(/FunctionKey .*usr_1/);
    expect(sent[0]).toBe(`PUT ${BASE}/users/usr_1/keys/1 *`);
    expect(sent.slice(1).every((s) => s.startsWith("GET"))).toBe(true);
  });

  test("a user's forwarding already set (412) is a conflict naming the forwarding that holds the slot", async () => {
    const { url, d, sent } = driver();
    const scope = nock(url)
      .put(`${BASE}/users/usr_1/forwarding`)
      .matchHeader("if-none-match", "*")
      .reply(412, errorBody("precondition_failed", "the user has a forwarding"))
      .get(`${BASE}/users/usr_1/forwarding`).query(true)
      .reply(200, { ...forwarding, always: [{ number: "+32470111111", ringSeconds: 20 }] });
    record(scope, sent);
    const e = await rejectionOf(d.forwardings.create({ userId: "usr_1", mode: "forward", always: [{ number: "+32470999999" }] }));
    expect(e).toBeInstanceOf(PbxConflictError);
    expect((e as PbxConflictError).existing).toMatchObject({ type: "Forwarding", id: "usr_1" });
    expect(e.message).toMatch(/Forwarding usr_1/);
    expect(sent[0]).toBe(`PUT ${BASE}/users/usr_1/forwarding *`);
  });
});
