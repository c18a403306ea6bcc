import type { Migration } from "../../protocol/node/applyMigrations.ts";

/**
 * The aggregator's schema migrations (the convention of src/protocol/node/applyMigrations.ts). Never edit a
 * released migration: append a new one. Kept in step with schema.ts (drizzle's table definitions). The SQL is plain
 * enough to run on PostgreSQL after mechanical changes (INTEGER -> BIGINT, `receipts.id` -> BIGINT GENERATED ALWAYS
 * AS IDENTITY; drop `STRICT`), see docs/operations.md.
 */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: "initial",
    statements: [
      `CREATE TABLE pools (
        pool_id TEXT PRIMARY KEY NOT NULL,
        token TEXT NOT NULL,
        owner TEXT NOT NULL,
        metadata_uri TEXT NOT NULL,
        unallocated TEXT NOT NULL,
        owed TEXT NOT NULL,
        created_block INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        updated_block INTEGER NOT NULL
      ) STRICT`,
      `CREATE TABLE pool_signers (
        pool_id TEXT NOT NULL,
        block_number INTEGER NOT NULL,
        log_index INTEGER NOT NULL,
        since INTEGER NOT NULL,
        signer TEXT NOT NULL,
        PRIMARY KEY (pool_id, block_number, log_index)
      ) STRICT`,
      `CREATE TABLE pool_prices (
        pool_id TEXT NOT NULL,
        from_epoch INTEGER NOT NULL,
        price_per_gb TEXT NOT NULL,
        block_number INTEGER NOT NULL,
        PRIMARY KEY (pool_id, from_epoch)
      ) STRICT`,
      `CREATE TABLE tickets (
        ticket_hash TEXT PRIMARY KEY NOT NULL,
        pool_id TEXT NOT NULL,
        stream_id TEXT NOT NULL,
        viewer TEXT NOT NULL,
        not_before TEXT NOT NULL,
        not_after TEXT NOT NULL,
        max_bytes TEXT NOT NULL,
        signature TEXT NOT NULL,
        signer TEXT NOT NULL,
        bytes_accepted INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT`,
      `CREATE TABLE receipts (
        id INTEGER PRIMARY KEY NOT NULL,
        epoch INTEGER NOT NULL,
        receipt_id TEXT NOT NULL,
        pool_id TEXT NOT NULL,
        ticket_hash TEXT NOT NULL,
        relay TEXT NOT NULL,
        segment TEXT NOT NULL,
        chunk INTEGER NOT NULL,
        chunk_hash TEXT NOT NULL,
        size INTEGER NOT NULL,
        delivered_at INTEGER NOT NULL,
        signature TEXT NOT NULL,
        accepted_at INTEGER NOT NULL
      ) STRICT`,
      `CREATE UNIQUE INDEX receipts_uniqueness_key ON receipts (ticket_hash, segment, chunk)`,
      `CREATE INDEX receipts_epoch ON receipts (epoch)`,
      `CREATE TABLE epoch_stats (
        epoch INTEGER NOT NULL,
        pool_id TEXT NOT NULL,
        receipt_count INTEGER NOT NULL,
        bytes INTEGER NOT NULL,
        PRIMARY KEY (epoch, pool_id)
      ) STRICT`,
      `CREATE TABLE excluded_receipts (
        epoch INTEGER NOT NULL,
        receipt_id TEXT NOT NULL,
        reason TEXT NOT NULL,
        PRIMARY KEY (epoch, receipt_id)
      ) STRICT`,
      `CREATE TABLE idempotency_keys (
        relay TEXT NOT NULL,
        key TEXT NOT NULL,
        body_hash TEXT NOT NULL,
        response TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (relay, key)
      ) STRICT`,
      `CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at)`,
      `CREATE TABLE epoch_posts (
        epoch INTEGER NOT NULL,
        attempt INTEGER NOT NULL,
        state TEXT NOT NULL,
        root TEXT NOT NULL,
        bundle_hash TEXT NOT NULL,
        file_hash TEXT NOT NULL,
        bundle_uri TEXT NOT NULL,
        bundle_path TEXT NOT NULL,
        bundle_bytes INTEGER NOT NULL,
        leaves_offset INTEGER NOT NULL,
        servable INTEGER NOT NULL,
        snapshot_block INTEGER NOT NULL,
        previous_bundle_hash TEXT NOT NULL,
        pool_totals TEXT NOT NULL,
        receipt_count INTEGER NOT NULL,
        ticket_count INTEGER NOT NULL,
        leaf_count INTEGER NOT NULL,
        fault TEXT,
        nonce INTEGER,
        tx_hash TEXT,
        mined_block INTEGER,
        mined_tx_hash TEXT,
        posted_at INTEGER,
        challenge_id TEXT,
        error TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (epoch, attempt)
      ) STRICT`,
      `CREATE TABLE post_transactions (
        tx_hash TEXT PRIMARY KEY NOT NULL,
        epoch INTEGER NOT NULL,
        attempt INTEGER NOT NULL,
        nonce INTEGER NOT NULL,
        raw_transaction TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT`,
      `CREATE TABLE chain_state (
        key TEXT PRIMARY KEY NOT NULL,
        value TEXT NOT NULL
      ) STRICT`,
    ],
  },
  {
    version: 2,
    name: "repost replaced data",
    statements: [
      // The EpochData (JSON) of the rejected post an attempt re-posts with repostEpoch; NULL for a postEpoch attempt.
      "ALTER TABLE epoch_posts ADD COLUMN replaced TEXT",
    ],
  },
  {
    version: 3,
    name: "ingest closed through",
    statements: [
      // Ingest state shared by every ingest process on the database; `closed_through` is the latest epoch whose
      // receipts are refused (the closer raises it before reading an epoch). An existing database starts at its
      // latest prepared epoch, which ingest already refused.
      `CREATE TABLE ingest_state (
        name TEXT PRIMARY KEY NOT NULL,
        value INTEGER NOT NULL
      ) STRICT`,
      `INSERT INTO ingest_state (name, value) SELECT 'closed_through', COALESCE(MAX(epoch), -1) FROM epoch_posts`,
    ],
  },
];
