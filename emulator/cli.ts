#!/usr/bin/env node
/**
 * `npm run emulator -- --port N --data FILE --token ADMIN_TOKEN [--seed demo] …`
 * `npm run emulator -- --flavor wazo [--port N --data FILE --token MASTER_TOKEN --tenant NAME …]`
 */
import crypto from "node:crypto";
import { Command, InvalidArgumentError } from "commander";
import { DEFAULT_APPLY_DELAY_MS, DEFAULT_DATA_FILE } from "./options";
import { generateAdminToken, startEmulator } from "./server";
import { DEFAULT_WAZO_DATA_FILE, startWazoEmulator } from "./wazo";

function num(what: string, min: number, max = Number.POSITIVE_INFINITY) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max) throw new InvalidArgumentError(`${what} must be a number between ${min} and ${max}`);
    return n;
  };
}

async function main(argv: string[]): Promise<void> {
  const program = new Command()
    .name("pbx-emulator")
    .description("The embedded PBX: a reference server for the PBX Management API v1, or a Wazo-shaped one (--flavor wazo)")
    .option("--flavor <name>", "which PBX to emulate: apiv1 or wazo", "apiv1")
    .option("--port <n>", "port to listen on", num("port", 0, 65535), 8787)
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--data <file>", `SQLite data file (:memory: for none; default ${DEFAULT_DATA_FILE}, or ${DEFAULT_WAZO_DATA_FILE} for wazo)`)
    .option("--token <token>", "admin token (generated and printed when omitted)")
    .option("--seed <name>", "seed data: demo")
    .option("--apply-delay-ms <n>", "how long an apply takes", num("apply delay", 0), DEFAULT_APPLY_DELAY_MS)
    .option("--latency-ms <n>", "latency added to every API request", num("latency", 0))
    .option("--error-rate <f>", "fraction of API requests answered 500/503", num("error rate", 0, 1))
    .option("--reset-rate <f>", "fraction of API responses dropped (connection reset)", num("reset rate", 0, 1))
    .option("--rate-limit <n>", "requests per second per token before 429", num("rate limit", 1))
    .option("--visibility-delay-ms <n>", "new objects answer 404 on GET for this long", num("visibility delay", 0))
    .option("--tenant <name>", "wazo: create this tenant (with a login, printed) at start")
    .option("--log", "log requests")
    .parse(argv);
  const o = program.opts<{
    flavor: string; tenant?: string;
    port: number; host: string; data?: string; token?: string; seed?: string; applyDelayMs: number;
    latencyMs?: number; errorRate?: number; resetRate?: number; rateLimit?: number; visibilityDelayMs?: number; log?: boolean;
  }>();
  if (o.flavor !== "apiv1" && o.flavor !== "wazo") program.error(`unknown flavor "${o.flavor}" (known: apiv1, wazo)`);
  const faults = {
    latencyMs: o.latencyMs,
    errorRate: o.errorRate,
    resetRate: o.resetRate,
    rateLimit: o.rateLimit ? { perSecond: o.rateLimit } : undefined,
    visibilityDelayMs: o.visibilityDelayMs,
  };
  if (o.flavor === "wazo") return startWazo(o, faults);
  if (o.tenant !== undefined) program.error("--tenant is for --flavor wazo");
  if (o.seed !== undefined && o.seed !== "demo") program.error(`unknown seed "${o.seed}" (known: demo)`);
  const adminToken = o.token ?? generateAdminToken();
  const emu = await startEmulator({
    port: o.port,
    host: o.host,
    dataFile: o.data ?? DEFAULT_DATA_FILE,
    adminToken,
    applyDelayMs: o.applyDelayMs,
    seed: o.seed as "demo" | undefined,
    logger: !!o.log,
    faults,
  });
  if (!o.token) console.log(`admin token: ${adminToken}`);
  if (emu.demoToken) console.log(`site demo token: ${emu.demoToken}`);
  console.log(`PBX emulator listening on ${emu.url}`);
  const stop = () => void emu.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

/** The Wazo-shaped emulator: confd under /api/confd/1.1, wazo-auth under /api/auth/0.1. */
async function startWazo(
  o: { port: number; host: string; data?: string; token?: string; tenant?: string; seed?: string; log?: boolean },
  faults: NonNullable<Parameters<typeof startWazoEmulator>[0]>["faults"],
): Promise<void> {
  if (o.seed !== undefined) throw new Error("--seed is for --flavor apiv1; use --tenant NAME with --flavor wazo");
  const emu = await startWazoEmulator({ port: o.port, host: o.host, dataFile: o.data ?? DEFAULT_WAZO_DATA_FILE, adminToken: o.token, logger: !!o.log, faults });
  if (!o.token) console.log(`master token: ${emu.adminToken}`);
  console.log(`Wazo-shaped PBX emulator listening on ${emu.url}`);
  console.log(`  confd 1.1:    ${emu.confdUrl}`);
  console.log(`  wazo-auth:    ${emu.authUrl}`);
  if (o.tenant) {
    const t = emu.createTenant(o.tenant);
    const username = `${t.slug}-admin`;
    const password = crypto.randomBytes(12).toString("base64url");
    emu.createAuthUser(t.uuid, username, password);
    console.log(`tenant ${t.name}: uuid ${t.uuid}, slug ${t.slug}`);
    console.log(`  login ${username} / ${password}: curl -X POST -u ${username}:${password} -H 'content-type: application/json' -d '{"expiration": 3600}' ${emu.authUrl}/token`);
  } else {
    console.log(`tenants: --tenant NAME creates one with a login; or POST ${emu.authUrl}/tenants with X-Auth-Token: <master token>,`);
    console.log(`  then POST ${emu.authUrl}/users with Wazo-Tenant: <tenant uuid> and {"username", "password"}, then POST ${emu.authUrl}/token (Basic).`);
    console.log(`  The master token acts on any tenant: X-Auth-Token: <master token>, Wazo-Tenant: <tenant uuid>.`);
  }
  const stop = () => void emu.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main(process.argv).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
