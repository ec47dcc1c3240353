/**
 * The machine a benchmark ran on, and how busy it was: a result is only
 * comparable with another from the same kind of machine under the same load.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** Static facts about the machine and toolchain. */
export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  pulumi: string;
  commit: string;
}

/** Describes the machine; `pulumiBin` is the CLI whose version is reported. */
export function describeMachine(pulumiBin: string, repoRoot: string): MachineInfo {
  const run = (cmd: string, args: string[], cwd?: string) => {
    try {
      return execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    } catch {
      return "unknown";
    }
  };
  return {
    cpuModel: os.cpus()[0]?.model.trim() ?? "unknown",
    cores: os.cpus().length,
    memoryGiB: os.totalmem() / 2 ** 30,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    pulumi: run(pulumiBin, ["version"]),
    commit: commitOf(run, repoRoot),
  };
}

/**
 * HEAD's short hash, marked when the code that runs (what the build compiles) has
 * uncommitted changes: the numbers then describe the work tree, not the commit.
 * A snapshot made by bench/snapshot.sh has no .git: its BENCH_COMMIT file says
 * which commit it is.
 */
function commitOf(run: (cmd: string, args: string[], cwd?: string) => string, repoRoot: string): string {
  const snapshot = path.join(repoRoot, "BENCH_COMMIT");
  if (fs.existsSync(snapshot)) return fs.readFileSync(snapshot, "utf8").trim();
  const head = run("git", ["rev-parse", "--short", "HEAD"], repoRoot);
  const dirty = run("git", ["status", "--porcelain", "--", "index.ts", "provider", "sdk", "emulator", "bench"], repoRoot);
  if (!dirty || dirty === "unknown") return head;
  // `run` trims the output, so the first line lost its leading status blank: drop the status word, whatever its width.
  const files = dirty.split("\n").map((l) => l.trim().replace(/^\S+\s+/, "")).filter(Boolean);
  return `${head} + uncommitted changes (${files.join(", ")})`;
}

/** Machine-wide CPU counters (/proc/stat), to tell how busy the whole machine was over an interval. */
export interface CpuCounters {
  busy: number;
  total: number;
}

/** Reads /proc/stat's aggregate line; zeros elsewhere than Linux. */
export function cpuCounters(): CpuCounters {
  try {
    const line = fs.readFileSync("/proc/stat", "utf8").split("\n")[0];
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = v[3] + (v[4] ?? 0); // idle + iowait
    const total = v.slice(0, 8).reduce((s, x) => s + x, 0); // user … steal (guest is inside user)
    return { busy: total - idle, total };
  } catch {
    return { busy: 0, total: 0 };
  }
}

/** Fraction (0–1) of all cores busy between two readings, the bench's own work included. */
export function busyFraction(a: CpuCounters, b: CpuCounters): number | undefined {
  const total = b.total - a.total;
  return total > 0 ? (b.busy - a.busy) / total : undefined;
}
