/**
 * The benchmark's markdown: the machine, a cost table per size (ours next to the
 * floor), requests by route, and the issue's targets with whether they were met.
 * Targets are reported, never asserted: the bench is a measurement, not a test.
 */
import type { MachineInfo } from "./machine";
import { PHASES, Phase, PhaseResult } from "./measure";
import { SiteMix, mixTotal } from "./site";

/** Everything measured for one site size. */
export interface SizeResult {
  n: number;
  mix: SiteMix;
  ours: PhaseResult[];
  floor: PhaseResult[];
}

/** The run's settings and surroundings. */
export interface RunInfo {
  date: string;
  machine: MachineInfo;
  latencyMs: number;
  /** Description of the apply delay (e.g. "emulator default, 300 ms"). */
  applyDelay: string;
  /** Description of the engine parallelism (e.g. "pulumi default (8)"). */
  parallel: string;
  /** How the engine saved state during a command. */
  checkpoints: string;
  /** 1-minute load average before and after the run. */
  loadBefore: number;
  loadAfter: number;
  /** Share of all cores busy during the run, the bench's own processes included. */
  busyFraction?: number;
  wallMinutes: number;
}

const s = (ms: number) => (ms / 1000).toFixed(1);
const f1 = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? "–" : x.toFixed(1));
const f2 = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? "–" : x.toFixed(2));

function phaseOf(results: PhaseResult[], phase: Phase): PhaseResult | undefined {
  return results.find((r) => r.phase === phase);
}

function costRows(size: SizeResult): string[] {
  const rows: string[] = [];
  for (const phase of PHASES) {
    const o = phaseOf(size.ours, phase);
    const fl = phaseOf(size.floor, phase);
    if (!o && !fl) continue;
    const ratio = o?.ok && fl?.ok ? o.wallMs / fl.wallMs : undefined;
    rows.push(
      "| " +
        [
          size.n,
          phase,
          o ? s(o.wallMs) + (o.ok ? "" : " ✗") : "–",
          fl ? s(fl.wallMs) + (fl.ok ? "" : " ✗") : "–",
          f2(ratio),
          o?.total ?? "–",
          o ? f2(o.total / size.n) : "–",
          o?.writes ?? "–",
          o?.applies ?? "–",
          o && o.applies > 0 ? f1(o.writes / o.applies) : "–",
          `${f1(o?.provider.peakRssMiB)} / ${f1(fl?.provider.peakRssMiB)}`,
          `${f1(o?.provider.cpuSeconds)} / ${f1(fl?.provider.cpuSeconds)}`,
          o?.summary || "–",
        ].join(" | ") +
        " |",
    );
  }
  return rows;
}

function routeTable(size: SizeResult): string[] {
  const routes = new Set<string>();
  for (const r of size.ours) Object.keys(r.requests).forEach((k) => routes.add(k));
  if (routes.size === 0) return [];
  const lines = [
    `#### N = ${size.n}`,
    "",
    `| route | ${PHASES.join(" | ")} |`,
    `|---|${PHASES.map(() => "--:").join("|")}|`,
  ];
  for (const route of [...routes].sort()) {
    lines.push(`| \`${route}\` | ${PHASES.map((p) => phaseOf(size.ours, p)?.requests[route] ?? 0).join(" | ")} |`);
  }
  return [...lines, ""];
}

type Verdict = "met" | "missed" | "not measured";

interface Target {
  name: string;
  measured: string;
  verdict: Verdict;
}

/** Evaluates the issue's targets over every size measured. */
export function evaluateTargets(sizes: SizeResult[], latencyMs: number): Target[] {
  const targets: Target[] = [];
  const each = (
    name: string,
    pick: (size: SizeResult) => { value: string; ok: boolean } | undefined,
  ): void => {
    const parts: string[] = [];
    let verdict = "not measured" as Verdict;
    for (const size of sizes) {
      const got = pick(size);
      if (!got) continue;
      parts.push(`N=${size.n}: ${got.value}`);
      verdict = !got.ok || verdict === "missed" ? "missed" : "met";
    }
    targets.push({ name, measured: parts.join("; ") || "–", verdict });
  };
  const ok = (r: PhaseResult | undefined): r is PhaseResult => !!r && r.ok;

  each(`\`up\` ≤ 1.3 × the floor${latencyMs === 20 ? "" : ` (target is for 20 ms; ran at ${latencyMs} ms)`}`, (size) => {
    const o = phaseOf(size.ours, "up");
    const fl = phaseOf(size.floor, "up");
    if (!ok(o) || !ok(fl)) return undefined;
    const ratio = o.wallMs / fl.wallMs;
    return { value: `${ratio.toFixed(2)}×`, ok: ratio <= 1.3 };
  });
  each("≤ 1 apply per 50 mutations (`up` and `destroy`)", (size) => {
    const rs = (["up", "destroy"] as const).map((p) => phaseOf(size.ours, p)).filter(ok);
    if (rs.length === 0) return undefined;
    const writes = rs.reduce((a, r) => a + r.writes, 0);
    const applies = rs.reduce((a, r) => a + r.applies, 0);
    return { value: `${applies} applies / ${writes} writes`, ok: applies * 50 <= writes };
  });
  each("`refresh` ≤ 1.05 requests per resource", (size) => {
    const r = phaseOf(size.ours, "refresh");
    if (!ok(r)) return undefined;
    return { value: (r.total / size.n).toFixed(2), ok: r.total / size.n <= 1.05 };
  });
  each("a no-op `up` makes no write request", (size) => {
    const r = phaseOf(size.ours, "up (no-op)");
    if (!ok(r)) return undefined;
    return { value: `${r.writes} writes, ${r.applies} applies`, ok: r.writes === 0 && r.applies === 0 };
  });

  const at = (n: number) => sizes.find((x) => x.n === n);
  const big = at(3000);
  const mid = at(1000);
  const upOf = (size: SizeResult | undefined) => phaseOf(size?.ours ?? [], "up");
  const requestsOf = (size: SizeResult) => size.ours.reduce((a, r) => a + r.total, 0);
  if (ok(upOf(big)) && ok(upOf(mid)) && big!.ours.every((r) => r.ok) && mid!.ours.every((r) => r.ok)) {
    const t = upOf(big)!.wallMs / upOf(mid)!.wallMs;
    const q = requestsOf(big!) / requestsOf(mid!);
    targets.push({
      name: "linear: N = 3000 ≤ 3.3 × N = 1000 (`up` wall time; requests of all four commands)",
      measured: `time ${t.toFixed(2)}×, requests ${q.toFixed(2)}×`,
      verdict: t <= 3.3 && q <= 3.3 ? "met" : "missed",
    });
  } else {
    targets.push({ name: "linear: N = 3000 ≤ 3.3 × N = 1000", measured: "needs both sizes", verdict: "not measured" });
  }
  return targets;
}

/** The whole report. */
export function renderReport(info: RunInfo, sizes: SizeResult[]): string {
  const m = info.machine;
  const out: string[] = [
    `# pulumi-pbx benchmark — ${info.date}`,
    "",
    "What a deployment costs: a generated site taken through `pulumi up`, a second (no-op) `up`, " +
      "`refresh` and `destroy` against the emulator, next to the engine's floor (the same program shape " +
      "with a dynamic provider that makes no request).",
    "",
    "## Machine and settings",
    "",
    `- machine: ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB.toFixed(1)} GiB, ${m.os}`,
    `- node ${m.node}, pulumi ${m.pulumi}, pulumi-pbx at commit ${m.commit}`,
    `- load: 1-min load average ${info.loadBefore.toFixed(2)} before, ${info.loadAfter.toFixed(2)} after; ` +
      `all cores ${info.busyFraction === undefined ? "–" : (info.busyFraction * 100).toFixed(0) + " %"} busy during the run ` +
      "(the bench's own processes included)",
    `- emulator: ${info.latencyMs} ms latency per request, apply delay ${info.applyDelay}, in-memory store, own process`,
    `- engine parallelism: ${info.parallel}; state checkpoints: ${info.checkpoints}; run took ${info.wallMinutes.toFixed(1)} min`,
    "",
    "## Cost per command",
    "",
    "Times are wall seconds of the whole CLI command. Requests, writes and applies are ours (the floor makes none); " +
      "writes are requests that change the PBX (not GETs, not the apply). Provider RSS is the peak (VmHWM) of the " +
      "dynamic-provider process, provider CPU its user + system time; both as ours / floor.",
    "",
    "| N | command | ours s | floor s | ours/floor | requests | req/resource | writes | applies | writes/apply | provider peak RSS MiB | provider CPU s | engine summary |",
    "|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|",
    ...sizes.flatMap(costRows),
    "",
    "Site mix: " +
      sizes
        .map((x) => `N=${mixTotal(x.mix)}: ${x.mix.users} users, ${x.mix.incomingNumbers} numbers, ${x.mix.userGroups} groups, ${x.mix.functionKeys} keys, ${x.mix.forwardings} forwardings`)
        .join("; ") +
      ".",
    "",
    "## Targets (reported, not asserted)",
    "",
    "| target | measured | verdict |",
    "|---|---|---|",
    ...evaluateTargets(sizes, info.latencyMs).map((t) => `| ${t.name} | ${t.measured} | ${t.verdict} |`),
    "",
    "## Requests by route (ours)",
    "",
    ...sizes.flatMap(routeTable),
  ];
  const failures = sizes.flatMap((x) =>
    [...x.ours.map((r) => ({ r, v: "ours" })), ...x.floor.map((r) => ({ r, v: "floor" }))]
      .filter(({ r }) => !r.ok)
      .map(({ r, v }) => `### ${v}, N = ${x.n}, ${r.phase}\n\n\`\`\`\n${r.error ?? ""}\n\`\`\`\n`),
  );
  if (failures.length) out.push("## Failures", "", ...failures);
  return out.join("\n") + "\n";
}
