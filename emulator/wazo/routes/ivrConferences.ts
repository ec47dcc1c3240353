/**
 * IVRs and conferences (`plugins/ivr`, `plugins/conference`), enough for
 * incall destinations: the driver finds them by name; tests create them.
 */
import type { FastifyInstance } from "fastify";
import { checkDestination, normaliseDestination, stripUndefined } from "../domain";
import { notFound } from "../errors";
import { list, listTenants, serve, type Call } from "../http";
import type { ConferenceRow, Destination, IncallRow, IvrRow } from "../model";
import type { WazoState } from "../state";

function getRow<T extends { tenant_uuid: string }>(c: Call, kind: "ivr" | "conference", resource: string, id: string): T {
  const row = c.state.store.get<T>(kind, id);
  if (!row || !c.visible.includes(row.tenant_uuid)) throw notFound(resource, { id: Number(id) });
  return row;
}

function inUse(c: Call, type: string, key: string, id: number): IncallRow | undefined {
  return c.state.store.all<IncallRow>("incall").find((i) => i.destination.type === type && i.destination[key] === id);
}

export function ivrConferenceRoutes(app: FastifyInstance, state: WazoState): void {
  serve(app, state, "listIvrs", (c) =>
    list(c.state.store.all<IvrRow>("ivr").filter((i) => listTenants(c).includes(i.tenant_uuid)), c.query, { columns: { id: (i) => i.id, name: (i) => i.name, description: (i) => i.description }, defaultSort: "name" }, (i) => c.view.ivr(i)),
  );
  serve(app, state, "getIvr", (c) => ({ status: 200, body: c.view.ivr(getRow<IvrRow>(c, "ivr", "IVR", c.params.ivr_id)) }));
  serve(app, state, "createIvr", (c) => {
    const b = c.body as Partial<IvrRow> & { name: string; menu_sound: string };
    const dests = [b.invalid_destination, b.timeout_destination, b.abort_destination, ...(b.choices ?? []).map((ch) => ch.destination)].filter((d): d is Destination => !!d);
    for (const d of dests) checkDestination(c, d);
    const row: IvrRow = {
      description: null,
      greeting_sound: null,
      invalid_sound: null,
      abort_sound: null,
      timeout: 5,
      max_tries: 3,
      ...(stripUndefined(b) as Partial<IvrRow>),
      invalid_destination: b.invalid_destination ? normaliseDestination(b.invalid_destination) : null,
      timeout_destination: b.timeout_destination ? normaliseDestination(b.timeout_destination) : null,
      abort_destination: b.abort_destination ? normaliseDestination(b.abort_destination) : null,
      choices: (b.choices ?? []).map((ch) => ({ exten: ch.exten, destination: normaliseDestination(ch.destination) })),
      id: c.state.store.nextId("ivr"),
      tenant_uuid: c.tenant,
      name: b.name,
      menu_sound: b.menu_sound,
    };
    return { status: 201, body: c.view.ivr(c.state.store.put("ivr", row.id, row)) };
  });
  serve(app, state, "deleteIvr", (c) => {
    const i = getRow<IvrRow>(c, "ivr", "IVR", c.params.ivr_id);
    // Incalls that pointed at it go nowhere.
    for (const incall of c.state.store.all<IncallRow>("incall")) if (incall.destination.type === "ivr" && incall.destination.ivr_id === i.id) c.state.store.put<IncallRow>("incall", incall.id, { ...incall, destination: { type: "none" } });
    c.state.store.delete("ivr", i.id);
    return { status: 204 };
  });

  serve(app, state, "listConferences", (c) =>
    list(c.state.store.all<ConferenceRow>("conference").filter((x) => listTenants(c).includes(x.tenant_uuid)), c.query, { columns: { id: (x) => x.id, name: (x) => x.name, preprocess_subroutine: (x) => x.preprocess_subroutine }, defaultSort: "name" }, (x) => c.view.conference(x)),
  );
  serve(app, state, "getConference", (c) => ({ status: 200, body: c.view.conference(getRow<ConferenceRow>(c, "conference", "Conference", c.params.conference_id)) }));
  serve(app, state, "createConference", (c) => {
    const row: ConferenceRow = {
      name: null,
      preprocess_subroutine: null,
      max_users: 50,
      record: false,
      pin: null,
      admin_pin: null,
      quiet_join_leave: false,
      announce_join_leave: false,
      announce_user_count: false,
      announce_only_user: true,
      music_on_hold: null,
      ...(stripUndefined(c.body as Partial<ConferenceRow>) as Partial<ConferenceRow>),
      id: c.state.store.nextId("conference"),
      tenant_uuid: c.tenant,
    };
    return { status: 201, body: c.view.conference(c.state.store.put("conference", row.id, row)) };
  });
  serve(app, state, "deleteConference", (c) => {
    const cf = getRow<ConferenceRow>(c, "conference", "Conference", c.params.conference_id);
    // Incalls that pointed at it go nowhere.
    for (let incall = inUse(c, "conference", "conference_id", cf.id); incall; incall = inUse(c, "conference", "conference_id", cf.id)) {
      c.state.store.put<IncallRow>("incall", incall.id, { ...incall, destination: { type: "none" } });
    }
    c.state.store.delete("conference", cf.id);
    return { status: 204 };
  });
}
