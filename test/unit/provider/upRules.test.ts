/**
 * Issue 10 item 9: every rule the PBX enforces at `up` (what preview cannot
 * know: other objects' data) reaches the person as one line naming the
 * resource, the field and the rule id, said once, without a stack trace.
 * The provider's operations against the API v1 emulator in process.
 */
import nock from "nock";
import { startEmulator, type RunningEmulator } from "../../../emulator";
import { ops as forwarding } from "../../../provider/resources/forwarding";
import { ops as functionKey } from "../../../provider/resources/functionKey";
import { ops as incomingNumber } from "../../../provider/resources/incomingNumber";
import { ops as user } from "../../../provider/resources/user";
import { ops as userGroup } from "../../../provider/resources/userGroup";
import { configure } from "../../../provider/runtime";

let emu: RunningEmulator;
const SITE = "rules";

beforeAll(async () => {
  nock.enableNetConnect();
  emu = await startEmulator({ dataFile: ":memory:", adminToken: "admin-rules-token", applyDelayMs: 5 } as never);
  const res = await fetch(`${emu.url}/api/v1/sites`, { method: "POST", headers: { authorization: "Bearer admin-rules-token", "content-type": "application/json" }, body: JSON.stringify({ name: SITE }) });
  const { token } = (await res.json()) as { token: string };
  const config: Record<string, string> = { "pbx:url": emu.url, "pbx:token": token, "pbx:site": SITE };
  await configure({ get: (k) => config[k] });
});
afterAll(async () => {
  await emu?.close();
  nock.restore();
});

const failure = (p: Promise<unknown>) => p.then(() => new Error("no error"), (e: Error) => e);

test("each rule the PBX enforces at up is one line with the resource, the field and its rule id", async () => {
  const ann = (await user.create({ site: SITE, extension: "1001", firstName: "Ann" } as never)).id;
  const bob = (await user.create({ site: SITE, extension: "1002", firstName: "Bob", keyCount: 2 } as never)).id;
  await functionKey.create({ site: SITE, userId: ann, position: 1, type: "blf", targetUserId: bob } as never);
  const cases: Array<[string, () => Promise<unknown>]> = [
    ["extension taken", () => user.create({ site: SITE, extension: "1001", firstName: "Twin" } as never)],
    ["key past the user's keys", () => functionKey.create({ site: SITE, userId: bob, position: 3, type: "blf", targetUserId: ann } as never)],
    ["the same key twice", () => functionKey.create({ site: SITE, userId: ann, position: 2, type: "blf", targetUserId: bob } as never)],
    ["caller ID not a number of the site", () => user.create({ site: SITE, extension: "1003", firstName: "Cy", outgoingCallerId: "+3225559999" } as never)],
    ["forwarding to oneself", () => forwarding.create({ site: SITE, userId: ann, mode: "forward", onBusy: [{ userId: ann }] } as never)],
    ["a member that is not a user of the site", () => userGroup.create({ site: SITE, name: "Ghosts", members: ["usr_missing"] } as never)],
    ["a destination that is not a user of the site", () => incomingNumber.create({ site: SITE, number: "+3225550111", destination: { type: "user", userId: "usr_missing" } } as never)],
  ];
  const messages: Record<string, string> = {};
  for (const [name, run] of cases) messages[name] = (await failure(run())).message;
  expect(messages).toEqual({
    "extension taken": expect.stringMatching(/^User \(extension 1001\): extension 1001 already exists on site "rules" \(user usr_\w+\)\. Set adopt: true to take the existing object over/),
    "key past the user's keys": expect.stringMatching(/^FunctionKey \(key 3 of user usr_\w+\): position: .*\(rule: key_position_range\)$/),
    "the same key twice": expect.stringMatching(/^FunctionKey \(key 2 of user usr_\w+\): .*\(rule: key_duplicate\)$/),
    "caller ID not a number of the site": expect.stringMatching(/^User \(extension 1003\): outgoingCallerId: .*\(rule: caller_id_not_site_number\)$/),
    "forwarding to oneself": expect.stringMatching(/^Forwarding \(forwarding of user usr_\w+\): onBusy\.0\.userId: .*\(rule: forwarding_to_self\)$/),
    "a member that is not a user of the site": expect.stringMatching(/^UserGroup \(name "Ghosts"\): members\.0: .*\(rule: group_member_missing\)$/),
    "a destination that is not a user of the site": expect.stringMatching(/^IncomingNumber \(number \+3225550111\): destination\.userId: .*\(rule: destination_missing\)$/),
  });
  for (const m of Object.values(messages)) {
    expect(m).not.toContain("\n");
    // Said once: the field's message is not repeated after itself (`position: … : position: …`).
    const [, detail] = /^[^:]+\): (.*?)( \(rule: \w+\))?$/.exec(m)!;
    expect(m.indexOf(detail)).toBe(m.lastIndexOf(detail));
  }
});
