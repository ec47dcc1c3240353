/**
 * What a per-site module needs: the shared HTTP core and the site's API path.
 */
import type { HttpCore } from "./http";

/** The HTTP core and the URL-encoded path of one site. */
export interface SiteContext {
  readonly core: HttpCore;
  /** The site name as given to the client. */
  readonly site: string;
  /** `/api/v1/sites/<site>` */
  readonly sitePath: string;
}

/** Root of API v1 paths. */
export const API_ROOT = "/api/v1";

/** The context of `site` on `core`. */
export function siteContext(core: HttpCore, site: string): SiteContext {
  return { core, site, sitePath: `${API_ROOT}/sites/${encodeURIComponent(site)}` };
}

/** Joins URL-encoded path segments onto a base path. */
export function pathOf(base: string, ...segments: Array<string | number>): string {
  return [base, ...segments.map((s) => encodeURIComponent(String(s)))].join("/");
}
