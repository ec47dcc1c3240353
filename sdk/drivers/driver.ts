/**
 * The Driver interface: what the provider (and the CLI) ask of a PBX, in the
 * pulumi-pbx model, whatever API the PBX speaks. One implementation per PBX API
 * lives in a folder beside this file (`apiv1/`, `wazo/`), in the manner of
 * go-cloud's `driver` packages: the provider never imports a driver directly,
 * it goes through `createDriver` / `capabilitiesOf` in `./index`.
 *
 * The model: inputs are the checked inputs of a resource without `site` and
 * `adopt` (only the fields the program sets); outputs are the API v1 object
 * shapes of `sdk/schemas` without the API v1 bookkeeping (`applied`,
 * `createdAt`, `updatedAt`), with `revision` optional (PBXs without ETags have
 * none). Ids are opaque strings chosen by the driver.
 *
 * Errors: every driver throws the typed errors of `sdk/errors` —
 * `PbxNotFoundError` when an object is gone, `PbxConflictError` (with
 * `existing`) when a natural key is taken (also for kinds that the PBX writes
 * with PUT: the driver looks first rather than overwrite), `PbxValidationError`
 * naming the field, `PbxAuthError`, `PbxRateLimitError`, `PbxNetworkError`.
 */
import type { Device, DeviceCreate } from "../schemas/device";
import type { Forwarding, ForwardingCreate } from "../schemas/forwarding";
import type { FunctionKey, FunctionKeyCreate } from "../schemas/functionKey";
import type { IncomingNumber, IncomingNumberCreate } from "../schemas/incomingNumber";
import type { ImportResult } from "../schemas/system";
import type { User, UserCreate } from "../schemas/user";
import type { UserGroup, UserGroupCreate } from "../schemas/userGroup";

/** The six kinds of object a site holds (in dependency order: a kind refers only to kinds before it). */
export type Kind = "user" | "incomingNumber" | "userGroup" | "functionKey" | "forwarding" | "device";
export const KINDS: readonly Kind[] = ["user", "incomingNumber", "userGroup", "functionKey", "forwarding", "device"];

/** An API v1 object as the model: without bookkeeping, revision optional. */
export type Model<T> = Omit<T, "applied" | "createdAt" | "updatedAt" | "revision"> & { revision?: number };

export type UserModel = Model<User>;
export type IncomingNumberModel = Model<IncomingNumber>;
export type UserGroupModel = Model<UserGroup>;
export type FunctionKeyModel = Model<FunctionKey>;
export type ForwardingModel = Model<Forwarding>;
export type DeviceModel = Model<Device>;

/** Inputs of each kind (what the program set; the driver sends only these). */
export type UserInput = UserCreate;
export type IncomingNumberInput = IncomingNumberCreate;
export type UserGroupInput = UserGroupCreate;
/** A function key names its owner and position. */
export type FunctionKeyInput = FunctionKeyCreate & { userId: string; position: number };
/** A forwarding names its owner. */
export type ForwardingInput = ForwardingCreate & { userId: string };
export type DeviceInput = DeviceCreate;

/** The natural key of each kind: what `find` looks up (and what `adopt` takes over). */
export interface NaturalKeys {
  user: { extension: string };
  incomingNumber: { number: string };
  userGroup: { name: string };
  functionKey: { userId: string; position: number };
  forwarding: { userId: string };
  /** A SIP device by its SIP user name; an SCCP phone (no user name) by its MAC address. */
  device: { sipUsername: string } | { macAddress: string };
}

export interface InputOf {
  user: UserInput;
  incomingNumber: IncomingNumberInput;
  userGroup: UserGroupInput;
  functionKey: FunctionKeyInput;
  forwarding: ForwardingInput;
  device: DeviceInput;
}

/** What an update takes: the fields to change (keys and forwardings are written whole, as PUT does). */
export interface UpdateOf {
  user: Partial<UserInput>;
  incomingNumber: Partial<IncomingNumberInput>;
  userGroup: Partial<UserGroupInput>;
  functionKey: FunctionKeyInput;
  forwarding: ForwardingInput;
  device: Partial<DeviceInput>;
}

export interface ModelOf {
  user: UserModel;
  incomingNumber: IncomingNumberModel;
  userGroup: UserGroupModel;
  functionKey: FunctionKeyModel;
  forwarding: ForwardingModel;
  device: DeviceModel;
}

/** Options of a create. */
export interface CreateOptions {
  /**
   * A key derived from the resource's identity and inputs: a PBX that honours
   * idempotency keys replays a create it already made (a retry in a later run).
   */
  idempotencyKey?: string;
  /**
   * A mark the driver leaves on the object where the PBX keeps one (a
   * description or free-text field), so that a later run recognises an object
   * it made itself. Drivers whose PBX has no such field ignore it.
   */
  ownerMark?: string;
}

/** Options of an update or a delete. */
export interface WriteOptions {
  /** The revision last read; a PBX with ETags refuses the write if the object changed since (412). */
  ifMatch?: number;
}

/** One kind of object on one site. */
export interface KindDriver<K extends Kind> {
  /** Creates the object; `PbxConflictError` when its natural key is taken. */
  create(input: InputOf[K], options?: CreateOptions): Promise<ModelOf[K]>;
  /** The object; `PbxNotFoundError` when it does not exist. */
  get(id: string): Promise<ModelOf[K]>;
  /** Makes the object match `input` (only the fields `input` sets are touched). */
  update(id: string, input: UpdateOf[K], options?: WriteOptions): Promise<ModelOf[K]>;
  /** Deletes the object and what its create made with it; `PbxNotFoundError` when it was not there. */
  delete(id: string, options?: WriteOptions): Promise<void>;
  /** The object holding the natural key, or undefined. */
  find(key: NaturalKeys[K]): Promise<ModelOf[K] | undefined>;
  /** Every object of the kind on the site (paged by the driver). */
  list(): Promise<ModelOf[K][]>;
  /** The id `get`, `update` and `delete` take for an object. */
  idOf(object: ModelOf[K]): string;
  /** The owner mark the object carries, if the PBX keeps one (see {@link CreateOptions.ownerMark}). */
  ownerMarkOf?(object: ModelOf[K]): string | undefined;
}

/** A problem with an input that this PBX cannot express. */
export interface Unsupported {
  /** Property path, dotted (`voicemail.ringsBeforeVoicemail`, `onNoAnswer.1`). */
  property: string;
  /** What cannot be expressed, in the user's words. */
  message: string;
}

/**
 * What a PBX can express, declared by its driver (libcloud's `features`) and
 * checked at preview, with no network, before any call.
 */
export interface Capabilities {
  /** The driver's name in messages and config (`pbx:driver`). */
  driver: DriverName;
  /** Writes are saved until an apply makes them live (seed 000 "Apply changes"). */
  needsApply: boolean;
  /** The PBX replays a create sent again with the same idempotency key. */
  idempotencyKeys: boolean;
  /** The PBX answers 412 for a stale revision (If-Match). */
  etags: boolean;
  /** Inputs of `kind` this PBX cannot express; empty when all is well. */
  unsupported(kind: Kind, input: Record<string, unknown>): Unsupported[];
  /**
   * How the PBX takes a new extension on an existing user: `update` (in place,
   * the default) or `replace` (seed 004: "Extension … This cannot be changed
   * later": the user is deleted and made again). A site's
   * `pbx:sites.<site>.extensionChange` overrides it.
   */
  extensionChange?: "update" | "replace";
}

/** The drivers there are (`pbx:driver`). */
export type DriverName = "apiv1" | "wazo";
export const DRIVER_NAMES: readonly DriverName[] = ["apiv1", "wazo"];

/** How to reach one site of a PBX. Which fields a driver needs is its own business. */
export interface DriverConnection {
  /** The site (API v1) or tenant (Wazo) the driver addresses. */
  site: string;
  /** Base URL of the PBX (API v1: the server root; Wazo: the stack's root, e.g. https://wazo.example.net). */
  url: string;
  /** A ready bearer / auth token. */
  token?: string;
  /** Wazo: a wazo-auth username, with `password`, to obtain and renew tokens. */
  username?: string;
  /** Wazo: the wazo-auth password (secret). */
  password?: string;
  /** Wazo: the tenant uuid sent as `Wazo-Tenant` (default: the token's own tenant). */
  tenant?: string;
  /** Wazo: path of confd under `url` (default `/api/confd/1.1`). */
  confdPath?: string;
  /** Wazo: path of wazo-auth under `url` (default `/api/auth/0.1`). */
  authPath?: string;
  /** Requests in flight at most (default 8; the export raises it to read large sites). */
  maxConcurrency?: number;
}

/** One site of one PBX, in the pulumi-pbx model. Safe to share between concurrent callers. */
export interface Driver {
  readonly capabilities: Capabilities;
  readonly site: string;
  readonly users: KindDriver<"user">;
  readonly incomingNumbers: KindDriver<"incomingNumber">;
  readonly userGroups: KindDriver<"userGroup">;
  readonly functionKeys: KindDriver<"functionKey">;
  readonly forwardings: KindDriver<"forwarding">;
  readonly devices: KindDriver<"device">;
  /** Makes the site's saved changes live; a no-op when `capabilities.needsApply` is false. */
  apply(): Promise<void>;
  /** How many saved changes wait for an apply (0 when the PBX has no apply step). */
  pendingChanges(): Promise<number>;
  /** Imports users from a XiVO pipe-separated CSV (seed 002), all or nothing, through the PBX's own import. */
  importUsers(csvText: string): Promise<ImportResult>;
  /** Closes idle connections; the driver must not be used afterwards. */
  close(): void;
}

/** The kind driver of `kind`. */
export function kindDriver<K extends Kind>(driver: Driver, kind: K): KindDriver<K> {
  const byKind: { [k in Kind]: KindDriver<k> } = {
    user: driver.users,
    incomingNumber: driver.incomingNumbers,
    userGroup: driver.userGroups,
    functionKey: driver.functionKeys,
    forwarding: driver.forwardings,
    device: driver.devices,
  };
  return byKind[kind] as unknown as KindDriver<K>;
}
