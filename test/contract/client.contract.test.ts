/**
 * The client against the real emulator: every call once on a healthy PBX, then
 * a burst of work on a PBX that fails 10% of requests, drops 10% of answers
 * after committing the write, and rate-limits. Every operation must still
 * succeed, and no natural key may exist twice afterwards.
 */
import { startEmulator, type FaultOptions, type RunningEmulator } from "../../emulator";
import {
  PbxAuthError,
  PbxClient,
  PbxClientOptions,
  PbxConflictError,
  PbxNotFoundError,
  PbxPreconditionFailedError,
  PbxValidationError,
  sleep,
} from "../../sdk";

/** An in-memory emulator, an admin client, and a client for a fresh site. */
interface World {
  emulator: RunningEmulator;
  admin: PbxClient;
  client: PbxClient;
  close(): Promise<void>;
}

async function world(site: string, faults?: FaultOptions, options: Partial<PbxClientOptions> = {}): Promise<World> {
  const emulator = await startEmulator({ dataFile: ":memory:", applyDelayMs: 20, faults });
  const common = { url: emulator.url, site, timeoutMs: 5_000, ...options };
  const admin = new PbxClient({ ...common, token: emulator.adminToken });
  const { token } = await admin.sites.create({ name: site, numberingPlan: { minLength: 3, maxLength: 4, reserved: [{ from: "900", to: "999" }] } });
  const client = new PbxClient({ ...common, token });
  return {
    emulator,
    admin,
    client,
    async close() {
      admin.close();
      client.close();
      await emulator.close();
    },
  };
}

async function expectError<E extends Error>(promise: Promise<unknown>, type: new (...args: never[]) => E): Promise<E> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(type);
  return err as E;
}

describe("PbxClient against the emulator", () => {
  let w: World;
  beforeAll(async () => {
    w = await world("contract");
  });
  afterAll(() => w.close());

  test("sites", async () => {
    const site = await w.client.sites.get();
    expect(site).toMatchObject({ name: "contract", numberingPlan: { minLength: 3, maxLength: 4 } });
    await expectError(w.client.sites.get("someone-else"), PbxAuthError);
  });

  test("users: create, read, list, find, update with If-Match, conflicts, validation, delete", async () => {
    const { client } = w;
    const alice = await client.users.create({ extension: "1001", firstName: "Alice", email: "alice@example.com", mobileNumber: "+32 470 12 34 56" });
    expect(alice).toMatchObject({ extension: "1001", mobileNumber: "+32470123456", revision: 1, applied: false, sipUsername: "1001" });
    await client.users.create({ extension: "1002", firstName: "Bob" });

    await expect(client.users.get(alice.id)).resolves.toMatchObject({ id: alice.id });
    const page = await client.users.list({ pageSize: 1 });
    expect(page).toMatchObject({ page: 1, pageSize: 1, total: 2 });
    expect(await client.users.listAll()).toHaveLength(2);
    await expect(client.users.findByExtension("1001")).resolves.toMatchObject({ id: alice.id });
    await expect(client.users.findByExtension("100")).resolves.toBeUndefined();

    const updated = await client.users.update(alice.id, { dnd: true }, { ifMatch: alice.revision });
    expect(updated).toMatchObject({ dnd: true, revision: 2 });
    await expectError(client.users.update(alice.id, { dnd: false }, { ifMatch: alice.revision }), PbxPreconditionFailedError);

    const conflict = await expectError(client.users.create({ extension: "1001", firstName: "Eve" }), PbxConflictError);
    expect(conflict.existing).toMatchObject({ type: "user", id: alice.id });
    expect(conflict.message).toMatch(/^POST \/api\/v1\/sites\/contract\/users → 409 conflict: /);

    const invalid = await expectError(client.users.create({ extension: "950", firstName: "Res" }), PbxValidationError);
    expect(invalid.issues.map((i) => i.path)).toContainEqual(["extension"]);
    const badPin = await expectError(client.users.update(alice.id, { voicemail: { pin: "12" } }), PbxValidationError);
    expect(badPin.issues[0]).toMatchObject({ path: ["voicemail", "pin"] });

    const bob = await client.users.findByExtension("1002");
    await client.users.delete(bob!.id);
    await expectError(client.users.get(bob!.id), PbxNotFoundError);
    await expectError(client.users.delete(bob!.id), PbxNotFoundError);
  });

  test("devices: create (password generated), find by SIP user name and by MAC, patch, conflicts, delete", async () => {
    const { client } = w;
    const alice = (await client.users.findByExtension("1001"))!;
    const desk = await client.devices.create({ name: "Desk", userId: alice.id, sipUsername: "alice-desk", macAddress: "00-15-65-AA-BB-CC", make: "yealink", model: "T46U" });
    expect(desk).toMatchObject({ macAddress: "00:15:65:aa:bb:cc", protocol: "sip", type: "sip" });
    expect(desk.sipPassword).toBeTruthy();
    await expect(client.devices.findBySipUsername("ALICE-DESK")).resolves.toMatchObject({ id: desk.id });
    await expect(client.devices.findByMac("0015.65aa.bbcc")).resolves.toMatchObject({ id: desk.id });
    await expect(client.devices.findBySipUsername("alice")).resolves.toBeUndefined();
    await expect(client.devices.update(desk.id, { model: "T54W" }, { ifMatch: desk.revision })).resolves.toMatchObject({ model: "T54W" });
    await expectError(client.devices.create({ name: "Twin", userId: alice.id, sipUsername: "Alice-Desk" }), PbxConflictError);
    await expectError(client.devices.create({ name: "Bad", userId: alice.id, sipUsername: "x", make: "acme", model: "1", macAddress: "00:15:65:00:00:09" }), PbxValidationError);
    await client.devices.delete(desk.id);
    await expectError(client.devices.get(desk.id), PbxNotFoundError);
  });

  test("incoming numbers and user groups", async () => {
    const { client } = w;
    const alice = (await client.users.findByExtension("1001"))!;
    const sales = await client.userGroups.create({ name: "Sales", members: [alice.id] });
    await expect(client.userGroups.findByName("Sales")).resolves.toMatchObject({ id: sales.id, members: [alice.id] });
    await expect(client.userGroups.findByName("Sale")).resolves.toBeUndefined();
    const renamed = await client.userGroups.update(sales.id, { ringStrategy: "inOrder" }, { ifMatch: sales.revision });
    expect(renamed.ringStrategy).toBe("inOrder");
    await expectError(client.userGroups.create({ name: "Sales" }), PbxConflictError);

    const main = await client.incomingNumbers.create({ number: "+32 2 555 01 00", destination: { type: "userGroup", groupId: sales.id } });
    expect(main.number).toBe("+3225550100");
    await expect(client.incomingNumbers.findByNumber("+32 2 555 01 00")).resolves.toMatchObject({ id: main.id });
    await expect(client.incomingNumbers.update(main.id, { destination: { type: "user", userId: alice.id } })).resolves.toMatchObject({
      destination: { type: "user", userId: alice.id },
    });
    expect((await client.incomingNumbers.list({ search: "+3225550100" })).total).toBe(1);
    await client.incomingNumbers.delete(main.id);
    await expect(client.incomingNumbers.findByNumber("+3225550100")).resolves.toBeUndefined();
  });

  test("function keys and forwardings", async () => {
    const { client } = w;
    const alice = (await client.users.findByExtension("1001"))!;
    const carol = await client.users.create({ extension: "1003", firstName: "Carol" });
    const key = await client.functionKeys.put(alice.id, 1, { type: "blf", targetUserId: carol.id, label: "Carol" });
    expect(key).toMatchObject({ position: 1, type: "blf", targetUserId: carol.id });
    await client.functionKeys.put(alice.id, 2, { type: "quickCall", number: "+32470999999" });
    expect((await client.functionKeys.list(alice.id)).map((k) => k.position)).toEqual([1, 2]);
    await expect(client.functionKeys.get(alice.id, 2)).resolves.toMatchObject({ number: "+32470999999" });
    await expectError(client.functionKeys.put(alice.id, 3, { type: "blf", targetUserId: carol.id }), PbxConflictError);
    await client.functionKeys.delete(alice.id, 2);
    await expectError(client.functionKeys.get(alice.id, 2), PbxNotFoundError);

    const fwd = await client.forwardings.put(alice.id, { mode: "forward", onNoAnswer: [{ userId: carol.id, ringSeconds: 20 }], voicemailLastResort: true });
    expect(fwd).toMatchObject({ userId: alice.id, mode: "forward", voicemailLastResort: true });
    await expect(client.forwardings.get(alice.id)).resolves.toMatchObject({ onNoAnswer: [{ userId: carol.id, ringSeconds: 20 }] });
    await expectError(
      client.forwardings.put(alice.id, { mode: "followMe", onBusy: [{ number: "+32470999999", ringSeconds: 20 }] }),
      PbxValidationError,
    );
    await client.forwardings.delete(alice.id);
  });

  test("apply, live view, import", async () => {
    const { client } = w;
    const alice = (await client.users.findByExtension("1001"))!;
    expect((await client.applyStatus()).pending).toBeGreaterThan(0);
    const result = await client.apply();
    expect(result.applied).toBeGreaterThan(0);
    expect(await client.applyStatus()).toMatchObject({ pending: 0, applies: 1 });
    await expect(client.users.get(alice.id, { view: "live" })).resolves.toMatchObject({ applied: true });

    const csv = ["firstname|lastname|phonenumber|context|protocol", "Dan|Doe|1010|default|sip", "Erin|Roe|1011|default|sip"].join("\n");
    const imported = await client.importUsers(csv);
    expect(imported.created.map((u) => u.extension)).toEqual(["1010", "1011"]);
    const bad = await expectError(client.importUsers(["firstname|phonenumber|context|protocol", "|1012|default|sip"].join("\n")), PbxValidationError);
    expect(bad.issues[0].path[0]).toBe(2);
  });
});

describe("PbxClient against a faulty emulator", () => {
  const faults: FaultOptions = { errorRate: 0.1, resetRate: 0.1, rateLimit: { perSecond: 150 } };
  let w: World;
  /** Every wait between retries, to show the faults were really met. */
  const waits: number[] = [];
  beforeAll(async () => {
    const recordingSleep = (ms: number) => (waits.push(ms), sleep(ms));
    w = await world("faulty", faults, { retry: { retries: 10, baseDelayMs: 2, maxDelayMs: 20 }, maxConcurrency: 6, sleep: recordingSleep });
  });
  afterAll(() => w.close());

  test("every operation succeeds and no natural key exists twice", async () => {
    const { client } = w;
    const extensions = Array.from({ length: 30 }, (_, i) => String(2000 + i));
    const users = await Promise.all(extensions.map((ext) => client.users.create({ extension: ext, firstName: `User ${ext}` })));
    const groups = await Promise.all(["A", "B", "C", "D", "E"].map((n, i) => client.userGroups.create({ name: `Group ${n}`, members: [users[i].id] })));
    const numbers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => client.incomingNumbers.create({ number: `+3225550${200 + i}`, destination: { type: "user", userId: users[i].id } })),
    );

    // Updates with If-Match: a lost answer must not turn into a false 412.
    await Promise.all(users.map((u) => client.users.update(u.id, { dnd: true, department: "Ops" }, { ifMatch: u.revision })));
    await Promise.all(groups.map((g) => client.userGroups.update(g.id, { ringSeconds: 25 }, { ifMatch: g.revision })));
    await Promise.all(numbers.map((n) => client.incomingNumbers.update(n.id, { ringSeconds: 40 })));
    await Promise.all(users.slice(0, 10).map((u, i) => client.functionKeys.put(u.id, 1, { type: "blf", targetUserId: users[i + 10].id })));
    await Promise.all(users.slice(0, 10).map((u, i) => client.forwardings.put(u.id, { mode: "forward", always: [{ userId: users[i + 10].id, ringSeconds: 15 }] })));

    // Deletes: a lost answer must not turn into a false 404.
    await Promise.all(users.slice(0, 5).map((u) => client.functionKeys.delete(u.id, 1)));
    await Promise.all(users.slice(0, 5).map((u) => client.forwardings.delete(u.id)));
    await Promise.all(numbers.slice(0, 3).map((n) => client.incomingNumbers.delete(n.id)));
    await Promise.all(users.slice(25).map((u) => client.users.delete(u.id)));
    await client.apply();

    const allUsers = await client.users.listAll();
    const allNumbers = await client.incomingNumbers.listAll();
    const allGroups = await client.userGroups.listAll();
    const count = <T>(items: T[], key: (t: T) => string) => new Set(items.map(key)).size;
    expect(allUsers).toHaveLength(25);
    expect(count(allUsers, (u) => u.extension)).toBe(25);
    expect(allUsers.every((u) => u.dnd && u.department === "Ops")).toBe(true);
    expect(allNumbers).toHaveLength(7);
    expect(count(allNumbers, (n) => n.number)).toBe(7);
    expect(allGroups).toHaveLength(5);
    expect(count(allGroups, (g) => g.name)).toBe(5);
    expect((await client.functionKeys.list(users[7].id)).map((k) => k.targetUserId)).toEqual([users[17].id]);
    await expect(client.forwardings.get(users[7].id)).resolves.toMatchObject({ mode: "forward" });
    expect((await client.applyStatus()).pending).toBe(0);
    expect(waits.length).toBeGreaterThan(10);
  }, 120_000);
});
