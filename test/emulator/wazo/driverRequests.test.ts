/**
 * Every request the wazo driver sends, as the Wazo-shaped emulator received
 * it, is an operation of our description of Wazo with a body Wazo takes
 * whole: nothing refused, nothing it would silently drop. The driver runs
 * all five kinds through create, read, find, update, list and delete, plus
 * portal logins, IVR / conference destinations and the CSV import.
 */
import nock from "nock";
import { createWazoApp } from "../../../emulator/wazo";
import { validateRequest } from "../../../sdk/drivers/wazo/spec";
import { WazoDriver } from "../../../sdk/drivers/wazo";
import type { FastifyInstance } from "fastify";

let app: FastifyInstance;
let d: WazoDriver;
let url: string;

beforeAll(async () => {
  // Other test files load nock; this one needs real sockets to the emulator.
  nock.enableNetConnect();
  app = createWazoApp({ dataFile: ":memory:", recordRequests: true });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  const t = app.wazo.createTenant("office");
  app.wazo.createAuthUser({ tenantUuid: t.uuid, username: "pulumi", password: "s3cret-pass" });
  d = new WazoDriver({ site: "office", url, username: "pulumi", password: "s3cret-pass" });
});

afterAll(async () => {
  d?.close();
  await app?.close();
  nock.restore();
});

test("the driver's requests are operations of the description with valid bodies", async () => {
  const ivr = await fetch(`${url}/api/confd/1.1/ivr`, { method: "POST", headers: { "x-auth-token": app.wazo.adminToken, "wazo-tenant": app.wazo.store.all<{ uuid: string; slug: string }>("tenant").find((t) => t.slug === "office")!.uuid, "content-type": "application/json" }, body: JSON.stringify({ name: "main-menu", menu_sound: "menu" }) });
  expect(ivr.status).toBe(201);

  const alice = await d.users.create({ extension: "1001", firstName: "Alice", lastName: "Martin", email: "alice@example.com", mobileNumber: "+32470123456", dnd: true, callRecording: "always", voicemail: { enabled: true, pin: "4821", ringsBeforeVoicemail: 4 }, portal: { username: "alice", password: "alice-pass-1" } } as never, { ownerMark: "pulumi-pbx:000000000000000000000001" });
  const bob = await d.users.create({ extension: "1002", firstName: "Bob" } as never);
  await d.users.update(alice.id, { extension: "1011", firstName: "Alicia", dnd: false, callRecording: "onDemand", voicemail: { pin: "1234", ringsBeforeVoicemail: 6 }, portal: { username: "alicia", password: "alicia-pass-2" } } as never);
  await d.users.find({ extension: "1011" });
  await d.users.list();

  const g = await d.userGroups.create({ name: "Sales", members: [alice.id, bob.id], ringStrategy: "inOrder", ringSeconds: 15 } as never);
  await d.userGroups.update(g.id, { name: "Sales", members: [bob.id], ringStrategy: "allAtOnce" } as never);
  await d.userGroups.find({ name: "Sales" });

  const n = await d.incomingNumbers.create({ number: "+3225550100", destination: { type: "userGroup", groupId: g.id } } as never);
  await d.incomingNumbers.update(n.id, { destination: { type: "dialPlan", name: "main-menu" } } as never);
  await d.incomingNumbers.update(n.id, { destination: { type: "voicemail", userId: alice.id } } as never);
  await d.incomingNumbers.find({ number: "+3225550100" });

  const key = await d.functionKeys.create({ userId: alice.id, position: 1, type: "blf", targetUserId: bob.id, label: "Bob" } as never);
  await d.functionKeys.update(key.id, { userId: alice.id, position: 1, type: "blf", targetUserId: bob.id, label: "Bobby" } as never);
  await d.functionKeys.list();

  await d.forwardings.create({ userId: alice.id, mode: "forward", onBusy: [{ number: "+32470999999" }], onNoAnswer: [{ userId: bob.id }], voicemailLastResort: true } as never);
  await d.forwardings.list();
  await d.forwardings.delete(alice.id);

  await d.functionKeys.delete(key.id);
  await d.incomingNumbers.delete(n.id);
  await d.userGroups.delete(g.id);
  await d.users.delete(alice.id);
  await d.users.delete(bob.id);
  await d.importUsers("firstname|lastname|phonenumber|context|protocol|voicemailname|voicemailmailbox|language|incallexten|incallcontext\nCarol|C|1003|default|sip|Carol C|1003|fr_FR|+3225550177|from-extern\n");

  const log = app.wazo.requestLog.filter((r) => r.url.startsWith("/api/"));
  expect(log.length).toBeGreaterThan(30);
  const problems: string[] = [];
  for (const r of log) {
    for (const p of validateRequest(r.method, r.url, r.body)) problems.push(`${r.method} ${r.url}: ${p.where} ${p.path} ${p.message} (${p.severity})`);
  }
  expect(problems).toEqual([]);
  // Nothing the driver sent was refused, except the conflicts it probes for on purpose.
  const refused = log.filter((r) => (r.status ?? 0) >= 500);
  expect(refused).toEqual([]);
});
