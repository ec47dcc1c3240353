/**
 * The driver registry: the only place that knows which folder implements which
 * `pbx:driver`. Drivers are loaded on first use, so a program that talks to API
 * v1 never loads the Wazo driver.
 */
import type { Capabilities, Driver, DriverConnection, DriverName } from "./driver";
import { DRIVER_NAMES } from "./driver";

export * from "./driver";

/** What a driver folder's index exports. */
export interface DriverModule {
  capabilities: Capabilities;
  createDriver(connection: DriverConnection): Driver;
}

function load(name: DriverName): DriverModule {
  switch (name) {
    case "apiv1":
      return require("./apiv1") as DriverModule;
    case "wazo":
      return require("./wazo") as DriverModule;
    default:
      throw new Error(`unknown PBX driver "${String(name)}": use one of ${DRIVER_NAMES.join(", ")}`);
  }
}

/** True when `name` is a driver there is. */
export function isDriverName(name: unknown): name is DriverName {
  return typeof name === "string" && (DRIVER_NAMES as readonly string[]).includes(name);
}

/** What the driver's PBX can express (no network). */
export function capabilitiesOf(name: DriverName): Capabilities {
  return load(name).capabilities;
}

/** A driver for one site. */
export function createDriver(name: DriverName, connection: DriverConnection): Driver {
  return load(name).createDriver(connection);
}
