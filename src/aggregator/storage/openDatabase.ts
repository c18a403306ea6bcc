import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { type BetterSQLite3Database, drizzle } from "drizzle-orm/better-sqlite3";
import { migrations } from "./migrations.ts";
import * as schema from "./schema.ts";

export type AggregatorDatabase = {
  /** The better-sqlite3 connection (hot paths use its prepared statements directly). */
  sqlite: Database.Database;
  /** drizzle-orm over the same connection. */
  db: BetterSQLite3Database<typeof schema>;
  close(): void;
};

/**
 * Opens (creating if needed) the aggregator's SQLite file in WAL mode and brings its schema up to date.
 * `synchronous = FULL` makes every committed transaction durable before commit returns (WAL fsync), which is what
 * lets POST /v1/receipts answer only after accepted receipts are safe. `readonly` opens an existing file for
 * reading only (the epoch close worker) and runs no migration.
 */
export function openDatabase(
  path: string,
  options: { synchronous?: "FULL" | "NORMAL"; readonly?: boolean } = {},
): AggregatorDatabase {
  if (!options.readonly) mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  sqlite.pragma("busy_timeout = 5000");
  if (!options.readonly) {
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma(`synchronous = ${options.synchronous ?? "FULL"}`);
  }
  sqlite.pragma("cache_size = -65536");
  sqlite.pragma("temp_store = MEMORY");
  if (!options.readonly) applyMigrations(sqlite);
  const db = drizzle(sqlite, { schema });
  return {
    sqlite,
    db,
    close() {
      if (sqlite.open) sqlite.close();
    },
  };
}

/** Applies every migration newer than the file's recorded version; returns the versions applied. */
export function applyMigrations(sqlite: Database.Database): number[] {
  sqlite.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY NOT NULL, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT`);
  const row = sqlite.prepare("SELECT MAX(version) AS v FROM schema_migrations").get() as { v: number | null };
  const current = row.v ?? 0;
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest)
    throw new Error(
      `The database schema is version ${current}, newer than this aggregator knows (${latest}): upgrade the aggregator.`,
    );
  const applied: number[] = [];
  for (const m of migrations) {
    if (m.version <= current) continue;
    sqlite.transaction(() => {
      for (const statement of m.statements) sqlite.exec(statement);
      sqlite
        .prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)")
        .run(m.version, m.name, Date.now());
    })();
    applied.push(m.version);
  }
  return applied;
}
