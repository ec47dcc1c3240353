/**
 * `/sites/{site}/devices`: SIP desk phones, softphones and mobile apps of users.
 */
import { Device, DeviceCreate, DeviceSchema, DeviceUpdate, DeviceUpdateSchema, normalizeMac } from "../../../schemas/device";
import { Collection } from "./collection";
import { SiteContext } from "./context";

/** Devices of one site. */
export class DevicesApi extends Collection<Device, DeviceCreate, DeviceUpdate> {
  constructor(ctx: SiteContext) {
    super(ctx, { segment: "devices", schema: DeviceSchema, updateSchema: DeviceUpdateSchema });
  }

  /** The device registering as `sipUsername` (any case, as the PBX compares them). */
  findBySipUsername(sipUsername: string): Promise<Device | undefined> {
    const wanted = sipUsername.trim().toLowerCase();
    return this.findOne(wanted, (d) => d.sipUsername?.toLowerCase() === wanted);
  }

  /** The device provisioned with MAC address `mac` (any notation). */
  findByMac(mac: string): Promise<Device | undefined> {
    const wanted = normalizeMac(mac);
    return this.findOne(wanted, (d) => d.macAddress === wanted);
  }
}
