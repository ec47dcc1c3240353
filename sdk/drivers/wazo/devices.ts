/**
 * Devices on Wazo: not mapped (yet). The check at preview refuses any
 * `pbx.Device` on a Wazo site (`driver_unsupported`, capabilities.ts), so these
 * methods are reached only by callers that skip the check; they refuse the
 * same way. Listing answers no devices: the drift audit and the export read
 * every kind of a site, and a Wazo site has no devices in our model.
 *
 * What a mapping would take (for whoever adds it): a device is an extra SIP
 * line of its user — POST /endpoints/sip (username, password), POST /lines,
 * PUT /lines/{id}/endpoints/sip/{uuid}, PUT /users/{uuid}/lines/{id} — and a
 * provisioned phone is a confd /devices entry (mac, vendor, model) associated
 * with that line.
 */
import { PbxValidationError } from "../../errors";
import type { DeviceModel, KindDriver } from "../driver";
import { DEVICE_UNSUPPORTED } from "./capabilities";

function refuse(method: "GET" | "POST" | "PUT" | "DELETE"): never {
  throw new PbxValidationError({
    status: 0,
    method,
    path: "/devices",
    code: "validation_failed",
    detail: DEVICE_UNSUPPORTED,
    issues: [{ path: [], rule: "driver_unsupported", message: DEVICE_UNSUPPORTED }],
  });
}

/** The device kind of the Wazo driver: unsupported. */
export const wazoDevices: KindDriver<"device"> = {
  create: async () => refuse("POST"),
  get: async () => refuse("GET"),
  update: async () => refuse("PUT"),
  delete: async () => refuse("DELETE"),
  find: async () => undefined,
  list: async (): Promise<DeviceModel[]> => [],
  idOf: (d) => d.id,
};
