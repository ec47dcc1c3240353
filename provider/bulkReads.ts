/**
 * Reads in bulk: a refresh (or `preview --refresh`, or the drift audit) reads
 * every resource of a program, one GET each. When several reads of one kind on
 * one site arrive in a run, they share one list of the collection instead
 * (paged, pages fetched concurrently by the driver).
 *
 * - The first reads of a kind are single GETs; from the third, a list is
 *   started and later reads wait for it (a program with one user never lists
 *   a site of ten thousand).
 * - An id the list does not hold falls back to a single GET: only a GET's 404
 *   says "deleted", never the absence from a list.
 * - A list that fails is not kept: the reads waiting for it fall back to single
 *   GETs, so a page error mid-refresh never reads as "deleted".
 * - A write invalidates what it touched; a list older than `maxAgeMs` is not
 *   used; nothing outlives the provider process, which lives for one run.
 */
import type { Kind, KindDriver } from "../sdk/drivers/driver";

interface Listing {
  at: number;
  items: Promise<Map<string, unknown>>;
}

const LIST_AFTER_READS = 3;
const MAX_AGE_MS = 5 * 60_000;

const reads = new Map<string, number>();
const listings = new Map<string, Listing>();
const touched = new Map<string, Set<string>>();

/** Counters for tests and the benchmark. */
export const bulkStats = { lists: 0, listHits: 0, singleGets: 0 };

/** The live object `id` of `kind`, through the shared listing when there is one. */
export async function bulkGet<K extends Kind>(scope: string, kind: K, d: KindDriver<K>, id: string): Promise<Awaited<ReturnType<KindDriver<K>["get"]>>> {
  const key = `${scope}\u0000${kind}`;
  const n = (reads.get(key) ?? 0) + 1;
  reads.set(key, n);
  let listing = listings.get(key);
  if (listing && Date.now() - listing.at > MAX_AGE_MS) {
    listings.delete(key);
    listing = undefined;
  }
  if (!listing && n >= LIST_AFTER_READS) {
    bulkStats.lists++;
    touched.set(key, new Set());
    const items = d.list().then((all) => new Map(all.map((o) => [d.idOf(o as never), o as unknown])));
    listing = { at: Date.now(), items };
    listings.set(key, listing);
    // Errors are not cached: the next read starts afresh.
    items.catch(() => {
      if (listings.get(key) === listing) listings.delete(key);
    });
  }
  if (listing && !touched.get(key)?.has(id)) {
    const found = await listing.items.then((m) => m.get(id), () => undefined);
    if (found !== undefined) {
      bulkStats.listHits++;
      return found as never;
    }
  }
  bulkStats.singleGets++;
  return d.get(id) as never;
}

/** A write to `id` (or a create) makes the listing's copy of it stale. */
export function invalidate(scope: string, kind: Kind, id: string | undefined): void {
  const key = `${scope}\u0000${kind}`;
  if (id === undefined) listings.delete(key);
  else touched.get(key)?.add(id);
}
