/**
 * Groups (`plugins/group`, `group_member`, `group_extension`). The label is
 * not unique (Wazo generates the unique `name`); members are users of the
 * tenant with a line, each once, no two sharing a line.
 */
import crypto from "node:crypto";
import type { FastifyInstance } from "fastify";
import { extensionOwner, getContext, getExtension, getGroup, stripUndefined } from "../domain";
import { inputError, paramNotFound, resourceError } from "../errors";
import { list, listTenants, serve } from "../http";
import { GROUP_DEFAULTS, type ExtensionRow, type GroupRow, type IncallRow, type UserRow } from "../model";
import type { WazoState } from "../state";

export function groupRoutes(app: FastifyInstance, state: WazoState): void {
  serve(app, state, "listGroups", (c) =>
    list(
      c.state.store.all<GroupRow>("group").filter((g) => listTenants(c).includes(g.tenant_uuid)),
      c.query,
      {
        columns: {
          id: (g) => g.id,
          name: (g) => g.name,
          label: (g) => g.label,
          preprocess_subroutine: (g) => g.preprocess_subroutine,
          exten: (g) => (g.extension_ids.length ? c.state.store.get<ExtensionRow>("extension", g.extension_ids[0])?.exten : undefined),
        },
        defaultSort: "label",
      },
      (g) => c.view.group(g),
    ),
  );
  serve(app, state, "getGroup", (c) => ({ status: 200, body: c.view.group(getGroup(c, c.params.group_uuid)) }));
  serve(app, state, "createGroup", (c) => {
    const uuid = crypto.randomUUID();
    const slug = c.state.tenant(c.tenant)?.slug ?? "tenant";
    const row: GroupRow = { ...GROUP_DEFAULTS, ...stripUndefined(c.body as Partial<GroupRow>), id: c.state.store.nextId("group"), uuid, tenant_uuid: c.tenant, name: `grp-${slug}-${uuid}`, members: [], extension_ids: [] } as GroupRow;
    return { status: 201, body: c.view.group(c.state.store.put("group", row.id, row)) };
  });
  serve(app, state, "updateGroup", (c) => {
    const g = getGroup(c, c.params.group_uuid);
    c.state.store.put("group", g.id, { ...g, ...stripUndefined(c.body as Partial<GroupRow>) });
    return { status: 204 };
  });
  serve(app, state, "deleteGroup", (c) => {
    const g = getGroup(c, c.params.group_uuid);
    const store = c.state.store;
    // What pointed at the group stops doing so: incalls go nowhere, keys to it go.
    for (const i of store.all<IncallRow>("incall")) if (i.destination.type === "group" && i.destination.group_id === g.id) store.put<IncallRow>("incall", i.id, { ...i, destination: { type: "none" } });
    for (const u of store.all<UserRow>("user")) {
      const keys = Object.entries(u.funckeys).filter(([, k]) => !((k.destination.type === "group" || k.destination.type === "groupmember") && k.destination.group_id === g.id));
      if (keys.length !== Object.keys(u.funckeys).length) store.put<UserRow>("user", u.id, { ...u, funckeys: Object.fromEntries(keys) });
    }
    store.delete("group", g.id);
    return { status: 204 };
  });

  serve(app, state, "updateGroupMemberUsers", (c) => {
    const g = getGroup(c, c.params.group_uuid);
    const body = c.body as { users: { uuid: string; priority?: number }[] };
    const members: { user: UserRow; priority: number }[] = body.users.map((m, i) => {
      // Members are looked up by uuid only (user_dao.get_by(uuid=…)) in the caller's tenants.
      const u = c.state.store.all<UserRow>("user").find((x) => x.uuid === m.uuid.toLowerCase() && c.visible.includes(x.tenant_uuid));
      if (!u) throw paramNotFound("users", "User", { uuid: m.uuid });
      return { user: u, priority: m.priority ?? i };
    });
    for (const { user } of members) if (user.tenant_uuid !== g.tenant_uuid) throw resourceError("different tenants", { group_tenant_uuid: g.tenant_uuid, user_tenant_uuid: user.tenant_uuid });
    for (const { user } of members) if (!user.line_ids.length) throw resourceError("User must be associated with a Line", { user_uuid: user.uuid });
    if (new Set(members.map((m) => m.user.id)).size !== members.length) throw resourceError("Operation not permitted. Cannot associate same user more than once");
    const mainLines = members.map((m) => m.user.line_ids[0]);
    const shared = mainLines.find((l, i) => mainLines.indexOf(l) !== i);
    if (shared !== undefined) throw resourceError("Operation not permitted. Cannot associate different users with the same line", { line_id: shared });
    c.state.store.put<GroupRow>("group", g.id, { ...g, members: members.map((m) => ({ user_uuid: m.user.uuid, priority: m.priority })) });
    return { status: 204 };
  });

  serve(app, state, "associateGroupExtension", (c) => {
    const g = getGroup(c, c.params.group_uuid);
    const e = getExtension(c, c.params.extension_id);
    if (g.extension_ids.length) throw resourceError("Group is associated with a Extension", { group_id: g.id, extension_id: g.extension_ids[0] });
    const owner = extensionOwner(c, e.id);
    if (owner?.type === "group") throw resourceError("Group is associated with a Extension", { group_id: owner.group.id, extension_id: e.id });
    if (owner) throw resourceError(`Extension is associated with a ${owner.type === "line" ? "user" : owner.type}`, { extension_id: e.id, associated_id: owner.type === "line" ? String(owner.lines[0].id) : String(owner.incall.id) });
    const ctx = getContext(c, e.context);
    if (ctx.type !== "internal") throw resourceError(`ContextType '${ctx.type}' cannot be associated`, { id: e.id, context: e.context });
    if (!e.exten.startsWith("_") && !ctx.group_ranges.some((r) => /^\d+$/.test(e.exten) && Number(r.start) <= Number(e.exten) && Number(e.exten) <= Number(r.end ?? r.start))) {
      throw inputError(`Extension '${e.exten}' is outside of range for context '${e.context}'`);
    }
    if (e.tenant_uuid !== g.tenant_uuid) throw resourceError("different tenants", { extension_tenant_uuid: e.tenant_uuid, group_tenant_uuid: g.tenant_uuid });
    c.state.store.put<GroupRow>("group", g.id, { ...g, extension_ids: [e.id] });
    return { status: 204 };
  });
  serve(app, state, "dissociateGroupExtension", (c) => {
    const g = getGroup(c, c.params.group_uuid);
    const e = getExtension(c, c.params.extension_id);
    if (!g.extension_ids.includes(e.id)) throw resourceError("Group is not associated with Extension", { group_id: g.id, extension_id: e.id });
    c.state.store.put<GroupRow>("group", g.id, { ...g, extension_ids: [] });
    return { status: 204 };
  });
}
