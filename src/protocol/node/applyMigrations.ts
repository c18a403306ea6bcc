import type Database from "better-sqlite3";

/**
 * One versioned schema change of a meshpay SQLite store (aggregator, verifier, relay). Versions start at 1 and
 * grow by one; `statements` run in order inside one transaction. Never edit a released migration: append a new one.
 * The tables' source of truth is each store's drizzle schema (the relay store's is its SQL); a later engine
 * (PostgreSQL) gets its statements from the same list, version by version.
 */
export type Migration = { version: number; name: string; statements: readonly string[] };

export type ApplyMigrationsOptions = {
  /** Clock for `applied_at` (unix ms). */
  now?: () => number;
  /** The error to throw for a file whose schema is newer than `migrations` knows (a newer build wrote it). */
  tooNew: (found: number, known: number) => Error;
};

/**
 * Brings a store's schema up to date, the one migration convention every meshpay store follows: each migration
 * newer than the file runs once, in its own IMMEDIATE transaction, and is recorded in `schema_migrations`
 * (version, name, applied_at); `PRAGMA user_version` mirrors the latest version for tools that read only that.
 * A file without `schema_migrations` whose `user_version` is N (the verifier's convention before this one) counts
 * as having run versions 1..N. A file newer than the code is refused with `options.tooNew`. Returns the versions
 * applied now.
 */
export function applyMigrations(
  sqlite: Database.Database,
  migrations: readonly Migration[],
  options: ApplyMigrationsOptions,
): number[] {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`Migration "${m.name}" has version ${m.version}, expected ${i + 1}.`);
  });
  const now = options.now ?? Date.now;
  const known = migrations.length;
  const applied: number[] = [];
  sqlite
    .transaction(() => {
      const hasTable = sqlite
        .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
        .get();
      if (hasTable) return;
      sqlite.exec(`CREATE TABLE schema_migrations (
        version INTEGER PRIMARY KEY NOT NULL, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT`);
      const legacy = sqlite.pragma("user_version", { simple: true }) as number;
      if (legacy > known) throw options.tooNew(legacy, known);
      const insert = sqlite.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
      for (const m of migrations.slice(0, legacy)) insert.run(m.version, m.name, now());
    })
    .immediate();
  const found = currentVersion(sqlite);
  if (found > known) throw options.tooNew(found, known);
  for (const m of migrations) {
    if (m.version <= found) continue;
    sqlite
      .transaction(() => {
        if (currentVersion(sqlite) >= m.version) return;
        for (const statement of m.statements) sqlite.exec(statement);
        sqlite
          .prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)")
          .run(m.version, m.name, now());
        sqlite.pragma(`user_version = ${m.version}`);
        applied.push(m.version);
      })
      .immediate();
  }
  if ((sqlite.pragma("user_version", { simple: true }) as number) !== known) sqlite.pragma(`user_version = ${known}`);
  return applied;
}

function currentVersion(sqlite: Database.Database): number {
  return (sqlite.prepare("SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations").get() as { v: number }).v;
}
