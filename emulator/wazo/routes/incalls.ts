/**
 * Incalls (`plugins/incall`, `incall_extension`): an incall is a destination;
 * its DID is an extension in an incall context, associated afterwards (one
 * per incall, not held by anything else).
 */
import type { FastifyInstance } from "fastify";
import { checkDestination, getContext, getExtension, getIncall, extensionOwner, normaliseDestination, stripUndefined } from "../domain";
import { resourceError } from "../errors";
import { list, listTenants, serve } from "../http";
import { INCALL_DEFAULTS, type Destination, type ExtensionRow, type IncallRow } from "../model";
import type { WazoState } from "../state";

export function incallRoutes(app: FastifyInstance, state: WazoState): void {
  serve(app, state, "listIncalls", (c) => {
    const exten = (i: IncallRow) => (i.extension_ids.length ? c.state.store.get<ExtensionRow>("extension", i.extension_ids[0])?.exten : undefined);
    return list(
      c.state.store.all<IncallRow>("incall").filter((i) => listTenants(c).includes(i.tenant_uuid)),
      c.query,
      {
        columns: {
          preprocess_subroutine: (i) => i.preprocess_subroutine,
          greeting_sound: (i) => i.greeting_sound,
          description: (i) => i.description,
          exten,
          user_id: (i) => (i.destination.type === "user" ? (i.destination.user_id as number) : null),
        },
        search: ["preprocess_subroutine", "greeting_sound", "description", "exten"],
        defaultSort: "exten",
      },
      (i) => c.view.incall(i),
    );
  });
  serve(app, state, "getIncall", (c) => ({ status: 200, body: c.view.incall(getIncall(c, c.params.incall_id)) }));
  serve(app, state, "createIncall", (c) => {
    const b = c.body as Partial<IncallRow> & { destination: Destination };
    checkDestination(c, b.destination);
    const row: IncallRow = { ...INCALL_DEFAULTS, ...stripUndefined(b), destination: normaliseDestination(b.destination), id: c.state.store.nextId("incall"), tenant_uuid: c.tenant, extension_ids: [] } as IncallRow;
    return { status: 201, body: c.view.incall(c.state.store.put("incall", row.id, row)) };
  });
  serve(app, state, "updateIncall", (c) => {
    const i = getIncall(c, c.params.incall_id);
    const b = c.body as Partial<IncallRow>;
    if (b.destination) checkDestination(c, b.destination);
    const next = { ...i, ...stripUndefined(b) } as IncallRow;
    if (b.destination) next.destination = normaliseDestination(b.destination);
    c.state.store.put("incall", i.id, next);
    return { status: 204 };
  });
  serve(app, state, "deleteIncall", (c) => {
    // The DID's extension is freed, not deleted.
    c.state.store.delete("incall", getIncall(c, c.params.incall_id).id);
    return { status: 204 };
  });
  serve(app, state, "associateIncallExtension", (c) => {
    const i = getIncall(c, c.params.incall_id);
    const e = getExtension(c, c.params.extension_id);
    if (e.tenant_uuid !== i.tenant_uuid) throw resourceError("different tenants", { extension_tenant_uuid: e.tenant_uuid, incall_tenant_uuid: i.tenant_uuid });
    if (i.extension_ids.length) throw resourceError("Incall is associated with a Extension", { incall_id: String(i.id), extension_id: i.extension_ids[0] });
    const owner = extensionOwner(c, e.id);
    if (owner?.type === "incall") throw resourceError("Incall is associated with a Extension", { incall_id: String(owner.incall.id), extension_id: e.id });
    if (owner) throw resourceError(`Extension is associated with a ${owner.type === "line" ? "user" : owner.type}`, { extension_id: e.id, associated_id: owner.type === "line" ? String(owner.lines[0].id) : String(owner.group.id) });
    const ctx = getContext(c, e.context);
    if (ctx.type !== "incall") throw resourceError(`ContextType '${ctx.type}' cannot be associated`, { id: e.id, context: e.context });
    c.state.store.put<IncallRow>("incall", i.id, { ...i, extension_ids: [e.id] });
    return { status: 204 };
  });
  serve(app, state, "dissociateIncallExtension", (c) => {
    const i = getIncall(c, c.params.incall_id);
    const e = getExtension(c, c.params.extension_id);
    if (!i.extension_ids.includes(e.id)) throw resourceError("Incall is not associated with Extension", { incall_id: i.id, extension_id: e.id });
    c.state.store.put<IncallRow>("incall", i.id, { ...i, extension_ids: [] });
    return { status: 204 };
  });
}
