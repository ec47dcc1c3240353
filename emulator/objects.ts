/**
 * How each kind is indexed (natural key, search text, parent) and the writes
 * every route shares: insert, save, stage a delete.
 */
import { newId } from "./context";
import { deviceKey } from "./rules/devices";
import { functionKeyKey } from "./rules/functionKeys";
import { incomingNumberKey } from "./rules/incomingNumbers";
import { userKey } from "./rules/users";
import { userGroupKey } from "./rules/userGroups";
import type { Data, Kind, ObjectRow, Store } from "./store/store";

interface KindSpec {
  idPrefix: string;
  naturalKey(d: Data): string;
  /** Lowercased text a list's `search` matches (seed 001: name or extension). */
  search(d: Data): string;
  parent(d: Data): string | null;
}

const KINDS: Record<Kind, KindSpec> = {
  user: {
    idPrefix: "usr",
    naturalKey: userKey,
    search: (d) => [d.extension, d.firstName, d.lastName, `${String(d.firstName)} ${String(d.lastName ?? "")}`].filter(Boolean).join("\n").toLowerCase(),
    parent: () => null,
  },
  incomingNumber: { idPrefix: "num", naturalKey: incomingNumberKey, search: (d) => [d.number, d.description].filter(Boolean).join("\n").toLowerCase(), parent: () => null },
  userGroup: { idPrefix: "grp", naturalKey: userGroupKey, search: (d) => String(d.name).toLowerCase(), parent: () => null },
  functionKey: {
    idPrefix: "key",
    naturalKey: (d) => functionKeyKey(String(d.userId), Number(d.position)),
    search: (d) => [d.type, d.label].filter(Boolean).join("\n").toLowerCase(),
    parent: (d) => String(d.userId),
  },
  forwarding: { idPrefix: "fwd", naturalKey: (d) => String(d.userId), search: (d) => String(d.mode), parent: (d) => String(d.userId) },
  device: {
    idPrefix: "dev",
    naturalKey: deviceKey,
    // Seed 001 search by name; also by SIP user name and MAC (what an admin has in hand at a desk).
    search: (d) => [d.name, d.sipUsername, d.macAddress, d.make, d.model].filter(Boolean).join("\n").toLowerCase(),
    parent: (d) => String(d.userId),
  },
};

/** Insert a new object; returns its id. */
export function insertObject(store: Store, site: string, kind: Kind, data: Data, now: string): string {
  const spec = KINDS[kind];
  const id = newId(spec.idPrefix);
  store.insert({ site, kind, id, parent: spec.parent(data), naturalKey: spec.naturalKey(data), search: spec.search(data), saved: data }, now);
  return id;
}

/** Save new data for an existing object (revision + 1, not applied). */
export function saveObject(store: Store, row: ObjectRow, data: Data, now: string): void {
  const spec = KINDS[row.kind];
  store.update({ site: row.site, kind: row.kind, id: row.id, parent: spec.parent(data), naturalKey: spec.naturalKey(data), search: spec.search(data), saved: data }, now);
}
