/**
 * The PBX the benchmark talks to: an emulator started as a child process
 * (bench/pbxHost) with a set latency, API v1 or Wazo-shaped, plus what the
 * benchmark needs of it: make a site the way an administrator does (returning
 * the stack config that reaches it), and read the request counters.
 */
import { spawn } from "child_process";
import * as crypto from "crypto";
import * as path from "path";
import * as readline from "readline";
import type { SiteMix } from "./site";

/** The drivers the benchmark runs against. */
export type BenchDriver = "apiv1" | "wazo";
export const BENCH_DRIVERS: readonly BenchDriver[] = ["apiv1", "wazo"];

/** Counters of `GET /metrics`. */
export interface PbxMetrics {
  /** Requests by `"<METHOD> <route>"`. */
  requests: Record<string, number>;
  /** Applies the PBX ran (always 0 on Wazo: it has no apply step). */
  applies: number;
}

/** Stack config: key → value, secret or not. */
export type StackConfig = Record<string, { value: string; secret?: boolean }>;

/** A running emulator child process. */
export interface BenchPbx {
  driver: BenchDriver;
  url: string;
  /** The emulator's process id (its CPU time is read from /proc). */
  pid?: number;
  /** Creates a site as an administrator would; returns the stack config that reaches it. */
  createSite(name: string): Promise<StackConfig>;
  metrics(): Promise<PbxMetrics>;
  close(): Promise<void>;
}

/** Options of the emulator in the child. */
export interface BenchPbxOptions {
  driver: BenchDriver;
  latencyMs: number;
  /** Apply delay (API v1); the emulator's default when undefined. */
  applyDelayMs?: number;
  /** A durable store file (default: in memory), so a site can outlive the process. */
  dataFile?: string;
}

/** Wazo: extension ranges of the site's internal context wide enough for any bench size. */
const WAZO_RANGES = [2, 3, 4, 5, 6].map((n) => ({ start: `1${"0".repeat(n - 1)}`, end: "9".repeat(n) }));

/** Starts the emulator in a child process and waits until it listens. */
export async function startBenchPbx(opts: BenchPbxOptions): Promise<BenchPbx> {
  const options = {
    flavor: opts.driver,
    faults: { latencyMs: opts.latencyMs },
    ...(opts.dataFile ? { dataFile: opts.dataFile } : {}),
    ...(opts.applyDelayMs === undefined || opts.driver !== "apiv1" ? {} : { applyDelayMs: opts.applyDelayMs }),
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
  const close = async () => {
    child.stdin!.end(); // pbxHost exits when its stdin closes
    await exited;
  };

  const call = async (method: string, route: string, headers: Record<string, string>, body?: unknown): Promise<any> => {
    const res = await fetch(`${url}${route}`, {
      method,
      headers: { ...headers, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };

  if (opts.driver === "apiv1") {
    const admin = { authorization: `Bearer ${adminToken}` };
    return {
      driver: "apiv1",
      url,
      pid: child.pid,
      async createSite(name) {
        const created = (await call("POST", "/api/v1/sites", admin, { name })) as { token: string };
        return {
          "pbx:url": { value: url },
          "pbx:token": { value: created.token, secret: true },
          "pbx:site": { value: name },
        };
      },
      metrics: () => call("GET", "/metrics", admin),
      close,
    };
  }

  // Wazo, as test/e2e/wazoPbx.ts makes a site: over HTTP with the master token, a
  // wazo-auth tenant (slug = site name), a login for Pulumi in it, and the
  // tenant's internal and incall contexts in confd.
  const master = { "x-auth-token": adminToken };
  const auth = "/api/auth/0.1";
  const confd = "/api/confd/1.1";
  return {
    driver: "wazo",
    url,
    pid: child.pid,
    async createSite(name) {
      const tenant = (await call("POST", `${auth}/tenants`, master, { name, slug: name })) as { uuid: string };
      const inTenant = { ...master, "wazo-tenant": tenant.uuid };
      const username = `${name}-pulumi`;
      // Hex: a base64url password may start with "-", which `pulumi config set` takes for a flag.
      const password = crypto.randomBytes(12).toString("hex");
      await call("POST", `${auth}/users`, inTenant, { username, password, purpose: "external_api" });
      await call("POST", `${confd}/contexts`, inTenant, { label: "Default", type: "internal", user_ranges: WAZO_RANGES, group_ranges: WAZO_RANGES });
      await call("POST", `${confd}/contexts`, inTenant, { label: "Incoming calls", type: "incall", incall_ranges: [{ start: "0", end: "9", did_length: 1 }] });
      return {
        "pbx:driver": { value: "wazo" },
        "pbx:url": { value: url },
        "pbx:site": { value: name },
        "pbx:username": { value: username },
        "pbx:password": { value: password, secret: true },
      };
    },
    async metrics() {
      const m = (await call("GET", "/metrics", master)) as { requests: Record<string, number> };
      return { requests: m.requests, applies: 0 };
    },
    close,
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

/**
 * Whether a route of `/metrics` changes PBX state: not a read, not the apply
 * (counted apart), not a wazo-auth login (`POST /token` makes a token, not config).
 */
export function isWriteRoute(route: string): boolean {
  return !route.startsWith("GET ") && !route.startsWith("HEAD ") && !/\/apply\b/.test(route) && !/\/api\/auth\/[^/]+\/token\b/.test(route);
}

/** The resource kinds of the generated site, plus what belongs to none. */
export const KINDS = ["users", "incomingNumbers", "userGroups", "functionKeys", "forwardings"] as const satisfies readonly (keyof SiteMix)[];
export type RouteKind = (typeof KINDS)[number] | "apply" | "other";

/**
 * Which kind of resource a route serves, to count requests per create by kind.
 * API v1 routes are one collection per kind. Wazo spreads a kind over several
 * confd collections; they are attributed by path: `/funckeys` keys, `/forwards`
 * and `/fallbacks` forwardings, `/incalls` numbers, `/groups` groups, the rest
 * of `/users`, `/lines`, `/endpoints`, `/voicemails` users; `/extensions` (used
 * by users, groups and numbers alike), logins and contexts are "other".
 */
export function routeKind(route: string): RouteKind {
  const p = route.slice(route.indexOf(" ") + 1);
  if (/\/apply\b/.test(p)) return "apply";
  if (/\/(keys|funckeys)\b/.test(p)) return "functionKeys";
  if (/\/(forwarding|forwards|fallbacks)\b/.test(p)) return "forwardings";
  if (/\/(incoming-numbers|incalls)\b/.test(p)) return "incomingNumbers";
  if (/\/(user-groups|groups)\b/.test(p)) return "userGroups";
  if (p.startsWith("/api/auth/")) return "other";
  if (/\/(users|lines|endpoints|voicemails)\b/.test(p)) return "users";
  return "other";
}
