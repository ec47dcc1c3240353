/**
 * `npm run bench:export`: what `pulumi-pbx export` costs on a large site.
 *
 * A site of N users (each with a function key, every other one with a
 * forwarding, a third with a voicemail PIN) plus N/10 incoming numbers and N/50
 * groups is made through the driver against an emulator with no latency, in a
 * durable store; the emulator is then started again on that store with the
 * latency asked for, and the export is timed against it (the stack's PINs are
 * encrypted by the real pulumi CLI with a passphrase, in a file backend). The
 * emulator runs in a process of its own (bench/pbxHost), so the export's CPU is
 * not shared with the server's event loop. Prints a markdown report and writes
 * it to bench/results/.
 *
 *   npm run bench:export -- [--driver apiv1|wazo|both] [--users 10000]
 *                           [--latency-ms 20] [--concurrency 16] [--out FILE]
 */
import { Command } from "commander";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runExport } from "../cli/export";
import { pulumiRunner } from "../cli/export/stack";
import { mapLimit } from "../cli/limit";
import { createDriver, type Driver, type DriverConnection, type UserModel } from "../sdk/drivers";
import { describeMachine } from "./machine";
import { BENCH_DRIVERS, type BenchDriver, type StackConfig, startBenchPbx } from "./pbx";
import { cliBinDir, repoRoot } from "./project";

interface Row {
  driver: BenchDriver;
  users: number;
  objects: number;
  populateSeconds: number;
  exportSeconds: number;
  readSeconds: number;
  requests: number;
  rssMiB: number;
  lines: number;
}

function connectionOf(config: StackConfig): DriverConnection {
  const v = (k: string) => config[k]?.value;
  return { site: v("pbx:site")!, url: v("pbx:url")!, token: v("pbx:token"), username: v("pbx:username"), password: v("pbx:password"), maxConcurrency: 32 };
}

/** The site, made as a console user would have made it over months. */
async function populate(d: Driver, n: number): Promise<number> {
  const users: UserModel[] = await mapLimit(Array.from({ length: n }, (_, i) => i), 32, (i) =>
    d.users.create({
      extension: String(10000 + i),
      firstName: `First${i}`,
      lastName: `Last ${i}`,
      ...(i % 2 === 0 ? { email: `user${i}@example.com` } : {}),
      ...(i % 5 === 0 ? { department: ["Sales", "Support", "IT"][i % 3] } : {}),
      voicemail: i % 3 === 0 ? { enabled: true, pin: String(4000 + (i % 5000)), ringsBeforeVoicemail: 4 } : { enabled: true },
    }),
  );
  const groups = await mapLimit(Array.from({ length: Math.max(1, Math.floor(n / 50)) }, (_, i) => i), 16, (i) =>
    d.userGroups.create({ name: `Team ${i}`, members: [0, 1, 2, 3].map((k) => users[(i * 4 + k) % n].id) }),
  );
  const numbers = Math.floor(n / 10);
  await mapLimit(Array.from({ length: numbers }, (_, i) => i), 32, (i) =>
    d.incomingNumbers.create({
      number: `+3225${String(600000 + i)}`,
      destination: i % 4 === 0 ? { type: "userGroup", groupId: groups[i % groups.length].id } : { type: "user", userId: users[i % n].id },
    }),
  );
  await mapLimit(users, 32, (u, i) => d.functionKeys.create({ userId: u.id, position: 1, type: "blf", targetUserId: users[(i + 1) % n].id }));
  const forwarded = users.filter((_, i) => i % 2 === 0);
  await mapLimit(forwarded, 32, (u, i) => d.forwardings.create({ userId: u.id, mode: "forward", onBusy: [{ number: `+3247${String(3000000 + i)}` }] }));
  return n + groups.length + numbers + n + forwarded.length;
}

async function measure(driver: BenchDriver, n: number, latencyMs: number, concurrency: number, work: string): Promise<Row> {
  const dataFile = path.join(work, `${driver}.db`);
  // 1. The site, at no latency.
  let pbx = await startBenchPbx({ driver, latencyMs: 0, dataFile });
  const config = await pbx.createSite("big");
  const admin = createDriver(driver, connectionOf(config));
  let t = Date.now();
  const objects = await populate(admin, n);
  if (admin.capabilities.needsApply) await admin.apply();
  const populateSeconds = (Date.now() - t) / 1000;
  admin.close();
  await pbx.close();

  // 2. The same store behind the latency asked for.
  pbx = await startBenchPbx({ driver, latencyMs, dataFile });
  const before = await pbx.metrics();
  const out = path.join(work, `${driver}-export`);
  const backend = path.join(work, `${driver}-backend`);
  fs.mkdirSync(backend, { recursive: true });
  const c = { ...connectionOf(config), url: pbx.url }; // a new port
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${cliBinDir()}${path.delimiter}${process.env.PATH}`,
    PULUMI_BACKEND_URL: `file://${backend}`,
    PULUMI_CONFIG_PASSPHRASE: "bench",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    ...(driver === "wazo" ? { PBX_PASSWORD: c.password } : { PBX_TOKEN: c.token }),
  };
  let stderr = "";
  t = Date.now();
  const code = await runExport(
    { url: c.url, site: c.site, driver, username: c.username, out, project: "exported", stack: "dev", concurrency },
    {
      env,
      stdin: { isTTY: false, on: () => undefined, removeListener: () => undefined, resume: () => undefined, pause: () => undefined },
      stderr: { write: (text: string) => (stderr += text) },
      createDriver,
      pulumi: pulumiRunner,
      now: Date.now,
    },
  );
  const exportSeconds = (Date.now() - t) / 1000;
  if (code !== 0) throw new Error(`export failed on ${driver}:\n${stderr}`);
  const after = await pbx.metrics();
  await pbx.close();
  const requests = Object.entries(after.requests).reduce((sum, [route, k]) => sum + k - (before.requests[route] ?? 0), 0);
  const read = /\(read ([\d.]+) s\)/.exec(stderr);
  const lines = fs.readFileSync(path.join(out, "index.ts"), "utf8").split("\n").length;
  return { driver, users: n, objects, populateSeconds, exportSeconds, readSeconds: read ? Number(read[1]) : NaN, requests, rssMiB: process.memoryUsage().rss / 2 ** 20, lines };
}

async function main(): Promise<void> {
  const opts = new Command()
    .option("--driver <name>", "apiv1, wazo or both", "both")
    .option("--users <n>", "users of the site", "10000")
    .option("--latency-ms <ms>", "latency of every PBX request during the export", "20")
    .option("--concurrency <n>", "the export's --concurrency", "16")
    .option("--out <file>", "report file")
    .parse()
    .opts<{ driver: string; users: string; latencyMs: string; concurrency: string; out?: string }>();
  const drivers = opts.driver === "both" ? BENCH_DRIVERS : [opts.driver as BenchDriver];
  const n = Number(opts.users);
  const latency = Number(opts.latencyMs);
  const concurrency = Number(opts.concurrency);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "pbx-bench-export-"));
  const rows: Row[] = [];
  try {
    for (const d of drivers) {
      process.stderr.write(`${d}: populating ${n} users…\n`);
      rows.push(await measure(d, n, latency, concurrency, work));
      const r = rows[rows.length - 1];
      process.stderr.write(`${d}: export ${r.exportSeconds.toFixed(1)} s (read ${r.readSeconds} s), ${r.requests} requests\n`);
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  const date = new Date().toISOString().slice(0, 10);
  const machine = describeMachine(path.join(cliBinDir(), "pulumi"), repoRoot);
  const report = [
    `# pulumi-pbx export benchmark — ${date}`,
    "",
    `- machine: ${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGiB.toFixed(1)} GiB, ${machine.os}; node ${machine.node}, pulumi ${machine.pulumi}, pulumi-pbx at ${machine.commit}; 1-min load ${os.loadavg()[0].toFixed(2)} at the end`,
    `- command: \`node dist/bench/export.js ${process.argv.slice(2).join(" ")}\``,
    `- site: N users (one function key each, a forwarding on every other one, a voicemail PIN on a third), N/10 incoming numbers, N/50 groups; made at 0 ms, exported at ${latency} ms per request; export --concurrency ${concurrency}`,
    "- *export s*: wall time of `runExport` (read, generate, write, PINs encrypted by `pulumi config set --secret`); *read s*: the reading part; *requests*: every request the PBX answered during the export (logins included)",
    "",
    "| driver | users | objects | export s | read s | requests | req/object | exporter RSS MiB | index.ts lines | site made in s |",
    "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ...rows.map((r) => `| ${r.driver} | ${r.users} | ${r.objects} | ${r.exportSeconds.toFixed(1)} | ${r.readSeconds.toFixed(1)} | ${r.requests} | ${(r.requests / r.objects).toFixed(2)} | ${r.rssMiB.toFixed(0)} | ${r.lines} | ${r.populateSeconds.toFixed(0)} |`),
    "",
  ].join("\n");
  process.stdout.write(report);
  const file = opts.out ?? path.join(repoRoot, "bench", "results", `${date}-export-n${n}-${latency}ms.md`);
  fs.writeFileSync(file, report);
}

main().catch((e) => {
  process.stderr.write(`bench export: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
