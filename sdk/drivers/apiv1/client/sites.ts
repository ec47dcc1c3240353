/**
 * `/sites`: sites (tenants) and their numbering plans. Creating one needs an admin token.
 */
import { Site, SiteCreate, SiteCreated, SiteCreatedSchema, SiteSchema } from "../../../schemas/site";
import { CreateOptions } from "./collection";
import { API_ROOT, pathOf } from "./context";
import { HttpCore } from "./http";

/** Site administration. */
export class SitesApi {
  constructor(
    private readonly core: HttpCore,
    private readonly defaultSite: string,
  ) {}

  /** Creates a site (admin token); the answer holds a token scoped to it, shown only this once. */
  create(body: SiteCreate, options: CreateOptions = {}): Promise<SiteCreated> {
    return this.core.request({ method: "POST", path: `${API_ROOT}/sites`, body, schema: SiteCreatedSchema, idempotencyKey: options.idempotencyKey });
  }

  /** A site with its numbering plan; default the client's site. */
  get(site: string = this.defaultSite): Promise<Site> {
    return this.core.request({ method: "GET", path: pathOf(`${API_ROOT}/sites`, site), schema: SiteSchema });
  }
}
