/**
 * Typed access to the emulator's tables. Everything here is synchronous; a
 * caller wraps one request's reads and writes in {@link Store.tx} so they are
 * atomic and committed before the response goes out.
 */
import type Database from "better-sqlite3";
import crypto from "node:crypto";
import { openDatabase } from "./db";

/** The object collections of a site. */
export type Kind = "user" | "incomingNumber" | "userGroup" | "functionKey" | "forwarding" | "device";

/** Stored fields of an object (the API object without its metadata); kind-specific. */
export type Data = Record<string, unknown>;

/** One object with both of its views. */
export interface ObjectRow {
  seq: number;
  site: string;
  kind: Kind;
  id: string;
  parent: string | null;
  naturalKey: string | null;
  /** Saved view; null when a delete is staged. */
  saved: Data | null;
  /** Live view as of the last apply; null when not live yet. */
  live: { revision: number; updatedAt: string; data: Data } | null;
  revision: number;
  dirty: boolean;
  createdAt: string;
  updatedAt: string;
}

/** A stored site. */
export interface SiteRow {
  name: string;
  data: Data;
  revision: number;
  applies: number;
  lastAppliedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

interface RawObject {
  seq: number;
  site: string;
  kind: Kind;
  id: string;
  parent: string | null;
  natural_key: string | null;
  saved: string | null;
  live: string | null;
  revision: number;
  dirty: number;
  created_at: string;
  updated_at: string;
}

interface RawSite {
  name: string;
  data: string;
  revision: number;
  applies: number;
  last_applied_at: string | null;
  created_at: string;
  updated_at: string;
}

function toObject(r: RawObject): ObjectRow {
  return {
    seq: r.seq,
    site: r.site,
    kind: r.kind,
    id: r.id,
    parent: r.parent,
    naturalKey: r.natural_key,
    saved: r.saved === null ? null : (JSON.parse(r.saved) as Data),
    live: r.live === null ? null : (JSON.parse(r.live) as ObjectRow["live"]),
    revision: r.revision,
    dirty: r.dirty === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toSite(r: RawSite): SiteRow {
  return {
    name: r.name,
    data: JSON.parse(r.data) as Data,
    revision: r.revision,
    applies: r.applies,
    lastAppliedAt: r.last_applied_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Tokens are stored hashed: a copied database file does not leak them. */
export function hashToken(token: string): string {
  return crypto.createHash("sha256").update(token).digest("hex");
}

/** Options of {@link Store.list}. */
export interface ListOptions {
  parent?: string;
  search?: string;
  view: "saved" | "live";
  offset: number;
  limit: number;
}

/** Idempotency keys are kept for 24 h (docs/api-v1.md), then purged. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/** The emulator's durable state. */
export class Store {
  readonly db: Database.Database;
  private readonly stmts;

  constructor(file: string) {
    this.db = openDatabase(file);
    const db = this.db;
    this.stmts = {
      getSite: db.prepare<[string], RawSite>("SELECT * FROM sites WHERE name = ?"),
      insertSite: db.prepare("INSERT INTO sites (name, data, revision, created_at, updated_at) VALUES (?, ?, 1, ?, ?)"),
      updateSite: db.prepare("UPDATE sites SET data = ?, revision = revision + 1, updated_at = ? WHERE name = ?"),
      markApplied: db.prepare("UPDATE sites SET revision = revision + ?, applies = applies + 1, last_applied_at = ? WHERE name = ?"),
      insertToken: db.prepare("INSERT INTO tokens (token_hash, site, created_at) VALUES (?, ?, ?)"),
      getToken: db.prepare<[string], { site: string | null }>("SELECT site FROM tokens WHERE token_hash = ?"),
      get: db.prepare<[string, Kind, string], RawObject>("SELECT * FROM objects WHERE site = ? AND kind = ? AND id = ?"),
      byKey: db.prepare<[string, Kind, string], RawObject>("SELECT * FROM objects WHERE site = ? AND kind = ? AND natural_key = ? AND saved IS NOT NULL"),
      children: db.prepare<[string, Kind, string], RawObject>("SELECT * FROM objects WHERE site = ? AND kind = ? AND parent = ? AND saved IS NOT NULL ORDER BY seq"),
      allSaved: db.prepare<[string, Kind], RawObject>("SELECT * FROM objects WHERE site = ? AND kind = ? AND saved IS NOT NULL ORDER BY seq"),
      insert: db.prepare(
        "INSERT INTO objects (site, kind, id, parent, natural_key, search, saved, live, revision, dirty, created_at, updated_at) VALUES (@site, @kind, @id, @parent, @naturalKey, @search, @saved, NULL, 1, 1, @now, @now)",
      ),
      update: db.prepare(
        "UPDATE objects SET parent = @parent, natural_key = @naturalKey, search = @search, saved = @saved, revision = revision + 1, dirty = 1, updated_at = @now WHERE site = @site AND kind = @kind AND id = @id",
      ),
      stageDelete: db.prepare("UPDATE objects SET natural_key = NULL, saved = NULL, revision = revision + 1, dirty = 1, updated_at = ? WHERE site = ? AND kind = ? AND id = ?"),
      remove: db.prepare("DELETE FROM objects WHERE site = ? AND kind = ? AND id = ?"),
      pending: db.prepare<[string], { n: number }>("SELECT COUNT(*) AS n FROM objects WHERE site = ? AND dirty = 1"),
      applyLive: db.prepare(
        "UPDATE objects SET live = json_object('revision', revision, 'updatedAt', updated_at, 'data', json(saved)), dirty = 0 WHERE site = ? AND dirty = 1 AND saved IS NOT NULL",
      ),
      applyDeletes: db.prepare("DELETE FROM objects WHERE site = ? AND dirty = 1 AND saved IS NULL"),
      idemGet: db.prepare<[string], { status: number; body: string; created_at: number }>("SELECT status, body, created_at FROM idempotency WHERE key = ?"),
      idemPut: db.prepare("INSERT OR REPLACE INTO idempotency (key, status, body, created_at) VALUES (?, ?, ?, ?)"),
      idemPurge: db.prepare("DELETE FROM idempotency WHERE created_at < ?"),
      idemCount: db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM idempotency"),
    };
    // A store reopened after a long pause starts without yesterday's keys.
    this.purgeIdempotent(Date.now());
  }

  /** Run `fn` in one transaction (IMMEDIATE: the write lock is taken up front). */
  tx<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  close(): void {
    this.db.close();
  }

  // --- sites and tokens -------------------------------------------------

  getSite(name: string): SiteRow | undefined {
    const r = this.stmts.getSite.get(name);
    return r && toSite(r);
  }

  insertSite(name: string, data: Data, now: string): void {
    this.stmts.insertSite.run(name, JSON.stringify(data), now, now);
  }

  updateSite(name: string, data: Data, now: string): void {
    this.stmts.updateSite.run(JSON.stringify(data), now, name);
  }

  addToken(token: string, site: string | null, now: string): void {
    this.stmts.insertToken.run(hashToken(token), site, now);
  }

  /** The scope of a stored token: `{site}` (null = all sites), or undefined when unknown. */
  tokenScope(token: string): { site: string | null } | undefined {
    return this.stmts.getToken.get(hashToken(token));
  }

  // --- objects ------------------------------------------------------------

  get(site: string, kind: Kind, id: string): ObjectRow | undefined {
    const r = this.stmts.get.get(site, kind, id);
    return r && toObject(r);
  }

  /** The object of the saved view holding a natural key (extension, number, name …). */
  findByKey(site: string, kind: Kind, naturalKey: string): ObjectRow | undefined {
    const r = this.stmts.byKey.get(site, kind, naturalKey);
    return r && toObject(r);
  }

  /** Saved objects owned by `parent` (a user's keys). */
  children(site: string, kind: Kind, parent: string): ObjectRow[] {
    return this.stmts.children.all(site, kind, parent).map(toObject);
  }

  /** Every saved object of a kind on a site. */
  allSaved(site: string, kind: Kind): ObjectRow[] {
    return this.stmts.allSaved.all(site, kind).map(toObject);
  }

  /** A page of a collection in creation order; `search` is a case-insensitive substring. */
  list(site: string, kind: Kind, o: ListOptions): { rows: ObjectRow[]; total: number } {
    const where = ["site = ?", "kind = ?", o.view === "live" ? "live IS NOT NULL" : "saved IS NOT NULL"];
    const args: unknown[] = [site, kind];
    if (o.parent !== undefined) {
      where.push("parent = ?");
      args.push(o.parent);
    }
    if (o.search) {
      // The search column is lowercased on write; escape LIKE wildcards in user input.
      where.push("search LIKE ? ESCAPE '\\'");
      args.push(`%${o.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    }
    const sql = where.join(" AND ");
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM objects WHERE ${sql}`).get(...args) as { n: number }).n;
    const rows = this.db
      .prepare<unknown[], RawObject>(`SELECT * FROM objects WHERE ${sql} ORDER BY seq LIMIT ? OFFSET ?`)
      .all(...args, o.limit, o.offset)
      .map(toObject);
    return { rows, total };
  }

  insert(o: { site: string; kind: Kind; id: string; parent: string | null; naturalKey: string | null; search: string | null; saved: Data }, now: string): void {
    this.stmts.insert.run({ ...o, saved: JSON.stringify(o.saved), now });
  }

  /** Save new data for an object: revision + 1, not applied. The parent follows the data (a device moved to another user). */
  update(o: { site: string; kind: Kind; id: string; parent: string | null; naturalKey: string | null; search: string | null; saved: Data }, now: string): void {
    this.stmts.update.run({ ...o, saved: JSON.stringify(o.saved), now });
  }

  /**
   * Stage a delete. An object that never went live simply disappears; a live
   * one stays in the live view until the next apply (seed 000: Save, then Apply).
   */
  delete(row: ObjectRow, now: string): void {
    if (row.live === null) this.stmts.remove.run(row.site, row.kind, row.id);
    else this.stmts.stageDelete.run(now, row.site, row.kind, row.id);
  }

  /** Saved changes not applied yet on a site. */
  pending(site: string): number {
    return this.stmts.pending.get(site)!.n;
  }

  /** Make the saved view live. Returns how many changes went live. */
  apply(site: string, now: string): number {
    const n = this.pending(site);
    this.stmts.applyLive.run(site);
    this.stmts.applyDeletes.run(site);
    this.stmts.markApplied.run(n > 0 ? 1 : 0, now, site);
    return n;
  }

  // --- idempotency ----------------------------------------------------------

  /** The response first given for an idempotency key, if still fresh. */
  idempotent(key: string, nowMs: number): { status: number; body: unknown } | undefined {
    const r = this.stmts.idemGet.get(key);
    if (!r || nowMs - r.created_at > IDEMPOTENCY_TTL_MS) return undefined;
    return { status: r.status, body: JSON.parse(r.body) };
  }

  /**
   * Store the first response for a key. Expired keys go in the same breath
   * (an indexed range delete), so the table holds one day of keys, not all of them.
   */
  rememberIdempotent(key: string, status: number, body: unknown, nowMs: number): void {
    this.purgeIdempotent(nowMs);
    this.stmts.idemPut.run(key, status, JSON.stringify(body), nowMs);
  }

  /** Delete the keys older than 24 h; returns how many went. */
  purgeIdempotent(nowMs: number): number {
    return this.stmts.idemPurge.run(nowMs - IDEMPOTENCY_TTL_MS).changes;
  }

  /** Idempotency keys stored (fresh or not yet purged). */
  idempotencyKeys(): number {
    return this.stmts.idemCount.get()!.n;
  }
}
