/**
 * Durable store of the emulator: one SQLite file via better-sqlite3.
 *
 * Durability: WAL journal with `synchronous = FULL`, so a transaction is on
 * disk (fsync of the WAL) before `commit` returns. Route handlers run their
 * writes in one synchronous transaction and only then send the response, so
 * every acknowledged write survives `kill -9` (and even an OS crash), and a
 * half-done request leaves nothing behind.
 */
import Database from "better-sqlite3";
import fs from "node:fs";
import path from "node:path";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sites (
  name TEXT PRIMARY KEY,
  data TEXT NOT NULL,
  revision INTEGER NOT NULL,
  applies INTEGER NOT NULL DEFAULT 0,
  last_applied_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
  token_hash TEXT PRIMARY KEY,
  site TEXT,
  created_at TEXT NOT NULL
);
-- One row per object. saved = the saved (staged) view, NULL for a staged delete;
-- live = what the last apply made live, NULL when not live yet.
CREATE TABLE IF NOT EXISTS objects (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  site TEXT NOT NULL,
  kind TEXT NOT NULL,
  id TEXT NOT NULL,
  parent TEXT,
  natural_key TEXT,
  search TEXT,
  saved TEXT,
  live TEXT,
  revision INTEGER NOT NULL,
  dirty INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (site, kind, id)
);
CREATE INDEX IF NOT EXISTS objects_key ON objects (site, kind, natural_key);
CREATE INDEX IF NOT EXISTS objects_parent ON objects (site, kind, parent);
CREATE INDEX IF NOT EXISTS objects_dirty ON objects (site, dirty);
CREATE TABLE IF NOT EXISTS idempotency (
  key TEXT PRIMARY KEY,
  status INTEGER NOT NULL,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS idempotency_created ON idempotency (created_at);
`;

/** Open (creating if needed) the emulator database. `:memory:` gives a throwaway store. */
export function openDatabase(file: string): Database.Database {
  if (file !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  db.exec(SCHEMA);
  return db;
}
