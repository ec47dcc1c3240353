/**
 * Walking every page of a list endpoint.
 */
import { MAX_PAGE_SIZE, Page } from "../../../schemas/page";

/** Fetches page `page` of size `pageSize`. */
export type PageFetcher<T> = (page: number, pageSize: number) => Promise<Page<T>>;

/**
 * Every item of a list, in server order, fetched with the largest pages the
 * API allows: the first page says how many there are, the others are fetched
 * concurrently (the client's in-flight limit bounds them). Items are
 * de-duplicated by id: a create between two page requests shifts offsets and
 * would otherwise show an object twice. A page that fails fails the whole list:
 * a partial list must never be taken for the collection.
 */
export async function collectAll<T extends { id: string }>(fetchPage: PageFetcher<T>): Promise<T[]> {
  const byId = new Map<string, T>();
  const first = await fetchPage(1, MAX_PAGE_SIZE);
  for (const item of first.items) byId.set(item.id, item);
  const pageSize = first.pageSize;
  if (first.items.length === 0 || first.items.length < pageSize || pageSize >= first.total) return [...byId.values()];
  const pages = Math.ceil(first.total / pageSize);
  const rest = await Promise.all(Array.from({ length: pages - 1 }, (_, i) => fetchPage(i + 2, pageSize)));
  for (const p of rest) for (const item of p.items) byId.set(item.id, item);
  // The collection grew while we read it: walk on until a short page (never past an empty one).
  let last = rest.length ? rest[rest.length - 1] : first;
  for (let page = pages + 1; last.items.length === pageSize && last.items.length > 0; page++) {
    last = await fetchPage(page, pageSize);
    for (const item of last.items) byId.set(item.id, item);
  }
  return [...byId.values()];
}
