/**
 * The devices of a site (seed 003 "Devices": device name, user name, MAC
 * address, make and model), read-only: a device is declared in a program (or
 * through API v1); the console shows who has which phone and whether it is
 * live. Its SIP password is not shown here (the API returns it to whoever may
 * provision the phone).
 */
import type { FastifyInstance } from "fastify";
import { apiOf, consoleRoute, problemOf, render, siteChrome } from "../page";
import { siteUsers } from "./users";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

export function devicePages(app: FastifyInstance): void {
  app.get<{ Params: { site: string } }>("/sites/:site/devices", consoleRoute("console:site"), async (req, reply) => {
    const { site } = req.params;
    const api = apiOf(req);
    const [devices, users] = await Promise.all([api.all(`sites/${encodeURIComponent(site)}/devices`), siteUsers(api, site)]);
    const chrome = await siteChrome(api, site);
    if (!devices.ok) return render(req, reply, "error", { title: "Devices", site: chrome, section: "devices", problem: problemOf(devices) }, devices.status);
    const byId = new Map(users.map((u) => [u.id as string, u]));
    const rows = (devices.body as Obj[]).map((d) => {
      const u = byId.get(d.userId);
      return { ...d, sipPassword: undefined, owner: u ? `${u.firstName} ${u.lastName ?? ""}`.trim() + ` (${u.extension})` : d.userId };
    });
    return render(req, reply, "devices", { title: "Devices", site: chrome, section: "devices", devices: rows });
  });
}
