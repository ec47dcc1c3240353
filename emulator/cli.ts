#!/usr/bin/env node
/**
 * `npm run emulator -- --port N --data FILE --token ADMIN_TOKEN [--seed demo] …`
 */
import { Command, InvalidArgumentError } from "commander";
import { DEFAULT_APPLY_DELAY_MS, DEFAULT_DATA_FILE } from "./options";
import { generateAdminToken, startEmulator } from "./server";

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
    .description("The embedded PBX: a reference server for the PBX Management API v1")
    .option("--port <n>", "port to listen on", num("port", 0, 65535), 8787)
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--data <file>", "SQLite data file (:memory: for none)", DEFAULT_DATA_FILE)
    .option("--token <token>", "admin token (generated and printed when omitted)")
    .option("--seed <name>", "seed data: demo")
    .option("--apply-delay-ms <n>", "how long an apply takes", num("apply delay", 0), DEFAULT_APPLY_DELAY_MS)
    .option("--latency-ms <n>", "latency added to every API request", num("latency", 0))
    .option("--error-rate <f>", "fraction of API requests answered 500/503", num("error rate", 0, 1))
    .option("--reset-rate <f>", "fraction of API responses dropped (connection reset)", num("reset rate", 0, 1))
    .option("--rate-limit <n>", "requests per second per token before 429", num("rate limit", 1))
    .option("--visibility-delay-ms <n>", "new objects answer 404 on GET for this long", num("visibility delay", 0))
    .option("--log", "log requests")
    .parse(argv);
  const o = program.opts<{
    port: number; host: string; data: string; token?: string; seed?: string; applyDelayMs: number;
    latencyMs?: number; errorRate?: number; resetRate?: number; rateLimit?: number; visibilityDelayMs?: number; log?: boolean;
  }>();
  if (o.seed !== undefined && o.seed !== "demo") program.error(`unknown seed "${o.seed}" (known: demo)`);
  const adminToken = o.token ?? generateAdminToken();
  const emu = await startEmulator({
    port: o.port,
    host: o.host,
    dataFile: o.data,
    adminToken,
    applyDelayMs: o.applyDelayMs,
    seed: o.seed as "demo" | undefined,
    logger: !!o.log,
    faults: {
      latencyMs: o.latencyMs,
      errorRate: o.errorRate,
      resetRate: o.resetRate,
      rateLimit: o.rateLimit ? { perSecond: o.rateLimit } : undefined,
      visibilityDelayMs: o.visibilityDelayMs,
    },
  });
  if (!o.token) console.log(`admin token: ${adminToken}`);
  if (emu.demoToken) console.log(`site demo token: ${emu.demoToken}`);
  console.log(`PBX emulator listening on ${emu.url}`);
  const stop = () => void emu.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main(process.argv).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
