/**
 * Durable store of the Wazo-shaped emulator: its own tables in the
 * emulator's SQLite file (opened by `emulator/store/db.ts`, so the same WAL +
 * `synchronous = FULL` durability as API v1), with the objects held in memory
 * for reads.
 *
 * Writes go through `tx(fn)`: `fn` reads and writes an overlay; when it
 * returns, the overlay is written in one SQLite transaction (on disk when the
 * commit returns) and only then merged into memory. When `fn` throws, nothing
 * is written and memory is untouched — a refused request leaves no trace.
 * Route handlers call `tx` synchronously and answer after it returns, so an
 * acknowledged write survives `kill -9`.
 *
 * Objects are deep-frozen: a handler that wants to change one copies it and
 * `put`s the copy.
 */
import type Database from "better-sqlite3";
import { openDatabase } from "../store/db";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS wazo_objects (
  kind TEXT NOT NULL,
  id TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (kind, id)
);
CREATE TABLE IF NOT EXISTS wazo_sequences (
  kind TEXT PRIMARY KEY,
  next INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS wazo_settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`;

const DIGITS = /^\d+$/;
/** Numeric ids numerically, others as strings. */
function compareIds(a: string, b: string): number {
  if (DIGITS.test(a) && DIGITS.test(b)) return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The kinds of object the emulator keeps. */
export type Kind = "tenant" | "authUser" | "token" | "context" | "user" | "line" | "endpointSip" | "extension" | "voicemail" | "incall" | "group" | "ivr" | "conference" | "funckey";

function deepFreeze<T>(o: T): T {
  if (o && typeof o === "object" && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o as Record<string, unknown>)) deepFreeze(v);
  }
  return o;
}

interface Pending {
  objects: Map<string, { kind: Kind; id: string; value: unknown | null }>;
  sequences: Map<string, number>;
  settings: Map<string, string>;
}

/** The Wazo emulator's objects, durable in SQLite. */
export class WazoStore {
  readonly db: Database.Database;
  private readonly base = new Map<Kind, Map<string, unknown>>();
  private readonly sequences = new Map<string, number>();
  private readonly settings = new Map<string, string>();
  private pending: Pending | null = null;
  /** `all(kind)` of the committed rows, until a commit changes the kind. */
  private readonly sorted = new Map<Kind, unknown[]>();

  constructor(file: string) {
    this.db = openDatabase(file);
    this.db.exec(SCHEMA);
    for (const row of this.db.prepare("SELECT kind, id, data FROM wazo_objects").all() as { kind: Kind; id: string; data: string }[]) {
      this.map(row.kind).set(row.id, deepFreeze(JSON.parse(row.data)));
    }
    for (const row of this.db.prepare("SELECT kind, next FROM wazo_sequences").all() as { kind: string; next: number }[]) this.sequences.set(row.kind, row.next);
    for (const row of this.db.prepare("SELECT key, value FROM wazo_settings").all() as { key: string; value: string }[]) this.settings.set(row.key, row.value);
  }

  private map(kind: Kind): Map<string, unknown> {
    let m = this.base.get(kind);
    if (!m) this.base.set(kind, (m = new Map()));
    return m;
  }

  /** One object, or undefined. */
  get<T>(kind: Kind, id: string | number): T | undefined {
    const key = String(id);
    const p = this.pending?.objects.get(`${kind}\n${key}`);
    if (p) return (p.value ?? undefined) as T | undefined;
    return this.map(kind).get(key) as T | undefined;
  }

  /**
   * Every object of a kind, in id order (numeric ids numerically). The sorted
   * committed rows are kept per kind until a commit touches that kind: views
   * call this once per object they render (a user's groups, a line's users…),
   * so sorting every time made a list of a large tenant quadratic.
   */
  all<T>(kind: Kind): T[] {
    let sorted = this.sorted.get(kind);
    if (!sorted) {
      sorted = [...this.map(kind).entries()].sort(([a], [b]) => compareIds(a, b)).map(([, v]) => v);
      this.sorted.set(kind, sorted);
    }
    const overlay = this.pending ? [...this.pending.objects.values()].filter((p) => p.kind === kind) : [];
    if (overlay.length === 0) return sorted.slice() as T[];
    const merged = new Map(this.map(kind));
    for (const p of overlay) {
      if (p.value === null) merged.delete(p.id);
      else merged.set(p.id, p.value);
    }
    return [...merged.entries()].sort(([a], [b]) => compareIds(a, b)).map(([, v]) => v as T);
  }

  private need(): Pending {
    if (!this.pending) throw new Error("WazoStore: writes happen inside tx()");
    return this.pending;
  }

  /** Create or replace an object (inside `tx`). */
  put<T>(kind: Kind, id: string | number, value: T): T {
    const key = String(id);
    const frozen = deepFreeze(JSON.parse(JSON.stringify(value)) as T);
    this.need().objects.set(`${kind}\n${key}`, { kind, id: key, value: frozen });
    return frozen;
  }

  /** Remove an object (inside `tx`). */
  delete(kind: Kind, id: string | number): void {
    const key = String(id);
    this.need().objects.set(`${kind}\n${key}`, { kind, id: key, value: null });
  }

  /** The next integer id of a kind, never reused (like a PostgreSQL sequence). */
  nextId(kind: Kind): number {
    const p = this.need();
    const current = p.sequences.get(kind) ?? this.sequences.get(kind) ?? 1;
    p.sequences.set(kind, current + 1);
    return current;
  }

  setting(key: string): string | undefined {
    return this.pending?.settings.get(key) ?? this.settings.get(key);
  }

  setSetting(key: string, value: string): void {
    this.need().settings.set(key, value);
  }

  /** Run `fn` as one transaction: all its writes are committed together, or none. */
  tx<T>(fn: () => T): T {
    if (this.pending) return fn(); // nested: part of the outer transaction
    this.pending = { objects: new Map(), sequences: new Map(), settings: new Map() };
    try {
      const result = fn();
      const p = this.pending;
      const upsert = this.db.prepare("INSERT INTO wazo_objects (kind, id, data) VALUES (?, ?, ?) ON CONFLICT (kind, id) DO UPDATE SET data = excluded.data");
      const remove = this.db.prepare("DELETE FROM wazo_objects WHERE kind = ? AND id = ?");
      const seq = this.db.prepare("INSERT INTO wazo_sequences (kind, next) VALUES (?, ?) ON CONFLICT (kind) DO UPDATE SET next = excluded.next");
      const set = this.db.prepare("INSERT INTO wazo_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
      this.db.transaction(() => {
        for (const o of p.objects.values()) {
          if (o.value === null) remove.run(o.kind, o.id);
          else upsert.run(o.kind, o.id, JSON.stringify(o.value));
        }
        for (const [k, v] of p.sequences) seq.run(k, v);
        for (const [k, v] of p.settings) set.run(k, v);
      })();
      for (const o of p.objects.values()) {
        if (o.value === null) this.map(o.kind).delete(o.id);
        else this.map(o.kind).set(o.id, o.value);
        this.sorted.delete(o.kind);
      }
      for (const [k, v] of p.sequences) this.sequences.set(k, v);
      for (const [k, v] of p.settings) this.settings.set(k, v);
      return result;
    } finally {
      this.pending = null;
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
