/**
 * What every kind driver of one Wazo site shares: the HTTP core, the tenant,
 * the tenant's internal and incall contexts, paging, and the small caches that
 * turn Wazo's integer ids into our ids (users and groups are known to us by
 * uuid, but destinations and function keys name them by integer id).
 */
import { PbxAuthError, PbxValidationError } from "../../errors";
import { zodIssues, type ApiIssue } from "../../schemas/error";
import type { DriverConnection } from "../driver";
import { WazoHttp, WazoHttpOptions, WAZO_REJECTED_RULE } from "./http";

/** Page size of list requests. */
export const PAGE_SIZE = 100;

/** A Wazo list answer. */
export interface Items<T> {
  items: T[];
  total: number;
}

export interface WazoExtensionRef {
  id: number;
  exten: string;
  context: string;
}

/** The parts of a confd user the driver reads. */
export interface WazoUser {
  id: number;
  uuid: string;
  firstname: string;
  lastname: string | null;
  email: string | null;
  language: string | null;
  description: string | null;
  outgoing_caller_id: string | null;
  mobile_phone_number: string | null;
  userfield: string | null;
  ring_seconds: number;
  simultaneous_calls: number;
  call_record_outgoing_external_enabled: boolean;
  call_record_outgoing_internal_enabled: boolean;
  call_record_incoming_external_enabled: boolean;
  call_record_incoming_internal_enabled: boolean;
  online_call_record_enabled: boolean;
  /** Seed 002 enablexfer / enablehint. */
  call_transfer_enabled?: boolean;
  supervision_enabled?: boolean;
  /** The CTI (XiVO Client) login; confd answers the password in clear. */
  username?: string | null;
  password?: string | null;
  lines?: Array<{ id: number; name?: string | null; extensions?: WazoExtensionRef[]; endpoint_sip?: { uuid: string } | null }>;
  voicemail?: { id: number; name?: string } | null;
  services?: { dnd?: { enabled: boolean } };
}

export interface WazoContext {
  id: number;
  name: string;
  label?: string;
  type: string;
}

/** One site: the HTTP core plus tenant-wide lookups. */
export class WazoSite {
  readonly http: WazoHttp;
  readonly name: string;
  readonly host: string;
  private readonly contexts = new Map<string, Promise<WazoContext>>();
  /** user uuid ↔ integer id (never change for a user). */
  readonly userIdByUuid = new Map<string, number>();
  readonly userUuidById = new Map<number, string>();
  /** group uuid ↔ integer id. */
  readonly groupIdByUuid = new Map<string, number>();
  readonly groupUuidById = new Map<number, string>();

  constructor(connection: DriverConnection, tuning: Partial<WazoHttpOptions> = {}) {
    this.name = connection.site;
    this.host = hostOf(connection.url);
    this.http = new WazoHttp({
      url: connection.url,
      confdPath: connection.confdPath,
      authPath: connection.authPath,
      token: connection.token,
      username: connection.username,
      password: connection.password,
      site: connection.site,
      tenant: connection.tenant,
      ...(connection.maxConcurrency ? { maxConcurrency: connection.maxConcurrency } : {}),
      ...tuning,
    });
    const fixed = connection.tenant;
    this.http.setTenantResolver(async () => fixed ?? (await this.resolveTenant()));
  }

  /**
   * The site's tenant: the wazo-auth tenant whose slug (else name) is the site
   * name. wazo-auth's `search` is a fuzzy match over uuid, name, slug and
   * domain names, so the exact match is picked here. (Wazo slugs are at most
   * 10 characters; a longer site name matches the tenant's name.)
   */
  private async resolveTenant(): Promise<string | undefined> {
    let answer: Items<{ uuid: string; slug?: string | null; name?: string | null }>;
    try {
      answer = await this.http.request({ service: "auth", method: "GET", path: "/tenants", query: { search: this.name }, tenant: false });
    } catch (e) {
      // A token that may not list tenants is scoped to its own tenant: confd then uses
      // that one when no Wazo-Tenant is sent (a bad token fails on the next call anyway).
      if (e instanceof PbxAuthError && e.status === 403) return undefined;
      throw e;
    }
    const items = answer?.items ?? [];
    const exact = items.find((t) => t.slug === this.name) ?? items.find((t) => t.name === this.name) ?? items.find((t) => t.slug?.toLowerCase() === this.name.toLowerCase() || t.name?.toLowerCase() === this.name.toLowerCase());
    if (!exact) {
      throw new PbxAuthError({
        method: "GET",
        path: `${this.http.base.auth}/tenants`,
        status: 403,
        code: "forbidden",
        detail: `no Wazo tenant visible to this site's credentials has the slug or name "${this.name}": set the site's tenant uuid (pbx:tenant, or pbx:sites.<site>.tenant) or use the tenant's slug or name as the site name`,
      });
    }
    return exact.uuid;
  }

  /**
   * The tenant's context of a type (`internal` for users' extensions,
   * `incall` for DIDs). A tenant normally has one of each; with several, the
   * first by id is used (the one the Wazo wizard made).
   */
  context(type: "internal" | "incall"): Promise<WazoContext> {
    let p = this.contexts.get(type);
    if (!p) {
      p = this.http
        .request<Items<WazoContext>>({ method: "GET", path: "/contexts", query: { type, order: "id", direction: "asc" } })
        .then((a) => {
          const found = (a?.items ?? []).filter((c) => c.type === type).sort((x, y) => x.id - y.id)[0];
          if (!found) throw noContext(type, this.name);
          return found;
        });
      p.catch(() => this.contexts.delete(type));
      this.contexts.set(type, p);
    }
    return p;
  }

  /** Every item of a confd collection: the first page, then the rest concurrently. */
  async listAll<T>(path: string, query: Record<string, string | number | undefined> = {}, service: "confd" | "auth" = "confd"): Promise<T[]> {
    const page = (offset: number) =>
      this.http.request<Items<T>>({ service, method: "GET", path, query: { ...query, limit: PAGE_SIZE, offset }, tenant: true });
    const first = await page(0);
    const items = [...(first?.items ?? [])];
    const total = first?.total ?? items.length;
    if (items.length >= total || items.length === 0) return items;
    const offsets: number[] = [];
    for (let o = items.length; o < total; o += PAGE_SIZE) offsets.push(o);
    const rest = await Promise.all(offsets.map(page));
    for (const r of rest) items.push(...(r?.items ?? []));
    return items;
  }

  rememberUser(u: { id: number; uuid: string }): void {
    this.userIdByUuid.set(u.uuid, u.id);
    this.userUuidById.set(u.id, u.uuid);
  }

  rememberGroup(g: { id: number; uuid: string }): void {
    this.groupIdByUuid.set(g.uuid, g.id);
    this.groupUuidById.set(g.id, g.uuid);
  }

  /** GET /users/{id or uuid}, remembered. */
  async getUser(idOrUuid: string | number): Promise<WazoUser> {
    const u = await this.http.request<WazoUser>({ method: "GET", path: `/users/${encodeURIComponent(String(idOrUuid))}` });
    this.rememberUser(u);
    return u;
  }

  /** A user's integer id from its uuid (our id). */
  async userIntId(uuid: string): Promise<number> {
    return this.userIdByUuid.get(uuid) ?? (await this.getUser(uuid)).id;
  }

  /** A user's uuid (our id) from its integer id. */
  async userUuid(id: number): Promise<string> {
    return this.userUuidById.get(id) ?? (await this.getUser(id)).uuid;
  }

  /** A group's integer id from its uuid (our id). */
  async groupIntId(uuid: string): Promise<number> {
    const known = this.groupIdByUuid.get(uuid);
    if (known !== undefined) return known;
    const g = await this.http.request<{ id: number; uuid: string }>({ method: "GET", path: `/groups/${encodeURIComponent(uuid)}` });
    this.rememberGroup(g);
    return g.id;
  }

  /** A group's uuid from its integer id: confd addresses groups by uuid only, so an unknown id costs a listing. */
  async groupUuid(id: number): Promise<string | undefined> {
    const known = this.groupUuidById.get(id);
    if (known !== undefined) return known;
    for (const g of await this.listAll<{ id: number; uuid: string }>("/groups")) this.rememberGroup(g);
    return this.groupUuidById.get(id);
  }

  /** The user's line in the tenant's internal context (the one create made), if any. */
  async mainLine(u: WazoUser): Promise<{ line: NonNullable<WazoUser["lines"]>[number]; extension?: WazoExtensionRef } | undefined> {
    const lines = u.lines ?? [];
    if (lines.length === 0) return undefined;
    const internal = await this.context("internal").catch(() => undefined);
    for (const line of lines) {
      const extension = (line.extensions ?? []).find((e) => !internal || e.context === internal.name);
      if (extension) return { line, extension };
    }
    return { line: lines[0], extension: lines[0].extensions?.[0] };
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}

function noContext(type: string, site: string): PbxValidationError {
  const issues: ApiIssue[] = [{ path: [], rule: WAZO_REJECTED_RULE, message: `the Wazo tenant of site "${site}" has no context of type ${type}; create one in Wazo first` }];
  return new PbxValidationError({ method: "GET", path: "/contexts", status: 400, code: "validation_failed", detail: `no ${type} context`, issues });
}

/** A validation error the driver raises itself (no request failed), naming our field. */
export function invalid(path: string, message: string, where: { method?: "GET" | "POST" | "PUT" | "DELETE"; path?: string } = {}): PbxValidationError {
  return new PbxValidationError({
    method: where.method ?? "PUT",
    path: where.path ?? "",
    status: 400,
    code: "validation_failed",
    detail: "Wazo cannot take this",
    issues: [{ path: path ? path.split(".") : [], rule: WAZO_REJECTED_RULE, message }],
  });
}

/**
 * The input as API v1 would have read it (E.164 normalised, names trimmed,
 * defaults of a create filled in), or a validation error naming the field:
 * the driver sends Wazo only what our model allows, however it was called.
 */
export function checked<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: import("zod").ZodError } }, input: unknown, where: { method: "POST" | "PUT"; path: string }): T {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  return ((): never => {
    throw new PbxValidationError({ ...where, status: 400, code: "validation_failed", detail: "invalid input", issues: zodIssues(r.error) });
  })();
}
