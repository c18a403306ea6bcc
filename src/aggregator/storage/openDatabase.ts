import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { type BetterSQLite3Database, drizzle } from "drizzle-orm/better-sqlite3";
import { applyMigrations as applyStoreMigrations } from "../../protocol/node/applyMigrations.ts";
import { migrations } from "./migrations.ts";
import * as schema from "./schema.ts";

export type AggregatorDatabase = {
  /** The better-sqlite3 connection (hot paths use its prepared statements directly). */
  sqlite: Database.Database;
  /** drizzle-orm over the same connection. */
  db: BetterSQLite3Database<typeof schema>;
  /** Runs a trivial query; throws when the file cannot be read (the health check). */
  ping(): void;
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
    ping() {
      sqlite.prepare("SELECT 1").get();
    },
    close() {
      if (sqlite.open) sqlite.close();
    },
  };
}

/** Applies every migration newer than the file's recorded version; returns the versions applied. */
export function applyMigrations(sqlite: Database.Database): number[] {
  return applyStoreMigrations(sqlite, migrations, {
    tooNew: (found, known) =>
      new Error(
        `The database schema is version ${found}, newer than this aggregator knows (${known}): upgrade the aggregator.`,
      ),
  });
}
