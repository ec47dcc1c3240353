/**
 * State of one dynamic-provider process: the settings read by `configure`, one
 * driver and one apply coalescer per site. The engine runs every resource of a
 * program through one such process concurrently, so this is the only shared
 * state, and it is built lazily and never mutated after creation.
 *
 * Why `configure` only records a promise: @pulumi/pulumi's dynamic-provider host
 * caches a provider before awaiting its `configure`, so calls for the same
 * provider may arrive while `configure` is still running. Every operation awaits
 * `settings()` instead of assuming `configure` has finished.
 */
import { createDriver, type Driver } from "../sdk/drivers";
import { ApplyCoalescer } from "./applyCoalescer";
import { ConfigSource, Connection, Settings, connectionFor, readSettings } from "./config";

let settingsPromise: Promise<Settings> | undefined;
const drivers = new Map<string, Driver>();
const coalescers = new Map<string, ApplyCoalescer>();

/** Called from every provider's `configure`; synchronous up to the promise it records. */
export function configure(config: ConfigSource): Promise<void> {
  settingsPromise = Promise.resolve().then(() => readSettings(config));
  return settingsPromise.then(() => undefined);
}

/** The settings; without a `configure` (a refresh of an old state), env only. */
export function settings(): Promise<Settings> {
  if (!settingsPromise) settingsPromise = Promise.resolve().then(() => readSettings({ get: () => undefined }));
  return settingsPromise;
}

function connectionKey(c: Connection): string {
  return JSON.stringify([c.driver, c.site, c.url, c.token, c.username, c.password, c.tenant, c.confdPath, c.authPath]);
}

/**
 * The driver for a site: one per site and connection, so keep-alive, tokens and
 * concurrency limits are shared by every operation of the process.
 */
export async function driverFor(site: string): Promise<Driver> {
  const conn = connectionFor(await settings(), site);
  const key = connectionKey(conn);
  let driver = drivers.get(key);
  if (!driver) {
    driver = createDriver(conn.driver, conn);
    drivers.set(key, driver);
  }
  return driver;
}

/**
 * Deletes that skip their own apply: set when this process deletes a
 * `pbx.ApplyChanges` (first thing `pulumi destroy` does, since it depends on every
 * pbx resource); the program's apply guard, which every pbx resource depends on
 * and which is therefore deleted last, then applies each site once.
 */
let deletesDeferred = false;
const sitesWithDeferredDeletes = new Set<string>();

export function deferDeletes(): void {
  deletesDeferred = true;
}

/** After a delete: waits for its apply, or leaves it to the apply guard (see {@link deferDeletes}). */
export async function deleteApplied(site: string): Promise<void> {
  if (deletesDeferred) {
    sitesWithDeferredDeletes.add(site);
    return;
  }
  await applied(site);
}

/** Applies every site whose deletes were deferred; what the apply guard's delete runs. */
export async function applyDeferredDeletes(): Promise<void> {
  const sites = [...sitesWithDeferredDeletes];
  await Promise.all(sites.map((site) => applied(site)));
  for (const site of sites) sitesWithDeferredDeletes.delete(site);
}

/**
 * Waits until the site's saved changes, including a write acknowledged before this
 * call, are applied; with `pbx:applyChanges: never` returns at once.
 */
export async function applied(site: string): Promise<void> {
  const s = await settings();
  if (s.applyChanges === "never") return;
  const driver = await driverFor(site);
  if (!driver.capabilities.needsApply) return; // changes are live at once (Wazo)
  const key = connectionKey(connectionFor(s, site));
  let coalescer = coalescers.get(key);
  if (!coalescer) {
    coalescer = new ApplyCoalescer({ apply: () => driver.apply() });
    coalescers.set(key, coalescer);
  }
  await coalescer.afterWrite();
}
