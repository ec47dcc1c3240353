/**
 * Reading a site through the driver: every kind listed at once (the driver pages
 * each list; its client bounds the requests in flight), with progress events.
 */
import type { Driver, Kind } from "../../sdk/drivers/driver";
import { KINDS, kindDriver } from "../../sdk/drivers/driver";
import type { Snapshot } from "./generate";

/** What a progress display hears while a site is read. */
export interface ReadProgress {
  started(kind: Kind): void;
  done(kind: Kind, count: number): void;
  failed(kind: Kind, error: unknown): void;
}

const FIELD: Record<Kind, keyof Snapshot> = {
  user: "users",
  incomingNumber: "incomingNumbers",
  userGroup: "userGroups",
  functionKey: "functionKeys",
  forwarding: "forwardings",
  device: "devices",
};

/** Every object of the site; fails when any list fails (a partial site must never pass for the site). */
export async function readSite(driver: Driver, progress?: ReadProgress): Promise<Snapshot> {
  const lists = await Promise.all(
    KINDS.map(async (kind) => {
      progress?.started(kind);
      try {
        const items = await kindDriver(driver, kind).list();
        progress?.done(kind, items.length);
        return [FIELD[kind], items] as const;
      } catch (e) {
        progress?.failed(kind, e);
        throw e;
      }
    }),
  );
  return Object.fromEntries(lists) as unknown as Snapshot;
}
