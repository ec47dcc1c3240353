/**
 * Incoming numbers on Wazo: an incall (its destination and description) plus
 * an extension in the tenant's incall context holding the DID. Our id is the
 * incall's integer id, as a string.
 *
 * Requests:
 * - create: GET /extensions?exten&context (is the DID free?), POST /incalls,
 *   POST /extensions (or the free extension already there), PUT
 *   /incalls/{id}/extensions/{ext}; then GET /incalls/{id};
 * - read: GET /incalls/{id} (+ GET /users/{id}, GET /voicemails/{id} or the
 *   group listing to turn Wazo's integer ids into ours, cached);
 * - update: GET /incalls/{id}, PUT /incalls/{id}, PUT /extensions/{ext} when
 *   the number changes; then the read;
 * - delete: GET /incalls/{id}, DELETE /incalls/{id}/extensions/{ext}, DELETE
 *   /extensions/{ext}, DELETE /incalls/{id}: confd's incall delete only
 *   dissociates the extension, which would stay behind as an orphan.
 *
 * The DID: Wazo extens are digits (`^[*#0-9]+$`), so the E.164 number is
 * stored without its "+" and read back with it.
 *
 * The owner mark: an incall's only free text is its description, which is
 * also ours, so the mark goes on a last line of it (`pulumi-pbx:<digest>`)
 * and is taken off again on read: the description reads as the program set it.
 */
import { PbxConflictError, PbxNotFoundError } from "../../errors";
import { IncomingNumberCreateSchema, IncomingNumberUpdateSchema, type Destination } from "../../schemas/incomingNumber";
import type { CreateOptions, IncomingNumberInput, IncomingNumberModel, KindDriver } from "../driver";
import { DEFAULT_NUMBER_RING_SECONDS } from "./capabilities";
import { Items, WazoSite, checked, invalid } from "./site";

export const INCALL_FIELDS: Record<string, string> = {
  destination: "destination",
  description: "description",
  exten: "number",
  context: "number",
  range: "number",
  user_id: "destination.userId",
  group_id: "destination.groupId",
  voicemail_id: "destination.userId",
  ivr_id: "destination.name",
  conference_id: "destination.room",
  ring_time: "ringSeconds",
};

/** A Wazo destination as it comes back (type plus type-specific fields, plus names). */
export type WazoDestination = { type: string } & Record<string, unknown>;

interface Incall {
  id: number;
  description?: string | null;
  destination: WazoDestination;
  extensions?: Array<{ id: number; exten: string; context: string }>;
}

export const didOf = (number: string) => number.replace(/^\+/, "");

/** Owner marks of the models this driver returned. */
const marks = new WeakMap<object, string>();
const MARK_LINE = /(^|\n)(pulumi-pbx:[0-9a-f]{8,64})$/;

/** The description Wazo keeps: ours, and the owner mark on a line of its own. */
export function withMark(description: string | null | undefined, mark: string | undefined): string | null | undefined {
  if (!mark) return description;
  return description === undefined || description === null ? mark : `${description}\n${mark}`;
}

/** A description as Wazo keeps it → ours and the mark. */
export function splitMark(stored: string | null | undefined): { description: string | null; mark?: string } {
  if (!stored) return { description: stored ?? null };
  const m = MARK_LINE.exec(stored);
  if (!m) return { description: stored };
  const rest = stored.slice(0, m.index);
  return { description: m[1] === "" ? null : rest, mark: m[2] };
}
export const numberOf = (exten: string) => (/^\d+$/.test(exten) ? `+${exten}` : exten);

export class WazoIncomingNumbers implements KindDriver<"incomingNumber"> {
  constructor(private readonly site: WazoSite) {}

  private get http() {
    return this.site.http;
  }

  idOf(n: IncomingNumberModel): string {
    return n.id;
  }

  ownerMarkOf(n: IncomingNumberModel): string | undefined {
    return marks.get(n);
  }

  async create(raw: IncomingNumberInput, options: CreateOptions = {}): Promise<IncomingNumberModel> {
    const input = checked(IncomingNumberCreateSchema, raw, { method: "POST", path: `${this.http.base.confd}/incalls` });
    const holder = await this.find({ number: input.number });
    if (holder) throw taken(holder.id, input.number, this.http.base.confd);
    const ctx = await this.site.context("incall");
    const destination = await this.destinationBody(input.destination ?? { type: "none" }, input.ringSeconds);
    const stored = withMark(input.description, options.ownerMark);
    const description = stored ?? null;
    const incall = await this.http.request<Incall>({
      method: "POST",
      path: "/incalls",
      body: { destination, ...(stored !== undefined ? { description: stored } : {}) },
      fields: INCALL_FIELDS,
      // Wazo has no idempotency keys and the DID is associated only afterwards, so an
      // attempt that landed before failing left an incall with no extension: the
      // newest such incall with the same destination and description is that one.
      recover: async () => {
        const orphans = (await this.site.listAll<Incall>("/incalls")).filter(
          (i) => (i.extensions ?? []).length === 0 && i.destination?.type === destination.type && (i.description ?? null) === description,
        );
        const newest = orphans.sort((a, b) => b.id - a.id)[0];
        return newest ? { value: newest } : undefined;
      },
    });
    try {
      const ext = await this.extensionFor(didOf(input.number), ctx.name);
      await this.associate(incall.id, ext);
    } catch (e) {
      // An incall without its DID is useless: take it back rather than leave an orphan.
      await this.http.request({ method: "DELETE", path: `/incalls/${incall.id}` }).catch(() => undefined);
      throw e;
    }
    return this.get(String(incall.id));
  }

  async get(id: string): Promise<IncomingNumberModel> {
    return this.modelOf(await this.http.request<Incall>({ method: "GET", path: `/incalls/${encodeURIComponent(id)}` }));
  }

  async update(id: string, raw: IncomingNumberInput): Promise<IncomingNumberModel> {
    const input = checked(IncomingNumberUpdateSchema, raw, { method: "PUT", path: `${this.http.base.confd}/incalls/${id}` });
    const incall = await this.http.request<Incall>({ method: "GET", path: `/incalls/${encodeURIComponent(id)}` });
    const put: Record<string, unknown> = {};
    if (input.destination !== undefined || input.ringSeconds !== undefined) {
      const dest = input.destination ?? (await this.destinationOf(incall.destination));
      put.destination = await this.destinationBody(dest, input.ringSeconds ?? ringSecondsOf(incall.destination));
    }
    if (input.description !== undefined) {
      const current = splitMark(incall.description);
      if (input.description !== current.description) put.description = withMark(input.description, current.mark);
    }
    if (Object.keys(put).length) await this.http.request({ method: "PUT", path: `/incalls/${incall.id}`, body: put, fields: INCALL_FIELDS });
    const ext = incall.extensions?.[0];
    if (input.number !== undefined && (!ext || ext.exten !== didOf(input.number))) {
      const holder = await this.find({ number: input.number });
      if (holder && holder.id !== String(incall.id)) throw taken(holder.id, input.number, this.http.base.confd);
      if (ext) {
        await this.http.request({ method: "PUT", path: `/extensions/${ext.id}`, body: { exten: didOf(input.number) }, fields: INCALL_FIELDS });
      } else {
        const ctx = await this.site.context("incall");
        const extId = await this.extensionFor(didOf(input.number), ctx.name);
        await this.associate(incall.id, extId);
      }
    }
    return this.get(String(incall.id));
  }

  async delete(id: string): Promise<void> {
    const incall = await this.http.request<Incall>({ method: "GET", path: `/incalls/${encodeURIComponent(id)}` });
    for (const ext of incall.extensions ?? []) {
      // A retried delete may find these already done: gone is fine here.
      await this.http.request({ method: "DELETE", path: `/incalls/${incall.id}/extensions/${ext.id}` }).catch((e: unknown) => {
        if (!(e instanceof PbxNotFoundError)) throw e;
      });
      await this.http.request({ method: "DELETE", path: `/extensions/${ext.id}` }).catch((e: unknown) => {
        if (!(e instanceof PbxNotFoundError)) throw e;
      });
    }
    await this.http.request({ method: "DELETE", path: `/incalls/${incall.id}` });
  }

  async find({ number }: { number: string }): Promise<IncomingNumberModel | undefined> {
    const ctx = await this.site.context("incall");
    const did = didOf(number);
    const found = await this.http.request<Items<{ exten: string; context: string; incall?: { id: number } | null }>>({
      method: "GET",
      path: "/extensions",
      query: { exten: did, context: ctx.name },
    });
    const ext = (found?.items ?? []).find((e) => e.exten === did && e.context === ctx.name);
    if (!ext?.incall) return undefined;
    return this.get(String(ext.incall.id)).catch((e: unknown) => {
      if (e instanceof PbxNotFoundError) return undefined;
      throw e;
    });
  }

  async list(): Promise<IncomingNumberModel[]> {
    const all = await this.site.listAll<Incall>("/incalls");
    return Promise.all(all.map((i) => this.modelOf(i)));
  }

  async modelOf(incall: Incall): Promise<IncomingNumberModel> {
    const ext = incall.extensions?.[0];
    const { description, mark } = splitMark(incall.description);
    const model: IncomingNumberModel = {
      id: String(incall.id),
      site: this.site.name,
      number: ext ? numberOf(ext.exten) : "",
      destination: await this.destinationOf(incall.destination),
      ringSeconds: ringSecondsOf(incall.destination),
      description,
      // confd has no SMS routing for an incall (capabilities.ts refuses any other).
      sms: { type: "none" },
    };
    if (mark) marks.set(model, mark);
    return model;
  }

  /**
   * Wazo's destination as ours. Destinations we do not model (queue, sound,
   * application, custom, extension, outcall, switchboard) read as a dial plan
   * named `wazo:<type>`, a name no IVR lookup of ours produces, so a change
   * made in Wazo to one of them shows as a difference in `destination`.
   */
  async destinationOf(d: WazoDestination): Promise<Destination> {
    switch (d.type) {
      case "none":
        return { type: "none" };
      case "hangup":
        return { type: "hangup" };
      case "user":
        return { type: "user", userId: await this.site.userUuid(Number(d.user_id)) };
      case "group": {
        const uuid = await this.site.groupUuid(Number(d.group_id));
        return { type: "userGroup", groupId: uuid ?? `group-${String(d.group_id)}` };
      }
      case "voicemail": {
        const vm = await this.http.request<{ users?: Array<{ uuid: string }> }>({ method: "GET", path: `/voicemails/${Number(d.voicemail_id)}` });
        return { type: "voicemail", userId: vm?.users?.[0]?.uuid ?? `voicemail-${String(d.voicemail_id)}` };
      }
      case "ivr":
        return { type: "dialPlan", name: typeof d.ivr_name === "string" ? d.ivr_name : await this.nameOf("/ivr", Number(d.ivr_id)) };
      case "conference":
        return { type: "conference", room: typeof d.conference_name === "string" ? d.conference_name : await this.nameOf("/conferences", Number(d.conference_id)) };
      default:
        return { type: "dialPlan", name: `wazo:${d.type}` };
    }
  }

  /** Our destination as Wazo's; `ringSeconds` goes into `ring_time` where Wazo has one. */
  async destinationBody(d: Destination, ringSeconds: number | undefined): Promise<Record<string, unknown>> {
    const ring = ringSeconds ?? DEFAULT_NUMBER_RING_SECONDS;
    switch (d.type) {
      case "none":
        return { type: "none" };
      case "hangup":
        return { type: "hangup", cause: "normal" };
      case "user":
        return { type: "user", user_id: await this.site.userIntId(d.userId).catch(gone("destination.userId", `user ${d.userId}`)), ring_time: ring };
      case "userGroup":
        return { type: "group", group_id: await this.site.groupIntId(d.groupId).catch(gone("destination.groupId", `user group ${d.groupId}`)), ring_time: ring };
      case "voicemail": {
        const u = await this.site.getUser(d.userId).catch(gone("destination.userId", `user ${d.userId}`));
        if (!u.voicemail) throw invalid("destination.userId", `user ${d.userId} has no voicemail`);
        return { type: "voicemail", voicemail_id: u.voicemail.id };
      }
      case "dialPlan":
        return { type: "ivr", ivr_id: await this.idByName("/ivr", d.name, "destination.name", "IVR") };
      case "conference":
        return { type: "conference", conference_id: await this.idByName("/conferences", d.room, "destination.room", "conference") };
    }
  }

  /** The id of the IVR or conference named `name` (an exact match of a search). */
  private async idByName(path: string, name: string, field: string, what: string): Promise<number> {
    const found = await this.site.listAll<{ id: number; name?: string | null }>(path, { search: name });
    const hit = found.find((o) => o.name === name);
    if (!hit) throw invalid(field, `the Wazo tenant has no ${what} named "${name}"`);
    return hit.id;
  }

  private async nameOf(path: string, id: number): Promise<string> {
    const o = await this.http.request<{ name?: string | null }>({ method: "GET", path: `${path}/${id}` });
    return o?.name ?? `${path.slice(1)}-${id}`;
  }

  /**
   * Gives the incall its DID. confd refuses an association that is already there
   * ("Incall is associated with a Extension"), so a retry after a lost answer
   * first looks whether the earlier attempt made it.
   */
  private async associate(incallId: number, extensionId: number): Promise<void> {
    await this.http.request({
      method: "PUT",
      path: `/incalls/${incallId}/extensions/${extensionId}`,
      fields: INCALL_FIELDS,
      recover: async () => {
        const incall = await this.http.request<Incall>({ method: "GET", path: `/incalls/${incallId}` });
        return (incall.extensions ?? []).some((x) => x.id === extensionId) ? { value: undefined } : undefined;
      },
    });
  }

  /** The id of an extension for the DID: a new one, or a free one already there (left by a delete in the console). */
  private async extensionFor(exten: string, context: string): Promise<number> {
    const freeOne = async (): Promise<number | undefined> => {
      const found = await this.http.request<Items<{ id: number; exten: string; context: string; incall?: unknown; lines?: unknown[]; group?: unknown; conference?: unknown; queue?: unknown; outcall?: unknown; parking_lot?: unknown }>>({
        method: "GET",
        path: "/extensions",
        query: { exten, context },
      });
      return (found?.items ?? []).find((x) => x.exten === exten && x.context === context && !x.incall && !x.lines?.length && !x.group && !x.conference && !x.queue && !x.outcall && !x.parking_lot)?.id;
    };
    try {
      const ext = await this.http.request<{ id: number }>({
        method: "POST",
        path: "/extensions",
        body: { exten, context },
        fields: INCALL_FIELDS,
        // An attempt that landed left the extension there, free.
        recover: async () => {
          const id = await freeOne();
          return id === undefined ? undefined : { value: { id } };
        },
      });
      return ext.id;
    } catch (e) {
      if (!(e instanceof PbxConflictError)) throw e;
      const id = await freeOne();
      if (id === undefined) throw e;
      return id;
    }
  }
}

/** ring_time of user and group destinations; others have none, and read as our default. */
function ringSecondsOf(d: WazoDestination): number {
  if ((d.type === "user" || d.type === "group") && typeof d.ring_time === "number") return Math.round(d.ring_time);
  return DEFAULT_NUMBER_RING_SECONDS;
}

/** A 404 on an object a destination names is a problem with that field, not "this incall is gone". */
function gone(field: string, what: string) {
  return (e: unknown): never => {
    if (e instanceof PbxNotFoundError) throw invalid(field, `${what} does not exist on this Wazo tenant`);
    throw e;
  };
}

function taken(id: string, number: string, base: string): PbxConflictError {
  return new PbxConflictError({
    method: "POST",
    path: `${base}/incalls`,
    status: 409,
    code: "conflict",
    detail: `number ${number} is already used by incoming number ${id}`,
    existing: { type: "incomingNumber", id, key: `number ${number}` },
  });
}
