/**
 * Rules that span objects for users: numbering plan and uniqueness of the
 * extension, caller ID, key count.
 */
import { checkExtensionRule, type NumberingPlan } from "../../sdk/schemas";
import { userCrossIssues, type Role } from "../../sdk/schemas/user";
import { conflict } from "../errors";
import type { Data } from "../store/store";
import { Issues, type RuleContext } from "./common";
import { deviceWithSipUsername } from "./devices";

/** The natural key of a user: its extension (unique per site, seed 000). */
export function userKey(d: Data): string {
  return String(d.extension);
}

/** Check a user's saved data against the site; throws 422 or 409. */
export function checkUser(ctx: RuleContext, d: Data): void {
  const issues = new Issues();
  const ext = String(d.extension);
  // Seed 004: "follow the numbering plan for the client and follow the Reserved Number Space".
  const plan = ctx.site.data.numberingPlan as NumberingPlan;
  const problem = checkExtensionRule(ext, plan);
  if (problem) issues.add(["extension"], problem.rule, problem.message);
  // Seed 004: "Extension … This cannot be changed later", on a site that says so.
  if (ctx.selfId && ctx.site.data.extensionChange === "replace") {
    const before = ctx.store.get(ctx.site.name, "user", ctx.selfId)?.saved?.extension;
    if (before !== undefined && String(before) !== ext) {
      issues.add(["extension"], "extension_immutable", `site "${ctx.site.name}" cannot change an extension (${String(before)} → ${ext}): delete the user and create it again (pbx:sites.${ctx.site.name}.extensionChange = "replace" makes pulumi-pbx do so)`);
    }
  }
  // Seed 003: a caller ID is one of the numbers of the account, i.e. an incoming number of the site.
  const callerId = d.outgoingCallerId as string | null;
  if (callerId && !ctx.store.findByKey(ctx.site.name, "incomingNumber", callerId)) {
    issues.add(["outgoingCallerId"], "caller_id_not_site_number", `outgoing caller ID ${callerId} is not an incoming number of site "${ctx.site.name}"`);
  }
  // Seed 003: extra extensions follow the plan too, and each is reachable: no other user holds it, main or extra.
  const extras = ((d.extraExtensions as string[] | undefined) ?? []).map(String);
  extras.forEach((x, i) => {
    const bad = checkExtensionRule(x, plan);
    if (bad) issues.add(["extraExtensions", i], bad.rule, `extra extension: ${bad.message}`);
  });
  const vm = d.voicemail as { email?: string | null; notificationEmails?: string[]; attachAudio?: boolean; deleteAfterNotification?: boolean };
  const cti = d.cti as { enabled?: boolean; username?: string | null } | undefined;
  for (const i of userCrossIssues({ extension: ext, email: d.email as string | null, role: d.role as Role, voicemail: vm, cti, extraExtensions: extras })) issues.add(i.path, i.rule, i.message);
  if (ctx.selfId) {
    const highest = Math.max(0, ...ctx.store.children(ctx.site.name, "functionKey", ctx.selfId).map((k) => Number(k.saved!.position)));
    if (Number(d.keyCount) < highest) {
      issues.add(["keyCount"], "key_count_below_keys", `key count ${String(d.keyCount)} is below the function key at position ${highest}; remove that key first`);
    }
  }
  issues.throwIfAny();
  const other = ctx.store.findByKey(ctx.site.name, "user", userKey(d));
  if (other && other.id !== ctx.selfId) {
    const key = `extension ${ext}`;
    throw conflict(`extension ${ext} is already used by user ${other.id} (${String(other.saved!.firstName)})`, { type: "user", id: other.id, key }, { path: ["extension"], rule: "extension_unique", message: `${key} is taken` });
  }
  // The extension is the user's SIP username (seed 000), which no device may hold too.
  const device = deviceWithSipUsername(ctx.store, ctx.site.name, ext);
  if (device) {
    const key = `SIP user name ${ext}`;
    throw conflict(`extension ${ext} is the SIP user name of device ${device.id} (${String(device.saved!.name)})`, { type: "device", id: device.id, key }, { path: ["extension"], rule: "sip_username_unique", message: `${key} is taken by a device` });
  }
  if (extras.length === 0 && !ctx.store.allSaved(ctx.site.name, "user").some((u) => ((u.saved!.extraExtensions as string[] | undefined) ?? []).length)) return;
  // Main and extra extensions share one number space per site (seed 003: each extension reaches one user).
  const holders = new Map<string, ObjectRowLike>();
  for (const u of ctx.store.allSaved(ctx.site.name, "user")) {
    if (u.id === ctx.selfId) continue;
    holders.set(String(u.saved!.extension), u);
    for (const x of (u.saved!.extraExtensions as string[] | undefined) ?? []) holders.set(String(x), u);
  }
  const mainHolder = holders.get(ext);
  if (mainHolder) {
    const key = `extension ${ext}`;
    throw conflict(`extension ${ext} is already an extra extension of user ${mainHolder.id} (${String(mainHolder.saved!.firstName)})`, { type: "user", id: mainHolder.id, key }, { path: ["extension"], rule: "extension_unique", message: `${key} is taken` });
  }
  for (const [i, x] of extras.entries()) {
    const holder = holders.get(x);
    if (holder) {
      const key = `extension ${x}`;
      throw conflict(`extension ${x} is already used by user ${holder.id} (${String(holder.saved!.firstName)})`, { type: "user", id: holder.id, key }, { path: ["extraExtensions", i], rule: "extension_unique", message: `${key} is taken` });
    }
  }
}

type ObjectRowLike = { id: string; saved?: Data | null };
