// The aggregator's tables as drizzle-orm sees them. The SQL that creates them is in migrations.ts (a versioned
// list); test/aggregator/storage.test.ts checks both agree. Portable by construction (docs/operations.md,
// "PostgreSQL"): only TEXT and INTEGER columns (INTEGER maps to BIGINT), hex as lowercase 0x-text, integers that can
// exceed 2^63 as canonical decimal text, no SQLite-only column types, every constraint a plain PRIMARY KEY or UNIQUE.
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** Pools followed from the chain (PoolCreated) with the balances last read from poolInfo. */
export const pools = sqliteTable("pools", {
  poolId: text("pool_id").primaryKey(),
  token: text("token").notNull(),
  owner: text("owner").notNull(),
  metadataUri: text("metadata_uri").notNull(),
  unallocated: text("unallocated").notNull(),
  owed: text("owed").notNull(),
  createdBlock: integer("created_block").notNull(),
  createdAt: integer("created_at").notNull(),
  updatedBlock: integer("updated_block").notNull(),
});

/** Ticket-signer history: PoolCreated's signer, then every PoolTicketSignerRotated, `since` = block time (s). */
export const poolSigners = sqliteTable(
  "pool_signers",
  {
    poolId: text("pool_id").notNull(),
    blockNumber: integer("block_number").notNull(),
    logIndex: integer("log_index").notNull(),
    since: integer("since").notNull(),
    signer: text("signer").notNull(),
  },
  (t) => [primaryKey({ columns: [t.poolId, t.blockNumber, t.logIndex] })],
);

/** Price history: the price in force for epochs >= fromEpoch (a later change for the same epoch replaces it). */
export const poolPrices = sqliteTable(
  "pool_prices",
  {
    poolId: text("pool_id").notNull(),
    fromEpoch: integer("from_epoch").notNull(),
    pricePerGb: text("price_per_gb").notNull(),
    blockNumber: integer("block_number").notNull(),
  },
  (t) => [primaryKey({ columns: [t.poolId, t.fromEpoch] })],
);

/** Tickets of accepted receipts, with the signer their signature recovers to and the bytes accepted so far. */
export const tickets = sqliteTable("tickets", {
  ticketHash: text("ticket_hash").primaryKey(),
  poolId: text("pool_id").notNull(),
  streamId: text("stream_id").notNull(),
  viewer: text("viewer").notNull(),
  notBefore: text("not_before").notNull(),
  notAfter: text("not_after").notNull(),
  maxBytes: text("max_bytes").notNull(),
  signature: text("signature").notNull(),
  signer: text("signer").notNull(),
  bytesAccepted: integer("bytes_accepted").notNull(),
  createdAt: integer("created_at").notNull(),
});

/**
 * Accepted receipts, in acceptance order (rowid). Inserts append; the only random-access index is the uniqueness
 * key, whose entries cluster by ticket. An epoch's close reads its rows through the epoch index and sorts them by
 * receiptId itself, which costs far less than keeping a receiptId-ordered index on every insert.
 */
export const receipts = sqliteTable(
  "receipts",
  {
    id: integer("id").primaryKey(),
    epoch: integer("epoch").notNull(),
    receiptId: text("receipt_id").notNull(),
    poolId: text("pool_id").notNull(),
    ticketHash: text("ticket_hash").notNull(),
    relay: text("relay").notNull(),
    segment: text("segment").notNull(),
    chunk: integer("chunk").notNull(),
    chunkHash: text("chunk_hash").notNull(),
    size: integer("size").notNull(),
    deliveredAt: integer("delivered_at").notNull(),
    signature: text("signature").notNull(),
    acceptedAt: integer("accepted_at").notNull(),
  },
  (t) => [
    uniqueIndex("receipts_uniqueness_key").on(t.ticketHash, t.segment, t.chunk),
    index("receipts_epoch").on(t.epoch),
  ],
);

/** Per-(epoch, pool) ingest totals, kept in the same transaction as the receipts. */
export const epochStats = sqliteTable(
  "epoch_stats",
  {
    epoch: integer("epoch").notNull(),
    poolId: text("pool_id").notNull(),
    receiptCount: integer("receipt_count").notNull(),
    bytes: integer("bytes").notNull(),
  },
  (t) => [primaryKey({ columns: [t.epoch, t.poolId] })],
);

/** Receipts accepted at ingest but left out of their epoch at close (ticket signer rotated before delivery). */
export const excludedReceipts = sqliteTable(
  "excluded_receipts",
  {
    epoch: integer("epoch").notNull(),
    receiptId: text("receipt_id").notNull(),
    reason: text("reason").notNull(),
  },
  (t) => [primaryKey({ columns: [t.epoch, t.receiptId] })],
);

/** Stored responses of POST /v1/receipts, replayed for a retry with the same key and body. */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    relay: text("relay").notNull(),
    key: text("key").notNull(),
    bodyHash: text("body_hash").notNull(),
    response: text("response").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.relay, t.key] }), index("idempotency_keys_created_at").on(t.createdAt)],
);

/**
 * One row per attempt to post an epoch: the posting state machine
 * prepared -> submitted -> mined -> claimable, or -> rejected (challenge upheld) / failed (reverted, nonce lost).
 */
export const epochPosts = sqliteTable(
  "epoch_posts",
  {
    epoch: integer("epoch").notNull(),
    attempt: integer("attempt").notNull(),
    state: text("state").notNull(),
    root: text("root").notNull(),
    /** The hash posted on chain (differs from fileHash only when a test tampers with the epoch). */
    bundleHash: text("bundle_hash").notNull(),
    fileHash: text("file_hash").notNull(),
    bundleUri: text("bundle_uri").notNull(),
    bundlePath: text("bundle_path").notNull(),
    bundleBytes: integer("bundle_bytes").notNull(),
    leavesOffset: integer("leaves_offset").notNull(),
    servable: integer("servable").notNull(),
    snapshotBlock: integer("snapshot_block").notNull(),
    previousBundleHash: text("previous_bundle_hash").notNull(),
    /** JSON: [{ poolId, amount }] as posted (amount decimal). */
    poolTotals: text("pool_totals").notNull(),
    receiptCount: integer("receipt_count").notNull(),
    ticketCount: integer("ticket_count").notNull(),
    leafCount: integer("leaf_count").notNull(),
    fault: text("fault"),
    nonce: integer("nonce"),
    txHash: text("tx_hash"),
    minedBlock: integer("mined_block"),
    minedTxHash: text("mined_tx_hash"),
    postedAt: integer("posted_at"),
    challengeId: text("challenge_id"),
    error: text("error"),
    /**
     * JSON: the EpochData { aggregator, bundleHash, poolTotals, dataHash } of the rejected post this attempt replaces
     * (posted with repostEpoch); null for an attempt posted with postEpoch.
     */
    replaced: text("replaced"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.epoch, t.attempt] })],
);

/** Every signed post transaction, recorded before it is broadcast (so a restart can find or re-send it). */
export const postTransactions = sqliteTable("post_transactions", {
  txHash: text("tx_hash").primaryKey(),
  epoch: integer("epoch").notNull(),
  attempt: integer("attempt").notNull(),
  nonce: integer("nonce").notNull(),
  rawTransaction: text("raw_transaction").notNull(),
  createdAt: integer("created_at").notNull(),
});

/** Small key/value state: the chain follower's cursor and the chain identity the database belongs to. */
export const chainState = sqliteTable("chain_state", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

/**
 * Ingest state every ingest process shares (migration 3). `closed_through`: the latest epoch whose receipts ingest
 * refuses; raised (never lowered) by IngestStore.closeThrough before the closer reads an epoch.
 */
export const ingestState = sqliteTable("ingest_state", {
  name: text("name").primaryKey(),
  value: integer("value").notNull(),
});
