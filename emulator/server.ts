/**
 * Listening on a port: used by the CLI and by `startEmulator`.
 */
import crypto from "node:crypto";
import type { FastifyInstance } from "fastify";
import { createApp } from "./app";
import type { EmulatorOptions } from "./options";

/** Options of {@link startEmulator}: app options (admin token optional) plus where to listen. */
export type StartOptions = Omit<EmulatorOptions, "adminToken"> & { adminToken?: string; port?: number; host?: string };

/** A running emulator. */
export interface RunningEmulator {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  adminToken: string;
  /** Token of site `demo` when `seed: "demo"` created it now. */
  demoToken?: string;
  app: FastifyInstance;
  /** Stop listening and close the store. */
  close(): Promise<void>;
}

/** A fresh admin token, for when none is given. */
export function generateAdminToken(): string {
  return `pbxa_${crypto.randomBytes(24).toString("base64url")}`;
}

/**
 * Start an emulator on 127.0.0.1. Port 0 (the default) picks a free port —
 * what tests and the e2e suite want.
 */
export async function startEmulator(options: StartOptions = {}): Promise<RunningEmulator> {
  const { port = 0, host = "127.0.0.1", ...appOptions } = options;
  const adminToken = options.adminToken ?? generateAdminToken();
  const app = createApp({ ...appOptions, adminToken });
  await app.listen({ port, host });
  const address = app.server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  return { url: `http://${host}:${actualPort}`, adminToken, demoToken: app.demoToken, app, close: () => app.close() };
}
