/**
 * Users (seed 000 "Users"; seed 001 search by name or extension) and the user
 * form with seed 000's tabs: General, Forwardings, Follow Me, Keys, SIP
 * identifiers, Permissions. Each tab saves on its own (staged until "Apply
 * changes"); a refused save shows the API's issues beside the fields and
 * saves nothing of that tab.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { FUNCTION_KEY_TYPES, PERMISSIONS, ROLES } from "../../../sdk/schemas";
import type { ConsoleApi } from "../api";
import { issuesOf } from "../api";
import {
  checked, field, FORWARD_LISTS, GENERAL_FIELDS, generalBody, generalFormValues, generalValues, int, keyBody, permissionsBody, placeIssues, rowsToSteps,
  stepPathRenamer, stepRows, submittedRows, type FormBody, type FormValues, type KeyRow, type PlacedIssues, type StepRow,
} from "../forms";
import { apiOf, consoleRoute, problemOf, redirectWithFlash, render, siteChrome, sitePath, type PageData } from "../page";

/** The tabs of the user form, in seed 000's order. */
export const USER_TABS = [
  { id: "general", label: "General" },
  { id: "forwardings", label: "Forwardings" },
  { id: "follow-me", label: "Follow Me" },
  { id: "keys", label: "Keys" },
  { id: "sip", label: "SIP identifiers" },
  { id: "permissions", label: "Permissions" },
] as const;
type Tab = (typeof USER_TABS)[number]["id"];

/** Seed 000's words for the permissions, in its order. */
export const PERMISSION_LABELS: Record<(typeof PERMISSIONS)[number], string> = {
  userPortal: "User portal access", userManagement: "User management", administratorRights: "Administrator rights",
  incomingNumberManagement: "Incoming number management", userGroupManagement: "User group management",
  phoneNumberManagement: "Phone number management", dialPlanManagement: "Dial plan management",
  pickupGroupManagement: "Pickup group management", switchManagement: "Switch management",
  conferenceManagement: "Conference management", queueManagement: "Queue management", voicemailManagement: "Voicemail management",
  audioMessageManagement: "Audio messages management", musicOnHoldManagement: "Music on hold management",
  directoryManagement: "Directory management", callList: "Call list", connectedUserList: "Connected user list",
  generalSettings: "General settings", applyChanges: "Apply changes button", downloadInvoices: "Download invoices",
  invoiceInformation: "Invoice information", blacklistManagement: "Blacklist management",
  conferenceParticipantManagement: "Conference participant management",
};

/** Key types: seed 000 (Keys tab) and seed 002 (XiVO). */
export const KEY_TYPE_LABELS: Record<(typeof FUNCTION_KEY_TYPES)[number], string> = { blf: "BLF (busy lamp field)", quickCall: "Quick Call", line: "Line", switch: "Switch", pickup: "Pickup", forward: "Forward", service: "Service", group: "Group", transfer: "Transfer" };

const FORWARD_LIST_LABELS: Record<(typeof FORWARD_LISTS)[number], string> = { onNoAnswer: "Forwarding on no answer", onBusy: "Forwarding on busy", always: "Always forward", whenUnreachable: "Forwarding when unreachable" };

type Params = { site: string; id: string };
type TabParams = Params & { tab: string };
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

const userPath = (site: string, id: string) => `sites/${encodeURIComponent(site)}/users/${encodeURIComponent(id)}`;
const isTab = (t: string): t is Tab => USER_TABS.some((x) => x.id === t);

/** What a user tab page needs besides the user. */
interface TabState {
  values?: FormValues;
  issues?: PlacedIssues;
  problem?: string;
  revealed?: { pin?: string | null; sipPassword?: string };
  rows?: Record<string, StepRow[]>;
  keyRows?: Array<KeyRow & { position: number }>;
  status?: number;
}

/** Users of the site, for the choosers (forwarding steps, keys, groups). */
export async function siteUsers(api: ConsoleApi, site: string): Promise<Obj[]> {
  const users = (await api.all(`sites/${encodeURIComponent(site)}/users`)).body;
  return users.sort((a, b) => String(a.extension).localeCompare(String(b.extension), undefined, { numeric: true }));
}

/** Render one tab of a user. */
async function renderTab(req: FastifyRequest<{ Params: Params }>, reply: FastifyReply, tab: Tab, state: TabState = {}): Promise<FastifyReply> {
  const { site, id } = req.params;
  const api = apiOf(req);
  const got = await api.get(userPath(site, id));
  if (!got.ok) return render(req, reply, "error", { title: "User", site: await siteChrome(api, site), section: "users", problem: problemOf(got) }, got.status);
  const user = got.body as Obj;
  const data: Obj = { title: `${user.extension} ${user.firstName} ${user.lastName ?? ""}`.trim(), site: await siteChrome(api, site), section: "users", user, tab, tabs: USER_TABS, revealed: state.revealed ?? {}, issues: state.issues, problem: state.problem };
  if (tab === "general") {
    data.values = state.values ?? generalValues(user);
    data.numbers = (await api.all(`sites/${encodeURIComponent(site)}/incoming-numbers`)).body;
  }
  if (tab === "forwardings" || tab === "follow-me") {
    const fwd = await api.get(`${userPath(site, id)}/forwarding`);
    const f: Obj | undefined = fwd.ok ? fwd.body : undefined;
    data.forwarding = f;
    data.users = (await siteUsers(api, site)).filter((u) => u.id !== id);
    const lists = tab === "forwardings" ? FORWARD_LISTS : (["followMe"] as const);
    const rows: Record<string, StepRow[]> = {};
    for (const list of lists) rows[list] = state.rows?.[list] ?? [...stepRows(f?.[list]), { target: "", number: "", ringSeconds: "20" }];
    data.rows = rows;
    data.listLabels = FORWARD_LIST_LABELS;
    data.values = state.values ?? { mode: f?.mode ?? "off", voicemailLastResort: f?.voicemailLastResort ?? false };
  }
  if (tab === "keys") {
    data.users = (await siteUsers(api, site)).filter((u) => u.id !== id);
    data.keyTypes = KEY_TYPE_LABELS;
    data.values = state.values ?? { keyCount: String(user.keyCount) };
    if (state.keyRows) data.keyRows = state.keyRows;
    else {
      const keys = (await api.all(`${userPath(site, id)}/keys`)).body;
      data.keyRows = keyRowsOf(user.keyCount, keys);
    }
  }
  if (tab === "permissions") {
    data.values = state.values ?? { role: user.role, permissions: user.permissions, "portal.username": user.portal.username ?? "" };
    data.permissionLabels = PERMISSION_LABELS;
    data.roles = ROLES;
  }
  return render(req, reply, "user", data as PageData, state.status ?? 200);
}

/** Rows 1..keyCount (and any key stored past it), from the stored keys. */
function keyRowsOf(keyCount: number, keys: Obj[]): Array<KeyRow & { position: number }> {
  const byPos = new Map(keys.map((k) => [k.position as number, k]));
  const last = Math.max(keyCount, ...keys.map((k) => k.position as number));
  const rows = [];
  for (let p = 1; p <= last; p++) {
    const k = byPos.get(p);
    rows.push({ position: p, type: k?.type ?? "", targetUserId: k?.targetUserId ?? "", number: k?.number ?? "", label: k?.label ?? "" });
  }
  return rows;
}

const SAVED = "Saved. Apply changes to make it live.";

export function userPages(app: FastifyInstance): void {
  app.get<{ Params: { site: string }; Querystring: { search?: string; page?: string } }>("/sites/:site/users", consoleRoute("console:site"), async (req, reply) => {
    const { site } = req.params;
    const api = apiOf(req);
    const search = (req.query.search ?? "").trim();
    const page = Math.max(1, Number.parseInt(req.query.page ?? "1", 10) || 1);
    const q = new URLSearchParams({ page: String(page), pageSize: "50", ...(search ? { search } : {}) });
    const r = await api.get<{ items: Obj[]; total: number; pageSize: number }>(`sites/${encodeURIComponent(site)}/users?${q}`);
    const chrome = await siteChrome(api, site);
    if (!r.ok) return render(req, reply, "error", { title: "Users", site: chrome, section: "users", problem: problemOf(r) }, r.status);
    return render(req, reply, "users", { title: "Users", site: chrome, section: "users", users: r.body.items, total: r.body.total, page, pages: Math.max(1, Math.ceil(r.body.total / r.body.pageSize)), search });
  });

  const newUserPage = async (req: FastifyRequest<{ Params: { site: string } }>, reply: FastifyReply, state: TabState = {}) => {
    const api = apiOf(req);
    const site = req.params.site;
    const values = state.values ?? { "voicemail.enabled": "yes", "voicemail.ringsBeforeVoicemail": "4", directoryListed: true, callRecording: "off" };
    return render(req, reply, "user-new", { title: "Add a user", site: await siteChrome(api, site), section: "users", values, issues: state.issues, problem: state.problem, numbers: (await api.all(`sites/${encodeURIComponent(site)}/incoming-numbers`)).body }, state.status ?? 200);
  };

  app.get<{ Params: { site: string } }>("/sites/:site/users/new", consoleRoute("console:site"), async (req, reply) => newUserPage(req, reply));

  app.post<{ Params: { site: string }; Body: FormBody }>("/sites/:site/users", consoleRoute("console:site"), async (req, reply) => {
    const { site } = req.params;
    const r = await apiOf(req).call("POST", `sites/${encodeURIComponent(site)}/users`, generalBody(req.body, true));
    if (r.ok) return redirectWithFlash(req, reply, sitePath(site, "users", r.body.id, "general"), `User ${r.body.extension} created. ${SAVED}`);
    const issues = issuesOf(r);
    return newUserPage(req, reply, { values: generalFormValues(req.body), issues: placeIssues(issues, GENERAL_FIELDS), problem: issues.length ? undefined : problemOf(r), status: r.status });
  });

  app.get<{ Params: Params }>("/sites/:site/users/:id", consoleRoute("console:site"), async (req, reply) => reply.redirect(sitePath(req.params.site, "users", req.params.id, "general"), 303));

  app.get<{ Params: TabParams }>("/sites/:site/users/:id/:tab", consoleRoute("console:site"), async (req, reply) => {
    if (!isTab(req.params.tab)) return render(req, reply, "error", { title: "Not found", problem: `There is no tab "${req.params.tab}".` }, 404);
    return renderTab(req, reply, req.params.tab);
  });

  // Secrets are never in a page until asked for, and then only in the answer to this POST (not cached).
  app.post<{ Params: Params; Body: FormBody }>("/sites/:site/users/:id/reveal", consoleRoute("console:site"), async (req, reply) => {
    const secret = field(req.body, "secret");
    const got = await apiOf(req).get(userPath(req.params.site, req.params.id));
    if (!got.ok) return renderTab(req, reply, "general");
    if (secret === "pin") return renderTab(req, reply, "general", { revealed: { pin: got.body.voicemail.pin } });
    return renderTab(req, reply, "sip", { revealed: { sipPassword: got.body.sipPassword } });
  });

  app.post<{ Params: Params; Body: FormBody }>("/sites/:site/users/:id/delete", consoleRoute("console:site"), async (req, reply) => {
    const { site, id } = req.params;
    const r = await apiOf(req).call("DELETE", userPath(site, id));
    if (!r.ok) return renderTab(req, reply, "general", { problem: problemOf(r), status: r.status });
    return redirectWithFlash(req, reply, sitePath(site, "users"), `User deleted. ${SAVED}`);
  });

  app.post<{ Params: TabParams; Body: FormBody }>("/sites/:site/users/:id/:tab", consoleRoute("console:site"), async (req, reply) => {
    const { site, id, tab } = req.params;
    if (!isTab(tab) || tab === "sip") return render(req, reply, "error", { title: "Not found", problem: `Tab "${tab}" has nothing to save.` }, 404);
    const api = apiOf(req);
    const form = req.body;
    const ifMatch: Record<string, string> = field(form, "revision") ? { "if-match": `"${field(form, "revision")}"` } : {};
    const back = sitePath(site, "users", id, tab);

    if (tab === "general") {
      const r = await api.call("PATCH", userPath(site, id), generalBody(form, false), ifMatch);
      if (r.ok) return redirectWithFlash(req, reply, back, SAVED);
      const issues = issuesOf(r);
      return renderTab(req, reply, tab, { values: generalFormValues(form), issues: placeIssues(issues, GENERAL_FIELDS), problem: issues.length ? undefined : problemOf(r), status: r.status });
    }

    if (tab === "permissions") {
      const r = await api.call("PATCH", userPath(site, id), permissionsBody(form), ifMatch);
      if (r.ok) return redirectWithFlash(req, reply, back, SAVED);
      const issues = issuesOf(r);
      const values = { role: field(form, "role"), permissions: form.permissions === undefined ? [] : ([] as string[]).concat(form.permissions), "portal.username": field(form, "portal.username") };
      return renderTab(req, reply, tab, { values, issues: placeIssues(issues, ["role", "permissions", "portal.username", "portal.password"]), problem: issues.length ? undefined : problemOf(r), status: r.status });
    }

    if (tab === "forwardings" || tab === "follow-me") {
      const lists: string[] = tab === "forwardings" ? [...FORWARD_LISTS] : ["followMe"];
      const rows: Record<string, StepRow[]> = {};
      for (const list of lists) rows[list] = submittedRows(form, list);
      const values: FormValues = { mode: field(form, "mode"), voicemailLastResort: checked(form, "voicemailLastResort") };
      const add = field(form, "_add");
      if (add && rows[add]) {
        rows[add].push({ target: "", number: "", ringSeconds: "20" });
        return renderTab(req, reply, tab, { rows, values });
      }
      const current = await api.get(`${userPath(site, id)}/forwarding`);
      const f: Obj = current.ok ? current.body : { mode: "off", onNoAnswer: [], onBusy: [], always: [], whenUnreachable: [], followMe: [], voicemailLastResort: false };
      const strip = (steps: Obj[]) => steps.map((s) => (s.userId ? { userId: s.userId, ringSeconds: s.ringSeconds } : { number: s.number, ...(s.numberKind ? { numberKind: s.numberKind } : {}), ringSeconds: s.ringSeconds }));
      const indexes: Record<string, number[]> = {};
      const body: Obj = {};
      for (const list of lists) {
        const { steps, index } = rowsToSteps(rows[list]);
        // A number keeps the desk phone / mobile kind it had (seed 003): the tab does not show it.
        const kinds = new Map(((f[list] ?? []) as Obj[]).filter((s) => s.numberKind).map((s) => [s.number, s.numberKind]));
        body[list] = (steps as Obj[]).map((s) => (s.number && kinds.has(s.number) ? { ...s, numberKind: kinds.get(s.number) } : s));
        indexes[list] = index;
      }
      if (tab === "forwardings") {
        if (f.mode === "followMe") return renderTab(req, reply, tab, { rows, values, problem: "Forwardings are disabled while Follow Me is on: turn Follow Me off first.", status: 409 });
        Object.assign(body, { mode: values.mode === "forward" ? "forward" : "off", voicemailLastResort: values.voicemailLastResort, followMe: [] });
      } else {
        const on = values.mode === "followMe";
        // The other tab's lists go back as they are: the API says whether both may stand.
        Object.assign(body, { mode: on ? "followMe" : f.mode === "followMe" ? "off" : f.mode, followMe: on ? body.followMe : [], voicemailLastResort: f.voicemailLastResort });
        for (const list of FORWARD_LISTS) body[list] = strip(f[list] ?? []);
      }
      // The tabs edit the lists; the options of seeds 001 and 003 (ring strategy, key press, …) stay as they are.
      for (const option of ["ringStrategy", "requireKeyPress", "directCallsOnly", "forwardedCallerId"]) if (f[option] !== undefined) body[option] = f[option];
      const r = await api.call("PUT", `${userPath(site, id)}/forwarding`, body, current.ok ? { "if-match": `"${field(form, "revision") || current.body.revision}"` } : {});
      if (r.ok) return redirectWithFlash(req, reply, back, SAVED);
      const issues = issuesOf(r);
      const names = [...Object.entries(rows).flatMap(([list, rs]) => rs.flatMap((_, i) => [`${list}.${i}.target`, `${list}.${i}.number`, `${list}.${i}.ringSeconds`])), "mode", "voicemailLastResort"];
      return renderTab(req, reply, tab, { rows, values, issues: placeIssues(issues, names, stepPathRenamer(indexes)), problem: issues.length ? undefined : problemOf(r), status: r.status });
    }

    // Keys: the number of keys is one form, the keys another (each key is its own object in the API).
    if (field(form, "_form") === "count") {
      const r = await api.call("PATCH", userPath(site, id), { keyCount: int(field(form, "keyCount")) ?? "" }, ifMatch);
      if (r.ok) return redirectWithFlash(req, reply, back, SAVED);
      const issues = issuesOf(r);
      return renderTab(req, reply, tab, { values: { keyCount: field(form, "keyCount") }, issues: placeIssues(issues, ["keyCount"]), problem: issues.length ? undefined : problemOf(r), status: r.status });
    }
    const user = await api.get(userPath(site, id));
    if (!user.ok) return renderTab(req, reply, tab, { problem: problemOf(user), status: user.status });
    const stored = new Map<number, Obj>(((await api.all(`${userPath(site, id)}/keys`)).body as Obj[]).map((k) => [k.position, k]));
    const rows: Array<KeyRow & { position: number }> = [];
    for (let p = 1; form[`keys.${p}.type`] !== undefined; p++) {
      rows.push({ position: p, type: field(form, `keys.${p}.type`), targetUserId: field(form, `keys.${p}.targetUserId`), number: field(form, `keys.${p}.number`), label: field(form, `keys.${p}.label`) });
    }
    const allIssues = [];
    const saved: number[] = [];
    let problem: string | undefined;
    for (const row of rows) {
      const body = keyBody(row);
      const k = stored.get(row.position);
      // The form edits the Axivox fields of a key (seed 000); a XiVO key's own fields (seed 002) stay as stored while its type does.
      if (body && k && k.type === body.type) {
        for (const f of ["targetGroupId", "forward", "service", "transfer", "supervision"]) if (k[f] !== null && k[f] !== undefined) body[f] = k[f];
      }
      const same = k && body && k.type === body.type && (k.targetUserId ?? undefined) === body.targetUserId && (k.number ?? undefined) === body.number && (k.label ?? null) === body.label;
      if ((!body && !k) || same) continue;
      const path = `${userPath(site, id)}/keys/${row.position}`;
      const r = body ? await api.call("PUT", path, body) : await api.call("DELETE", path);
      if (r.ok) {
        saved.push(row.position);
        continue;
      }
      const issues = issuesOf(r);
      if (!issues.length) problem = `Key ${row.position}: ${problemOf(r)}`;
      allIssues.push(...issues.map((i) => ({ ...i, path: ["keys", row.position, ...(i.path.length ? i.path : ["type"])] })));
    }
    if (!allIssues.length && !problem) return redirectWithFlash(req, reply, back, saved.length ? `Keys ${saved.join(", ")} saved. Apply changes to make them live.` : "Nothing changed.");
    const names = rows.flatMap((r) => ["type", "targetUserId", "number", "label"].map((f) => `keys.${r.position}.${f}`));
    const note = saved.length ? `Keys ${saved.join(", ")} were saved; the keys marked below were not.` : undefined;
    return renderTab(req, reply, tab, { keyRows: rows, issues: placeIssues(allIssues, names), problem: problem ?? note, status: 422 });
  });
}
