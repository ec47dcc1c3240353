/**
 * Devices on Wazo: a SIP device of a user is one more line of that user, with
 * its own SIP endpoint (the device's credentials) and no extension of its own
 * (the user's main line carries the extension; a call to it rings every line
 * of the user). Our id is the line's id.
 *
 * What Wazo cannot hold here is refused at preview (capabilities.ts): MAC
 * provisioning with make and model (a wazo-provd device associated with the
 * line, which the driver does not drive), the mobile app (it logs in with the
 * user's wazo-auth login, not a line) and SCCP phones.
 *
 * Requests:
 * - create: GET /endpoints/sip?search= (is the user name free?), GET
 *   /users/{uuid} (the owner exists), POST /lines with the SIP endpoint inline
 *   (name and auth username = our SIP user name, label = our device name,
 *   password ours or generated), PUT /users/{uuid}/lines/{id}; then the read;
 * - read: GET /lines/{id}, GET /endpoints/sip/{uuid};
 * - update: the read, then PUT /endpoints/sip/{uuid} (label; name and auth
 *   options: the list replaces the old one, so both username and password are sent),
 *   and to move it to another user DELETE /users/{old}/lines/{id} + PUT
 *   /users/{new}/lines/{id}; then the read;
 * - delete: DELETE /users/{uuid}/lines/{id}, DELETE /lines/{id} (its SIP
 *   endpoint goes with it).
 */
import { PbxConflictError, PbxNotFoundError } from "../../errors";
import { DeviceCreateSchema, DeviceUpdateSchema } from "../../schemas/device";
import type { DeviceInput, DeviceModel, KindDriver } from "../driver";
import { newSipCredentials } from "./users";
import { WazoSite, checked, invalid } from "./site";

/** Wazo field → our property path, for validation errors of device writes. */
export const DEVICE_FIELDS: Record<string, string> = {
  label: "name",
  name: "sipUsername",
  auth_section_options: "sipPassword",
  endpoint_sip: "sipUsername",
  context: "userId",
  user_id: "userId",
};

interface Line {
  id: number;
  endpoint_sip?: { uuid: string; name?: string } | null;
  extensions?: Array<{ id: number }>;
  users?: Array<{ uuid: string }>;
}
interface Endpoint {
  uuid: string;
  name: string;
  label?: string | null;
  auth_section_options?: Array<[string, string] | string[]>;
  line?: { id: number } | null;
}

const option = (e: Endpoint | undefined, key: string): string | undefined => (e?.auth_section_options ?? []).find((o) => o[0] === key)?.[1];
const authOptions = (username: string, password: string) => [["username", username], ["password", password]];

/** A line is a device when it is a user's, has a SIP endpoint, and no extension (a user's own line has one). */
const isDeviceLine = (l: Line | undefined): l is Line & { endpoint_sip: { uuid: string } } =>
  !!l && !!l.endpoint_sip && (l.extensions ?? []).length === 0 && (l.users ?? []).length > 0;

export class WazoDevices implements KindDriver<"device"> {
  constructor(private readonly site: WazoSite) {}

  private get http() {
    return this.site.http;
  }

  idOf(d: DeviceModel): string {
    return d.id;
  }

  async create(raw: DeviceInput): Promise<DeviceModel> {
    const where = { method: "POST" as const, path: `${this.http.base.confd}/lines` };
    const input = checked(DeviceCreateSchema, raw, where);
    if (input.protocol !== "sip" || input.type !== "sip" || !input.sipUsername) throw invalid("protocol", "only SIP desk phones and softphones map to Wazo lines", where);
    const username = input.sipUsername;
    await this.refuseTaken(username, undefined);
    await this.owner(input.userId);
    const internal = await this.site.context("internal");
    const password = input.sipPassword ?? newSipCredentials().password;
    this.http.addSecret(password);
    const line = await this.http.request<Line>({
      method: "POST",
      path: "/lines",
      body: { context: internal.name, endpoint_sip: { name: username, label: input.name, auth_section_options: authOptions(username, password) } },
      fields: DEVICE_FIELDS,
      // No idempotency key in Wazo: an attempt that landed left an endpoint with our name.
      recover: async () => {
        const e = await this.endpointNamed(username);
        return e?.line ? { value: { id: e.line.id } } : undefined;
      },
    });
    await this.associate(input.userId, line.id);
    return this.get(String(line.id));
  }

  async get(id: string): Promise<DeviceModel> {
    const line = await this.http.request<Line>({ method: "GET", path: `/lines/${encodeURIComponent(id)}` });
    if (!isDeviceLine(line)) throw gone(id, this.http.base.confd);
    const endpoint = await this.http.request<Endpoint>({ method: "GET", path: `/endpoints/sip/${line.endpoint_sip.uuid}` });
    return this.modelOf(line, endpoint);
  }

  async update(id: string, raw: Partial<DeviceInput>): Promise<DeviceModel> {
    const where = { method: "PUT" as const, path: `${this.http.base.confd}/lines/${id}` };
    const input = checked(DeviceUpdateSchema, raw, where);
    const line = await this.http.request<Line>({ method: "GET", path: `/lines/${encodeURIComponent(id)}` });
    if (!isDeviceLine(line)) throw gone(id, this.http.base.confd);
    const endpoint = await this.http.request<Endpoint>({ method: "GET", path: `/endpoints/sip/${line.endpoint_sip.uuid}` });
    const current = this.modelOf(line, endpoint);
    const username = input.sipUsername ?? current.sipUsername!;
    const password = input.sipPassword ?? current.sipPassword!;
    this.http.addSecret(password);
    const put: Record<string, unknown> = {};
    if (input.name !== undefined && input.name !== current.name) put.label = input.name;
    if (username !== current.sipUsername || password !== current.sipPassword) {
      if (username.toLowerCase() !== current.sipUsername!.toLowerCase()) await this.refuseTaken(username, id);
      // The section name follows the user name, so that a search by name finds the device.
      if (username !== endpoint.name) put.name = username;
      put.auth_section_options = authOptions(username, password);
    }
    if (Object.keys(put).length) await this.http.request({ method: "PUT", path: `/endpoints/sip/${endpoint.uuid}`, body: put, fields: DEVICE_FIELDS });
    if (input.userId !== undefined && input.userId !== current.userId) {
      await this.owner(input.userId);
      await this.http.request({ method: "DELETE", path: `/users/${encodeURIComponent(current.userId)}/lines/${line.id}` });
      await this.associate(input.userId, line.id);
    }
    return this.get(id);
  }

  async delete(id: string): Promise<void> {
    const line = await this.http.request<Line>({ method: "GET", path: `/lines/${encodeURIComponent(id)}` });
    if (!isDeviceLine(line)) throw gone(id, this.http.base.confd);
    for (const u of line.users ?? []) {
      await this.http.request({ method: "DELETE", path: `/users/${encodeURIComponent(u.uuid)}/lines/${line.id}` }).catch((e: unknown) => {
        if (!(e instanceof PbxNotFoundError)) throw e;
      });
    }
    await this.http.request({ method: "DELETE", path: `/lines/${line.id}` });
  }

  async find(key: { sipUsername: string } | { macAddress: string }): Promise<DeviceModel | undefined> {
    // A MAC is never on a Wazo device of ours (refused at preview).
    if (!("sipUsername" in key)) return undefined;
    const e = await this.endpointNamed(key.sipUsername);
    if (!e?.line) return undefined;
    return this.get(String(e.line.id)).catch((err: unknown) => {
      if (err instanceof PbxNotFoundError) return undefined; // a user's own line, or gone meanwhile
      throw err;
    });
  }

  async list(): Promise<DeviceModel[]> {
    const lines = (await this.site.listAll<Line>("/lines")).filter(isDeviceLine);
    const models = await Promise.all(
      lines.map(async (l) => {
        const e = await this.http.request<Endpoint>({ method: "GET", path: `/endpoints/sip/${l.endpoint_sip.uuid}` }).catch((err: unknown) => {
          if (err instanceof PbxNotFoundError) return undefined; // deleted while listing
          throw err;
        });
        return e && this.modelOf(l, e);
      }),
    );
    return models.filter((m): m is DeviceModel => m !== undefined);
  }

  private modelOf(line: Line, e: Endpoint): DeviceModel {
    const password = option(e, "password") ?? null;
    this.http.addSecret(password ?? undefined);
    return {
      id: String(line.id),
      site: this.site.name,
      name: e.label ?? e.name,
      userId: line.users![0].uuid,
      type: "sip",
      protocol: "sip",
      sipUsername: option(e, "username") ?? e.name,
      sipPassword: password,
      sipDomain: this.site.host,
      sipProxy: this.site.host,
      macAddress: null,
      make: null,
      model: null,
    };
  }

  /** The SIP endpoint registering as `username` (any case), a user's own or a device's. */
  private async endpointNamed(username: string): Promise<Endpoint | undefined> {
    const wanted = username.toLowerCase();
    const found = await this.site.listAll<Endpoint>("/endpoints/sip", { search: username });
    return found.find((e) => (option(e, "username") ?? e.name).toLowerCase() === wanted || e.name.toLowerCase() === wanted);
  }

  /** Our rule `sip_username_unique`: any SIP endpoint of the tenant, the users' own included. */
  private async refuseTaken(username: string, selfId: string | undefined): Promise<void> {
    const e = await this.endpointNamed(username);
    if (!e || (selfId !== undefined && String(e.line?.id) === selfId)) return;
    const line = e.line ? await this.http.request<Line>({ method: "GET", path: `/lines/${e.line.id}` }).catch(() => undefined) : undefined;
    const device = isDeviceLine(line);
    const holder = device ? { type: "device", id: String(line.id) } : { type: "user", id: line?.users?.[0]?.uuid ?? e.uuid };
    throw new PbxConflictError({
      method: "POST",
      path: `${this.http.base.confd}/lines`,
      status: 409,
      code: "conflict",
      detail: `SIP user name ${username} is already used by ${holder.type} ${holder.id}`,
      existing: { ...holder, key: `SIP user name ${username}` },
      issues: [{ path: ["sipUsername"], rule: "sip_username_unique", message: `SIP user name ${username} is taken` }],
    });
  }

  /** The owner must be a user of the tenant (our rule `device_user_missing`). */
  private async owner(userId: string): Promise<void> {
    await this.site.getUser(userId).catch((e: unknown) => {
      if (e instanceof PbxNotFoundError) throw invalid("userId", `user "${userId}" is not a user of this Wazo tenant`);
      throw e;
    });
  }

  private async associate(userId: string, lineId: number): Promise<void> {
    await this.http.request({
      method: "PUT",
      path: `/users/${encodeURIComponent(userId)}/lines/${lineId}`,
      fields: DEVICE_FIELDS,
      // confd refuses an association already made: after a lost answer, look first.
      recover: async () => {
        const l = await this.http.request<Line>({ method: "GET", path: `/lines/${lineId}` });
        return (l.users ?? []).some((x) => x.uuid === userId) ? { value: undefined } : undefined;
      },
    });
  }
}

function gone(id: string, base: string): PbxNotFoundError {
  return new PbxNotFoundError({ method: "GET", path: `${base}/lines/${id}`, status: 404, code: "not_found", detail: `device ${id} not found (no such line, or a user's own line)` });
}
