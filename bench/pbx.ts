/**
 * The emulator the benchmark talks to: started as a child process (bench/pbxHost)
 * with a set latency, plus the two admin calls the benchmark needs: create a site,
 * read `GET /metrics`.
 */
import { spawn } from "child_process";
import * as path from "path";
import * as readline from "readline";

/** Counters of `GET /metrics`. */
export interface PbxMetrics {
  /** Requests by `"<METHOD> <route>"`. */
  requests: Record<string, number>;
  applies: number;
}

/** A running emulator child process. */
export interface BenchPbx {
  url: string;
  adminToken: string;
  /** Creates a site; returns its site-scoped token. */
  createSite(name: string): Promise<string>;
  metrics(): Promise<PbxMetrics>;
  close(): Promise<void>;
}

/** Options passed to `startEmulator` in the child. */
export interface BenchPbxOptions {
  latencyMs: number;
  /** Apply delay; the emulator's default when undefined. */
  applyDelayMs?: number;
}

/** Starts the emulator in a child process and waits until it listens. */
export async function startBenchPbx(opts: BenchPbxOptions): Promise<BenchPbx> {
  const options = {
    faults: { latencyMs: opts.latencyMs },
    ...(opts.applyDelayMs === undefined ? {} : { applyDelayMs: opts.applyDelayMs }),
  };
  const child = spawn(process.execPath, [path.join(__dirname, "pbxHost.js"), JSON.stringify(options)], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const first = await new Promise<string>((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    lines.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`emulator exited (${code}) before listening`)));
  });
  const { url, adminToken } = JSON.parse(first) as { url: string; adminToken: string };

  const admin = async (method: string, route: string, body?: unknown): Promise<any> => {
    const res = await fetch(`${url}${route}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${await res.text()}`);
    return res.json();
  };

  return {
    url,
    adminToken,
    async createSite(name) {
      const created = (await admin("POST", "/api/v1/sites", { name })) as { token: string };
      return created.token;
    },
    metrics: () => admin("GET", "/metrics"),
    async close() {
      child.stdin!.end(); // pbxHost exits when its stdin closes
      await exited;
    },
  };
}

/** `after − before`, per route, leaving out routes that did not change and the bench's own probes. */
export function metricsDelta(before: PbxMetrics, after: PbxMetrics): PbxMetrics {
  const requests: Record<string, number> = {};
  for (const [route, n] of Object.entries(after.requests)) {
    if (/ \/(metrics|healthz)$/.test(route)) continue;
    const d = n - (before.requests[route] ?? 0);
    if (d > 0) requests[route] = d;
  }
  return { requests, applies: after.applies - before.applies };
}

/** Whether a route of `/metrics` changes PBX state (the apply itself counted apart). */
export function isWriteRoute(route: string): boolean {
  return !route.startsWith("GET ") && !route.startsWith("HEAD ") && !/\/apply\b/.test(route);
}
