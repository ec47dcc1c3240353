/**
 * A minimal wazo-auth: tokens from a username and password (HTTP Basic),
 * token check and revocation, tenants, logins. Shapes from wazo-auth's
 * `plugins/http/tokens`, `tenants`, `users` and `token.py`.
 */
import type { FastifyInstance } from "fastify";
import { WazoError } from "../errors";
import { list, listTenants, serve } from "../http";
import type { AuthUserRow, TenantRow, TokenRow } from "../model";
import { DEFAULT_TOKEN_EXPIRATION_S, hashPassword, type WazoState } from "../state";

/** wazo-auth prints local times without a zone and UTC ones with it. */
function times(ms: number) {
  const iso = new Date(ms).toISOString().replace("Z", "");
  return { local: iso, utc: `${iso}+00:00` };
}

function tokenData(state: WazoState, token: string, row: TokenRow, user: AuthUserRow | undefined) {
  const issued = times(row.issued_at);
  const expires = times(row.expires_at);
  return {
    token,
    auth_id: row.auth_id,
    xivo_user_uuid: user?.purpose === "user" ? row.auth_id : null,
    xivo_uuid: state.xivoUuid,
    issued_at: issued.local,
    expires_at: expires.local,
    utc_issued_at: issued.utc,
    utc_expires_at: expires.utc,
    acl: ["confd.#", "auth.#"],
    metadata: { uuid: row.auth_id, tenant_uuid: row.tenant_uuid, auth_id: row.auth_id, pbx_user_uuid: user?.purpose === "user" ? row.auth_id : null, xivo_uuid: state.xivoUuid, purpose: user?.purpose ?? "user" },
    session_uuid: row.session_uuid,
    remote_addr: null,
    user_agent: null,
  };
}

function basic(header: string | undefined): { login: string; password: string } | undefined {
  if (!header?.startsWith("Basic ")) return undefined;
  const text = Buffer.from(header.slice(6), "base64").toString("utf8");
  const i = text.indexOf(":");
  return i < 0 ? undefined : { login: text.slice(0, i), password: text.slice(i + 1) };
}

function tenantView(t: TenantRow) {
  return { uuid: t.uuid, name: t.name, slug: t.slug, parent_uuid: t.parent_uuid, domain_names: t.domain_names, contact: null, phone: null, address: {}, default_authentication_method: "native" };
}

export function authRoutes(app: FastifyInstance, state: WazoState): void {
  serve(app, state, "createToken", (c) => {
    const creds = basic(c.req.headers.authorization);
    const user = creds && creds.login && creds.password ? state.checkPassword(creds.login, creds.password) : undefined;
    if (!user) throw new WazoError(401, ["Authentication Failed"]);
    const expiration = (c.body as { expiration?: number }).expiration ?? DEFAULT_TOKEN_EXPIRATION_S;
    const { token, row } = state.issueToken(user, expiration);
    return { status: 200, body: { data: tokenData(state, token, row, user) }, headers: { "wazo-sessions-revoked": "0" } };
  });

  serve(app, state, "getToken", (c) => {
    const token = c.params.token;
    const row = state.tokenRow(token);
    if (!row) throw new WazoError(404, ["No such token"]);
    const tenant = c.query.tenant;
    if (tenant && !state.subtree(row.tenant_uuid).includes(tenant.toLowerCase())) throw new WazoError(403, ["Unauthorized tenant"]);
    return { status: 200, body: { data: tokenData(state, token, row, state.store.get<AuthUserRow>("authUser", row.auth_id)) } };
  });

  serve(app, state, "revokeToken", (c) => {
    state.revokeToken(c.params.token);
    return { status: 200, body: { data: { message: "success" } } };
  });

  serve(app, state, "listTenants", (c) => {
    const visible = state.subtree(c.tenant).map((u) => state.tenant(u)).filter((t): t is TenantRow => !!t);
    const uuids = c.query.uuid ? c.query.uuid.split(",") : undefined;
    const rows = uuids ? visible.filter((t) => uuids.includes(t.uuid)) : visible;
    const query = { ...c.query };
    delete query.uuid;
    const r = list(rows, query, { columns: { uuid: (t) => t.uuid, name: (t) => t.name, slug: (t) => t.slug }, defaultSort: "name" }, tenantView);
    return { status: 200, body: { ...r.body, total: visible.length, filtered: r.body.total } };
  });

  serve(app, state, "createTenant", (c) => {
    const b = c.body as { uuid?: string | null; name?: string | null; slug?: string | null };
    if (b.slug && state.store.all<TenantRow>("tenant").some((t) => t.slug === b.slug)) throw new WazoError(409, ["Conflict detected"], {}, { message: "Conflict detected", error_id: "conflict", details: { slug: { constraint_id: "unique", message: `The slug "${b.slug}" is already used` } }, timestamp: Date.now() / 1000, resource: "tenants" });
    if (b.uuid && state.tenant(b.uuid)) throw new WazoError(409, ["Conflict detected"], {}, { message: "Conflict detected", error_id: "conflict", details: { uuid: { constraint_id: "unique", message: `The uuid "${b.uuid}" is already used` } }, timestamp: Date.now() / 1000, resource: "tenants" });
    // A bare wazo-auth tenant: confd contexts are created separately (POST /contexts), as on a real stack.
    const t = state.createTenant(b.name ?? "", { uuid: b.uuid ?? undefined, slug: b.slug ?? undefined, parentUuid: c.tenant, contexts: false });
    return { status: 200, body: tenantView(state.tenant(t.uuid)!) };
  });

  serve(app, state, "createAuthUser", (c) => {
    const b = c.body as { uuid?: string; username?: string | null; password?: string | null; firstname?: string | null; lastname?: string | null; email_address?: string | null; purpose?: string; enabled?: boolean };
    if (b.username && state.store.all<AuthUserRow>("authUser").some((u) => u.username === b.username)) throw conflict("username", b.username);
    if (b.uuid && state.store.get("authUser", b.uuid.toLowerCase())) throw conflict("uuid", b.uuid);
    const u = state.createAuthUser({ tenantUuid: c.tenant, username: b.username ?? "", password: b.password ?? "", uuid: b.uuid, firstname: b.firstname, lastname: b.lastname, email: b.email_address, purpose: b.purpose, enabled: b.enabled });
    return { status: 200, body: authUserView(u) };
  });

  serve(app, state, "listAuthUsers", (c) => {
    // `recurse` widens the scope to the sub-tenants, as confd lists do.
    const tenants = listTenants(c);
    const rows = state.store.all<AuthUserRow>("authUser").filter((u) => tenants.includes(u.tenant_uuid));
    const r = list(rows, c.query, { columns: { uuid: (u) => u.uuid, username: (u) => u.username ?? "", firstname: (u) => u.firstname ?? "", lastname: (u) => u.lastname ?? "", purpose: (u) => u.purpose, email_address: (u) => u.email_address ?? "" }, defaultSort: "username" }, authUserView);
    return { status: 200, body: { ...r.body, total: rows.length, filtered: r.body.total } };
  });

  serve(app, state, "getAuthUser", (c) => ({ status: 200, body: authUserView(visibleAuthUser(c.state, c.visible, c.params.user_uuid)) }));

  serve(app, state, "updateAuthUser", (c) => {
    const u = visibleAuthUser(c.state, c.visible, c.params.user_uuid);
    const b = c.body as { username?: string | null; firstname?: string | null; lastname?: string | null; purpose?: string; enabled?: boolean };
    if (b.username && c.state.store.all<AuthUserRow>("authUser").some((x) => x.uuid !== u.uuid && x.username === b.username)) throw conflict("username", b.username);
    // wazo-auth's PUT replaces: what is left out goes back to its default.
    const next: AuthUserRow = { ...u, username: b.username ?? null, firstname: b.firstname ?? null, lastname: b.lastname ?? null, purpose: b.purpose ?? "user", enabled: b.enabled ?? true };
    return { status: 200, body: authUserView(c.state.store.put("authUser", u.uuid, next)) };
  });

  serve(app, state, "resetAuthUserPassword", (c) => {
    const uuid = c.query.user_uuid ?? "";
    const u = visibleAuthUser(c.state, c.visible, uuid);
    c.state.store.put<AuthUserRow>("authUser", u.uuid, { ...u, password: hashPassword((c.body as { password: string }).password) });
    // "All active sessions (i.e. tokens) will be immediately revoked."
    for (const t of c.state.store.all<TokenRow>("token")) if (t.auth_id === u.uuid) c.state.store.delete("token", t.id);
    return { status: 204 };
  });
}

function authUserView(u: AuthUserRow) {
  return { uuid: u.uuid, tenant_uuid: u.tenant_uuid, username: u.username, firstname: u.firstname, lastname: u.lastname, purpose: u.purpose, enabled: u.enabled, emails: u.email_address ? [{ address: u.email_address, main: true, confirmed: true }] : [] };
}

/** A login of the caller's tenants; wazo-auth answers 404 `No such user` otherwise. */
function visibleAuthUser(state: WazoState, visible: string[], uuid: string): AuthUserRow {
  const u = state.store.get<AuthUserRow>("authUser", uuid.toLowerCase());
  if (!u || !visible.includes(u.tenant_uuid)) throw new WazoError(404, [`No such user: "${uuid}"`]);
  return u;
}

function conflict(column: string, value: string): WazoError {
  return new WazoError(409, ["Conflict detected"], {}, { message: "Conflict detected", error_id: "conflict", details: { [column]: { constraint_id: "unique", message: `The ${column} "${value}" is already used` } }, timestamp: Date.now() / 1000, resource: "users" });
}
