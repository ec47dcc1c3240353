/**
 * Rules that span objects for incoming numbers: unique number, destinations
 * and SMS routing that point at existing objects.
 */
import type { Destination, SmsRouting } from "../../sdk/schemas";
import { conflict } from "../errors";
import type { Data } from "../store/store";
import { Issues, type RuleContext } from "./common";

/** The natural key of an incoming number: the E.164 number. */
export function incomingNumberKey(d: Data): string {
  return String(d.number);
}

/** Check an incoming number's saved data against the site; throws 422 or 409. */
export function checkIncomingNumber(ctx: RuleContext, d: Data): void {
  const issues = new Issues();
  const dest = d.destination as Destination;
  if (dest.type === "user" || dest.type === "voicemail") {
    issues.requireObject(ctx, "user", dest.userId, ["destination", "userId"], "destination_missing", "user");
  } else if (dest.type === "userGroup") {
    issues.requireObject(ctx, "userGroup", dest.groupId, ["destination", "groupId"], "destination_missing", "user group");
  }
  // Seed 000 SMS information: SMS to the number go to a user of the same site.
  const sms = d.sms as SmsRouting | undefined;
  if (sms?.type === "user") issues.requireObject(ctx, "user", sms.userId, ["sms", "userId"], "sms_target_missing", "user");
  issues.throwIfAny();
  const other = ctx.store.findByKey(ctx.site.name, "incomingNumber", incomingNumberKey(d));
  if (other && other.id !== ctx.selfId) {
    const key = `number ${String(d.number)}`;
    throw conflict(`${key} already exists on site "${ctx.site.name}" as ${other.id}`, { type: "incomingNumber", id: other.id, key }, { path: ["number"], rule: "number_unique", message: `${key} is taken` });
  }
}
