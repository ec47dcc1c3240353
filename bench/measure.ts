/**
 * One measured deployment: a generated site program taken through `pulumi up`,
 * a second (no-op) `up`, `refresh` and `destroy`, with wall time, the PBX
 * requests each command made (from the emulator's /metrics) and the provider
 * process's peak memory and CPU.
 */
import { BenchProject } from "./project";
import { BenchPbx, PbxMetrics, StackConfig, isWriteRoute, metricsDelta } from "./pbx";
import { ProviderSampler, ProviderUsage, processCpuSeconds } from "./procSampler";
import { Shape, SiteMix, floorModuleText, mixTotal, programText } from "./site";

/** The four commands of a deployment's life, in order. */
export const PHASES = ["up", "up (no-op)", "refresh", "destroy"] as const;
export type Phase = (typeof PHASES)[number];

/** What one command cost. */
export interface PhaseResult {
  phase: Phase;
  /** False when the command exited non-zero (then `error` holds its output's tail). */
  ok: boolean;
  error?: string;
  wallMs: number;
  /** The engine's summary, e.g. "1000 created" or "1000 unchanged". */
  summary: string;
  /** PBX requests by route; empty for the floor. */
  requests: Record<string, number>;
  /** Requests that change PBX state (not GETs, not the apply). */
  writes: number;
  total: number;
  applies: number;
  provider: ProviderUsage;
  /**
   * CPU seconds the emulator process used during the command. The emulator shares
   * the bench machine's cores with the engine (a real PBX would not), so this is
   * CPU the floor never competes with.
   */
  emulatorCpuSeconds?: number;
}

/** Which provider a run uses. */
export type Variant = "pbx" | "floor";

/** How to run a deployment. */
export interface MeasureOptions {
  variant: Variant;
  /** The program's shape (default: "default"; the floor's fast text builds the fast shape's graph with no-op resources). */
  shape?: Shape;
  mix: SiteMix;
  /** The emulator (pulumi-pbx only: the floor makes no request and needs none). */
  pbx?: BenchPbx;
  /** Stack config that reaches the site on `pbx` (the floor gets none). */
  config: StackConfig;
  /** `--parallel` for the engine; the CLI's default when undefined. */
  parallel?: number;
  /**
   * Set PULUMI_SKIP_CHECKPOINTS: the engine writes the state once at the end
   * instead of after every step. The local file backend rewrites the whole
   * state file at each step, which grows quadratically with N and dominates big
   * runs; skipping isolates the engine's and the provider's own work.
   */
  skipCheckpoints?: boolean;
  /** Keep the temporary project (for debugging). */
  keep?: boolean;
  /** Progress lines. */
  log: (line: string) => void;
}

const NO_METRICS: PbxMetrics = { requests: {}, applies: 0 };

/** The CLI arguments of a phase. */
function phaseArgs(phase: Phase, parallel?: number): string[] {
  const p = parallel === undefined ? [] : ["--parallel", String(parallel)];
  switch (phase) {
    case "up":
    case "up (no-op)":
      return ["up", "--yes", "--skip-preview", ...p];
    case "refresh":
      return ["refresh", "--yes", "--skip-preview", ...p];
    case "destroy":
      return ["destroy", "--yes", "--skip-preview", ...p];
  }
}

/** The engine's "Resources:" summary, compacted: "+ 1000 created" → "1000 created". */
export function engineSummary(output: string): string {
  const at = output.lastIndexOf("Resources:");
  if (at < 0) return "";
  const parts: string[] = [];
  for (const line of output.slice(at).split("\n").slice(1)) {
    const m = /^\s+[-+~]?\s*(\d+ [a-z][a-z -]*?)\s*$/.exec(line);
    if (!m) break;
    parts.push(m[1]);
  }
  return parts.join(", ");
}

/** Runs the four phases of one program; a failed phase ends the run (the rest are not attempted). */
export async function measureDeployment(opts: MeasureOptions): Promise<PhaseResult[]> {
  const n = mixTotal(opts.mix);
  const shape = opts.shape ?? "default";
  const files: Record<string, string> =
    opts.variant === "floor"
      ? { "index.js": programText(opts.mix, "./floor", shape), "floor.js": floorModuleText }
      : { "index.js": programText(opts.mix, "pulumi-pbx", shape, opts.pbx?.driver ?? "apiv1") };
  const label = opts.variant === "floor" ? (shape === "fast" ? "floor (fast graph)" : "floor") : `${opts.pbx?.driver ?? "?"} ${shape}`;
  const project = new BenchProject(
    opts.variant === "floor" ? `floor-${shape}-${n}` : `${opts.pbx?.driver}-${shape}-${n}`,
    files,
    opts.skipCheckpoints ? { PULUMI_SKIP_CHECKPOINTS: "true" } : {},
  );
  const results: PhaseResult[] = [];
  try {
    await project.init(opts.config);
    // The floor makes no PBX request by construction; skip the metrics calls so
    // they cannot touch its timings.
    const pbx = opts.variant === "pbx" ? opts.pbx : undefined;
    const metrics = () => (pbx ? pbx.metrics() : Promise.resolve(NO_METRICS));
    for (const phase of PHASES) {
      const before = await metrics();
      const emuCpuBefore = processCpuSeconds(pbx?.pid);
      let sampler: ProviderSampler | undefined;
      const r = await project.run(phaseArgs(phase, opts.parallel), (child) => {
        if (child.pid) sampler = new ProviderSampler(child.pid);
      });
      const provider = sampler?.stop() ?? { processes: 0 };
      const emuCpuAfter = processCpuSeconds(pbx?.pid);
      const delta = metricsDelta(before, await metrics());
      const total = Object.values(delta.requests).reduce((s, c) => s + c, 0);
      const writes = Object.entries(delta.requests)
        .filter(([route]) => isWriteRoute(route))
        .reduce((s, [, c]) => s + c, 0);
      const result: PhaseResult = {
        phase,
        ok: r.code === 0,
        ...(r.code === 0 ? {} : { error: r.output.slice(-3000) }),
        wallMs: r.wallMs,
        summary: engineSummary(r.output),
        requests: delta.requests,
        writes,
        total,
        applies: delta.applies,
        provider,
        ...(emuCpuBefore !== undefined && emuCpuAfter !== undefined ? { emulatorCpuSeconds: emuCpuAfter - emuCpuBefore } : {}),
      };
      results.push(result);
      opts.log(
        `  ${label} N=${n} ${phase}: ${(r.wallMs / 1000).toFixed(1)} s, ${total} requests, ${delta.applies} applies` +
          (result.ok ? "" : ` — FAILED (exit ${r.code})`),
      );
      if (!result.ok) break;
    }
  } finally {
    if (!opts.keep) project.cleanup();
    else opts.log(`  kept ${project.workDir}`);
  }
  return results;
}
