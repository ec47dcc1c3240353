/**
 * Forwardings on Wazo: a user's three forwards (`/users/{uuid}/forwards`:
 * busy, noanswer, unconditional — each one destination and an enabled flag)
 * and its no-answer fallback (`/users/{uuid}/fallbacks`), where "voicemail as
 * a last resort" lives. Our id is the user's uuid.
 *
 * Requests:
 * - create: the read below (a forwarding already on is a conflict: PUT would
 *   silently replace what someone set in the console), then as update;
 * - read: GET /users/{uuid}/forwards and GET /users/{uuid}/fallbacks (+ GET
 *   /extensions?exten&context to tell a user's extension from a number);
 * - update: PUT /users/{uuid}/forwards (all three), and, when the voicemail
 *   fallback changes, GET /users/{uuid} (its voicemail id) and PUT
 *   /users/{uuid}/fallbacks — that PUT replaces all four fallbacks, so the
 *   busy, congestion and fail fallbacks are sent back as they were;
 * - delete: the three forwards disabled with no destination, and the
 *   no-answer fallback removed if it is the voicemail.
 *
 * The model: mode "forward" ↔ at least one forward enabled, or the voicemail
 * fallback; "off" ↔ none. In mode "forward" a list holds the step of an
 * enabled forward; in mode "off" a list holds the destination a disabled
 * forward keeps (Wazo keeps it, so a program can stage one). A step to a user
 * is sent as that user's extension and read back as the user when the
 * destination is an extension of the internal context.
 */
import { PbxConflictError, PbxNotFoundError } from "../../errors";
import { ForwardingCreateSchema, type ForwardingStep } from "../../schemas/forwarding";
import type { CreateOptions, ForwardingInput, ForwardingModel, KindDriver } from "../driver";
import { DEFAULT_STEP_RING_SECONDS } from "./capabilities";
import { DESTINATION_FIELDS } from "./spec/schemas";
import { Items, WazoSite, checked, invalid } from "./site";

type ForwardName = "busy" | "noanswer" | "unconditional";
/** Our lists ↔ Wazo's forwards. */
export const FORWARD_OF = { onBusy: "busy", onNoAnswer: "noanswer", always: "unconditional" } as const satisfies Record<string, ForwardName>;

export const FORWARD_FIELDS: Record<string, string> = {
  busy: "onBusy",
  noanswer: "onNoAnswer",
  unconditional: "always",
  noanswer_destination: "voicemailLastResort",
  destination: "",
};

interface Forward {
  enabled: boolean;
  destination: string | null;
}
type Forwards = Record<ForwardName, Forward>;
type Fallback = ({ type: string } & Record<string, unknown>) | null;
interface Fallbacks {
  noanswer_destination: Fallback;
  busy_destination: Fallback;
  congestion_destination: Fallback;
  fail_destination: Fallback;
}

export class WazoForwardings implements KindDriver<"forwarding"> {
  constructor(private readonly site: WazoSite) {}

  private get http() {
    return this.site.http;
  }

  idOf(f: ForwardingModel): string {
    return f.userId;
  }

  async create(input: ForwardingInput, _options: CreateOptions = {}): Promise<ForwardingModel> {
    const existing = await this.get(input.userId).catch((e: unknown) => {
      if (e instanceof PbxNotFoundError) throw invalid("userId", `user ${input.userId} does not exist on this Wazo tenant`);
      throw e;
    });
    if (existing.mode !== "off") {
      throw new PbxConflictError({
        method: "PUT",
        path: `${this.http.base.confd}/users/${input.userId}/forwards`,
        status: 409,
        code: "conflict",
        detail: `Forwarding ${input.userId} already exists`,
        existing: { type: "Forwarding", id: input.userId, key: `forwarding of user ${input.userId}` },
      });
    }
    return this.update(input.userId, input);
  }

  async get(id: string): Promise<ForwardingModel> {
    const user = encodeURIComponent(id);
    const [forwards, fallbacks] = await Promise.all([
      this.http.request<Forwards>({ method: "GET", path: `/users/${user}/forwards` }),
      this.http.request<Fallbacks>({ method: "GET", path: `/users/${user}/fallbacks` }),
    ]);
    return this.modelOf(id, forwards, fallbacks);
  }

  /** Our forwarding of a user from its forwards and fallbacks (as GET …/forwards and …/fallbacks, or a user body, carry them). */
  async modelOf(id: string, forwards: Forwards | undefined, fallbacks: Fallbacks | undefined): Promise<ForwardingModel> {
    const vmLastResort = fallbacks?.noanswer_destination?.type === "voicemail";
    const on = (Object.values(FORWARD_OF) as ForwardName[]).some((n) => forwards?.[n]?.enabled);
    const mode = on || vmLastResort ? "forward" : "off";
    const steps = async (name: ForwardName): Promise<ForwardingModel["onBusy"]> => {
      const f = forwards?.[name];
      if (!f?.destination || (mode === "forward" && !f.enabled)) return [];
      return [await this.stepOf(f.destination)];
    };
    return {
      id,
      site: this.site.name,
      userId: id,
      mode,
      onNoAnswer: await steps("noanswer"),
      onBusy: await steps("busy"),
      always: await steps("unconditional"),
      whenUnreachable: [],
      voicemailLastResort: vmLastResort,
      followMe: [],
      // Wazo's forwards have none of these options: they read as our defaults (capabilities.ts refuses others).
      ringStrategy: "inOrder",
      requireKeyPress: false,
      directCallsOnly: false,
      forwardedCallerId: "caller",
    };
  }

  async update(_id: string, raw: ForwardingInput): Promise<ForwardingModel> {
    const input = { ...checked(ForwardingCreateSchema, raw, { method: "PUT", path: `${this.http.base.confd}/users/${raw.userId}/forwards` }), userId: raw.userId };
    const user = encodeURIComponent(input.userId);
    const enabled = input.mode === "forward";
    const body: Record<string, Forward> = {};
    for (const [list, name] of Object.entries(FORWARD_OF) as Array<[keyof typeof FORWARD_OF, ForwardName]>) {
      const step = (input[list] ?? [])[0];
      const destination = step ? await this.destinationOf(step, list) : null;
      body[name] = { enabled: enabled && destination !== null, destination };
    }
    await this.http.request({ method: "PUT", path: `/users/${user}/forwards`, body, fields: FORWARD_FIELDS });
    await this.setVoicemailFallback(input.userId, enabled && input.voicemailLastResort === true);
    return this.get(input.userId);
  }

  async delete(id: string): Promise<void> {
    const user = encodeURIComponent(id);
    const off = { enabled: false, destination: null };
    await this.http.request({ method: "PUT", path: `/users/${user}/forwards`, body: { busy: off, noanswer: off, unconditional: off } });
    await this.setVoicemailFallback(id, false);
  }

  async find({ userId }: { userId: string }): Promise<ForwardingModel | undefined> {
    try {
      const f = await this.get(userId);
      return f.mode !== "off" ? f : undefined;
    } catch (e) {
      if (e instanceof PbxNotFoundError) return undefined;
      throw e;
    }
  }

  async list(): Promise<ForwardingModel[]> {
    // A confd user body carries its forwards and fallbacks: one paged list reads them all.
    const users = await this.site.listAll<{ uuid: string; id: number; forwards?: Forwards; fallbacks?: Fallbacks }>("/users");
    const all = await Promise.all(
      users.map(async (u) => {
        this.site.rememberUser(u);
        return u.forwards && u.fallbacks ? this.modelOf(u.uuid, u.forwards, u.fallbacks) : this.find({ userId: u.uuid });
      }),
    );
    return all.filter((f): f is ForwardingModel => f !== undefined && f.mode !== "off");
  }

  /** Sets or removes the voicemail as the no-answer fallback, keeping the other three fallbacks. */
  private async setVoicemailFallback(userId: string, on: boolean): Promise<void> {
    const user = encodeURIComponent(userId);
    const current = await this.http.request<Fallbacks>({ method: "GET", path: `/users/${user}/fallbacks` });
    const isVm = current?.noanswer_destination?.type === "voicemail";
    if (on === isVm) return;
    let noanswer: Fallback = null;
    if (on) {
      const u = await this.site.getUser(userId);
      if (!u.voicemail) throw invalid("voicemailLastResort", `user ${userId} has no voicemail on Wazo: enable the user's voicemail first`);
      noanswer = { type: "voicemail", voicemail_id: u.voicemail.id };
    } else if (!isVm) {
      noanswer = writable(current?.noanswer_destination ?? null);
    }
    await this.http.request({
      method: "PUT",
      path: `/users/${user}/fallbacks`,
      body: {
        noanswer_destination: noanswer,
        busy_destination: writable(current?.busy_destination ?? null),
        congestion_destination: writable(current?.congestion_destination ?? null),
        fail_destination: writable(current?.fail_destination ?? null),
      },
      fields: FORWARD_FIELDS,
    });
  }

  /** A step as a forward destination: the number, or the user's extension. */
  private async destinationOf(step: { userId?: string; number?: string }, list: string): Promise<string> {
    if (step.number) return step.number;
    if (!step.userId) throw invalid(`${list}.0`, "a step needs a user or a number");
    const u = await this.site.getUser(step.userId).catch((e: unknown) => {
      if (e instanceof PbxNotFoundError) throw invalid(`${list}.0.userId`, `user ${step.userId} does not exist on this Wazo tenant`);
      throw e;
    });
    const main = await this.site.mainLine(u);
    if (!main?.extension) throw invalid(`${list}.0.userId`, `user ${step.userId} has no extension to forward to`);
    return main.extension.exten;
  }

  /** A forward destination as a step: a user when it is an extension of one, else the number. */
  private async stepOf(destination: string): Promise<ForwardingStep> {
    if (/^\d+$/.test(destination)) {
      const internal = await this.site.context("internal").catch(() => undefined);
      if (internal) {
        const found = await this.http.request<Items<{ exten: string; context: string; lines?: Array<{ id: number }> }>>({
          method: "GET",
          path: "/extensions",
          query: { exten: destination, context: internal.name },
        });
        const lineId = (found?.items ?? []).find((e) => e.exten === destination && e.context === internal.name)?.lines?.[0]?.id;
        if (lineId !== undefined) {
          const line = await this.http.request<{ users?: Array<{ uuid: string }> }>({ method: "GET", path: `/lines/${lineId}` });
          const uuid = line?.users?.[0]?.uuid;
          if (uuid) return { userId: uuid, ringSeconds: DEFAULT_STEP_RING_SECONDS };
        }
      }
    }
    return { number: destination, ringSeconds: DEFAULT_STEP_RING_SECONDS };
  }
}

/**
 * A fallback as Wazo answered it, cut down to the fields a PUT takes: Wazo
 * adds names (`user_firstname`, `group_label`, …) that it would ignore, and
 * sending back only what it reads keeps the request exactly an operation of
 * its API.
 */
export function writable(d: Fallback): Fallback {
  if (!d) return null;
  const fields = (DESTINATION_FIELDS as Record<string, Record<string, unknown>>)[d.type];
  if (!fields) return { type: d.type };
  const out: Record<string, unknown> = { type: d.type };
  for (const k of Object.keys(fields)) if (d[k] !== undefined) out[k] = d[k];
  return out as Fallback;
}
