import pg from "pg";
import type { AggregatorConfig } from "../config/AggregatorConfig.ts";
import type { EpochSource } from "../epoch/EpochSource.ts";
import type { ChainStore } from "./ChainStore.ts";
import { createChainStore } from "./createChainStore.ts";
import { createEpochStore } from "./createEpochStore.ts";
import { createIngestStore } from "./createIngestStore.ts";
import { createPostgresChainStore } from "./createPostgresChainStore.ts";
import { createPostgresEpochStore } from "./createPostgresEpochStore.ts";
import { createPostgresIngestStore } from "./createPostgresIngestStore.ts";
import type { EpochStore } from "./EpochStore.ts";
import { guardPostgres } from "./guardPostgres.ts";
import type { IngestStore } from "./IngestStore.ts";
import { migratePostgresDatabase } from "./migratePostgresDatabase.ts";
import { openDatabase } from "./openDatabase.ts";

/** Connections each aggregator process keeps open to PostgreSQL (ingest transactions, reads, the chain round). */
const POOL_SIZE = 16;

export type AggregatorStorage = {
  engine: "sqlite" | "postgres";
  chain: ChainStore;
  epochs: EpochStore;
  ingest: IngestStore;
  /** Where the epoch close reads the receipts. */
  source: EpochSource;
  /** Names the database in logs and messages (the SQLite path, or the PostgreSQL schema; never a password). */
  label: string;
  /**
   * Brings the schema up to date before the stores are used: nothing to do on SQLite (opened migrated); on
   * PostgreSQL, creates the schema if missing and migrates it. Rejects with code STORAGE_UNAVAILABLE while the
   * database cannot be reached (call it again later).
   */
  prepare(): Promise<void>;
  /** Runs a trivial query; rejects when the database cannot be read (the health check). */
  ping(): Promise<void>;
  close(): Promise<void>;
};

/**
 * Opens the aggregator's storage as `config.storage` says: the SQLite file at `path` (opened and migrated now), or,
 * with `url`, the PostgreSQL database (a pg.Pool whose every connection has search_path = `schema`; nothing is
 * connected until `prepare`, which creates the schema if missing and migrates it with migratePostgresDatabase, safe
 * with several processes starting at once).
 */
export function openAggregatorStorage(storage: AggregatorConfig["storage"]): AggregatorStorage {
  if (storage.url === undefined) {
    const database = openDatabase(storage.path, { synchronous: storage.synchronous });
    return {
      engine: "sqlite",
      chain: createChainStore(database),
      epochs: createEpochStore(database),
      ingest: createIngestStore(database.sqlite),
      source: { engine: "sqlite", path: storage.path },
      label: storage.path,
      prepare: async () => {},
      ping: async () => database.ping(),
      close: async () => database.close(),
    };
  }
  const pool = new pg.Pool({
    connectionString: storage.url,
    options: `-c search_path=${storage.schema}`,
    max: POOL_SIZE,
    connectionTimeoutMillis: 5000,
    keepAlive: true,
    application_name: "meshpay-aggregator",
  });
  pool.on("error", () => {});
  return {
    engine: "postgres",
    chain: createPostgresChainStore(pool),
    epochs: createPostgresEpochStore(pool),
    ingest: createPostgresIngestStore(pool),
    source: { engine: "postgres", url: storage.url, schema: storage.schema },
    label: `postgres schema ${storage.schema}`,
    prepare: () =>
      guardPostgres(async () => {
        const client = await pool.connect();
        try {
          await createSchema(client, storage.schema);
          await migratePostgresDatabase(client);
        } finally {
          client.release();
        }
      }),
    ping: async () => {
      await guardPostgres(() => pool.query("SELECT 1"));
    },
    close: () => pool.end(),
  };
}

/**
 * Creates the schema when it is missing (an existing one needs no CREATE privilege on the database), tolerating
 * another process creating it at the same moment.
 */
async function createSchema(client: pg.PoolClient, schema: string): Promise<void> {
  const found = await client.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema]);
  if (found.rowCount !== 0) return;
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } catch (error) {
    // 23505 / 42P06: the concurrent CREATE won the race (the schema exists now).
    const code = (error as { code?: string }).code;
    if (code !== "23505" && code !== "42P06") throw error;
  }
}
