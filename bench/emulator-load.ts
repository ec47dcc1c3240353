/**
 * What the emulator costs on this machine: requests/second for GET and POST
 * (autocannon, a few seconds each) and resident memory with 10 000 users.
 * Not a test; prints a table. Run (bench/ is outside the build):
 *
 *   npx tsc --outDir /tmp/pbx-bench --rootDir . --target ES2022 --module commonjs \
 *     --esModuleInterop --skipLibCheck --strict --types node bench/emulator-load.ts
 *   NODE_PATH=$PWD/node_modules node --expose-gc /tmp/pbx-bench/bench/emulator-load.js
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startEmulator } from "../emulator";

/** The slice of autocannon's API used here (the package ships no types). */
interface CannonRequest {
  method?: string;
  path?: string;
  body?: string;
  headers?: Record<string, string>;
}
interface CannonOptions {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  duration?: number;
  connections?: number;
  requests?: { setupRequest(req: CannonRequest): CannonRequest }[];
}
interface CannonResult {
  requests: { average: number };
  latency: { p99: number };
  errors: number;
  non2xx: number;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require("autocannon") as (o: CannonOptions) => Promise<CannonResult>;

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

async function cannon(title: string, opts: CannonOptions): Promise<{ title: string; rps: number; p99: number; errors: number; non2xx: number }> {
  const r = await autocannon({ duration: SECONDS, connections: 10, ...opts });
  return { title, rps: Math.round(r.requests.average), p99: r.latency.p99, errors: r.errors, non2xx: r.non2xx };
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pbx-bench-"));
  const emu = await startEmulator({ dataFile: path.join(dir, "bench.db"), applyDelayMs: 1 });
  try {
    const admin = { authorization: `Bearer ${emu.adminToken}`, "content-type": "application/json" };
    const created = (await (await fetch(`${emu.url}/api/v1/sites`, { method: "POST", headers: admin, body: JSON.stringify({ name: "bench" }) })).json()) as { token: string };
    const headers = { authorization: `Bearer ${created.token}`, "content-type": "application/json" };
    const users = `${emu.url}/api/v1/sites/bench/users`;
    const first = (await (await fetch(users, { method: "POST", headers, body: JSON.stringify({ extension: "100000", firstName: "First" }) })).json()) as { id: string };

    const rows = [];
    rows.push(await cannon("GET one user", { url: `${users}/${first.id}`, headers }));
    let ext = 200000;
    rows.push(
      await cannon("POST user (fsync per write)", {
        url: users,
        method: "POST",
        headers,
        requests: [{ setupRequest: (req) => ({ ...req, body: JSON.stringify({ extension: String(ext++), firstName: "Bench" }) }) }],
      }),
    );

    // Fill up to 10 000 users through the store (the HTTP path is measured above).
    const store = emu.app.pbx.store;
    const have = store.list("bench", "user", { view: "saved", offset: 0, limit: 1 }).total;
    for (let i = have; i < 10_000; i++) {
      const r = await fetch(users, { method: "POST", headers, body: JSON.stringify({ extension: String(300000 + i), firstName: `User${i}`, email: `u${i}@example.com` }) });
      if (r.status !== 201) throw new Error(await r.text());
    }
    const total = store.list("bench", "user", { view: "saved", offset: 0, limit: 1 }).total;
    global.gc?.();
    const rssMb = Math.round(process.memoryUsage().rss / 1024 / 1024);
    rows.push(await cannon(`GET users?search= (${total} users)`, { url: `${users}?search=user99&pageSize=50`, headers }));

    console.log(`\nPBX emulator on ${os.cpus()[0]?.model ?? "?"} (${os.cpus().length} CPUs), ${SECONDS}s per run, 10 connections\n`);
    console.log("| run | req/s | p99 ms | errors | non-2xx |\n|---|---|---|---|---|");
    for (const r of rows) console.log(`| ${r.title} | ${r.rps} | ${r.p99} | ${r.errors} | ${r.non2xx} |`);
    console.log(`\nresident memory with ${total} users: ${rssMb} MB (database file ${Math.round(fs.statSync(path.join(dir, "bench.db")).size / 1024 / 1024)} MB + WAL)`);
  } finally {
    await emu.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
