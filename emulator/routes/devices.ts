/**
 * `/api/v1/sites/{site}/devices`: SIP desk phones, softphones and mobile apps
 * of users (seed 003 Devices, seed 004 "Add Phone Extension", seed 002 line
 * protocol, name and secret).
 */
import crypto from "node:crypto";
import type { FastifyInstance } from "fastify";
import { DeviceCreateSchema, DeviceUpdateSchema, type DeviceCreateParsed, type DeviceUpdateParsed } from "../../sdk/schemas";
import type { Pbx } from "../context";
import { checkDevice } from "../rules/devices";
import type { Data, SiteRow } from "../store/store";
import { mergeDefined, registerCollection } from "./collection";

/** Seed 003: the password is the admin's, or one the PBX makes: 128 random bits, as for a user. */
function generatedSipPassword(): string {
  return crypto.randomBytes(16).toString("base64url");
}

/** Stored data of a new device. */
export function buildDevice(site: SiteRow, b: DeviceCreateParsed): Data {
  const sip = b.protocol === "sip";
  return {
    name: b.name,
    userId: b.userId,
    type: b.type,
    protocol: b.protocol,
    sipUsername: sip ? (b.sipUsername ?? null) : null,
    sipPassword: sip ? (b.sipPassword ?? generatedSipPassword()) : null,
    sipDomain: site.data.sipDomain,
    sipProxy: site.data.sipProxy,
    macAddress: b.macAddress ?? null,
    make: b.make ?? null,
    model: b.model ?? null,
  };
}

/**
 * A PATCH. Turning a device into an SCCP phone drops the SIP password the PBX
 * made (seed 002: the secret is SIP only); turning it back into a SIP device
 * makes a new one. The user name is the admin's: the rules ask for it.
 */
function mergeDevice(current: Data, p: DeviceUpdateParsed): Data {
  const next = mergeDefined(current, p);
  if (next.protocol === "sccp" && p.sipPassword === undefined) next.sipPassword = null;
  if (next.protocol === "sip" && !next.sipPassword) next.sipPassword = generatedSipPassword();
  return next;
}

/** Register the device routes. */
export function deviceRoutes(app: FastifyInstance, pbx: Pbx): void {
  registerCollection(app, pbx, {
    kind: "device",
    path: "devices",
    noun: "device",
    createSchema: DeviceCreateSchema,
    updateSchema: DeviceUpdateSchema,
    build: buildDevice,
    merge: mergeDevice,
    check: checkDevice,
  });
}
