/**
 * What deleting an object does to the objects that point at it.
 *
 * Like the consoles of seeds 000 and 002, deleting a user takes what belongs
 * to it along (its function keys and its forwarding) and unhooks it from
 * everything else: it leaves every user group, other users' keys aimed at it
 * are removed, forwarding steps to it are dropped, and incoming numbers that
 * rang it (or its voicemail) fall back to "Not configured" (`{type: "none"}`).
 * SMS routed to it go nowhere (`sms: {type: "none"}`).
 * Deleting a user group sends its incoming numbers to "Not configured" too
 * and removes the group keys aimed at it,
 * and deleting an incoming number clears it as anyone's outgoing caller ID
 * (seed 003: the caller ID must be one of the account's numbers).
 * Every object touched gets a new revision and waits for the next apply, so
 * `pulumi refresh` shows the change as drift rather than hiding it.
 *
 * Devices are the exception: deleting a user that still has devices is refused
 * (409 `user_has_devices`, naming them). A device is a phone on someone's desk,
 * provisioned by its MAC; deleting it along with its owner would silently
 * unprovision hardware that an admin usually hands to the next person (seed
 * 003 keeps such phones as "spare devices"). The admin removes or reassigns the
 * devices first; a Pulumi program that deletes both does so in that order
 * anyway, since a device depends on its user.
 */
import { FORWARDING_LISTS, type Destination, type ForwardingStep, type SmsRouting } from "../../sdk/schemas";
import { conflict } from "../errors";
import { saveObject } from "../objects";
import type { ObjectRow, Store } from "../store/store";

/** Stage the delete of `row` and its consequences. Call inside the request's transaction. */
export function deleteWithReferences(store: Store, row: ObjectRow, now: string): void {
  if (row.kind === "user") unhookUser(store, row, now);
  if (row.kind === "userGroup") {
    resetDestinations(store, row.site, (d) => d.type === "userGroup" && d.groupId === row.id, now);
    for (const key of store.allSaved(row.site, "functionKey")) if (key.saved!.targetGroupId === row.id) store.delete(key, now);
  }
  if (row.kind === "incomingNumber") clearCallerId(store, row.site, String(row.saved!.number), now);
  store.delete(row, now);
}

function unhookUser(store: Store, user: ObjectRow, now: string): void {
  const site = user.site;
  const devices = store.children(site, "device", user.id);
  if (devices.length) {
    const names = devices.map((d) => `${d.id} ("${String(d.saved!.name)}")`).join(", ");
    throw conflict(
      `user ${user.id} still has ${devices.length === 1 ? "a device" : `${devices.length} devices`}: ${names}; delete or reassign ${devices.length === 1 ? "it" : "them"} first`,
      { type: "device", id: devices[0].id, key: `device of user ${user.id}` },
      { path: ["devices"], rule: "user_has_devices", message: `devices ${devices.map((d) => d.id).join(", ")} belong to this user` },
    );
  }
  for (const key of store.children(site, "functionKey", user.id)) store.delete(key, now);
  for (const fwd of store.children(site, "forwarding", user.id)) store.delete(fwd, now);
  for (const key of store.allSaved(site, "functionKey")) {
    if (key.saved!.targetUserId === user.id) store.delete(key, now);
  }
  for (const group of store.allSaved(site, "userGroup")) {
    const members = group.saved!.members as string[];
    if (members.includes(user.id)) saveObject(store, group, { ...group.saved!, members: members.filter((m) => m !== user.id) }, now);
  }
  for (const fwd of store.allSaved(site, "forwarding")) {
    const data = { ...fwd.saved! };
    let changed = false;
    for (const list of [...FORWARDING_LISTS, "followMe"] as const) {
      const steps = data[list] as ForwardingStep[];
      const kept = steps.filter((s) => s.userId !== user.id);
      if (kept.length !== steps.length) {
        data[list] = kept;
        changed = true;
      }
    }
    if (changed) saveObject(store, fwd, data, now);
  }
  // One save per number (one new revision) when both its destination and its SMS pointed at the user.
  for (const num of store.allSaved(site, "incomingNumber")) {
    const d = num.saved!.destination as Destination;
    const sms = num.saved!.sms as SmsRouting | undefined;
    const data = { ...num.saved! };
    if ((d.type === "user" || d.type === "voicemail") && d.userId === user.id) data.destination = { type: "none" };
    if (sms?.type === "user" && sms.userId === user.id) data.sms = { type: "none" };
    if (data.destination !== num.saved!.destination || data.sms !== num.saved!.sms) saveObject(store, num, data, now);
  }
}

function resetDestinations(store: Store, site: string, pointsAt: (d: Destination) => boolean, now: string): void {
  for (const num of store.allSaved(site, "incomingNumber")) {
    if (pointsAt(num.saved!.destination as Destination)) saveObject(store, num, { ...num.saved!, destination: { type: "none" } }, now);
  }
}

/**
 * A renumbered incoming number stays the caller ID of the users who had it
 * (docs/api-v1.md): their outgoing caller ID follows to the new number, each
 * with a new revision, rather than pointing at a number the site no longer has.
 */
export function followRenumbering(store: Store, site: string, from: string, to: string, now: string): void {
  if (from === to) return;
  for (const user of store.allSaved(site, "user")) {
    if (user.saved!.outgoingCallerId === from) saveObject(store, user, { ...user.saved!, outgoingCallerId: to }, now);
  }
}

function clearCallerId(store: Store, site: string, number: string, now: string): void {
  for (const user of store.allSaved(site, "user")) {
    if (user.saved!.outgoingCallerId === number) saveObject(store, user, { ...user.saved!, outgoingCallerId: null }, now);
  }
}
