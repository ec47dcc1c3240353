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
 * with `blf: false`; quickCall ↔ custom destination (`exten` = number,
 * `blf: false`). A key whose destination we do not model (service, group,
 * forward, …) reads as type "switch", which Wazo cannot take as an input, so
 * a change made in confd always shows as a difference in `type`.
 */
import { PbxConflictError, PbxNotFoundError } from "../../errors";
import type { CreateOptions, FunctionKeyInput, FunctionKeyModel, KindDriver } from "../driver";
import { FunctionKeyCreateSchema } from "../../schemas/functionKey";
import { WazoSite, checked, invalid } from "./site";

export const KEY_FIELDS: Record<string, string> = {
  blf: "type",
  label: "label",
  destination: "type",
  user_id: "targetUserId",
  exten: "number",
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
    const base = { id: keyId(userId, position), site: this.site.name, userId, position, label: k.label ?? null };
    const d = k.destination;
    if (d.type === "user") {
      const target = await this.site.userUuid(Number(d.user_id));
      return { ...base, type: k.blf === false ? "line" : "blf", targetUserId: target, number: null };
    }
    if (d.type === "custom" && typeof d.exten === "string") return { ...base, type: "quickCall", targetUserId: null, number: d.exten };
    return { ...base, type: "switch", targetUserId: null, number: null };
  }

  private async put(raw: FunctionKeyInput): Promise<void> {
    const path = `${this.http.base.confd}/users/${raw.userId}/funckeys/${raw.position}`;
    const input = { ...checked(FunctionKeyCreateSchema, raw, { method: "PUT", path }), userId: raw.userId, position: raw.position };
    let body: Record<string, unknown>;
    switch (input.type) {
      case "blf":
      case "line": {
        if (!input.targetUserId) throw invalid("targetUserId", `a ${input.type} key needs a target user`);
        const userId = await this.site.userIntId(input.targetUserId).catch((e: unknown) => {
          if (e instanceof PbxNotFoundError) throw invalid("targetUserId", `user ${input.targetUserId} does not exist on this Wazo tenant`);
          throw e;
        });
        body = { blf: input.type === "blf", destination: { type: "user", user_id: userId } };
        break;
      }
      case "quickCall":
        if (!input.number) throw invalid("number", "a quickCall key needs a number");
        body = { blf: false, destination: { type: "custom", exten: input.number } };
        break;
      default:
        // capabilities.unsupported reports these at preview; this is the guard for direct callers.
        throw invalid("type", `Wazo has no ${input.type} key`);
    }
    // PUT replaces the whole key: a label left out is no label.
    body.label = input.label ?? null;
    await this.http.request({ method: "PUT", path: `/users/${encodeURIComponent(input.userId)}/funckeys/${input.position}`, body, fields: KEY_FIELDS });
  }
}
