/**
 * Walking every page of a list endpoint.
 */
import { MAX_PAGE_SIZE, Page } from "../../../schemas/page";

/** Fetches page `page` of size `pageSize`. */
export type PageFetcher<T> = (page: number, pageSize: number) => Promise<Page<T>>;

/**
 * Every item of a list, in server order, fetched with the largest pages the
 * API allows. Items are de-duplicated by id: a create between two page
 * requests shifts offsets and would otherwise show an object twice.
 */
export async function collectAll<T extends { id: string }>(fetchPage: PageFetcher<T>): Promise<T[]> {
  const byId = new Map<string, T>();
  for (let page = 1; ; page++) {
    const { items, pageSize, total } = await fetchPage(page, MAX_PAGE_SIZE);
    for (const item of items) byId.set(item.id, item);
    // Stop on a short or empty page too, not only on `total`: a server whose
    // total is stale must not make us loop.
    if (items.length === 0 || items.length < pageSize || page * pageSize >= total) return [...byId.values()];
  }
}
