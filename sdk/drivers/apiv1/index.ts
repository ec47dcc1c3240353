/**
 * The API v1 driver: PBX Management API v1 (our reference API, served by the
 * embedded emulator) behind the Driver interface. The model is API v1's own
 * object shape, so the mapping is a matter of stripping bookkeeping; what the
 * driver adds is the create semantics of the kinds API v1 writes with PUT.
 */
import { PbxConflictError, PbxNotFoundError, PbxPreconditionFailedError } from "../../errors";
import type { ImportResult } from "../../schemas/system";
import type {
  Capabilities,
  CreateOptions,
  Driver,
  DriverConnection,
  ForwardingModel,
  FunctionKeyModel,
  KindDriver,
  Model,
} from "../driver";
import { PbxClient, PbxClientOptions } from "./client";

/** API v1 can express the whole model: it was made from it. */
export const capabilities: Capabilities = {
  driver: "apiv1",
  needsApply: true,
  idempotencyKeys: true,
  etags: true,
  unsupported: () => [],
};

/** The model of an API v1 object: without the bookkeeping that changes when the object does not. */
function model<T extends { applied?: boolean; createdAt?: string; updatedAt?: string }>(o: T): Model<T> {
  const { applied: _a, createdAt: _c, updatedAt: _u, ...rest } = o;
  return rest as Model<T>;
}

const undefinedIfGone = <T>(p: Promise<T>): Promise<T | undefined> =>
  p.catch((e: unknown) => {
    if (e instanceof PbxNotFoundError) return undefined;
    throw e;
  });

/**
 * The conflict a PUT-created kind reports when its slot is taken. API v1 writes
 * keys and forwardings with PUT, which would silently replace what someone set
 * in the console, so create looks first and reports the holder as a POST's 409 would.
 */
function taken(type: string, id: string, key: string, path: string): PbxConflictError {
  return new PbxConflictError({ status: 409, method: "PUT", path, code: "conflict", detail: `${type} ${id} already exists`, existing: { type, id, key } });
}

const keyId = (userId: string, position: number) => `${userId}/${position}`;
function parseKeyId(id: string): [string, number] {
  const cut = id.lastIndexOf("/");
  return [id.slice(0, cut), Number(id.slice(cut + 1))];
}

/**
 * Clock skew tolerated between the PBX and us: an object created more than this
 * before our create was sent is a replay of an earlier create.
 */
const SKEW_MS = 1000;

/**
 * A create with an idempotency key derived from the resource (see provider/crud.ts)
 * replays the first answer for 24 hours. If that first create was made by an
 * earlier run and the object has been deleted since (in the console), the replay
 * names an object that is gone: an answer older than this call is checked with
 * one GET, and a gone object is created afresh. A fresh create costs no GET.
 */
async function createOnce<T extends { id: string; createdAt: string }>(
  create: (o: { idempotencyKey?: string }) => Promise<T>,
  get: (id: string) => Promise<T>,
  options: CreateOptions | undefined,
): Promise<T> {
  const sentAt = Date.now();
  const made = await create({ idempotencyKey: options?.idempotencyKey });
  if (!options?.idempotencyKey || Date.parse(made.createdAt) >= sentAt - SKEW_MS) return made;
  const still = await undefinedIfGone(get(made.id));
  return still ?? create({});
}

export class ApiV1Driver implements Driver {
  readonly capabilities = capabilities;
  readonly site: string;
  /** The typed client, for callers that need API v1 itself (tests, the console). */
  readonly client: PbxClient;
  readonly users: KindDriver<"user">;
  readonly incomingNumbers: KindDriver<"incomingNumber">;
  readonly userGroups: KindDriver<"userGroup">;
  readonly functionKeys: KindDriver<"functionKey">;
  readonly forwardings: KindDriver<"forwarding">;
  readonly devices: KindDriver<"device">;

  constructor(options: PbxClientOptions) {
    const c = (this.client = new PbxClient(options));
    this.site = options.site;

    this.users = {
      create: async (input, o) => model(await createOnce((k) => c.users.create(input, k), (id) => c.users.get(id), o)),
      get: async (id) => model(await c.users.get(id)),
      update: async (id, input, o) => model(await c.users.update(id, input, { ifMatch: o?.ifMatch })),
      delete: (id) => c.users.delete(id),
      find: async ({ extension }) => mapOpt(await c.users.findByExtension(extension)),
      list: async () => (await c.users.listAll()).map(model),
      idOf: (u) => u.id,
    };
    this.incomingNumbers = {
      create: async (input, o) => model(await createOnce((k) => c.incomingNumbers.create(input, k), (id) => c.incomingNumbers.get(id), o)),
      get: async (id) => model(await c.incomingNumbers.get(id)),
      update: async (id, input, o) => model(await c.incomingNumbers.update(id, input, { ifMatch: o?.ifMatch })),
      delete: (id) => c.incomingNumbers.delete(id),
      find: async ({ number }) => mapOpt(await c.incomingNumbers.findByNumber(number)),
      list: async () => (await c.incomingNumbers.listAll()).map(model),
      idOf: (n) => n.id,
    };
    this.userGroups = {
      create: async (input, o) => model(await createOnce((k) => c.userGroups.create(input, k), (id) => c.userGroups.get(id), o)),
      get: async (id) => model(await c.userGroups.get(id)),
      update: async (id, input, o) => model(await c.userGroups.update(id, input, { ifMatch: o?.ifMatch })),
      delete: (id) => c.userGroups.delete(id),
      find: async ({ name }) => mapOpt(await c.userGroups.findByName(name)),
      list: async () => (await c.userGroups.listAll()).map(model),
      idOf: (g) => g.id,
    };

    const getKey = async (userId: string, position: number): Promise<FunctionKeyModel | undefined> =>
      mapOpt(await undefinedIfGone(c.functionKeys.get(userId, position)));
    // Create-only PUTs (If-None-Match: *): one request per create, and a slot
    // someone set in the console is reported, never replaced.
    const orTaken = <T>(p: Promise<T>, type: string, id: string, key: string, path: string): Promise<T> =>
      p.catch((e: unknown) => {
        throw e instanceof PbxPreconditionFailedError ? taken(type, id, key, path) : e;
      });
    this.functionKeys = {
      create: async ({ userId, position, ...body }) =>
        model(await orTaken(c.functionKeys.create(userId, position, body), "FunctionKey", keyId(userId, position), `position ${position}`, `users/${userId}/keys/${position}`)),
      get: async (id) => model(await c.functionKeys.get(...parseKeyId(id))),
      update: async (_id, { userId, position, ...body }, o) => model(await c.functionKeys.put(userId, position, body, { ifMatch: o?.ifMatch })),
      delete: (id) => c.functionKeys.delete(...parseKeyId(id)),
      find: ({ userId, position }) => getKey(userId, position),
      list: async () => (await c.functionKeys.listSite()).map(model),
      idOf: (k) => keyId(k.userId, k.position),
    };

    // A user with no forwarding reads as mode "off" (or 404): both are "none" for adopt.
    const getForwarding = async (userId: string): Promise<ForwardingModel | undefined> =>
      mapOpt(await undefinedIfGone(c.forwardings.get(userId)));
    this.forwardings = {
      create: async ({ userId, ...body }) =>
        model(await orTaken(c.forwardings.create(userId, body), "Forwarding", userId, `forwarding of user ${userId}`, `users/${userId}/forwarding`)),
      get: async (id) => model(await c.forwardings.get(id)),
      update: async (_id, { userId, ...body }, o) => model(await c.forwardings.put(userId, body, { ifMatch: o?.ifMatch })),
      delete: (id) => c.forwardings.delete(id),
      find: async ({ userId }) => {
        const f = await getForwarding(userId);
        return f && f.mode !== "off" ? f : undefined;
      },
      list: async () => (await c.forwardings.listSite()).filter((f) => f.mode !== "off").map(model),
      idOf: (f) => f.userId,
    };
    this.devices = {
      create: async (input, o) => model(await createOnce((k) => c.devices.create(input, k), (id) => c.devices.get(id), o)),
      get: async (id) => model(await c.devices.get(id)),
      update: async (id, input, o) => model(await c.devices.update(id, input, { ifMatch: o?.ifMatch })),
      delete: (id) => c.devices.delete(id),
      find: async (key) => mapOpt(await ("sipUsername" in key ? c.devices.findBySipUsername(key.sipUsername) : c.devices.findByMac(key.macAddress))),
      list: async () => (await c.devices.listAll()).map(model),
      idOf: (d) => d.id,
    };
  }

  async apply(): Promise<void> {
    await this.client.apply();
  }

  async pendingChanges(): Promise<number> {
    return (await this.client.applyStatus()).pending;
  }

  importUsers(csvText: string): Promise<ImportResult> {
    return this.client.importUsers(csvText);
  }

  close(): void {
    this.client.close();
  }
}

function mapOpt<T extends { applied?: boolean; createdAt?: string; updatedAt?: string }>(o: T | undefined): Model<T> | undefined {
  return o === undefined ? undefined : model(o);
}

export function createDriver(connection: DriverConnection): Driver {
  if (!connection.token) throw new Error(`no PBX token for site "${connection.site}"`);
  return new ApiV1Driver({ url: connection.url, token: connection.token, site: connection.site, ...(connection.maxConcurrency ? { maxConcurrency: connection.maxConcurrency } : {}) });
}
