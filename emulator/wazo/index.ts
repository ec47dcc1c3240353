/**
 * The Wazo-shaped emulator: the confd 1.1 subset the wazo driver uses and a
 * minimal wazo-auth, on the emulator's durable store, fault injection and
 * metrics. The embedded default PBX of the `wazo` driver.
 *
 * ```ts
 * const wazo = await startWazoEmulator({ dataFile: ":memory:" });
 * const office = wazo.createTenant("office");             // { uuid, name, slug, contexts }
 * wazo.createAuthUser(office.uuid, "pulumi", "s3cret-pass");
 * // POST `${wazo.authUrl}/token` with Basic pulumi:s3cret-pass → a token for office;
 * // or act on any tenant with wazo.adminToken + `Wazo-Tenant: ${office.uuid}`.
 * await wazo.close();
 * ```
 */
export { createWazoApp, generateWazoAdminToken } from "./app";
export { startWazoEmulator, type RunningWazoEmulator, type StartWazoOptions } from "./server";
export { WazoState, DEFAULT_WAZO_DATA_FILE, DEFAULT_TOKEN_EXPIRATION_S, WIDE_RANGES, type WazoEmulatorOptions, type TenantInfo, type CreateTenantOptions, type Caller, type RecordedRequest } from "./state";
export { WazoError } from "./errors";
