/**
 * Rules that span objects for users: numbering plan and uniqueness of the
 * extension, caller ID, key count.
 */
import { checkExtensionRule, type NumberingPlan } from "../../sdk/schemas";
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
  // Seed 003: a caller ID is one of the numbers of the account, i.e. an incoming number of the site.
  const callerId = d.outgoingCallerId as string | null;
  if (callerId && !ctx.store.findByKey(ctx.site.name, "incomingNumber", callerId)) {
    issues.add(["outgoingCallerId"], "caller_id_not_site_number", `outgoing caller ID ${callerId} is not an incoming number of site "${ctx.site.name}"`);
  }
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
}
