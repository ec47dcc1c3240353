/**
 * Peak memory and CPU time of the dynamic-provider process a pulumi command starts.
 *
 * The engine launches `pulumi-resource-pulumi-nodejs` (a shell script) which runs
 * `node …/@pulumi/pulumi/cmd/dynamic-provider`. We find that node process among
 * the CLI's descendants in /proc (so concurrent pulumi runs on the machine are
 * never mistaken for ours) and read its `VmHWM` — the kernel's own peak-RSS
 * high-water mark — so the sampling interval only has to be short enough to see
 * the process once more before it exits, not to catch the peak itself.
 * Linux only; elsewhere the sampler reports nothing.
 */
import * as fs from "fs";

/** What was seen of the provider process(es) during one command. */
export interface ProviderUsage {
  /** Largest VmHWM of any dynamic-provider process, in MiB (undefined if none seen). */
  peakRssMiB?: number;
  /** User + system CPU seconds of the dynamic-provider processes, as last seen. */
  cpuSeconds?: number;
  /** How many dynamic-provider processes were seen. */
  processes: number;
}

const PROVIDER_MARK = "dynamic-provider";
/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ; 100 on every Linux we run on). */
const CLK_TCK = 100;

function readOr(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined; // the process exited between listing and reading
  }
}

/** Fields of /proc/<pid>/stat after the `(comm)` field, which may hold spaces. */
function statFields(pid: number): string[] | undefined {
  const stat = readOr(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

/** Every process's parent pid. */
function parentMap(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const name of fs.readdirSync("/proc")) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const f = statFields(pid);
    if (!f) continue;
    const ppid = Number(f[1]); // field 4 of stat: state is f[0], ppid f[1]
    const list = children.get(ppid) ?? [];
    list.push(pid);
    children.set(ppid, list);
  }
  return children;
}

function descendants(root: number): number[] {
  const children = parentMap();
  const out: number[] = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift()!;
    for (const c of children.get(pid) ?? []) {
      out.push(c);
      queue.push(c);
    }
  }
  return out;
}

/** Samples the provider processes under `rootPid` every `intervalMs` until `stop()`. */
export class ProviderSampler {
  private readonly seen = new Map<number, { hwmKiB: number; cpuTicks: number }>();
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(private readonly rootPid: number, intervalMs = 200) {
    if (process.platform !== "linux") return;
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  private sample(): void {
    for (const pid of descendants(this.rootPid)) {
      const known = this.seen.get(pid);
      if (!known && !readOr(`/proc/${pid}/cmdline`)?.includes(PROVIDER_MARK)) continue;
      const status = readOr(`/proc/${pid}/status`);
      const f = statFields(pid);
      if (!status || !f) continue;
      const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
      // utime and stime are stat fields 14 and 15, i.e. f[11] and f[12] here.
      const cpuTicks = Number(f[11]) + Number(f[12]);
      this.seen.set(pid, {
        hwmKiB: Math.max(known?.hwmKiB ?? 0, hwm ? Number(hwm[1]) : 0),
        cpuTicks: Math.max(known?.cpuTicks ?? 0, cpuTicks),
      });
    }
  }

  /** Stops sampling; call when the command has exited. */
  stop(): ProviderUsage {
    if (this.timer) clearInterval(this.timer);
    if (this.seen.size === 0) return { processes: 0 };
    const all = [...this.seen.values()];
    return {
      processes: all.length,
      peakRssMiB: Math.max(...all.map((p) => p.hwmKiB)) / 1024,
      cpuSeconds: all.reduce((s, p) => s + p.cpuTicks, 0) / CLK_TCK,
    };
  }
}

/** User + system CPU seconds a process has used so far (undefined when it is gone or not on Linux). */
export function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined || process.platform !== "linux") return undefined;
  const f = statFields(pid);
  return f ? (Number(f[11]) + Number(f[12])) / CLK_TCK : undefined;
}
