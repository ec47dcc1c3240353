/**
 * Lines, SIP endpoints, extensions and their associations (`plugins/line`,
 * `endpoint_sip`, `extension`, `line_endpoint`, `line_extension`,
 * `user_line`).
 */
import type { FastifyInstance } from "fastify";
import {
  associateLineEndpoint,
  associateLineExtension,
  associateUserLine,
  checkSectionOptions,
  createEndpointSip,
  createExtension,
  deleteExtension,
  deleteLine,
  fixLine,
  getContext,
  setCallerIdOption,
  getEndpointSip,
  getExtension,
  getLine,
  getUser,
  updateExtension,
} from "../domain";
import { resourceError } from "../errors";
import { list, listTenants, serve } from "../http";
import { SECTION_KEYS, type EndpointSipRow, type ExtensionRow, type LineRow, type UserRow } from "../model";
import type { WazoState } from "../state";
import { createLineWithParts } from "./users";

export function lineRoutes(app: FastifyInstance, state: WazoState): void {
  // Lines
  serve(app, state, "listLines", (c) => {
    const store = c.state.store;
    const sipName = (l: LineRow) => (l.endpoint_sip_uuid ? store.get<EndpointSipRow>("endpointSip", l.endpoint_sip_uuid)?.name : undefined);
    return list(
      store.all<LineRow>("line").filter((l) => listTenants(c).includes(l.tenant_uuid)),
      c.query,
      {
        columns: {
          context: (l) => l.context,
          provisioning_code: (l) => l.provisioning_code,
          provisioning_extension: (l) => l.provisioning_code,
          position: (l) => l.position,
          device_slot: (l) => l.position,
          protocol: (l) => (l.endpoint_sip_uuid ? "sip" : null),
          device_id: () => null,
          name: sipName,
          caller_id_name: (l) => l.caller_id_name,
          caller_id_num: (l) => l.caller_id_num,
          exten: (l) => (l.extension_ids.length ? store.get<ExtensionRow>("extension", l.extension_ids[0])?.exten : undefined),
        },
        defaultSort: "name",
      },
      (l) => c.view.line(l),
    );
  });
  serve(app, state, "getLine", (c) => ({ status: 200, body: c.view.line(getLine(c, c.params.line_id)) }));
  serve(app, state, "createLine", (c) => {
    return { status: 201, body: createLineWithParts(c, c.body).response };
  });
  serve(app, state, "updateLine", (c) => {
    const line = getLine(c, c.params.line_id);
    const b = c.body as Partial<LineRow>;
    if (b.context !== undefined) getContext(c, b.context);
    if (b.provisioning_code !== undefined && b.provisioning_code !== line.provisioning_code && c.state.store.all<LineRow>("line").some((l) => l.provisioning_code === b.provisioning_code)) {
      throw resourceError("Line already exists", { provisioning_code: b.provisioning_code });
    }
    const next = { ...line };
    for (const k of ["context", "provisioning_code", "position", "caller_id_name", "caller_id_num", "registrar"] as const) if (b[k] !== undefined) (next as Record<string, unknown>)[k] = b[k];
    c.state.store.put("line", line.id, next);
    // A SIP line keeps its caller ID in its endpoint's `callerid` option; a line with a user gets the user's back (LineFixes).
    const sip = line.endpoint_sip_uuid ? c.state.store.get<EndpointSipRow>("endpointSip", line.endpoint_sip_uuid) : undefined;
    if (sip && (b.caller_id_name !== undefined || b.caller_id_num !== undefined)) {
      const cur = c.view.lineCallerId(line, sip);
      const name = b.caller_id_name !== undefined ? b.caller_id_name : cur.name;
      const num = b.caller_id_num !== undefined ? b.caller_id_num : cur.num;
      setCallerIdOption(c, sip, name === null ? null : `"${name}"${num ? ` <${num}>` : ""}`);
    }
    fixLine(c, line.id);
    return { status: 204 };
  });
  serve(app, state, "deleteLine", (c) => {
    const r = c.query.recursive;
    deleteLine(c, getLine(c, c.params.line_id), r === "true" || r === "True" || r === "1");
    return { status: 204 };
  });

  // Line ↔ endpoint, line ↔ extension, user ↔ line
  serve(app, state, "associateLineEndpointSip", (c) => {
    associateLineEndpoint(c, getLine(c, c.params.line_id), getEndpointSip(c, c.params.sip_uuid));
    return { status: 204 };
  });
  serve(app, state, "dissociateLineEndpointSip", (c) => {
    const line = getLine(c, c.params.line_id);
    const sip = getEndpointSip(c, c.params.sip_uuid);
    if (line.endpoint_sip_uuid !== sip.uuid) throw resourceError("Line is not associated with Endpoint", { line_id: line.id, endpoint_uuid: sip.uuid });
    const users = c.view.usersOfLine(line.id);
    if (users.length) throw resourceError("Line is associated with a User", { line_id: line.id, user_ids: users.map((u) => u.id).join(",") });
    if (line.extension_ids.length) throw resourceError("Line is associated with a Extension", { line_id: line.id, extension_ids: line.extension_ids.join(",") });
    c.state.store.put<LineRow>("line", line.id, { ...line, endpoint_sip_uuid: null });
    return { status: 204 };
  });
  serve(app, state, "associateLineExtension", (c) => {
    const line = getLine(c, c.params.line_id);
    const ext = getExtension(c, c.params.extension_id);
    if (line.extension_ids.includes(ext.id)) return { status: 204 };
    associateLineExtension(c, line, ext);
    return { status: 204 };
  });
  serve(app, state, "dissociateLineExtension", (c) => {
    const line = getLine(c, c.params.line_id);
    const ext = getExtension(c, c.params.extension_id);
    if (!line.extension_ids.includes(ext.id)) throw resourceError("Line is not associated with Extension", { line_id: line.id, extension_id: ext.id });
    c.state.store.put<LineRow>("line", line.id, { ...line, extension_ids: line.extension_ids.filter((id) => id !== ext.id) });
    fixLine(c, line.id);
    return { status: 204 };
  });
  serve(app, state, "createLineExtension", (c) => {
    const line = getLine(c, c.params.line_id);
    const ext = createExtension(c, c.body);
    associateLineExtension(c, line, ext);
    return { status: 201, body: c.view.extension(c.state.store.get<ExtensionRow>("extension", ext.id)!) };
  });
  serve(app, state, "associateUserLine", (c) => {
    associateUserLine(c, getUser(c, c.params.user_id), getLine(c, c.params.line_id));
    return { status: 204 };
  });
  serve(app, state, "dissociateUserLine", (c) => {
    const user = getUser(c, c.params.user_id);
    const line = getLine(c, c.params.line_id);
    if (!user.line_ids.includes(line.id)) throw resourceError("User is not associated with Line", { user_id: user.id, line_id: line.id });
    c.state.store.put<UserRow>("user", user.id, { ...user, line_ids: user.line_ids.filter((id) => id !== line.id) });
    return { status: 204 };
  });

  // SIP endpoints
  serve(app, state, "listEndpointsSip", (c) => {
    let rows = c.state.store.all<EndpointSipRow>("endpointSip").filter((e) => listTenants(c).includes(e.tenant_uuid));
    const query = { ...c.query };
    if (query.uuid !== undefined) {
      const uuids = query.uuid.split(",").map((s) => s.toLowerCase());
      rows = rows.filter((e) => uuids.includes(e.uuid));
      delete query.uuid;
    }
    return list(rows, query, { columns: { name: (e) => e.name, asterisk_id: (e) => e.asterisk_id, label: (e) => e.label, template: () => false }, defaultSort: "label" }, (e) => c.view.endpointSip(e));
  });
  serve(app, state, "getEndpointSip", (c) => ({ status: 200, body: c.view.endpointSip(getEndpointSip(c, c.params.sip_uuid)) }));
  serve(app, state, "createEndpointSip", (c) => ({ status: 201, body: c.view.endpointSip(createEndpointSip(c, c.body, c.tenant)) }));
  serve(app, state, "updateEndpointSip", (c) => {
    const e = getEndpointSip(c, c.params.sip_uuid);
    const b = c.body as Partial<EndpointSipRow>;
    checkSectionOptions(b);
    if (b.name !== undefined && b.name !== e.name && c.state.store.all<EndpointSipRow>("endpointSip").some((x) => x.name === b.name)) throw resourceError("SIPEndpoint already exists", { name: b.name });
    const next = { ...e };
    for (const k of [...SECTION_KEYS, "name", "label", "templates", "asterisk_id"] as const) if (b[k] !== undefined) (next as Record<string, unknown>)[k] = b[k];
    c.state.store.put("endpointSip", e.uuid, next);
    return { status: 204 };
  });
  serve(app, state, "deleteEndpointSip", (c) => {
    const e = getEndpointSip(c, c.params.sip_uuid);
    const line = c.view.lineOfEndpoint(e.uuid);
    // Deleting an endpoint detaches it from its line (the line stays).
    if (line) c.state.store.put<LineRow>("line", line.id, { ...line, endpoint_sip_uuid: null });
    c.state.store.delete("endpointSip", e.uuid);
    return { status: 204 };
  });

  // Extensions
  serve(app, state, "listExtensions", (c) => {
    const ctxType = (e: ExtensionRow) => c.state.store.all<{ name: string; type: string }>("context").find((x) => x.name === e.context)?.type;
    return list(
      c.state.store.all<ExtensionRow>("extension").filter((e) => listTenants(c).includes(e.tenant_uuid)),
      c.query,
      { columns: { exten: (e) => e.exten, context: (e) => e.context, type: ctxType }, defaultSort: "exten" },
      (e) => c.view.extension(e),
    );
  });
  serve(app, state, "getExtension", (c) => ({ status: 200, body: c.view.extension(getExtension(c, c.params.extension_id)) }));
  serve(app, state, "createExtension", (c) => ({ status: 201, body: c.view.extension(createExtension(c, c.body)) }));
  serve(app, state, "updateExtension", (c) => {
    updateExtension(c, getExtension(c, c.params.extension_id), c.body);
    return { status: 204 };
  });
  serve(app, state, "deleteExtension", (c) => {
    deleteExtension(c, getExtension(c, c.params.extension_id));
    return { status: 204 };
  });
}
