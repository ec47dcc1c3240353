/**
 * Listening on a port: used by the CLI and by the e2e harness.
 */
import type { FastifyInstance } from "fastify";
import { createWazoApp, generateWazoAdminToken } from "./app";
import type { CreateTenantOptions, TenantInfo, WazoEmulatorOptions } from "./state";

/** Options of {@link startWazoEmulator}: app options plus where to listen. */
export type StartWazoOptions = WazoEmulatorOptions & { port?: number; host?: string };

/** A running Wazo-shaped emulator. */
export interface RunningWazoEmulator {
  /** Base URL of the stack, e.g. `http://127.0.0.1:41234` (confd at `${url}/api/confd/1.1`, wazo-auth at `${url}/api/auth/0.1`). */
  url: string;
  confdUrl: string;
  authUrl: string;
  /** Master token: acts on any tenant with `Wazo-Tenant`. */
  adminToken: string;
  masterTenantUuid: string;
  app: FastifyInstance;
  /** A tenant (sub-tenant of the master) with an internal and an incall context unless `contexts: false`. */
  createTenant(name: string, options?: CreateTenantOptions): TenantInfo;
  /** A wazo-auth login in a tenant: `POST /token` with Basic username:password then works. */
  createAuthUser(tenantUuid: string, username: string, password: string): { uuid: string; username: string };
  /** Stop listening and close the store. */
  close(): Promise<void>;
}

/** Start on 127.0.0.1; port 0 (the default) picks a free port. */
export async function startWazoEmulator(options: StartWazoOptions = {}): Promise<RunningWazoEmulator> {
  const { port = 0, host = "127.0.0.1", ...appOptions } = options;
  const adminToken = options.adminToken ?? generateWazoAdminToken();
  const app = createWazoApp({ ...appOptions, adminToken });
  await app.listen({ port, host });
  const address = app.server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  const url = `http://${host}:${actualPort}`;
  return {
    url,
    confdUrl: `${url}/api/confd/1.1`,
    authUrl: `${url}/api/auth/0.1`,
    adminToken,
    masterTenantUuid: app.wazo.masterTenantUuid,
    app,
    createTenant: (name, opts) => app.wazo.createTenant(name, opts),
    createAuthUser: (tenantUuid, username, password) => {
      const u = app.wazo.createAuthUser({ tenantUuid, username, password });
      return { uuid: u.uuid, username: u.username ?? username };
    },
    close: () => app.close(),
  };
}
