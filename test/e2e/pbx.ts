/**
 * e2e helpers around the emulator: start one on a free port, make sites, and look
 * at the PBX behind Pulumi's back the way a console user would.
 */
import { startEmulator } from "../../emulator";
import { PbxClient } from "../../sdk/drivers/apiv1/client";
import { ProjectOptions, PulumiProject } from "./harness";

export interface RunningPbx {
  url: string;
  adminToken: string;
  close(): Promise<void>;
  /** Creates a site; returns its site-scoped token. */
  createSite(name: string, numberingPlan?: { minLength: number; maxLength: number; reserved?: { from: string; to: string }[] }): Promise<string>;
  /** A client for a site with the admin token (the "console"). */
  console(site: string): PbxClient;
  /** Request counts per route, from GET /metrics. */
  metrics(): Promise<{ requests: Record<string, number>; applies: number }>;
}

export async function startPbx(options: Record<string, unknown> = {}): Promise<RunningPbx> {
  const emu = await startEmulator({ dataFile: ":memory:", ...options });
  const admin = (site: string) => new PbxClient({ url: emu.url, token: emu.adminToken, site, timeoutMs: 10_000 });
  return {
    url: emu.url,
    adminToken: emu.adminToken,
    close: () => emu.close(),
    async createSite(name, numberingPlan) {
      const created = await admin(name).sites.create({ name, ...(numberingPlan ? { numberingPlan: { reserved: [], ...numberingPlan } } : {}) });
      return created.token;
    },
    console: admin,
    async metrics() {
      const res = await fetch(`${emu.url}/metrics`, { headers: { authorization: `Bearer ${emu.adminToken}` } });
      return (await res.json()) as { requests: Record<string, number>; applies: number };
    },
  };
}

/** Write requests (anything but GET) the PBX has received. */
export function writeCount(m: { requests: Record<string, number> }): number {
  return Object.entries(m.requests)
    .filter(([route]) => !route.startsWith("GET ") && !route.includes("/apply"))
    .reduce((n, [, c]) => n + c, 0);
}

/** A program whose stack `dev` manages `site` on this PBX with the site's own token (secret config). */
export async function projectOnSite(pbx: RunningPbx, site: string, options: ProjectOptions): Promise<{ project: PulumiProject; token: string }> {
  const token = await pbx.createSite(site);
  const project = PulumiProject.create(options);
  await project.initStack("dev");
  await project.setConfig("pbx:url", pbx.url);
  await project.setConfig("pbx:token", token, { secret: true });
  await project.setConfig("pbx:site", site);
  return { project, token };
}
