/**
 * Incoming numbers and their destination (seed 000 "Incoming numbers": the
 * list with each number's Destination and SMS information, and the edit page with "Destination
 * type for voice call" and its selection-specific field).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { issuesOf } from "../api";
import { field, numberBody, placeIssues, type FormBody, type FormValues, type PlacedIssues } from "../forms";
import { apiOf, consoleRoute, problemOf, redirectWithFlash, render, siteChrome, sitePath } from "../page";
import { siteUsers } from "./users";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

/** Seed 000's destination types (user groups come from the same console), in its order. */
export const DESTINATION_LABELS: Record<string, string> = { none: "Not configured", user: "Extension", userGroup: "User group", dialPlan: "Dial plan", voicemail: "Voicemail", hangup: "Hang up", conference: "Conference" };

const FIELDS = ["number", "description", "ringSeconds", "destination.type", "destination.userId", "destination.groupId", "destination.name", "destination.room"];
const numbersPath = (site: string) => `sites/${encodeURIComponent(site)}/incoming-numbers`;

/** A destination in words, with the names of the user or group it points at. */
export function describeDestination(d: Obj, users: Map<string, Obj>, groups: Map<string, Obj>): string {
  const who = (id: string) => {
    const u = users.get(id);
    return u ? `${u.extension} ${u.firstName} ${u.lastName ?? ""}`.trim() : `unknown user ${id}`;
  };
  switch (d.type) {
    case "user": return `Extension: ${who(d.userId)}`;
    case "voicemail": return `Voicemail: ${who(d.userId)}`;
    case "userGroup": return `User group: ${groups.get(d.groupId)?.name ?? `unknown group ${d.groupId}`}`;
    case "dialPlan": return `Dial plan: ${d.name}`;
    case "conference": return `Conference: ${d.room}`;
    default: return DESTINATION_LABELS[d.type] ?? d.type;
  }
}

/** Where SMS to the number go, in words (seed 000: the list shows each number's "SMS information"). */
export function describeSms(sms: Obj | undefined, users: Map<string, Obj>): string {
  if (sms?.type === "email") return `E-mail: ${sms.email}`;
  if (sms?.type === "user") {
    const u = users.get(sms.userId);
    return `User: ${u ? `${u.extension} ${u.firstName} ${u.lastName ?? ""}`.trim() : `unknown user ${sms.userId}`}`;
  }
  return "Not configured";
}

function numberValues(n: Obj): FormValues {
  const d = n.destination;
  return { number: n.number, description: n.description ?? "", ringSeconds: String(n.ringSeconds), "destination.type": d.type, "destination.userId": d.userId ?? "", "destination.groupId": d.groupId ?? "", "destination.name": d.name ?? "", "destination.room": d.room ?? "" };
}

function formValues(form: FormBody): FormValues {
  return Object.fromEntries(FIELDS.map((f) => [f, field(form, f)]));
}

interface FormState { values?: FormValues; issues?: PlacedIssues; problem?: string; status?: number }

async function renderForm(req: FastifyRequest<{ Params: { site: string; id?: string } }>, reply: FastifyReply, state: FormState = {}): Promise<FastifyReply> {
  const { site, id } = req.params;
  const api = apiOf(req);
  let number: Obj | undefined;
  if (id) {
    const r = await api.get(`${numbersPath(site)}/${encodeURIComponent(id)}`);
    if (!r.ok) return render(req, reply, "error", { title: "Incoming number", site: await siteChrome(api, site), section: "numbers", problem: problemOf(r) }, r.status);
    number = r.body;
  }
  const [users, groups] = await Promise.all([siteUsers(api, site), api.all(`sites/${encodeURIComponent(site)}/user-groups`)]);
  return render(req, reply, "number", {
    title: number ? `Edit number ${number.number}` : "Add a number", site: await siteChrome(api, site), section: "numbers", number,
    values: state.values ?? (number ? numberValues(number) : { "destination.type": "none", ringSeconds: "30" }),
    issues: state.issues, problem: state.problem, users, groups: groups.body, destinationLabels: DESTINATION_LABELS,
  }, state.status ?? 200);
}

export function numberPages(app: FastifyInstance): void {
  app.get<{ Params: { site: string } }>("/sites/:site/incoming-numbers", consoleRoute("console:site"), async (req, reply) => {
    const { site } = req.params;
    const api = apiOf(req);
    const [numbers, users, groups] = await Promise.all([api.all(numbersPath(site)), siteUsers(api, site), api.all(`sites/${encodeURIComponent(site)}/user-groups`)]);
    const chrome = await siteChrome(api, site);
    if (!numbers.ok) return render(req, reply, "error", { title: "Incoming numbers", site: chrome, section: "numbers", problem: problemOf(numbers) }, numbers.status);
    const byUser = new Map(users.map((u) => [u.id as string, u]));
    const byGroup = new Map((groups.body as Obj[]).map((g) => [g.id as string, g]));
    const rows = (numbers.body as Obj[]).map((n) => ({ ...n, destinationText: describeDestination(n.destination, byUser, byGroup), smsText: describeSms(n.sms, byUser) }));
    return render(req, reply, "numbers", { title: "Incoming numbers", site: chrome, section: "numbers", numbers: rows });
  });

  app.get<{ Params: { site: string } }>("/sites/:site/incoming-numbers/new", consoleRoute("console:site"), async (req, reply) => renderForm(req, reply));
  app.get<{ Params: { site: string; id: string } }>("/sites/:site/incoming-numbers/:id", consoleRoute("console:site"), async (req, reply) => renderForm(req, reply));

  app.post<{ Params: { site: string }; Body: FormBody }>("/sites/:site/incoming-numbers", consoleRoute("console:site"), async (req, reply) => {
    const { site } = req.params;
    const r = await apiOf(req).call("POST", numbersPath(site), numberBody(req.body, true));
    if (r.ok) return redirectWithFlash(req, reply, sitePath(site, "incoming-numbers"), `Number ${r.body.number} added. Saved: apply changes to make it live.`);
    const issues = issuesOf(r);
    return renderForm(req, reply, { values: formValues(req.body), issues: placeIssues(issues, FIELDS), problem: issues.length ? undefined : problemOf(r), status: r.status });
  });

  app.post<{ Params: { site: string; id: string }; Body: FormBody }>("/sites/:site/incoming-numbers/:id", consoleRoute("console:site"), async (req, reply) => {
    const { site, id } = req.params;
    const rev = field(req.body, "revision");
    const r = await apiOf(req).call("PATCH", `${numbersPath(site)}/${encodeURIComponent(id)}`, numberBody(req.body, false), rev ? { "if-match": `"${rev}"` } : {});
    if (r.ok) return redirectWithFlash(req, reply, sitePath(site, "incoming-numbers"), `Number ${r.body.number} saved. Apply changes to make it live.`);
    const issues = issuesOf(r);
    return renderForm(req, reply, { values: formValues(req.body), issues: placeIssues(issues, FIELDS), problem: issues.length ? undefined : problemOf(r), status: r.status });
  });

  app.post<{ Params: { site: string; id: string }; Body: FormBody }>("/sites/:site/incoming-numbers/:id/delete", consoleRoute("console:site"), async (req, reply) => {
    const { site, id } = req.params;
    const r = await apiOf(req).call("DELETE", `${numbersPath(site)}/${encodeURIComponent(id)}`);
    if (!r.ok) return renderForm(req, reply, { problem: problemOf(r), status: r.status });
    return redirectWithFlash(req, reply, sitePath(site, "incoming-numbers"), "Number deleted. Saved: apply changes to make it live.");
  });
}
