/**
 * Rules that span objects for function keys: position inside the user's key
 * count, target user or group exists, no identical key twice on one user (seed 002).
 */
import { functionKeyIdentity } from "../../sdk/schemas";
import { conflict } from "../errors";
import type { Data, ObjectRow } from "../store/store";
import { Issues, type RuleContext } from "./common";

/** The natural key of a key: owner and position. */
export function functionKeyKey(userId: string, position: number): string {
  return `${userId}#${position}`;
}

/** Check a key for `owner` against the site; throws 422 or 409. */
export function checkFunctionKey(ctx: RuleContext, owner: ObjectRow, d: Data): void {
  const issues = new Issues();
  const keyCount = Number(owner.saved!.keyCount);
  const position = Number(d.position);
  // Seed 000: keys 1..the user's "Number of keys".
  if (position > keyCount) issues.add(["position"], "key_position_range", `position ${position} is beyond the user's ${keyCount} keys`);
  if (d.targetUserId) issues.requireObject(ctx, "user", String(d.targetUserId), ["targetUserId"], "key_target_missing", "user");
  if (d.targetGroupId) issues.requireObject(ctx, "userGroup", String(d.targetGroupId), ["targetGroupId"], "key_target_missing", "user group");
  issues.throwIfAny();
  const identity = functionKeyIdentity(d as { type: string });
  const twin = ctx.store.children(ctx.site.name, "functionKey", owner.id).find((k) => Number(k.saved!.position) !== position && functionKeyIdentity(k.saved as { type: string }) === identity);
  if (twin) {
    // Seed 002: "a user cannot add multiple times exactly the same function key".
    const key = `user ${owner.id} key ${String(twin.saved!.position)}`;
    throw conflict(`the same ${String(d.type)} key already exists at position ${String(twin.saved!.position)}`, { type: "functionKey", id: twin.id, key }, { path: ["type"], rule: "key_duplicate", message: `identical to the key at position ${String(twin.saved!.position)}` });
  }
}
