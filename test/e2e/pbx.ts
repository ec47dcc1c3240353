/**
 * e2e helpers around the emulator: start one on a free port, make sites, and look
 * at the PBX behind Pulumi's back the way a console user would.
 */
import { type ChildProcess, spawn } from "child_process";
import * as net from "net";
import * as path from "path";
import { startEmulator, type FaultOptions, type RunningEmulator } from "../../emulator";
import { createDriver, type Driver, type DriverName } from "../../sdk/drivers";
import { PbxClient } from "../../sdk/drivers/apiv1/client";
import { ProjectOptions, PulumiProject, repoRoot } from "./harness";

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
  return startPbxOn(await startEmulator({ dataFile: ":memory:", ...options }));
}

async function startPbxOn(emu: Pick<RunningEmulator, "url" | "adminToken" | "close">): Promise<RunningPbx> {
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
    // Getting a token (wazo-auth POST /token) is a login, not a change to the PBX.
    .filter(([route]) => !route.startsWith("GET ") && !route.includes("/apply") && !route.endsWith("/token"))
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

// ---- driver-neutral: what the conformance suite needs of any PBX behind any driver ----

/** A PBX of one driver, as the conformance suite sees it. */
export interface DriverPbx {
  driver: DriverName;
  url: string;
  close(): Promise<void>;
  /** Creates a site (tenant); returns the stack config that reaches it and the secret values in it. */
  createSite(name: string): Promise<{ config: Array<[key: string, value: string, secret: boolean]>; secrets: string[] }>;
  /** The site through the driver with full rights: the "console" of the tests. */
  admin(site: string): Driver;
  /** Saved changes not live yet (0 for a PBX without an apply step). */
  pending(site: string): Promise<number>;
  /** Request counts per route (`"POST /api/…"`), from the emulator's metrics. */
  metrics(): Promise<{ requests: Record<string, number>; applies: number }>;
  /** Turns fault injection on or off at runtime (in-process emulators only). */
  setFaults(faults: FaultOptions): void;
  /** Emulators in a child process: kill -9 it, and start it again on the same port and data file. */
  kill?(): void;
  restart?(): Promise<void>;
}

/** Options of a conformance PBX. */
export interface DriverPbxOptions {
  applyDelayMs?: number;
  faults?: FaultOptions;
  /** Run the emulator in a child process on this SQLite file (for kill -9 tests). */
  processDataFile?: string;
}

/** The drivers the conformance suite runs against (each with its own emulator). */
export const CONFORMANCE_DRIVERS: DriverName[] = ["apiv1", "wazo"];

export async function startDriverPbx(driver: DriverName, options: DriverPbxOptions = {}): Promise<DriverPbx> {
  if (driver === "apiv1") {
    const { processDataFile, ...emuOptions } = options;
    const emu = processDataFile ? await emulatorProcess("apiv1", processDataFile, emuOptions) : await startEmulator({ dataFile: ":memory:", ...emuOptions });
    const pbx = await startPbxOn(emu);
    const admins = new Map<string, Driver>();
    return {
      driver,
      url: emu.url,
      close: async () => {
        for (const d of admins.values()) d.close();
        await emu.close();
      },
      async createSite(name) {
        const token = await pbx.createSite(name);
        return { config: [["pbx:url", emu.url, false], ["pbx:token", token, true], ["pbx:site", name, false]], secrets: [token] };
      },
      admin: (site) => {
        if (!admins.has(site)) admins.set(site, createDriver("apiv1", { site, url: emu.url, token: emu.adminToken }));
        return admins.get(site)!;
      },
      pending: async (site) => (await pbx.console(site).applyStatus()).pending,
      metrics: () => pbx.metrics(),
      setFaults: (f) => {
        if (!emu.app) throw new Error("faults of an emulator process are set at its start");
        emu.app.pbx.faults = { ...f };
      },
      kill: (emu as ChildEmulator).kill,
      restart: (emu as ChildEmulator).restart,
    };
  }
  const { startWazoPbx } = require("./wazoPbx") as typeof import("./wazoPbx");
  return startWazoPbx(options);
}

/** A program whose stack `dev` reaches `site` of `pbx` through its driver (credentials as secret config). */
export async function projectOnDriverSite(pbx: DriverPbx, site: string, options: ProjectOptions): Promise<{ project: PulumiProject; secrets: string[] }> {
  const { config, secrets } = await pbx.createSite(site);
  const project = PulumiProject.create(options);
  await project.initStack("dev");
  if (pbx.driver !== "apiv1") await project.setConfig("pbx:driver", pbx.driver);
  for (const [key, value, secret] of config) await project.setConfig(key, value, { secret });
  return { project, secrets };
}

/** An emulator in a child process (from `dist/`), so a test can kill -9 it. */
export interface ChildEmulator {
  url: string;
  adminToken: string;
  app?: undefined;
  close(): Promise<void>;
  kill(): void;
  restart(): Promise<void>;
}

/**
 * Starts `flavor`'s emulator in a child process on `dataFile`, on a port that
 * stays the same across restarts.
 */
export async function emulatorProcess(flavor: DriverName, dataFile: string, options: { applyDelayMs?: number; faults?: FaultOptions } = {}): Promise<ChildEmulator> {
  const port = await freePort();
  const adminToken = `pbxa_child_${process.pid}_${port}`;
  const entry = flavor === "apiv1" ? ["emulator", "startEmulator"] : ["emulator/wazo", "startWazoEmulator"];
  const script =
    `require(${JSON.stringify(path.join(repoRoot, "dist", entry[0]))}).${entry[1]}(${JSON.stringify({ port, dataFile, adminToken, ...options })})` +
    `.then((e) => console.log("READY " + e.url), (err) => { console.error(err); process.exit(1); });`;
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve, reject) => {
      let out = "";
      child!.stdout!.on("data", (d) => {
        out += String(d);
        if (out.includes("READY ")) resolve();
      });
      child!.once("exit", (code) => reject(new Error(`emulator process exited with ${code} before it was ready`)));
    });
  };
  await start();
  return {
    url: `http://127.0.0.1:${port}`,
    adminToken,
    close: async () => { child?.kill("SIGTERM"); },
    kill: () => { child?.kill("SIGKILL"); },
    restart: start,
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}
