/**
 * The Wazo driver against the Wazo-shaped emulator, in process: every kind
 * through create, read, find, update, list and delete, a login from a
 * username and password, a tenant found by its slug, and nothing left behind
 * (no line, SIP endpoint, extension or voicemail) once everything is deleted.
 */
import nock from "nock";
import { startWazoEmulator, type RunningWazoEmulator } from "../../../../emulator/wazo";
import { WazoDriver } from "../../../../sdk/drivers/wazo";
import { PbxConflictError, PbxNotFoundError } from "../../../../sdk/errors";
import { rejectionOf } from "./helpers";

let emu: RunningWazoEmulator;
let d: WazoDriver;

beforeAll(async () => {
  // Real sockets to the emulator (helpers load nock, which intercepts once loaded).
  nock.enableNetConnect();
  emu = await startWazoEmulator({ dataFile: ":memory:" } as never);
  const t = emu.createTenant("office");
  emu.createAuthUser(t.uuid, "pulumi", "s3cret-pass");
  const root = emu.confdUrl.replace(/\/api\/confd\/1\.1\/?$/, "");
  // No tenant uuid and no token: the driver logs in and finds the tenant by its slug.
  d = new WazoDriver({ site: "office", url: root, username: "pulumi", password: "s3cret-pass" });
});

afterAll(async () => {
  d?.close();
  await emu?.close();
  // Jest runs every file in one process: leave no interception behind for the next file.
  nock.restore();
});

const count = async (path: string) => (await d.wazo.http.request<{ total: number }>({ method: "GET", path })).total;

test("the five first kinds converge, conflicts are found, and delete leaves nothing behind", async () => {
  const alice = await d.users.create({ extension: "1001", firstName: "Alice", lastName: "Martin", email: "alice@example.com", dnd: true, callRecording: "always", voicemail: { enabled: true, pin: "4821", ringsBeforeVoicemail: 4 }, portal: { username: "alice", password: "portal-pass-1" } }, { ownerMark: "pulumi-pbx:000000000000000000000001" });
  expect(alice).toMatchObject({ extension: "1001", dnd: true, callRecording: "always", voicemail: { enabled: true, pin: "4821", ringsBeforeVoicemail: 4 }, portal: { username: "alice", passwordSet: true } });
  expect(alice.sipPassword).toMatch(/^[A-Za-z0-9]{20}$/);
  expect(d.users.ownerMarkOf(await d.users.get(alice.id))).toBe("pulumi-pbx:000000000000000000000001");
  const bob = await d.users.create({ extension: "1002", firstName: "Bob", voicemail: { enabled: false } });
  expect(await rejectionOf(d.users.create({ extension: "1001", firstName: "X" }))).toBeInstanceOf(PbxConflictError);

  const alice2 = await d.users.update(alice.id, { extension: "1011", firstName: "Alicia", dnd: false, callRecording: "onDemand", voicemail: { pin: "1234", ringsBeforeVoicemail: 6 }, portal: { username: "alicia", password: "portal-pass-2" } } as never);
  expect(alice2).toMatchObject({ extension: "1011", firstName: "Alicia", dnd: false, callRecording: "onDemand", voicemail: { enabled: true, pin: "1234", ringsBeforeVoicemail: 6 }, portal: { username: "alicia", passwordSet: true } });
  // The new portal password is the one wazo-auth takes.
  const login = await fetch(`${emu.authUrl}/token`, { method: "POST", headers: { authorization: `Basic ${Buffer.from("alicia:portal-pass-2").toString("base64")}`, "content-type": "application/json" }, body: "{}" });
  expect(login.status).toBe(200);
  expect((await d.users.find({ extension: "1011" }))?.id).toBe(alice.id);
  expect(await d.users.find({ extension: "1001" })).toBeUndefined();

  const g = await d.userGroups.create({ name: "Sales", members: [alice.id, bob.id], ringStrategy: "inOrder", ringSeconds: 15 });
  expect(await d.userGroups.get(g.id)).toMatchObject({ name: "Sales", members: [alice.id, bob.id], ringStrategy: "inOrder", ringSeconds: 15 });
  expect((await d.userGroups.update(g.id, { name: "Sales", members: [bob.id], ringStrategy: "allAtOnce" } as never)).members).toEqual([bob.id]);

  const n = await d.incomingNumbers.create({ number: "+3225550100", destination: { type: "userGroup", groupId: g.id }, description: "Main" }, { ownerMark: "pulumi-pbx:000000000000000000000002" });
  expect(n).toMatchObject({ number: "+3225550100", destination: { type: "userGroup", groupId: g.id }, description: "Main" });
  expect(d.incomingNumbers.ownerMarkOf?.(n)).toBe("pulumi-pbx:000000000000000000000002");
  expect(await rejectionOf(d.incomingNumbers.create({ number: "+3225550100" }))).toBeInstanceOf(PbxConflictError);
  expect((await d.incomingNumbers.update(n.id, { destination: { type: "voicemail", userId: alice.id } } as never)).destination).toEqual({ type: "voicemail", userId: alice.id });

  // IVR and conference destinations are found by name.
  await d.wazo.http.request({ method: "POST", path: "/ivr", body: { name: "Main menu", menu_sound: "menu" } });
  await d.wazo.http.request({ method: "POST", path: "/conferences", body: { name: "Board" } });
  expect((await d.incomingNumbers.update(n.id, { destination: { type: "dialPlan", name: "Main menu" } } as never)).destination).toEqual({ type: "dialPlan", name: "Main menu" });
  expect((await d.incomingNumbers.update(n.id, { destination: { type: "conference", room: "Board" } } as never)).destination).toEqual({ type: "conference", room: "Board" });
  expect((await rejectionOf(d.incomingNumbers.update(n.id, { destination: { type: "dialPlan", name: "Nope" } } as never))).message).toContain("no IVR named");

  const key = await d.functionKeys.create({ userId: alice.id, position: 1, type: "blf", targetUserId: bob.id, label: "Bob" });
  expect(key).toMatchObject({ type: "blf", targetUserId: bob.id, label: "Bob" });
  expect(await rejectionOf(d.functionKeys.create({ userId: alice.id, position: 1, type: "quickCall", number: "123" }))).toBeInstanceOf(PbxConflictError);
  expect((await d.functionKeys.list()).map((k) => k.id)).toEqual([key.id]);
  // Seed 002 key types and supervision, through the Wazo emulator and back.
  const seedKeys = [
    { position: 2, type: "forward", forward: "unconditional", supervision: true, label: "Fwd" },
    { position: 3, type: "forward", forward: "busy", number: "+32470999999" },
    { position: 4, type: "service", service: "dnd", supervision: true },
    { position: 5, type: "group", targetGroupId: g.id },
    { position: 6, type: "transfer", transfer: "blind" },
  ] as const;
  for (const k of seedKeys) {
    const made = await d.functionKeys.create({ userId: alice.id, ...k });
    expect(made).toMatchObject({ ...k, supervision: "supervision" in k ? k.supervision : false });
    expect(await d.functionKeys.get(made.id)).toEqual(made);
  }
  expect(await rejectionOf(d.functionKeys.create({ userId: alice.id, position: 7, type: "forward", forward: "unconditional" }))).toBeInstanceOf(PbxConflictError);
  for (const k of seedKeys) await d.functionKeys.delete(`${alice.id}/${k.position}`);

  const f = await d.forwardings.create({ userId: alice.id, mode: "forward", onBusy: [{ number: "+32470999999" }], onNoAnswer: [{ userId: bob.id }], voicemailLastResort: true });
  expect(f).toMatchObject({ mode: "forward", onBusy: [{ number: "+32470999999", ringSeconds: 20 }], onNoAnswer: [{ userId: bob.id, ringSeconds: 20 }], voicemailLastResort: true });
  expect((await d.forwardings.list()).map((x) => x.userId)).toEqual([alice.id]);

  await d.forwardings.delete(alice.id);
  expect(await d.forwardings.find({ userId: alice.id })).toBeUndefined();
  await d.functionKeys.delete(key.id);
  await d.incomingNumbers.delete(n.id);
  await d.userGroups.delete(g.id);
  await d.users.delete(alice.id);
  await d.users.delete(bob.id);
  expect(await rejectionOf(d.users.get(alice.id))).toBeInstanceOf(PbxNotFoundError);
  for (const path of ["/users", "/lines", "/endpoints/sip", "/extensions", "/voicemails", "/incalls", "/groups"]) expect([path, await count(path)]).toEqual([path, 0]);
});

test("CSV import goes through POST /users/import", async () => {
  const r = await d.importUsers("firstname|lastname|phonenumber|context|protocol|voicemailname|voicemailmailbox|language|incallexten|incallcontext\nCarol|C|1003|default|sip|Carol C|1003|fr_FR|+3225550177|from-extern\n");
  expect(r.created.map((u) => u.extension)).toEqual(["1003"]);
  expect((await d.incomingNumbers.find({ number: "+3225550177" }))?.destination).toEqual({ type: "user", userId: r.created[0].id });
});

test("seed 002 user fields map to confd: call transfer, supervision, CTI login, voicemail options (issue 14)", async () => {
  const u = await d.users.create({
    extension: "1020", firstName: "Xavier", email: "x@example.com", callTransfer: true, supervision: false,
    cti: { enabled: true, username: "xavier", password: "cti-pass-1" },
    voicemail: { enabled: true, pin: "4821", email: "vm.x@example.com", attachAudio: true, deleteAfterNotification: true, askPassword: false },
  });
  expect(u).toMatchObject({
    callTransfer: true, supervision: false, cti: { enabled: true, username: "xavier", passwordSet: true, profile: null },
    voicemail: { email: "vm.x@example.com", attachAudio: true, deleteAfterNotification: true, askPassword: false },
  });
  const raw = await d.wazo.http.request<Record<string, unknown>>({ method: "GET", path: `/users/${u.id}` });
  expect(raw).toMatchObject({ call_transfer_enabled: true, supervision_enabled: false, username: "xavier" });
  const changed = await d.users.update(u.id, { callTransfer: false, cti: { enabled: false }, voicemail: { deleteAfterNotification: false, askPassword: true, email: "other@example.com" } } as never);
  expect(changed).toMatchObject({ callTransfer: false, cti: { enabled: false, username: null, passwordSet: false }, voicemail: { email: "other@example.com", attachAudio: true, deleteAfterNotification: false, askPassword: true } });
  // A new user e-mail leaves the voicemail's own address alone.
  expect((await d.users.update(u.id, { email: "x2@example.com" } as never)).voicemail.email).toBe("other@example.com");
  await d.users.delete(u.id);
});

test("CSV import with seed 002 columns: options on the user and voicemail, CTI login after the import; unsupported columns refused", async () => {
  const head = "firstname|lastname|language|phonenumber|context|protocol|enablexfer|enablehint|enableclient|username|password|voicemailname|voicemailmailbox|voicemailemail|voicemailattach|voicemaildelete|voicemailskippass";
  const r = await d.importUsers(`${head}\nDora|D|fr_FR|1030|default|sip|1|0|1|dora|cti-pass-2|Dora D|1030|vm.dora@example.com|1|1|1\n`);
  expect(r.created[0]).toMatchObject({ extension: "1030", callTransfer: true, supervision: false, cti: { enabled: true, username: "dora", passwordSet: true }, voicemail: { email: "vm.dora@example.com", attachAudio: true, deleteAfterNotification: true, askPassword: false } });
  const bad = await rejectionOf(d.importUsers("firstname|phonenumber|context|protocol|agentnumber|bosssecretary\nEd|1031|default|sip|501|boss\n"));
  expect((bad as { issues?: unknown[] }).issues).toEqual([
    expect.objectContaining({ path: [2, "bosssecretary"], rule: "driver_unsupported" }),
    expect.objectContaining({ path: [2, "agentnumber"], rule: "driver_unsupported" }),
  ]);
  await d.users.delete(r.created[0].id);
});

test("turning delete-after-notification on later sends the voicemail's e-mail and attach flag with it", async () => {
  const u = await d.users.create({ extension: "1040", firstName: "Fay", email: "fay@example.com", voicemail: { enabled: true, attachAudio: true } });
  const on = await d.users.update(u.id, { voicemail: { deleteAfterNotification: true } } as never);
  expect(on.voicemail).toMatchObject({ email: "fay@example.com", attachAudio: true, deleteAfterNotification: true });
  await d.users.delete(u.id);
});

test("devices: a SIP line of the user with its own credentials; found by user name; moved, renamed; the owner's delete refused while it has one", async () => {
  const before = [await count("/lines"), await count("/endpoints/sip")];
  const ann = await d.users.create({ extension: "1201", firstName: "Ann" });
  const ben = await d.users.create({ extension: "1202", firstName: "Ben" });
  const desk = await d.devices.create({ name: "Ann desk", userId: ann.id, sipUsername: "ann-desk" });
  expect(desk).toMatchObject({ name: "Ann desk", userId: ann.id, type: "sip", protocol: "sip", sipUsername: "ann-desk", macAddress: null });
  expect(desk.sipPassword).toMatch(/^[A-Za-z0-9]{20}$/);
  const soft = await d.devices.create({ name: "Ann soft", userId: ann.id, sipUsername: "ann-soft", sipPassword: "Given-pass-1" });
  expect(soft.sipPassword).toBe("Given-pass-1");
  // The user keeps its own SIP identity and extension.
  expect((await d.users.get(ann.id)).extension).toBe("1201");
  expect((await d.users.get(ann.id)).sipUsername).not.toBe("ann-desk");
  // Unique user names, any case, users' own included.
  const twin = await rejectionOf(d.devices.create({ name: "Twin", userId: ben.id, sipUsername: "ANN-DESK" }));
  expect(twin).toBeInstanceOf(PbxConflictError);
  expect((twin as PbxConflictError).existing).toMatchObject({ type: "device", id: desk.id });
  const asUser = await rejectionOf(d.devices.create({ name: "Clash", userId: ben.id, sipUsername: (await d.users.get(ben.id)).sipUsername }));
  expect((asUser as PbxConflictError).existing).toMatchObject({ type: "user", id: ben.id });
  expect((await rejectionOf(d.devices.create({ name: "Orphan", userId: "aaaaaaaa-0000-4000-8000-00000000dead", sipUsername: "orphan" }))).message).toContain("not a user of this Wazo tenant");

  expect((await d.devices.find({ sipUsername: "Ann-Desk" }))?.id).toBe(desk.id);
  expect(await d.devices.find({ sipUsername: "nobody" })).toBeUndefined();
  expect(await d.devices.find({ macAddress: "00:15:65:aa:bb:cc" })).toBeUndefined();
  expect((await d.devices.list()).map((x) => x.sipUsername).sort()).toEqual(["ann-desk", "ann-soft"]);

  const deleteAnn = await rejectionOf(d.users.delete(ann.id));
  expect(deleteAnn).toBeInstanceOf(PbxConflictError);
  expect(deleteAnn.message).toMatch(/still has 2 devices/);

  const moved = await d.devices.update(desk.id, { name: "Ben desk", userId: ben.id, sipPassword: "Other-pass-2" });
  expect(moved).toMatchObject({ name: "Ben desk", userId: ben.id, sipUsername: "ann-desk", sipPassword: "Other-pass-2" });
  expect((await d.devices.update(desk.id, { sipUsername: "ben-desk" })).sipUsername).toBe("ben-desk");
  expect((await d.devices.find({ sipUsername: "ben-desk" }))?.id).toBe(desk.id);

  // A user's own line is not a device.
  const annLine = (await d.wazo.getUser(ann.id)).lines![0].id;
  expect(await rejectionOf(d.devices.get(String(annLine)))).toBeInstanceOf(PbxNotFoundError);

  await d.devices.delete(soft.id);
  await d.users.delete(ann.id);
  await d.devices.delete(desk.id);
  expect(await rejectionOf(d.devices.get(desk.id))).toBeInstanceOf(PbxNotFoundError);
  await d.users.delete(ben.id);
  expect([await count("/lines"), await count("/endpoints/sip")]).toEqual(before);
});
