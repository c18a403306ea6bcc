import type pg from "pg";
import { applyPostgresMigrations } from "../../protocol/node/applyPostgresMigrations.ts";
import { migrations } from "./migrations.ts";

/**
 * Brings an aggregator database on PostgreSQL up to date from the same versioned migrations as the SQLite file
 * (migrations.ts, rewritten by toPostgresStatement), in the connection's current schema. Safe to call from N ingest
 * processes starting at once: an advisory lock serializes them and each migration runs once. Returns the versions
 * applied now.
 */
export function migratePostgresDatabase(client: pg.ClientBase): Promise<number[]> {
  return applyPostgresMigrations(client, migrations, {
    lockKey: "meshpay.aggregator.migrations",
    tooNew: (found, known) =>
      new Error(
        `The database schema is version ${found}, newer than this aggregator knows (${known}): upgrade the aggregator.`,
      ),
  });
}
