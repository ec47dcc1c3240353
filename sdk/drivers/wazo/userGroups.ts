/**
 * User groups on Wazo: a confd group (label, ring strategy, timeouts) and its
 * user members. Our id is the group's uuid (confd addresses groups by uuid).
 *
 * Requests:
 * - create: GET /groups?label= (is the name free? Wazo labels are not unique,
 *   our names are), POST /groups, PUT /groups/{uuid}/members/users when there
 *   are members; then GET /groups/{uuid};
 * - read: GET /groups/{uuid} (members come as user uuids, ordered by priority);
 * - update: GET /groups/{uuid}, PUT /groups/{uuid}, PUT
 *   /groups/{uuid}/members/users; then the read;
 * - delete: DELETE /groups/{uuid} (create made no extension, so nothing else).
 *
 * Ring time: for "all at once" the whole group rings `timeout` seconds and
 * each attempt lasts `user_timeout`, so both take ringSeconds; for "in order"
 * each member rings `user_timeout` seconds and the group has no overall
 * limit (`timeout` null), so the read takes `timeout` (all) or `user_timeout`
 * (linear). Strategies we do not model (random, least_recent, …) read as
 * "inOrder" (they ring members one at a time), so a change to one of them
 * from "allAtOnce" shows.
 */
import { PbxConflictError, PbxNotFoundError } from "../../errors";
import type { CreateOptions, KindDriver, UserGroupInput, UserGroupModel } from "../driver";
import { UserGroupCreateSchema, UserGroupUpdateSchema } from "../../schemas/userGroup";
import { WazoSite, checked, invalid } from "./site";

export const GROUP_FIELDS: Record<string, string> = {
  label: "name",
  ring_strategy: "ringStrategy",
  timeout: "ringSeconds",
  user_timeout: "ringSeconds",
  users: "members",
  uuid: "members",
};

interface Group {
  id: number;
  uuid: string;
  label: string;
  ring_strategy: string;
  timeout?: number | null;
  user_timeout?: number | null;
  members?: { users?: Array<{ uuid: string; priority?: number }> };
}

const DEFAULT_RING_SECONDS = 20;

export function strategyBody(strategy: "allAtOnce" | "inOrder", ringSeconds: number): Record<string, unknown> {
  return strategy === "inOrder" ? { ring_strategy: "linear", user_timeout: ringSeconds, timeout: null } : { ring_strategy: "all", timeout: ringSeconds, user_timeout: ringSeconds };
}

export class WazoUserGroups implements KindDriver<"userGroup"> {
  constructor(private readonly site: WazoSite) {}

  private get http() {
    return this.site.http;
  }

  idOf(g: UserGroupModel): string {
    return g.id;
  }

  async create(raw: UserGroupInput, _options: CreateOptions = {}): Promise<UserGroupModel> {
    const input = checked(UserGroupCreateSchema, raw, { method: "POST", path: `${this.http.base.confd}/groups` });
    const name = input.name.trim();
    const holder = await this.find({ name });
    if (holder) throw taken(holder.id, name, this.http.base.confd);
    const g = await this.http.request<Group>({
      method: "POST",
      path: "/groups",
      body: { label: name, ...strategyBody(input.ringStrategy ?? "allAtOnce", input.ringSeconds ?? DEFAULT_RING_SECONDS) },
      fields: GROUP_FIELDS,
      recover: async () => {
        const found = await this.find({ name });
        return found ? { value: { uuid: found.id } } : undefined;
      },
    });
    if (input.members && input.members.length > 0) {
      try {
        await this.putMembers(g.uuid, input.members);
      } catch (e) {
        // A group without the members asked for is not what the program declared: take it back.
        await this.http.request({ method: "DELETE", path: `/groups/${g.uuid}` }).catch(() => undefined);
        throw e;
      }
    }
    return this.get(g.uuid);
  }

  async get(id: string): Promise<UserGroupModel> {
    const g = await this.http.request<Group>({ method: "GET", path: `/groups/${encodeURIComponent(id)}` });
    return this.modelOf(g);
  }

  async update(id: string, raw: UserGroupInput): Promise<UserGroupModel> {
    const input = checked(UserGroupUpdateSchema, raw, { method: "PUT", path: `${this.http.base.confd}/groups/${id}` });
    const g = await this.http.request<Group>({ method: "GET", path: `/groups/${encodeURIComponent(id)}` });
    const current = this.modelOf(g);
    const put: Record<string, unknown> = {};
    if (input.name !== undefined && input.name.trim() !== g.label) {
      const holder = await this.find({ name: input.name.trim() });
      if (holder && holder.id !== g.uuid) throw taken(holder.id, input.name.trim(), this.http.base.confd);
      put.label = input.name.trim();
    }
    if (input.ringStrategy !== undefined || input.ringSeconds !== undefined) {
      Object.assign(put, strategyBody(input.ringStrategy ?? current.ringStrategy, input.ringSeconds ?? current.ringSeconds));
    }
    if (Object.keys(put).length) await this.http.request({ method: "PUT", path: `/groups/${g.uuid}`, body: put, fields: GROUP_FIELDS });
    if (input.members !== undefined && input.members.join("\n") !== current.members.join("\n")) await this.putMembers(g.uuid, input.members);
    return this.get(g.uuid);
  }

  async delete(id: string): Promise<void> {
    await this.http.request({ method: "DELETE", path: `/groups/${encodeURIComponent(id)}` });
  }

  async find({ name }: { name: string }): Promise<UserGroupModel | undefined> {
    const found = await this.site.listAll<Group>("/groups", { label: name.trim() });
    const hit = found.find((g) => g.label === name.trim());
    return hit ? this.modelOf(hit) : undefined;
  }

  async list(): Promise<UserGroupModel[]> {
    return (await this.site.listAll<Group>("/groups")).map((g) => this.modelOf(g));
  }

  modelOf(g: Group): UserGroupModel {
    this.site.rememberGroup(g);
    const linear = g.ring_strategy !== "all";
    const ringSeconds = (linear ? g.user_timeout : (g.timeout ?? g.user_timeout)) ?? DEFAULT_RING_SECONDS;
    const users = [...(g.members?.users ?? [])].map((u, i) => ({ ...u, i })).sort((a, b) => (a.priority ?? a.i) - (b.priority ?? b.i) || a.i - b.i);
    return {
      id: g.uuid,
      site: this.site.name,
      name: g.label,
      members: users.map((u) => u.uuid),
      ringStrategy: linear ? "inOrder" : "allAtOnce",
      ringSeconds,
      // A Wazo queue's members are users and agents, not groups: no link to read (capabilities.ts refuses one).
      queue: null,
    };
  }

  /** Members in our order: priority = position (Wazo uses it for the linear strategy). */
  private async putMembers(uuid: string, members: string[]): Promise<void> {
    try {
      await this.http.request({ method: "PUT", path: `/groups/${uuid}/members/users`, body: { users: members.map((m, priority) => ({ uuid: m, priority })) }, fields: GROUP_FIELDS });
    } catch (e) {
      // confd answers 400/404 for a member that is not a user of the tenant: name our field.
      if (e instanceof PbxNotFoundError) throw invalid("members", `a member is not a user of this Wazo tenant: ${e.message.split(": ").slice(1).join(": ")}`);
      throw e;
    }
  }
}

function taken(id: string, name: string, base: string): PbxConflictError {
  return new PbxConflictError({
    method: "POST",
    path: `${base}/groups`,
    status: 409,
    code: "conflict",
    detail: `group name "${name}" is already used by user group ${id}`,
    existing: { type: "userGroup", id, key: `name ${name}` },
  });
}
