/**
 * The Wazo-shaped emulator behind the conformance suite's DriverPbx. Sites are
 * made as an administrator makes them on a Wazo stack, over HTTP with the
 * master token: a wazo-auth tenant (its slug is the site name), a login for
 * Pulumi in it, and the tenant's internal and incall contexts in confd. The
 * stack then reaches it with `pbx:driver wazo`, the URL, the site, and the
 * login as `pbx:username` / `pbx:password` (secret).
 */
import * as crypto from "crypto";
import { startWazoEmulator, type RunningWazoEmulator } from "../../emulator/wazo";
import { createDriver, type Driver } from "../../sdk/drivers";
import { emulatorProcess, type DriverPbx, type DriverPbxOptions } from "./pbx";

async function call(url: string, token: string, method: string, body: unknown, tenant?: string): Promise<any> {
  const res = await fetch(url, {
    method,
    headers: { "content-type": "application/json", "x-auth-token": token, ...(tenant ? { "wazo-tenant": tenant } : {}) },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} → ${res.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** Extension ranges wide enough for every test program (2–6 digits). */
const RANGES = [2, 3, 4, 5, 6].map((n) => ({ start: `1${"0".repeat(n - 1)}`, end: "9".repeat(n) }));

export async function startWazoPbx(options: DriverPbxOptions = {}): Promise<DriverPbx> {
  const { processDataFile, applyDelayMs: _noApply, faults } = options;
  const emu: Pick<RunningWazoEmulator, "url" | "adminToken" | "close"> & { app?: RunningWazoEmulator["app"] } = processDataFile
    ? await emulatorProcess("wazo", processDataFile, { faults })
    : await startWazoEmulator({ dataFile: ":memory:", faults });
  const auth = `${emu.url}/api/auth/0.1`;
  const confd = `${emu.url}/api/confd/1.1`;
  const tenants = new Map<string, string>();
  const admins = new Map<string, Driver>();
  const child = emu as Partial<import("./pbx").ChildEmulator>;
  return {
    driver: "wazo",
    url: emu.url,
    close: async () => {
      for (const d of admins.values()) d.close();
      await emu.close();
    },
    async createSite(name) {
      const tenant = await call(`${auth}/tenants`, emu.adminToken, "POST", { name, slug: name });
      tenants.set(name, tenant.uuid);
      const username = `${name}-pulumi`;
      // Hex: a base64url password may start with "-", which `pulumi config set` takes for a flag.
      const password = crypto.randomBytes(12).toString("hex");
      await call(`${auth}/users`, emu.adminToken, "POST", { username, password, purpose: "external_api" }, tenant.uuid);
      await call(`${confd}/contexts`, emu.adminToken, "POST", { label: "Default", type: "internal", user_ranges: RANGES, group_ranges: RANGES }, tenant.uuid);
      await call(`${confd}/contexts`, emu.adminToken, "POST", { label: "Incoming calls", type: "incall", incall_ranges: [{ start: "0", end: "9", did_length: 1 }] }, tenant.uuid);
      return {
        config: [["pbx:url", emu.url, false], ["pbx:site", name, false], ["pbx:username", username, false], ["pbx:password", password, true]],
        secrets: [password],
      };
    },
    admin: (site) => {
      if (!admins.has(site)) admins.set(site, createDriver("wazo", { site, url: emu.url, token: emu.adminToken, tenant: tenants.get(site) }));
      return admins.get(site)!;
    },
    pending: async () => 0, // Wazo's changes are live at once: there is no apply step
    metrics: async () => {
      const res = await fetch(`${emu.url}/metrics`, { headers: { "x-auth-token": emu.adminToken } });
      const m = (await res.json()) as { requests: Record<string, number> };
      return { requests: m.requests, applies: 0 };
    },
    setFaults: (f) => {
      if (!emu.app) throw new Error("faults of an emulator process are set at its start");
      const current = emu.app.wazo.faults as Record<string, unknown>;
      for (const k of Object.keys(current)) delete current[k];
      Object.assign(current, f);
    },
    kill: child.kill,
    restart: child.restart,
  };
}
