import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { type BetterSQLite3Database, drizzle } from "drizzle-orm/better-sqlite3";
import { migrations } from "./migrations.ts";
import * as schema from "./schema.ts";

export type VerifierDb = BetterSQLite3Database<typeof schema>;
export type VerifierStore = { db: VerifierDb; sqlite: Database.Database; close(): void };

/**
 * Opens (creating if needed) the verifier's SQLite file in WAL mode with synchronous=FULL (a claim or a signed
 * transaction recorded is on disk before anything is broadcast) and applies pending migrations.
 */
export function openVerifierStore(path: string): VerifierStore {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = FULL");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("foreign_keys = ON");
  const version = sqlite.pragma("user_version", { simple: true }) as number;
  for (let i = version; i < migrations.length; i++) {
    sqlite.transaction(() => {
      sqlite.exec(migrations[i]!);
      sqlite.pragma(`user_version = ${i + 1}`);
    })();
  }
  const db = drizzle({ client: sqlite, schema });
  return { db, sqlite, close: () => sqlite.close() };
}
