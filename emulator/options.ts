/**
 * Options of the emulator app, with their defaults.
 */

/** Fault and latency injection, to rehearse what a real PBX does on a bad day. */
export interface FaultOptions {
  /** Extra latency added to every API request. */
  latencyMs?: number;
  /** Fraction (0–1) of API requests answered 500 or 503 before they run. */
  errorRate?: number;
  /**
   * Fraction (0–1) of API responses dropped by destroying the connection
   * *after* the request ran (writes are committed): the case idempotency keys exist for.
   */
  resetRate?: number;
  /** Cut only the answers of writes (reads and logins answer): every write lands and nobody hears it did. */
  resetWritesOnly?: boolean;
  /** Requests per second allowed per token; beyond it 429 with Retry-After. */
  rateLimit?: { perSecond: number };
  /** New objects answer 404 on GET for this long (eventual consistency of some PBX APIs). */
  visibilityDelayMs?: number;
  /**
   * Every apply is refused (422, rule `apply_failed`) as a PBX refuses to reload a
   * configuration it cannot load; the changes stay saved. Not retried by clients.
   */
  applyFails?: boolean;
  /** Every list request (a page of a collection) answers 400: a page error mid-listing. */
  listErrors?: boolean;
}

/** Options of `createApp`. */
export interface EmulatorOptions {
  /** SQLite file; `:memory:` for a throwaway store. Default `.pbx-emulator/pbx.db`. */
  dataFile?: string;
  /** Token with access to every site. Generated when omitted (see `startEmulator`). */
  adminToken: string;
  /** How long an apply takes, like a PBX reload (seed 000 "Apply changes"). Default 300. */
  applyDelayMs?: number;
  faults?: FaultOptions;
  /** `demo`: create site `demo` with a few users when the store is empty. */
  seed?: "demo";
  /** Fastify logger option. Default off. */
  logger?: boolean;
  /** SIP proxy handed to users (seed 000 "Address of the proxy server"). */
  sipProxy?: string;
}

/** Default data file of the CLI. */
export const DEFAULT_DATA_FILE = ".pbx-emulator/pbx.db";
/** Default apply delay. */
export const DEFAULT_APPLY_DELAY_MS = 300;
