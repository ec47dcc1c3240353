/**
 * `npm run bench`: what a deployment costs. For each latency and size N, the
 * engine's floor (the same program with a provider that makes no request) is
 * measured once; then the generated site is deployed with pulumi-pbx for each
 * driver and shape, each against a fresh emulator in its own process. The
 * markdown report is printed and written to bench/results/ (rewritten after
 * every run, so a long bench that is stopped keeps what it measured).
 *
 *   npm run bench -- [--sizes 100,1000,3000] [--latency-ms 20,100]
 *                    [--shape fast|default|both] [--driver apiv1|wazo|both]
 *                    [--quick] [--apply-delay-ms MS] [--parallel P]
 *                    [--skip-checkpoints] [--fast-floor] [--out FILE] [--keep]
 */
import { execFileSync } from "child_process";
import { Command } from "commander";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEFAULT_APPLY_DELAY_MS } from "../emulator/options";
import { busyFraction, cpuCounters, describeMachine } from "./machine";
import { measureDeployment } from "./measure";
import { BENCH_DRIVERS, BenchDriver, startBenchPbx } from "./pbx";
import { cliBinDir, repoRoot } from "./project";
import { FloorResult, RunResult, renderReport } from "./report";
import { Shape, siteMix } from "./site";

interface CliOptions {
  sizes: string;
  latencyMs: string;
  shape: string;
  driver: string;
  quick?: boolean;
  applyDelayMs?: string;
  parallel?: string;
  out?: string;
  skipCheckpoints?: boolean;
  fastFloor?: boolean;
  keep?: boolean;
}

function positiveInt(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${what} must be a non-negative integer, got "${text}"`);
  return n;
}

function list(text: string, what: string): number[] {
  return text.split(",").map((x) => positiveInt(x.trim(), what));
}

function oneOrBoth<T extends string>(text: string, values: readonly T[], what: string): T[] {
  if (text === "both") return [...values];
  if ((values as readonly string[]).includes(text)) return [text as T];
  throw new Error(`${what} must be ${values.join(", ")} or both, got "${text}"`);
}

const log = (line: string) => process.stderr.write(line + "\n");

async function main(): Promise<void> {
  const o = new Command("bench")
    .description("What a deployment costs: pulumi-pbx vs the engine's floor")
    .option("--sizes <list>", "site sizes (resources), comma-separated", "100,1000,3000")
    .option("--latency-ms <list>", "emulator latency per request, comma-separated", "20")
    .option("--shape <shape>", "fast (pbx.applyChangesOnce()), default, or both", "both")
    .option("--driver <driver>", "apiv1, wazo, or both", "both")
    .option("--quick", "N = 100 only")
    .option("--apply-delay-ms <ms>", "API v1 emulator apply delay (default: the emulator's)")
    .option("--parallel <p>", "engine --parallel (default: the CLI's)")
    .option("--out <file>", "report file (default: bench/results/<date>.md)")
    .option("--skip-checkpoints", "PULUMI_SKIP_CHECKPOINTS=true: state written once per command, not per step")
    .option("--fast-floor", "also measure the floor with the fast shape's graph (apply guard + ApplyChanges, no requests)")
    .option("--keep", "keep the temporary Pulumi projects")
    .parse(process.argv)
    .opts<CliOptions>();

  const sizes = o.quick ? [100] : list(o.sizes, "--sizes");
  const latencies = list(o.latencyMs, "--latency-ms");
  const shapes = oneOrBoth<Shape>(o.shape, ["fast", "default"], "--shape");
  const drivers = oneOrBoth<BenchDriver>(o.driver, BENCH_DRIVERS, "--driver");
  const applyDelayMs = o.applyDelayMs === undefined ? undefined : positiveInt(o.applyDelayMs, "--apply-delay-ms");
  const parallel = o.parallel === undefined ? undefined : positiveInt(o.parallel, "--parallel");
  const mixes = sizes.map((n) => ({ n, mix: siteMix(n) })); // fail on a bad size before any work

  const pulumiBin = path.join(cliBinDir(), "pulumi");
  const machine = describeMachine(pulumiBin, repoRoot);
  const started = Date.now();
  const cpuBefore = cpuCounters();
  const loadBefore = os.loadavg()[0];
  log(
    `bench: sizes ${sizes.join(", ")}; latency ${latencies.join(", ")} ms; drivers ${drivers.join(", ")}; ` +
      `shapes ${shapes.join(", ")}; ${machine.cores} cores, load ${loadBefore.toFixed(2)}`,
  );

  const date = new Date().toISOString().slice(0, 10);
  const out = o.out ?? path.join(repoRoot, "bench", "results", `${date}.md`);
  const floors: FloorResult[] = [];
  const runs: RunResult[] = [];
  const write = (final: boolean) => {
    const report = renderReport(
      {
        date,
        machine,
        latencies,
        applyDelay: applyDelayMs === undefined ? `emulator default (${DEFAULT_APPLY_DELAY_MS} ms)` : `${applyDelayMs} ms`,
        parallel: parallel === undefined ? `pulumi default (${defaultParallelism(pulumiBin)})` : `--parallel ${parallel}`,
        checkpoints: o.skipCheckpoints
          ? "skipped (PULUMI_SKIP_CHECKPOINTS=true: the state is written once per command)"
          : "the local file backend's default (the whole state file rewritten after every step)",
        command: `node dist/bench/run.js ${process.argv.slice(2).join(" ")}`.trim(),
        niceness: os.getPriority(),
        loadBefore,
        loadAfter: os.loadavg()[0],
        busyFraction: busyFraction(cpuBefore, cpuCounters()),
        wallMinutes: (Date.now() - started) / 60_000,
        complete: final,
      },
      floors,
      runs,
    );
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, report);
    return report;
  };

  /** Times a run and records the machine's load around it. */
  const timed = async <T>(what: () => Promise<T>) => {
    const t0 = Date.now();
    const cpu0 = cpuCounters();
    const load = os.loadavg()[0];
    const value = await what();
    return { value, wallMinutes: (Date.now() - t0) / 60_000, loadBefore: load, busyFraction: busyFraction(cpu0, cpuCounters()) };
  };

  const common = { parallel, skipCheckpoints: o.skipCheckpoints, keep: o.keep, log };
  for (const latencyMs of latencies) {
    for (const { n, mix } of mixes) {
      // The floor first, once per (N, latency): it also warms the file cache (CLI, @pulumi/pulumi).
      log(`bench: floor N=${n} (${latencyMs} ms runs follow)`);
      const floorShapes: Shape[] = o.fastFloor && shapes.includes("fast") ? ["default", "fast"] : ["default"];
      for (const shape of floorShapes) {
        const floor = await timed(() => measureDeployment({ ...common, variant: "floor", shape, mix, config: {} }));
        floors.push({ shape, n, latencyMs, mix, phases: floor.value, wallMinutes: floor.wallMinutes, loadBefore: floor.loadBefore, busyFraction: floor.busyFraction });
        write(false);
      }
      for (const driver of drivers) {
        for (const shape of shapes) {
          log(`bench: ${driver} ${shape} N=${n} at ${latencyMs} ms`);
          const run = await timed(async () => {
            // A fresh emulator per run: each starts from an empty store.
            const pbx = await startBenchPbx({ driver, latencyMs, applyDelayMs });
            try {
              const config = await pbx.createSite("bench");
              return { phases: await measureDeployment({ ...common, variant: "pbx", shape, mix, pbx, config }) };
            } catch (e) {
              return { phases: [], error: e instanceof Error ? e.stack ?? e.message : String(e) };
            } finally {
              await pbx.close();
            }
          });
          runs.push({ driver, shape, n, latencyMs, mix, ...run.value, wallMinutes: run.wallMinutes, loadBefore: run.loadBefore, busyFraction: run.busyFraction });
          log(`bench: ${driver} ${shape} N=${n} at ${latencyMs} ms took ${run.wallMinutes.toFixed(1)} min`);
          write(false);
        }
      }
    }
  }

  process.stdout.write(write(true));
  log(`bench: report written to ${path.relative(process.cwd(), out) || out}`);
}

/** The CLI's default `--parallel`, as its help states it (it depends on the core count). */
let parallelism: string | undefined;
function defaultParallelism(pulumiBin: string): string {
  if (parallelism !== undefined) return parallelism;
  try {
    const help = execFileSync(pulumiBin, ["up", "--help"], { encoding: "utf8" });
    parallelism = /--parallel\b.*\(default (\d+)\)/.exec(help)?.[1] ?? "?";
  } catch {
    parallelism = "?";
  }
  return parallelism;
}

main().catch((err) => {
  process.stderr.write(`bench: ${err?.stack ?? err}\n`);
  process.exit(1);
});
