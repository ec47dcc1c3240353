/**
 * `npm run bench`: what a deployment costs. For each size N, a generated site is
 * deployed with pulumi-pbx against the emulator (fresh, in its own process, with
 * a set latency) and, as the engine's floor, with a provider that makes no
 * request; the markdown report is printed and written to bench/results/.
 *
 *   npm run bench -- [--sizes 100,1000,3000] [--latency-ms 20] [--quick]
 *                    [--apply-delay-ms MS] [--parallel P] [--skip-checkpoints]
 *                    [--out FILE] [--keep]
 */
import { execFileSync } from "child_process";
import { Command } from "commander";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEFAULT_APPLY_DELAY_MS } from "../emulator/options";
import { busyFraction, cpuCounters, describeMachine } from "./machine";
import { measureDeployment } from "./measure";
import { startBenchPbx } from "./pbx";
import { cliBinDir, repoRoot } from "./project";
import { renderReport, SizeResult } from "./report";
import { siteMix } from "./site";

interface CliOptions {
  sizes: string;
  latencyMs: string;
  quick?: boolean;
  applyDelayMs?: string;
  parallel?: string;
  out?: string;
  skipCheckpoints?: boolean;
  keep?: boolean;
}

function positiveInt(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${what} must be a non-negative integer, got "${text}"`);
  return n;
}

const log = (line: string) => process.stderr.write(line + "\n");

async function main(): Promise<void> {
  const o = new Command("bench")
    .description("What a deployment costs: pulumi-pbx vs the engine's floor")
    .option("--sizes <list>", "site sizes (resources), comma-separated", "100,1000,3000")
    .option("--latency-ms <ms>", "emulator latency per request", "20")
    .option("--quick", "N = 100 only")
    .option("--apply-delay-ms <ms>", "emulator apply delay (default: the emulator's)")
    .option("--parallel <p>", "engine --parallel (default: the CLI's)")
    .option("--out <file>", "report file (default: bench/results/<date>.md)")
    .option("--skip-checkpoints", "PULUMI_SKIP_CHECKPOINTS=true: state written once per command, not per step")
    .option("--keep", "keep the temporary Pulumi projects")
    .parse(process.argv)
    .opts<CliOptions>();

  const sizes = o.quick ? [100] : o.sizes.split(",").map((x) => positiveInt(x.trim(), "--sizes"));
  const latencyMs = positiveInt(o.latencyMs, "--latency-ms");
  const applyDelayMs = o.applyDelayMs === undefined ? undefined : positiveInt(o.applyDelayMs, "--apply-delay-ms");
  const parallel = o.parallel === undefined ? undefined : positiveInt(o.parallel, "--parallel");
  const mixes = sizes.map((n) => ({ n, mix: siteMix(n) })); // fail on a bad size before any work

  const pulumiBin = path.join(cliBinDir(), "pulumi");
  const machine = describeMachine(pulumiBin, repoRoot);
  const started = Date.now();
  const cpuBefore = cpuCounters();
  const loadBefore = os.loadavg()[0];
  log(`bench: sizes ${sizes.join(", ")}, ${latencyMs} ms latency, ${machine.cores} cores, load ${loadBefore.toFixed(2)}`);

  const results: SizeResult[] = [];
  for (const { n, mix } of mixes) {
    // A fresh emulator per size: each run starts from an empty store.
    const pbx = await startBenchPbx({ latencyMs, applyDelayMs });
    try {
      const site = "bench";
      const siteToken = await pbx.createSite(site);
      const common = { mix, pbx, site, siteToken, parallel, skipCheckpoints: o.skipCheckpoints, keep: o.keep, log };
      // The floor first: it also warms the file cache (CLI, @pulumi/pulumi) for both.
      const floor = await measureDeployment({ ...common, variant: "floor" });
      const ours = await measureDeployment({ ...common, variant: "pbx" });
      results.push({ n, mix, ours, floor });
    } finally {
      await pbx.close();
    }
  }

  const date = new Date().toISOString().slice(0, 10);
  const report = renderReport(
    {
      date,
      machine,
      latencyMs,
      applyDelay: applyDelayMs === undefined ? `emulator default (${DEFAULT_APPLY_DELAY_MS} ms)` : `${applyDelayMs} ms`,
      parallel: parallel === undefined ? `pulumi default (${defaultParallelism(pulumiBin)})` : `--parallel ${parallel}`,
      checkpoints: o.skipCheckpoints
        ? "skipped (PULUMI_SKIP_CHECKPOINTS=true: the state is written once per command)"
        : "the local file backend's default (the whole state file rewritten after every step)",
      loadBefore,
      loadAfter: os.loadavg()[0],
      busyFraction: busyFraction(cpuBefore, cpuCounters()),
      wallMinutes: (Date.now() - started) / 60_000,
    },
    results,
  );
  process.stdout.write(report);
  const out = o.out ?? path.join(repoRoot, "bench", "results", `${date}.md`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, report);
  log(`bench: report written to ${path.relative(process.cwd(), out) || out}`);
}

/** The CLI's default `--parallel`, as its help states it (it depends on the core count). */
function defaultParallelism(pulumiBin: string): string {
  try {
    const help = execFileSync(pulumiBin, ["up", "--help"], { encoding: "utf8" });
    return /--parallel\b.*\(default (\d+)\)/.exec(help)?.[1] ?? "?";
  } catch {
    return "?";
  }
}

main().catch((err) => {
  process.stderr.write(`bench: ${err?.stack ?? err}\n`);
  process.exit(1);
});
