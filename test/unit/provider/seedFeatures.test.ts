/**
 * Issue 14 seed features at preview (check, no network): each new input is
 * kept as the program wrote it, its rules are CheckFailures naming the
 * property and rule, and on `pbx:driver wazo` what Wazo cannot hold is
 * `driver_unsupported` naming the field.
 */
import nock from "nock";
import { ops as forwarding } from "../../../provider/resources/forwarding";
import { ops as functionKey } from "../../../provider/resources/functionKey";
import { ops as incomingNumber } from "../../../provider/resources/incomingNumber";
import { ops as userGroup } from "../../../provider/resources/userGroup";
import { configure } from "../../../provider/runtime";

let host = 0;
const useDriver = (driver: "apiv1" | "wazo") => {
  const config: Record<string, string> = { "pbx:driver": driver, "pbx:url": `http://pbx-seed-${host++}.test`, "pbx:token": "tok-unit", "pbx:site": "demo" };
  void configure({ get: (k) => config[k] });
};
beforeAll(() => nock.disableNetConnect());
afterAll(() => {
  nock.enableNetConnect();
  nock.restore();
});

const fwdOptions = { userId: "u1", mode: "forward", always: [{ number: "+32470999999", numberKind: "mobile" }], ringStrategy: "allAtOnce", requireKeyPress: true, directCallsOnly: true, forwardedCallerId: "user" };
const forwardKey = { userId: "u1", position: 2, type: "forward", forward: "unconditional", supervision: true, label: "Fwd" };

describe("apiv1: the new inputs pass check as written", () => {
  beforeEach(() => useDriver("apiv1"));

  test.each([
    ["forwarding options (seeds 001, 003)", forwarding, fwdOptions],
    ["forward key without a number (seed 002)", functionKey, forwardKey],
    ["service key", functionKey, { userId: "u1", position: 3, type: "service", service: "dnd", supervision: true }],
    ["group key", functionKey, { userId: "u1", position: 4, type: "group", targetGroupId: "g1" }],
    ["SMS to an e-mail (seed 000)", incomingNumber, { number: "+3225550100", destination: { type: "none" }, sms: { type: "email", email: "sms@example.com" } }],
    ["queue link (seed 000)", userGroup, { name: "Support", queue: "support" }],
  ])("%s", async (_name, o, news) => {
    const r = await o.check({}, news);
    expect(r.failures).toEqual([]);
    expect(r.inputs).toEqual({ site: "demo", ...news });
  });

  test.each([
    [forwarding, { userId: "u1", mode: "forward", onBusy: [{ userId: "u2", numberKind: "deskPhone" }] }, "onBusy.0.numberKind", "step_number_kind"],
    [forwarding, { userId: "u1", mode: "forward", onBusy: [{ userId: "u2" }], requireKeyPress: true }, "requireKeyPress", "key_press_needs_number"],
    [functionKey, { userId: "u1", position: 1, type: "line", targetUserId: "u2", supervision: true }, "supervision", "key_supervision_type"],
    [functionKey, { userId: "u1", position: 1, type: "transfer", transfer: "blind", supervision: true }, "supervision", "key_supervision_unsupported"],
    [functionKey, { userId: "u1", position: 1, type: "forward" }, "forward", "key_target_required"],
    [incomingNumber, { number: "+3225550100", destination: { type: "none" }, sms: { type: "email", email: "nope" } }, "sms.email", "sms_email_format"],
    [userGroup, { name: "G", queue: " " }, "queue", "queue_empty"],
  ])("%#: a problem names the property and the rule", async (o, news, property, rule) => {
    const r = await o.check({}, news);
    expect(r.failures).toContainEqual({ property, reason: expect.stringContaining(`rule: ${rule}`) });
  });
});

describe("wazo: driver_unsupported names each field Wazo cannot hold", () => {
  beforeEach(() => useDriver("wazo"));

  test.each([
    [forwarding, fwdOptions, ["always.0.numberKind", "ringStrategy", "requireKeyPress", "directCallsOnly", "forwardedCallerId"]],
    [incomingNumber, { number: "+3225550100", destination: { type: "none" }, sms: { type: "user", userId: "u1" } }, ["sms"]],
    [userGroup, { name: "Support", queue: "support" }, ["queue"]],
  ])("%#", async (o, news, properties) => {
    const r = await o.check({}, news);
    const failures = r.failures ?? [];
    expect(failures.map((f) => f.property)).toEqual(properties);
    for (const f of failures) expect(f.reason).toContain("rule: driver_unsupported");
  });

  test("the XiVO key types and supervision are expressible", async () => {
    expect((await functionKey.check({}, forwardKey)).failures).toEqual([]);
    expect((await functionKey.check({}, { userId: "u1", position: 5, type: "transfer", transfer: "attended" })).failures).toEqual([]);
  });
});
