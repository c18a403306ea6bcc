import { existsSync } from "node:fs";
import type Database from "better-sqlite3";
import { RelaySdkError } from "../errors/RelaySdkError.ts";
import { createRelayStoreReads } from "./createRelayStoreReads.ts";
import { newSqliteDatabase } from "./newSqliteDatabase.ts";
import { relayStoreMigrations } from "./relayStoreMigrations.ts";
import type { RelayStoreReader } from "./types.ts";

/**
 * Opens a relay store read-only, for tools beside the relay (the CLI, the simulator, monitoring): it never
 * writes, migrates or locks out the relay, and reads a file the relay has open (WAL) as well as a closed one.
 * Refuses a missing file or one that is not a relay store (STORE_UNREADABLE) and a newer schema
 * (STORE_SCHEMA_TOO_NEW). Close it when done.
 */
export function openRelayStoreReader(dbPath: string): RelayStoreReader {
  if (!existsSync(dbPath)) throw new RelaySdkError("STORE_UNREADABLE", `No relay store at ${dbPath}.`);
  let db: Database.Database;
  try {
    db = newSqliteDatabase(dbPath, { readonly: true, fileMustExist: true });
  } catch (cause) {
    if (cause instanceof RelaySdkError) throw cause;
    throw new RelaySdkError("STORE_UNREADABLE", `${dbPath} cannot be opened as a relay store.`, { cause });
  }
  try {
    db.pragma("busy_timeout = 5000");
    let schemaVersion: number;
    try {
      schemaVersion = (
        db.prepare("SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations").get() as { v: number }
      ).v;
    } catch (cause) {
      throw new RelaySdkError("STORE_UNREADABLE", `${dbPath} is not a relay store (no schema).`, { cause });
    }
    const known = relayStoreMigrations.at(-1)!.version;
    if (schemaVersion < 1) throw new RelaySdkError("STORE_UNREADABLE", `${dbPath} is not a relay store (no schema).`);
    if (schemaVersion > known)
      throw new RelaySdkError(
        "STORE_SCHEMA_TOO_NEW",
        `${dbPath} has relay store schema ${schemaVersion}; this SDK knows up to ${known}.`,
      );
    return {
      ...createRelayStoreReads(db),
      path: dbPath,
      schemaVersion,
      close: () => db.close(),
    };
  } catch (err) {
    db.close();
    throw err;
  }
}
