/**
 * Contexts (`plugins/context`): the driver looks up its tenant's internal and
 * incall contexts by type; names are generated (`ctx-<slug>-<type>-<uuid>`).
 */
import type { FastifyInstance } from "fastify";
import { idMeta, notFound } from "../errors";
import { list, listTenants, serve, type Call } from "../http";
import type { ContextRow, TenantRow } from "../model";
import type { WazoState } from "../state";

/** A context of a visible tenant by name (what extensions, lines and voicemails refer to). */
export function contextByName(c: Call, name: string): ContextRow | undefined {
  return c.state.store.all<ContextRow>("context").find((x) => x.name === name && c.visible.includes(x.tenant_uuid));
}

export function contextRoutes(app: FastifyInstance, state: WazoState): void {
  serve(app, state, "listContexts", (c) =>
    list(
      state.store.all<ContextRow>("context").filter((x) => listTenants(c).includes(x.tenant_uuid)),
      c.query,
      { columns: { id: (x) => x.id, description: (x) => x.description, name: (x) => x.name, label: (x) => x.label, type: (x) => x.type }, defaultSort: "id" },
      (x) => c.view.context(x),
    ),
  );

  serve(app, state, "getContext", (c) => {
    const x = state.store.get<ContextRow>("context", c.params.context_id);
    if (!x || !c.visible.includes(x.tenant_uuid)) throw notFound("Context", { id: idMeta(c.params.context_id) });
    return { status: 200, body: c.view.context(x) };
  });

  serve(app, state, "createContext", (c) => {
    const slug = state.tenant(c.tenant)?.slug ?? (state.store.get<TenantRow>("tenant", c.tenant)?.slug as string);
    const row = state.createContext(c.tenant, slug, c.body);
    return { status: 201, body: c.view.context(row) };
  });
}
