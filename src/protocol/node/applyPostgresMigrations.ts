import type pg from "pg";
import type { Migration } from "./applyMigrations.ts";
import { toPostgresStatement } from "./toPostgresStatement.ts";

export type ApplyPostgresMigrationsOptions = {
  /** Clock for `applied_at` (unix ms). */
  now?: () => number;
  /** The error to throw for a database whose schema is newer than `migrations` knows (a newer build wrote it). */
  tooNew: (found: number, known: number) => Error;
  /** Key of the transaction-scoped advisory lock that serializes migrators (one per store kind). */
  lockKey: string;
};

/**
 * The PostgreSQL side of the one migration convention (applyMigrations.ts): the same versioned list, each statement
 * rewritten by toPostgresStatement, each migration newer than the database run once in its own transaction and
 * recorded in `schema_migrations` (version, name, applied_at) of the connection's current schema. Several processes
 * starting at once against one database (N ingest processes) are serialized by a transaction-scoped advisory lock
 * on `lockKey`, so each migration runs exactly once and a loser finds it applied. A database newer than the code is
 * refused with `options.tooNew`. `client` must be one connection (a pg.Client or a client checked out of a pool)
 * that is not inside a transaction. Returns the versions applied now.
 */
export async function applyPostgresMigrations(
  client: pg.ClientBase,
  migrations: readonly Migration[],
  options: ApplyPostgresMigrationsOptions,
): Promise<number[]> {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`Migration "${m.name}" has version ${m.version}, expected ${i + 1}.`);
  });
  const now = options.now ?? Date.now;
  const known = migrations.length;
  const applied: number[] = [];
  await inTransaction(client, options.lockKey, async () => {
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version BIGINT PRIMARY KEY NOT NULL, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`);
  });
  for (const m of migrations) {
    await inTransaction(client, options.lockKey, async () => {
      const found = await currentVersion(client);
      if (found > known) throw options.tooNew(found, known);
      if (found >= m.version) return;
      for (const statement of m.statements) await client.query(toPostgresStatement(statement));
      await client.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)", [
        m.version,
        m.name,
        now(),
      ]);
      applied.push(m.version);
    });
  }
  const found = await currentVersion(client);
  if (found > known) throw options.tooNew(found, known);
  return applied;
}

async function inTransaction(client: pg.ClientBase, lockKey: string, fn: () => Promise<void>): Promise<void> {
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [lockKey]);
    await fn();
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  }
}

async function currentVersion(client: pg.ClientBase): Promise<number> {
  const result = await client.query<{ v: string }>("SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations");
  return Number(result.rows[0]!.v);
}
