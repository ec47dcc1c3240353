/**
 * Function keys on Wazo: `/users/{uuid}/funckeys/{position}`. Our id is
 * `<user uuid>/<position>`.
 *
 * Requests:
 * - create: GET /users/{uuid}/funckeys/{position} (PUT would silently replace
 *   a key set in the console, so a key there is a conflict), PUT; then GET;
 * - read: GET /users/{uuid}/funckeys/{position} (+ GET /users/{id} to turn a
 *   target's integer id into its uuid, cached);
 * - update: PUT (the whole key); then GET;
 * - delete: DELETE /users/{uuid}/funckeys/{position};
 * - list: the users, then GET /users/{uuid}/funckeys for each.
 *
 * Types: blf ↔ user destination with `blf: true`; line ↔ user destination
 * with `blf: false`; quickCall ↔ custom destination (`exten` = number);
 * forward ↔ forward destination (`forward`, optional `exten`: without one the
 * phone prompts, seed 002); service ↔ service destination (our service names
 * ↔ Wazo's, {@link SERVICE_OF}); group ↔ group destination; transfer ↔
 * transfer destination. `supervision` ↔ `blf`. A key whose destination we do
 * not model (agent, queue, parking, paging, …) reads as type "switch", which
 * Wazo cannot take as an input, so a change made in confd always shows as a
 * difference in `type`.
 */
import { PbxConflictError, PbxNotFoundError } from "../../errors";
import type { CreateOptions, FunctionKeyInput, FunctionKeyModel, KindDriver } from "../driver";
import { defaultSupervision, FunctionKeyCreateSchema, type KEY_SERVICES } from "../../schemas/functionKey";
import { WazoSite, checked, invalid } from "./site";

/** Our service names ↔ Wazo's funckey services (`plugins/func_key/schema.py`). */
export const SERVICE_OF: Record<(typeof KEY_SERVICES)[number], string> = {
  dnd: "enablednd",
  voicemail: "enablevm",
  callRecording: "callrecord",
  incallFilter: "incallfilter",
  forwardsOff: "fwdundoall",
  phoneStatus: "phonestatus",
  directory: "directoryaccess",
  groupPickup: "pickup",
  recordSound: "recsnd",
  voicemailMessages: "vmusermsg",
  voicemailPurge: "vmuserpurge",
};
const SERVICE_NAMED = Object.fromEntries(Object.entries(SERVICE_OF).map(([ours, theirs]) => [theirs, ours])) as Record<string, (typeof KEY_SERVICES)[number]>;

/** Our forward names ↔ Wazo's. */
export const KEY_FORWARD_OF = { unconditional: "unconditional", busy: "busy", noAnswer: "noanswer" } as const;
const KEY_FORWARD_NAMED: Record<string, keyof typeof KEY_FORWARD_OF> = { unconditional: "unconditional", busy: "busy", noanswer: "noAnswer" };

export const KEY_FIELDS: Record<string, string> = {
  blf: "supervision",
  label: "label",
  destination: "type",
  user_id: "targetUserId",
  group_id: "targetGroupId",
  exten: "number",
  forward: "forward",
  service: "service",
  transfer: "transfer",
  position: "position",
};

interface FuncKey {
  blf?: boolean;
  label?: string | null;
  inherited?: boolean;
  destination: { type: string } & Record<string, unknown>;
}

export const keyId = (userId: string, position: number) => `${userId}/${position}`;
export function parseKeyId(id: string): [string, number] {
  const cut = id.lastIndexOf("/");
  return [id.slice(0, cut), Number(id.slice(cut + 1))];
}

export class WazoFunctionKeys implements KindDriver<"functionKey"> {
  constructor(private readonly site: WazoSite) {}

  private get http() {
    return this.site.http;
  }

  idOf(k: FunctionKeyModel): string {
    return keyId(k.userId, k.position);
  }

  async create(input: FunctionKeyInput, _options: CreateOptions = {}): Promise<FunctionKeyModel> {
    const existing = await this.find({ userId: input.userId, position: input.position });
    if (existing) {
      const id = keyId(input.userId, input.position);
      throw new PbxConflictError({
        method: "PUT",
        path: `${this.http.base.confd}/users/${input.userId}/funckeys/${input.position}`,
        status: 409,
        code: "conflict",
        detail: `FunctionKey ${id} already exists`,
        existing: { type: "FunctionKey", id, key: `position ${input.position}` },
      });
    }
    await this.put(input);
    return this.get(keyId(input.userId, input.position));
  }

  async get(id: string): Promise<FunctionKeyModel> {
    const [userId, position] = parseKeyId(id);
    const k = await this.http.request<FuncKey>({ method: "GET", path: `/users/${encodeURIComponent(userId)}/funckeys/${position}` });
    return this.modelOf(userId, position, k);
  }

  async update(_id: string, input: FunctionKeyInput): Promise<FunctionKeyModel> {
    await this.put(input);
    return this.get(keyId(input.userId, input.position));
  }

  async delete(id: string): Promise<void> {
    const [userId, position] = parseKeyId(id);
    await this.http.request({ method: "DELETE", path: `/users/${encodeURIComponent(userId)}/funckeys/${position}` });
  }

  async find({ userId, position }: { userId: string; position: number }): Promise<FunctionKeyModel | undefined> {
    try {
      return await this.get(keyId(userId, position));
    } catch (e) {
      if (e instanceof PbxNotFoundError) return undefined;
      throw e;
    }
  }

  async list(): Promise<FunctionKeyModel[]> {
    const users = await this.site.listAll<{ uuid: string; id: number }>("/users");
    const perUser = await Promise.all(
      users.map(async (u) => {
        this.site.rememberUser(u);
        const all: { keys?: Record<string, FuncKey> } = await this.http
          .request<{ keys?: Record<string, FuncKey> }>({ method: "GET", path: `/users/${u.uuid}/funckeys` })
          .catch((e: unknown) => {
            if (e instanceof PbxNotFoundError) return { keys: {} as Record<string, FuncKey> };
            throw e;
          });
        return Promise.all(Object.entries(all?.keys ?? {}).map(([pos, k]) => this.modelOf(u.uuid, Number(pos), k)));
      }),
    );
    return perUser.flat();
  }

  async modelOf(userId: string, position: number, k: FuncKey): Promise<FunctionKeyModel> {
    const base = {
      id: keyId(userId, position),
      site: this.site.name,
      userId,
      position,
      label: k.label ?? null,
      targetUserId: null,
      targetGroupId: null,
      number: null,
      forward: null,
      service: null,
      transfer: null,
      supervision: k.blf === true,
    };
    const d = k.destination;
    switch (d.type) {
      case "user": {
        const target = await this.site.userUuid(Number(d.user_id));
        return { ...base, type: k.blf === false ? "line" : "blf", targetUserId: target };
      }
      case "custom":
        if (typeof d.exten === "string") return { ...base, type: "quickCall", number: d.exten };
        break;
      case "forward": {
        const forward = KEY_FORWARD_NAMED[String(d.forward)];
        if (forward) return { ...base, type: "forward", forward, number: typeof d.exten === "string" && d.exten !== "" ? d.exten : null };
        break;
      }
      case "service": {
        const service = SERVICE_NAMED[String(d.service)];
        if (service) return { ...base, type: "service", service };
        break;
      }
      case "group": {
        const uuid = await this.site.groupUuid(Number(d.group_id));
        return { ...base, type: "group", targetGroupId: uuid ?? `group-${String(d.group_id)}` };
      }
      case "transfer":
        if (d.transfer === "blind" || d.transfer === "attended") return { ...base, type: "transfer", transfer: d.transfer };
        break;
    }
    return { ...base, type: "switch" };
  }

  private async put(raw: FunctionKeyInput): Promise<void> {
    const path = `${this.http.base.confd}/users/${raw.userId}/funckeys/${raw.position}`;
    const input = { ...checked(FunctionKeyCreateSchema, raw, { method: "PUT", path }), userId: raw.userId, position: raw.position };
    let body: Record<string, unknown>;
    switch (input.type) {
      case "blf":
      case "line": {
        if (!input.targetUserId) throw invalid("targetUserId", `a ${input.type} key needs a target user`);
        const userId = await targetOnTenant(this.site.userIntId(input.targetUserId), "targetUserId", `user ${input.targetUserId}`);
        body = { destination: { type: "user", user_id: userId } };
        break;
      }
      case "quickCall":
        if (!input.number) throw invalid("number", "a quickCall key needs a number");
        body = { destination: { type: "custom", exten: input.number } };
        break;
      case "forward":
        if (!input.forward) throw invalid("forward", "a forward key needs which forward");
        // No exten: the phone prompts for the destination (seed 002), and the lamp watches every forward of that kind.
        body = { destination: { type: "forward", forward: KEY_FORWARD_OF[input.forward], exten: input.number ?? null } };
        break;
      case "service":
        if (!input.service) throw invalid("service", "a service key needs a service");
        body = { destination: { type: "service", service: SERVICE_OF[input.service] } };
        break;
      case "group": {
        if (!input.targetGroupId) throw invalid("targetGroupId", "a group key needs a target group");
        const groupId = await targetOnTenant(this.site.groupIntId(input.targetGroupId), "targetGroupId", `group ${input.targetGroupId}`);
        body = { destination: { type: "group", group_id: groupId } };
        break;
      }
      case "transfer":
        if (!input.transfer) throw invalid("transfer", "a transfer key needs blind or attended");
        body = { destination: { type: "transfer", transfer: input.transfer } };
        break;
      default:
        // capabilities.unsupported reports these at preview; this is the guard for direct callers.
        throw invalid("type", `Wazo has no ${input.type} key`);
    }
    // PUT replaces the whole key: a label left out is no label. Wazo's own default for blf is true, so it is always sent.
    body.label = input.label ?? null;
    body.blf = input.supervision ?? defaultSupervision(input.type);
    await this.http.request({ method: "PUT", path: `/users/${encodeURIComponent(input.userId)}/funckeys/${input.position}`, body, fields: KEY_FIELDS });
  }
}

/** A key's target looked up on the tenant: a target that is not there is a validation error naming the field. */
function targetOnTenant<T>(lookup: Promise<T>, field: string, what: string): Promise<T> {
  return lookup.catch((e: unknown) => {
    if (e instanceof PbxNotFoundError) throw invalid(field, `${what} does not exist on this Wazo tenant`);
    throw e;
  });
}
