/**
 * Rules that span objects for forwardings: every step's user exists and is
 * not the owner (a forward to oneself loops).
 */
import { FORWARDING_LISTS, type ForwardingStep } from "../../sdk/schemas";
import type { Data } from "../store/store";
import { Issues, type RuleContext } from "./common";

/** Check a forwarding of `ownerId`; throws 422. */
export function checkForwarding(ctx: RuleContext, ownerId: string, d: Data): void {
  const issues = new Issues();
  for (const list of [...FORWARDING_LISTS, "followMe"] as const) {
    (d[list] as ForwardingStep[]).forEach((step, i) => {
      if (!step.userId) return;
      if (step.userId === ownerId) issues.add([list, i, "userId"], "forwarding_to_self", "a user cannot forward to themself");
      else issues.requireObject(ctx, "user", step.userId, [list, i, "userId"], "forwarding_target_missing", "user");
    });
  }
  issues.throwIfAny();
}
