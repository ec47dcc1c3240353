/**
 * The API v1 driver's device kind: the requests it sends (nock), how it finds a
 * device by natural key (SIP user name, any case; an SCCP phone by its MAC in
 * any notation), and the model it returns (no bookkeeping; the secret stays in
 * the model, where the provider marks it secret).
 */
import nock from "nock";
import { ApiV1Driver } from "../../../../sdk/drivers/apiv1";
import { kindDriver } from "../../../../sdk/drivers/driver";
import { capabilities } from "../../../../sdk/drivers/apiv1";
import { BASE, SITE, TOKEN, page, uniqueHost, useNock } from "../../sdk/helpers";

useNock();

const meta = { site: SITE, revision: 1, applied: false, createdAt: "2999-01-01T00:00:00Z", updatedAt: "2999-01-01T00:00:00Z" };
const apiDevice = (o: Record<string, unknown> = {}) => ({
  ...meta, id: "dev_1", name: "Desk", userId: "usr_1", type: "sip", protocol: "sip", sipUsername: "alice-desk", sipPassword: "generated-secret",
  sipDomain: "demo.pbx.test", sipProxy: "proxy.pbx.test", macAddress: "00:15:65:aa:bb:cc", make: "yealink", model: "T46U", ...o,
});

function driver() {
  const url = uniqueHost();
  return { url, d: new ApiV1Driver({ url, token: TOKEN, site: SITE, sleep: async () => {}, retry: { retries: 0 } }) };
}

describe("API v1 driver: devices", () => {
  test("create posts the checked inputs with the idempotency key, returns the model without bookkeeping", async () => {
    const { url, d } = driver();
    const scope = nock(url)
      .post(`${BASE}/devices`, { name: "Desk", userId: "usr_1", sipUsername: "alice-desk" })
      .matchHeader("idempotency-key", "k-1")
      .reply(201, apiDevice(), { etag: '"1"' });
    const m = await d.devices.create({ name: "Desk", userId: "usr_1", sipUsername: "alice-desk" }, { idempotencyKey: "k-1" });
    expect(scope.isDone()).toBe(true);
    expect(m).toMatchObject({ id: "dev_1", sipPassword: "generated-secret", macAddress: "00:15:65:aa:bb:cc", revision: 1 });
    expect(m).not.toHaveProperty("applied");
    expect(kindDriver(d, "device")).toBe(d.devices);
  });

  test("find by SIP user name matches exactly, any case, among what the search returns", async () => {
    const { url, d } = driver();
    const scope = nock(url)
      .get(`${BASE}/devices`).query((q) => q.search === "alice-desk")
      .reply(200, page([apiDevice({ id: "dev_2", sipUsername: "alice-desk-2" }), apiDevice({ sipUsername: "Alice-Desk" })]));
    expect((await d.devices.find({ sipUsername: "ALICE-DESK" }))?.id).toBe("dev_1");
    expect(scope.isDone()).toBe(true);
  });

  test("find by MAC normalises the notation first; nothing found is undefined", async () => {
    const { url, d } = driver();
    const scope = nock(url)
      .get(`${BASE}/devices`).query((q) => q.search === "00:1b:54:aa:bb:cc")
      .reply(200, page([apiDevice({ protocol: "sccp", sipUsername: null, sipPassword: null, macAddress: "00:1b:54:aa:bb:cc", make: "cisco", model: "7942G" })]))
      .get(`${BASE}/devices`).query((q) => q.search === "00:1b:54:aa:bb:dd")
      .reply(200, page([]));
    expect((await d.devices.find({ macAddress: "001B.54AA.BBCC" }))?.protocol).toBe("sccp");
    expect(await d.devices.find({ macAddress: "00-1b-54-aa-bb-dd" })).toBeUndefined();
    expect(scope.isDone()).toBe(true);
  });

  test("update patches with If-Match; delete; list pages", async () => {
    const { url, d } = driver();
    const scope = nock(url)
      .patch(`${BASE}/devices/dev_1`, { model: "T54W" }).matchHeader("if-match", '"1"').reply(200, apiDevice({ model: "T54W", revision: 2 }))
      .delete(`${BASE}/devices/dev_1`).reply(204)
      .get(`${BASE}/devices`).query(true).reply(200, page([apiDevice()]));
    expect((await d.devices.update("dev_1", { model: "T54W" }, { ifMatch: 1 })).model).toBe("T54W");
    await d.devices.delete("dev_1");
    expect((await d.devices.list()).map((x) => x.id)).toEqual(["dev_1"]);
    expect(scope.isDone()).toBe(true);
  });

  test("API v1 expresses every device", () => {
    expect(capabilities.unsupported("device", { name: "Lobby", userId: "u", protocol: "sccp", macAddress: "00:1b:54:aa:bb:cc", make: "cisco", model: "7942G" })).toEqual([]);
  });
});
