/**
 * State of one dynamic-provider process: the settings read by `configure`, one
 * client and one apply coalescer per site. The engine runs every resource of a
 * program through one such process concurrently, so this is the only shared
 * state, and it is built lazily and never mutated after creation.
 *
 * Why `configure` only records a promise: @pulumi/pulumi's dynamic-provider host
 * caches a provider before awaiting its `configure`, so calls for the same
 * provider may arrive while `configure` is still running. Every operation awaits
 * `settings()` instead of assuming `configure` has finished.
 */
import { PbxClient } from "../sdk/drivers/apiv1/client";
import { ApplyCoalescer } from "./applyCoalescer";
import { ConfigSource, Connection, Settings, connectionFor, readSettings } from "./config";

let settingsPromise: Promise<Settings> | undefined;
const clients = new Map<string, PbxClient>();
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

function clientKey(c: Connection): string {
  return `${c.site}\u0000${c.url}\u0000${c.token}`;
}

/** The client for a site (one per site, url and token, so keep-alive and concurrency limits are shared). */
export async function clientFor(site: string): Promise<PbxClient> {
  const conn = connectionFor(await settings(), site);
  const key = clientKey(conn);
  let client = clients.get(key);
  if (!client) {
    client = new PbxClient({ url: conn.url, token: conn.token, site: conn.site });
    clients.set(key, client);
  }
  return client;
}

/**
 * Waits until the site's saved changes, including a write acknowledged before this
 * call, are applied; with `pbx:applyChanges: never` returns at once.
 */
export async function applied(site: string): Promise<void> {
  const s = await settings();
  if (s.applyChanges === "never") return;
  const client = await clientFor(site);
  const key = clientKey(connectionFor(s, site));
  let coalescer = coalescers.get(key);
  if (!coalescer) {
    coalescer = new ApplyCoalescer({ apply: () => client.apply() });
    coalescers.set(key, coalescer);
  }
  await coalescer.afterWrite();
}
