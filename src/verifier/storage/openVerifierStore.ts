import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { type BetterSQLite3Database, drizzle } from "drizzle-orm/better-sqlite3";
import { applyMigrations } from "../../protocol/node/applyMigrations.ts";
import { createSqliteVerifierSql } from "./createSqliteVerifierSql.ts";
import { migrations } from "./migrations.ts";
import * as schema from "./schema.ts";
import type { VerifierSql } from "./VerifierSql.ts";

export type VerifierDb = BetterSQLite3Database<typeof schema>;

/** The verifier's database on either engine: what every store is made from (createAuditStore(store), …). */
export type VerifierStore = { sql: VerifierSql; close(): Promise<void> };

/** The SQLite store, with its connection (drizzle's and better-sqlite3's) for tools and tests that read it directly. */
export type SqliteVerifierStore = VerifierStore & { db: VerifierDb; sqlite: Database.Database };

/**
 * Opens (creating if needed) the verifier's SQLite file in WAL mode with synchronous=FULL (a claim or a signed
 * transaction recorded is on disk before anything is broadcast) and applies pending migrations.
 */
export function openVerifierStore(path: string): SqliteVerifierStore {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = FULL");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("foreign_keys = ON");
  try {
    applyMigrations(sqlite, migrations, {
      tooNew: (found, known) =>
        new Error(
          `The verifier database ${path} has schema version ${found}, newer than this verifier knows (${known}): ` +
            "upgrade the verifier.",
        ),
    });
  } catch (err) {
    sqlite.close();
    throw err;
  }
  const db = drizzle({ client: sqlite, schema });
  const sql = createSqliteVerifierSql(sqlite);
  return { db, sqlite, sql, close: () => sql.close() };
}
