/**
 * List pages and list query parameters (seed 001: search users by name or extension).
 */
import { z } from "zod";
import { atMost, rule, ViewSchema } from "./common";

/** Largest page a list returns. */
export const MAX_PAGE_SIZE = 500;

/** Query string of a list: `?page=1&pageSize=50&search=&view=saved|live`. */
export const PageQuerySchema = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
  // A NUL would cut SQLite's LIKE pattern short and match everything; control characters are never in a name.
  search: z
    .string()
    .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), rule("search_format", "search must not contain control characters"))
    .refine(...atMost(100, "search_length", "search"))
    .optional(),
  view: ViewSchema,
});
export type PageQuery = z.infer<typeof PageQuerySchema>;

/** A page of items: `{ items, page, pageSize, total }`. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), page: z.int(), pageSize: z.int(), total: z.int() });
}

/** A page of items of type `T`. */
export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}
