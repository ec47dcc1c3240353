/**
 * Voicemails (`plugins/voicemail`) and a user's voicemail
 * (`plugins/user_voicemail`): number unique in its context, one global
 * voicemail per context, a user has at most one, a voicemail with users
 * cannot be deleted.
 */
import type { FastifyInstance } from "fastify";
import { associateUserVoicemail, createVoicemail, getUser, getVoicemail, updateVoicemail } from "../domain";
import { resourceError } from "../errors";
import { list, listTenants, serve } from "../http";
import type { UserRow, VoicemailRow } from "../model";
import type { WazoState } from "../state";

const SEARCH = {
  columns: {
    name: (v: VoicemailRow) => v.name,
    number: (v: VoicemailRow) => v.number,
    email: (v: VoicemailRow) => v.email,
    context: (v: VoicemailRow) => v.context,
    language: (v: VoicemailRow) => v.language,
    timezone: (v: VoicemailRow) => v.timezone,
    pager: (v: VoicemailRow) => v.pager,
    accesstype: (v: VoicemailRow) => v.accesstype,
  },
  search: ["name", "number", "email", "pager"],
  defaultSort: "number",
};

export function voicemailRoutes(app: FastifyInstance, state: WazoState): void {
  serve(app, state, "listVoicemails", (c) => list(state.store.all<VoicemailRow>("voicemail").filter((v) => listTenants(c).includes(v.tenant_uuid)), c.query, SEARCH, (v) => c.view.voicemail(v)));
  serve(app, state, "getVoicemail", (c) => ({ status: 200, body: c.view.voicemail(getVoicemail(c, c.params.voicemail_id)) }));
  serve(app, state, "createVoicemail", (c) => ({ status: 201, body: c.view.voicemail(createVoicemail(c, c.body)) }));
  serve(app, state, "updateVoicemail", (c) => {
    updateVoicemail(c, getVoicemail(c, c.params.voicemail_id), c.body);
    return { status: 204 };
  });
  serve(app, state, "deleteVoicemail", (c) => {
    const v = getVoicemail(c, c.params.voicemail_id);
    const users = c.view.usersOfVoicemail(v.id);
    if (users.length) throw resourceError("Voicemail is associated with a User", { voicemail_id: v.id, user_ids: users.map((u) => u.id).join(", ") });
    c.state.store.delete("voicemail", v.id);
    return { status: 204 };
  });

  serve(app, state, "getUserVoicemail", (c) => {
    const u = getUser(c, c.params.user_id);
    const v = u.voicemail_id !== null ? c.state.store.get<VoicemailRow>("voicemail", u.voicemail_id) : undefined;
    const items = v ? [c.view.voicemail(v)] : [];
    return { status: 200, body: { total: items.length, items } };
  });
  serve(app, state, "createUserVoicemail", (c) => {
    const u = getUser(c, c.params.user_id);
    const v = createVoicemail(c, c.body);
    // confd answers the voicemail as created, before the association: no users yet (seen on a running wazo-confd).
    const body = c.view.voicemail(v);
    associateUserVoicemail(c, u, v);
    return { status: 201, body, headers: { location: `${c.view.base}/api/confd/1.1/voicemails/${v.id}` } };
  });
  serve(app, state, "associateUserVoicemail", (c) => {
    associateUserVoicemail(c, getUser(c, c.params.user_id), getVoicemail(c, c.params.voicemail_id));
    return { status: 204 };
  });
  serve(app, state, "dissociateUserVoicemail", (c) => {
    const u = getUser(c, c.params.user_id);
    // The voicemail stays; confd answers 204 even when there was none.
    if (u.voicemail_id !== null) c.state.store.put<UserRow>("user", u.id, { ...u, voicemail_id: null });
    return { status: 204 };
  });
}
