/**
 * The Wazo emulator's state: store, options, faults, metrics, and wazo-auth's
 * part (tenants, logins, tokens), plus the test-setup helpers the e2e
 * harness calls (`createTenant`, `createAuthUser`).
 *
 * Tenants form a tree under a master tenant (as in wazo-auth); the admin
 * token belongs to the master tenant, so it may act on any tenant by sending
 * `Wazo-Tenant`.
 */
import crypto from "node:crypto";
import type { FaultOptions } from "../options";
import type { AuthUserRow, ContextRow, Range, TenantRow, TokenRow } from "./model";
import { WazoStore } from "./store";

/** Options of `createWazoApp` (names as the API v1 emulator's where they apply). */
export interface WazoEmulatorOptions {
  /** SQLite file; `:memory:` for a throwaway store. Default `.pbx-emulator/wazo.db`. */
  dataFile?: string;
  /** Master token: may act on every tenant. Generated when omitted. Never expires. */
  adminToken?: string;
  /** Fault and latency injection (shared with API v1: emulator/faults.ts). */
  faults?: FaultOptions;
  /** Fastify logger. Default off. */
  logger?: boolean;
  /** Base URL used in `links` (`http://host:port`); default from each request's Host header. */
  publicUrl?: string;
  /**
   * Keep every API request (method, URL, body, status) in `requestLog`, for
   * tests that check what a client sends. Bodies hold secrets: tests only.
   */
  recordRequests?: boolean;
}

/** One request as `recordRequests` keeps it. */
export interface RecordedRequest {
  method: string;
  /** Path and query as sent. */
  url: string;
  /** JSON bodies parsed, other bodies as text; undefined when there was none. */
  body: unknown;
  status?: number;
}

export const DEFAULT_WAZO_DATA_FILE = ".pbx-emulator/wazo.db";
/** wazo-auth's default token lifetime. */
export const DEFAULT_TOKEN_EXPIRATION_S = 7200;

/** A tenant as the helpers return it. */
export interface TenantInfo {
  uuid: string;
  name: string;
  slug: string;
  /** Names of the contexts created with it (when `contexts` was not false). */
  contexts: { internal?: string; incall?: string };
}

/** Options of {@link WazoState.createTenant}. */
export interface CreateTenantOptions {
  slug?: string;
  uuid?: string;
  /** Parent tenant; default the master tenant. */
  parentUuid?: string;
  /**
   * Create an internal context (user and group ranges 10–999999 by length)
   * and an incall context, as a Wazo installation's setup does. Default true.
   */
  contexts?: boolean;
}

/** What a token resolves to. */
export interface Caller {
  tenantUuid: string;
  authId: string;
  admin: boolean;
}

function sha256(s: string): string {
  return crypto.createHash("sha256").update(s).digest("hex");
}

export function hashPassword(password: string, salt = crypto.randomBytes(16).toString("hex")) {
  return { salt, hash: crypto.scryptSync(password, salt, 32).toString("hex") };
}

function safeEqual(a: string, b: string): boolean {
  return crypto.timingSafeEqual(Buffer.from(sha256(a), "hex"), Buffer.from(sha256(b), "hex"));
}

/** Ranges covering every 2- to 6-digit number, one per length (confd wants start and end of equal length). */
export const WIDE_RANGES: Range[] = [2, 3, 4, 5, 6].map((n) => ({ start: `1${"0".repeat(n - 1)}`, end: "9".repeat(n) }));
const ANY_DID: Range[] = [{ start: "0", end: "9", did_length: 1 }];

export class WazoState {
  readonly store: WazoStore;
  readonly faults: FaultOptions;
  readonly metrics: { requests: Record<string, number> };
  /** With `recordRequests`: every API request, in arrival order. */
  readonly requestLog: RecordedRequest[] = [];
  readonly adminToken: string;
  readonly masterTenantUuid: string;
  /** Identifies this "Wazo" (wazo-auth's xivo_uuid). */
  readonly xivoUuid: string;

  constructor(readonly options: WazoEmulatorOptions & { adminToken: string }) {
    this.store = new WazoStore(options.dataFile ?? DEFAULT_WAZO_DATA_FILE);
    this.faults = { ...options.faults };
    this.metrics = { requests: {} };
    this.adminToken = options.adminToken;
    const { master, xivo } = this.store.tx(() => {
      let m = this.store.setting("master_tenant_uuid");
      if (!m) {
        m = crypto.randomUUID();
        this.store.setSetting("master_tenant_uuid", m);
        this.store.put<TenantRow>("tenant", m, { uuid: m, name: "master", slug: "master", parent_uuid: m, domain_names: [] });
      }
      let x = this.store.setting("xivo_uuid");
      if (!x) this.store.setSetting("xivo_uuid", (x = crypto.randomUUID()));
      return { master: m, xivo: x };
    });
    this.masterTenantUuid = master;
    this.xivoUuid = xivo;
  }

  // -------------------------------------------------------------------------
  // Tenants

  tenant(uuid: string): TenantRow | undefined {
    return this.store.get<TenantRow>("tenant", uuid.toLowerCase());
  }

  /** The tenant and every tenant below it. */
  subtree(uuid: string): string[] {
    const all = this.store.all<TenantRow>("tenant");
    const out = [uuid];
    for (let i = 0; i < out.length; i++) {
      for (const t of all) if (t.parent_uuid === out[i] && t.uuid !== out[i] && !out.includes(t.uuid)) out.push(t.uuid);
    }
    return out;
  }

  private uniqueSlug(wanted: string): string {
    const taken = new Set(this.store.all<TenantRow>("tenant").map((t) => t.slug));
    const base = wanted.replace(/[^a-zA-Z0-9_-]/g, "").slice(0, 10) || "tenant";
    if (!taken.has(base)) return base;
    for (let i = 1; ; i++) {
      const s = `${base.slice(0, 10 - String(i).length)}${i}`;
      if (!taken.has(s)) return s;
    }
  }

  /** Create a tenant (inside or outside a transaction). Throws on a slug already taken when one is asked for. */
  createTenant(name: string, opts: CreateTenantOptions = {}): TenantInfo {
    return this.store.tx(() => {
      if (opts.slug && this.store.all<TenantRow>("tenant").some((t) => t.slug === opts.slug)) throw new Error(`tenant slug "${opts.slug}" is taken`);
      const uuid = (opts.uuid ?? crypto.randomUUID()).toLowerCase();
      if (this.tenant(uuid)) throw new Error(`tenant ${uuid} exists`);
      const slug = opts.slug ?? this.uniqueSlug(name);
      this.store.put<TenantRow>("tenant", uuid, { uuid, name, slug, parent_uuid: opts.parentUuid ?? this.masterTenantUuid, domain_names: [] });
      const contexts: TenantInfo["contexts"] = {};
      if (opts.contexts !== false) {
        contexts.internal = this.createContext(uuid, slug, { label: "Default", type: "internal", user_ranges: WIDE_RANGES, group_ranges: WIDE_RANGES }).name;
        contexts.incall = this.createContext(uuid, slug, { label: "Incoming calls", type: "incall", incall_ranges: ANY_DID }).name;
      }
      return { uuid, name, slug, contexts };
    });
  }

  /** A confd context, named as confd names them: `ctx-<tenant slug>-<type>-<uuid>`. */
  createContext(tenantUuid: string, slug: string, fields: Partial<ContextRow> & { label: string }): ContextRow {
    const uuid = crypto.randomUUID();
    const type = fields.type ?? "internal";
    const row: ContextRow = {
      id: this.store.nextId("context"),
      uuid,
      tenant_uuid: tenantUuid,
      name: `ctx-${slug}-${type}-${uuid}`,
      label: fields.label,
      type,
      user_ranges: fields.user_ranges ?? [],
      group_ranges: fields.group_ranges ?? [],
      queue_ranges: fields.queue_ranges ?? [],
      conference_room_ranges: fields.conference_room_ranges ?? [],
      incall_ranges: fields.incall_ranges ?? [],
      description: fields.description ?? null,
      enabled: fields.enabled ?? true,
    };
    return this.store.put("context", row.id, row);
  }

  // -------------------------------------------------------------------------
  // Logins and tokens

  /** A wazo-auth user (a login) in a tenant. Usernames are unique across tenants. */
  createAuthUser(input: { tenantUuid: string; username: string; password: string; uuid?: string; firstname?: string | null; lastname?: string | null; email?: string | null; purpose?: string; enabled?: boolean }): AuthUserRow {
    return this.store.tx(() => {
      if (!this.tenant(input.tenantUuid)) throw new Error(`tenant ${input.tenantUuid} not found`);
      if (this.store.all<AuthUserRow>("authUser").some((u) => u.username === input.username)) throw new Error(`username "${input.username}" is taken`);
      const uuid = (input.uuid ?? crypto.randomUUID()).toLowerCase();
      const row: AuthUserRow = {
        uuid,
        tenant_uuid: input.tenantUuid,
        username: input.username,
        password: input.password ? hashPassword(input.password) : null,
        firstname: input.firstname ?? null,
        lastname: input.lastname ?? null,
        email_address: input.email ?? null,
        enabled: input.enabled ?? true,
        purpose: input.purpose ?? "user",
      };
      return this.store.put("authUser", uuid, row);
    });
  }

  /** The login matching a username and password, or undefined. */
  checkPassword(username: string, password: string): AuthUserRow | undefined {
    const u = this.store.all<AuthUserRow>("authUser").find((x) => x.username === username);
    if (!u || !u.password || !u.enabled) return undefined;
    const { hash } = hashPassword(password, u.password.salt);
    return safeEqual(hash, u.password.hash) ? u : undefined;
  }

  /** Issue a token for a login; returns the token (only its hash is kept). */
  issueToken(user: AuthUserRow, expirationS: number): { token: string; row: TokenRow } {
    const token = crypto.randomUUID();
    const issued = Date.now();
    const row: TokenRow = { id: sha256(token), auth_id: user.uuid, tenant_uuid: user.tenant_uuid, issued_at: issued, expires_at: issued + expirationS * 1000, session_uuid: crypto.randomUUID() };
    this.store.tx(() => this.store.put("token", row.id, row));
    return { token, row };
  }

  /** A live token's row (expired tokens are gone). */
  tokenRow(token: string): TokenRow | undefined {
    const row = this.store.get<TokenRow>("token", sha256(token));
    return row && row.expires_at > Date.now() ? row : undefined;
  }

  revokeToken(token: string): void {
    const id = sha256(token);
    if (this.store.get("token", id)) this.store.tx(() => this.store.delete("token", id));
  }

  /** Who a token is; undefined for a missing, unknown or expired one. */
  caller(token: string | undefined): Caller | undefined {
    if (!token) return undefined;
    if (safeEqual(token, this.adminToken)) return { tenantUuid: this.masterTenantUuid, authId: "admin", admin: true };
    const row = this.tokenRow(token);
    return row ? { tenantUuid: row.tenant_uuid, authId: row.auth_id, admin: false } : undefined;
  }

  close(): void {
    this.store.close();
  }
}
