/**
 * `PbxClient`: the typed client of PBX Management API v1 for one site.
 *
 * ```ts
 * const pbx = new PbxClient({ url, token, site: "demo" });
 * const alice = await pbx.users.create({ extension: "1001", firstName: "Alice" });
 * await pbx.users.update(alice.id, { dnd: true }, { ifMatch: alice.revision });
 * await pbx.apply();
 * ```
 */
import { ApplyResult, ApplyStatus, ImportResult } from "../../../schemas/system";
import { ApplyOptions, applyChanges, applyStatus } from "./apply";
import { CreateOptions } from "./collection";
import { SiteContext, siteContext } from "./context";
import { DevicesApi } from "./devices";
import { ForwardingsApi } from "./forwardings";
import { FunctionKeysApi } from "./functionKeys";
import { HttpCore, HttpCoreOptions } from "./http";
import { importUsers } from "./importUsers";
import { IncomingNumbersApi } from "./incomingNumbers";
import { SitesApi } from "./sites";
import { UserGroupsApi } from "./userGroups";
import { UsersApi } from "./users";

/** How to reach a PBX site: the connection settings of the HTTP core, plus the site. */
export interface PbxClientOptions extends HttpCoreOptions {
  /** The site (tenant) every per-site call addresses. */
  site: string;
}

/** The API of one PBX site. Safe to share between concurrent callers. */
export class PbxClient {
  /** `/users` */
  readonly users: UsersApi;
  /** `/incoming-numbers` */
  readonly incomingNumbers: IncomingNumbersApi;
  /** `/user-groups` */
  readonly userGroups: UserGroupsApi;
  /** `/users/{id}/keys/{position}` */
  readonly functionKeys: FunctionKeysApi;
  /** `/users/{id}/forwarding` */
  readonly forwardings: ForwardingsApi;
  /** `/devices` */
  readonly devices: DevicesApi;
  /** `/sites` (create needs an admin token) */
  readonly sites: SitesApi;
  /** The site this client addresses. */
  readonly site: string;
  private readonly ctx: SiteContext;

  constructor(options: PbxClientOptions) {
    const core = new HttpCore(options);
    this.site = options.site;
    this.ctx = siteContext(core, options.site);
    this.users = new UsersApi(this.ctx);
    this.incomingNumbers = new IncomingNumbersApi(this.ctx);
    this.userGroups = new UserGroupsApi(this.ctx);
    this.functionKeys = new FunctionKeysApi(this.ctx);
    this.forwardings = new ForwardingsApi(this.ctx);
    this.devices = new DevicesApi(this.ctx);
    this.sites = new SitesApi(core, options.site);
  }

  /** Applies the site's saved changes (seed 000 "Apply changes"); resolves when they are live. */
  apply(options: ApplyOptions = {}): Promise<ApplyResult> {
    return applyChanges(this.ctx, options);
  }

  /** Saved changes waiting for an apply. */
  applyStatus(): Promise<ApplyStatus> {
    return applyStatus(this.ctx);
  }

  /** Imports users from XiVO pipe-separated CSV (seed 002), all or nothing. */
  importUsers(csvText: string, options: CreateOptions = {}): Promise<ImportResult> {
    return importUsers(this.ctx, csvText, options);
  }

  /** Closes idle keep-alive connections; the client must not be used afterwards. */
  close(): void {
    this.ctx.core.close();
  }
}

export { HttpCore } from "./http";
export type { HttpCoreOptions, IfMatch, RequestSpec } from "./http";
export type { CreateOptions, GetOptions, ListParams, WriteOptions } from "./collection";
export type { ApplyOptions } from "./apply";
export { UsersApi } from "./users";
export { IncomingNumbersApi } from "./incomingNumbers";
export { UserGroupsApi } from "./userGroups";
export { FunctionKeysApi } from "./functionKeys";
export { ForwardingsApi } from "./forwardings";
export { DevicesApi } from "./devices";
export { SitesApi } from "./sites";
export { Semaphore } from "./semaphore";
