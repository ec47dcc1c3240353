/**
 * User groups and their members (seed 000 "User Groups": Name, Members).
 * Members are chosen from the site's users; for the "in order" strategy the
 * current members keep their order and new ones ring after them.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { issuesOf } from "../api";
import { field, fields, groupBody, placeIssues, type FormBody, type FormValues, type PlacedIssues } from "../forms";
import { apiOf, consoleRoute, problemOf, redirectWithFlash, render, siteChrome, sitePath } from "../page";
import { siteUsers } from "./users";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

const FIELDS = ["name", "ringStrategy", "ringSeconds", "members"];
const groupsPath = (site: string) => `sites/${encodeURIComponent(site)}/user-groups`;

interface FormState { values?: FormValues; issues?: PlacedIssues; problem?: string; status?: number }

async function renderForm(req: FastifyRequest<{ Params: { site: string; id?: string } }>, reply: FastifyReply, state: FormState = {}): Promise<FastifyReply> {
  const { site, id } = req.params;
  const api = apiOf(req);
  let group: Obj | undefined;
  if (id) {
    const r = await api.get(`${groupsPath(site)}/${encodeURIComponent(id)}`);
    if (!r.ok) return render(req, reply, "error", { title: "User group", site: await siteChrome(api, site), section: "groups", problem: problemOf(r) }, r.status);
    group = r.body;
  }
  const users = await siteUsers(api, site);
  const values = state.values ?? (group ? { name: group.name, ringStrategy: group.ringStrategy, ringSeconds: String(group.ringSeconds), members: group.members } : { ringStrategy: "allAtOnce", ringSeconds: "20", members: [] });
  // Current members first, in their ringing order, then everyone else.
  const members = values.members as string[];
  const byId = new Map(users.map((u) => [u.id as string, u]));
  const choices = [...members.map((m) => byId.get(m) ?? { id: m, extension: "?", firstName: `unknown user ${m}` }), ...users.filter((u) => !members.includes(u.id))];
  return render(req, reply, "group", { title: group ? `Edit group ${group.name}` : "Add a group", site: await siteChrome(api, site), section: "groups", group, values, choices, issues: state.issues, problem: state.problem }, state.status ?? 200);
}

function formValues(form: FormBody): FormValues {
  return { name: field(form, "name"), ringStrategy: field(form, "ringStrategy"), ringSeconds: field(form, "ringSeconds"), members: fields(form, "members") };
}

export function groupPages(app: FastifyInstance): void {
  app.get<{ Params: { site: string } }>("/sites/:site/user-groups", consoleRoute("console:site"), async (req, reply) => {
    const { site } = req.params;
    const api = apiOf(req);
    const [groups, users] = await Promise.all([api.all(groupsPath(site)), siteUsers(api, site)]);
    const chrome = await siteChrome(api, site);
    if (!groups.ok) return render(req, reply, "error", { title: "User groups", site: chrome, section: "groups", problem: problemOf(groups) }, groups.status);
    const byId = new Map(users.map((u) => [u.id as string, u]));
    const rows = (groups.body as Obj[]).map((g) => ({ ...g, memberNames: (g.members as string[]).map((m) => { const u = byId.get(m); return u ? `${u.firstName} ${u.lastName ?? ""}`.trim() + ` (${u.extension})` : m; }) }));
    return render(req, reply, "groups", { title: "User groups", site: chrome, section: "groups", groups: rows });
  });

  app.get<{ Params: { site: string } }>("/sites/:site/user-groups/new", consoleRoute("console:site"), async (req, reply) => renderForm(req, reply));
  app.get<{ Params: { site: string; id: string } }>("/sites/:site/user-groups/:id", consoleRoute("console:site"), async (req, reply) => renderForm(req, reply));

  app.post<{ Params: { site: string }; Body: FormBody }>("/sites/:site/user-groups", consoleRoute("console:site"), async (req, reply) => {
    const { site } = req.params;
    const r = await apiOf(req).call("POST", groupsPath(site), groupBody(req.body));
    if (r.ok) return redirectWithFlash(req, reply, sitePath(site, "user-groups"), `Group ${r.body.name} added. Saved: apply changes to make it live.`);
    const issues = issuesOf(r);
    return renderForm(req, reply, { values: formValues(req.body), issues: placeIssues(issues, FIELDS), problem: issues.length ? undefined : problemOf(r), status: r.status });
  });

  app.post<{ Params: { site: string; id: string }; Body: FormBody }>("/sites/:site/user-groups/:id", consoleRoute("console:site"), async (req, reply) => {
    const { site, id } = req.params;
    const rev = field(req.body, "revision");
    const r = await apiOf(req).call("PATCH", `${groupsPath(site)}/${encodeURIComponent(id)}`, groupBody(req.body), rev ? { "if-match": `"${rev}"` } : {});
    if (r.ok) return redirectWithFlash(req, reply, sitePath(site, "user-groups"), `Group ${r.body.name} saved. Apply changes to make it live.`);
    const issues = issuesOf(r);
    return renderForm(req, reply, { values: formValues(req.body), issues: placeIssues(issues, FIELDS), problem: issues.length ? undefined : problemOf(r), status: r.status });
  });

  app.post<{ Params: { site: string; id: string }; Body: FormBody }>("/sites/:site/user-groups/:id/delete", consoleRoute("console:site"), async (req, reply) => {
    const { site, id } = req.params;
    const r = await apiOf(req).call("DELETE", `${groupsPath(site)}/${encodeURIComponent(id)}`);
    if (!r.ok) return renderForm(req, reply, { problem: problemOf(r), status: r.status });
    return redirectWithFlash(req, reply, sitePath(site, "user-groups"), "Group deleted. Saved: apply changes to make it live.");
  });
}
