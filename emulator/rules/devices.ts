/**
 * Rules that span objects for devices (seed 003 Devices): the owner is a user
 * of the site; the SIP user name is unique on the site, users' own SIP
 * usernames (their extensions, seed 000) included; the MAC address is unique on
 * the site (one phone, one provisioning). The rules between a device's own
 * fields are the schema's (`deviceProblems`), checked here on the object as it
 * is after a PATCH.
 */
import { deviceProblems, type DeviceShape } from "../../sdk/schemas";
import { conflict } from "../errors";
import type { Data, Store } from "../store/store";
import { Issues, type RuleContext } from "./common";

/**
 * The natural key of a device: its SIP user name, case-insensitive (phones and
 * registrars differ on case, so "Desk1" and "desk1" are one name), or for an
 * SCCP phone, which has none, its MAC address.
 */
export function deviceKey(d: Data): string {
  return d.sipUsername ? String(d.sipUsername).toLowerCase() : `mac:${String(d.macAddress)}`;
}

/** The device of the site whose SIP user name is `username` (any case), if any. */
export function deviceWithSipUsername(store: Store, site: string, username: string): ReturnType<Store["findByKey"]> {
  return store.findByKey(site, "device", username.toLowerCase());
}

/** Check a device's saved data against the site; throws 422 or 409. */
export function checkDevice(ctx: RuleContext, d: Data): void {
  const issues = new Issues();
  for (const p of deviceProblems(d as DeviceShape)) issues.add([p.path], p.rule, p.message);
  issues.requireObject(ctx, "user", String(d.userId), ["userId"], "device_user_missing", "user");
  issues.throwIfAny();
  const site = ctx.site.name;
  if (d.sipUsername) {
    const name = String(d.sipUsername);
    const other = deviceWithSipUsername(ctx.store, site, name);
    if (other && other.id !== ctx.selfId) {
      const key = `SIP user name ${String(other.saved!.sipUsername)}`;
      throw conflict(`${key} is already used by device ${other.id} (${String(other.saved!.name)})`, { type: "device", id: other.id, key }, { path: ["sipUsername"], rule: "sip_username_unique", message: `${key} is taken` });
    }
    // A user's own SIP username is its extension (seed 000): a device may not register as that user's line.
    const user = ctx.store.findByKey(site, "user", name);
    if (user) {
      const key = `SIP user name ${name}`;
      throw conflict(`${key} is the SIP username of user ${user.id} (extension ${name})`, { type: "user", id: user.id, key }, { path: ["sipUsername"], rule: "sip_username_unique", message: `${key} is a user's own SIP username` });
    }
  }
  if (d.macAddress) {
    const twin = ctx.store.allSaved(site, "device").find((o) => o.id !== ctx.selfId && o.saved!.macAddress === d.macAddress);
    if (twin) {
      const key = `MAC address ${String(d.macAddress)}`;
      throw conflict(`${key} is already provisioned as device ${twin.id} (${String(twin.saved!.name)})`, { type: "device", id: twin.id, key }, { path: ["macAddress"], rule: "mac_unique", message: `${key} is taken` });
    }
  }
}
