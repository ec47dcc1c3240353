/**
 * Rules that span objects for user groups: unique name, members are users of
 * the same site.
 */
import { conflict } from "../errors";
import type { Data } from "../store/store";
import { Issues, type RuleContext } from "./common";

/** The natural key of a group: its name, case-insensitive (consoles list "Sales" and "sales" as one). */
export function userGroupKey(d: Data): string {
  return String(d.name).toLowerCase();
}

/** Check a group's saved data against the site; throws 422 or 409. */
export function checkUserGroup(ctx: RuleContext, d: Data): void {
  const issues = new Issues();
  (d.members as string[]).forEach((id, i) => issues.requireObject(ctx, "user", id, ["members", i], "group_member_missing", "user"));
  issues.throwIfAny();
  const other = ctx.store.findByKey(ctx.site.name, "userGroup", userGroupKey(d));
  if (other && other.id !== ctx.selfId) {
    const key = `name ${String(other.saved!.name)}`;
    throw conflict(`a user group named "${String(d.name)}" already exists (${other.id})`, { type: "userGroup", id: other.id, key }, { path: ["name"], rule: "group_name_unique", message: `${key} is taken` });
  }
}
