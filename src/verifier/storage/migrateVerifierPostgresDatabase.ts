import type pg from "pg";
import type { Migration } from "../../protocol/node/applyMigrations.ts";
import { applyPostgresMigrations } from "../../protocol/node/applyPostgresMigrations.ts";
import { migrations } from "./migrations.ts";

/**
 * The verifier's migrations in the dialect toPostgresStatement takes. The verifier's SQLite DDL has three things that
 * rewrite has no general form for, each with one meaning here: `transactions.id INTEGER PRIMARY KEY AUTOINCREMENT`
 * (ids grow and are never reused: an identity column), the other `INTEGER PRIMARY KEY`s (`blocks.number`,
 * `challenges.id`: block numbers and on-chain challenge ids the verifier inserts itself, so plain keys, never
 * generated) and `BLOB` (evidence bytes: BYTEA).
 */
const verifierPostgresMigrations: readonly Migration[] = migrations.map((m) => ({
  ...m,
  statements: m.statements.map((s) =>
    s
      .replace(/\bINTEGER\s+PRIMARY\s+KEY\s+AUTOINCREMENT\b/gi, "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY")
      .replace(/\bINTEGER\s+PRIMARY\s+KEY\b/gi, "BIGINT PRIMARY KEY")
      .replace(/\bBLOB\b/gi, "BYTEA"),
  ),
}));

/**
 * Brings a verifier database on PostgreSQL up to date from the same versioned migrations as the SQLite file, in the
 * connection's current schema (storage.schema). A schema that holds another store's migrations (the aggregator's:
 * both record theirs in `schema_migrations`) is refused, so an operator's two services never share one schema by
 * mistake. Returns the versions applied now.
 */
export async function migrateVerifierPostgresDatabase(client: pg.ClientBase): Promise<number[]> {
  const found = await client.query<{ migrations: boolean; kv: boolean; schema: string }>(
    `SELECT to_regclass('schema_migrations') IS NOT NULL AS migrations, to_regclass('kv') IS NOT NULL AS kv,
       current_schema() AS schema`,
  );
  const { migrations: tracked, kv, schema } = found.rows[0]!;
  if (tracked && !kv) {
    const applied = await client.query("SELECT 1 FROM schema_migrations LIMIT 1");
    if (applied.rowCount !== 0)
      throw new Error(
        `The PostgreSQL schema "${schema}" holds another store's tables (the aggregator's?), not the verifier's: ` +
          "give the verifier a schema of its own (storage.schema).",
      );
  }
  return applyPostgresMigrations(client, verifierPostgresMigrations, {
    lockKey: "meshpay.verifier.migrations",
    tooNew: (found, known) =>
      new Error(
        `The verifier's PostgreSQL schema "${schema}" has version ${found}, newer than this verifier knows ` +
          `(${known}): upgrade the verifier.`,
      ),
  });
}
