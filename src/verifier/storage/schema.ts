import { sql } from "drizzle-orm";
import { blob, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

// The verifier's SQLite schema (drizzle-orm). Amounts and other uint256 values are decimal strings; block numbers,
// epochs and times (unix ms unless named *_at_s) are integers. The DDL is in migrations.ts.

/** Key/value state: the follower's cursor. */
export const kv = sqliteTable("kv", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

/** Hashes of processed blocks that held events, for reorg detection. */
export const blocks = sqliteTable("blocks", {
  number: integer("number").primaryKey(),
  hash: text("hash").notNull(),
});

/** EpochPosted events. An epoch may be posted again after a rejection: one row per post. */
export const posts = sqliteTable(
  "posts",
  {
    id: text("id").primaryKey(),
    epoch: integer("epoch").notNull(),
    aggregator: text("aggregator").notNull(),
    root: text("root").notNull(),
    bundleHash: text("bundle_hash").notNull(),
    bundleUri: text("bundle_uri").notNull(),
    poolTotals: text("pool_totals").notNull(),
    dataHash: text("data_hash").notNull(),
    blockNumber: integer("block_number").notNull(),
    blockHash: text("block_hash").notNull(),
    txHash: text("tx_hash").notNull(),
    logIndex: integer("log_index").notNull(),
    postedAtS: integer("posted_at_s").notNull(),
    /** EpochRejected's challengeId (0: a revocation). */
    rejectedBy: integer("rejected_by"),
    rejectedBlock: integer("rejected_block"),
    /** JSON [{ poolId, amount }]: what this post's repostEpoch released (EpochReplaced); null for a first post. */
    released: text("released"),
  },
  (t) => [index("posts_epoch").on(t.epoch, t.blockNumber)],
);

/** ChallengeOpened events and how they ended. */
export const challenges = sqliteTable("challenges", {
  id: integer("id").primaryKey(),
  epoch: integer("epoch").notNull(),
  challenger: text("challenger").notNull(),
  bond: text("bond").notNull(),
  evidenceHash: text("evidence_hash").notNull(),
  evidenceUri: text("evidence_uri").notNull(),
  openedBlock: integer("opened_block").notNull(),
  txHash: text("tx_hash").notNull(),
  status: text("status").notNull(),
  resolvedBlock: integer("resolved_block"),
  postSeq: integer("post_seq"),
});

/** One audit per post. */
export const audits = sqliteTable("audits", {
  postId: text("post_id").primaryKey(),
  epoch: integer("epoch").notNull(),
  status: text("status").notNull(),
  fault: text("fault"),
  findings: text("findings"),
  evidenceHash: text("evidence_hash"),
  recomputedRoot: text("recomputed_root"),
  attempts: integer("attempts").notNull().default(0),
  firstAttemptAt: integer("first_attempt_at"),
  lastError: text("last_error"),
  challengeStatus: text("challenge_status").notNull().default("none"),
  challengeTxId: integer("challenge_tx_id"),
  challengeId: integer("challenge_id"),
  updatedAt: integer("updated_at").notNull(),
});

/** Bytes and uniqueness keys each audited post credited per ticket (for checks across epochs). */
export const ticketUsage = sqliteTable(
  "ticket_usage",
  {
    postId: text("post_id").notNull(),
    epoch: integer("epoch").notNull(),
    ticketHash: text("ticket_hash").notNull(),
    bytes: text("bytes").notNull(),
    keys: text("keys").notNull(),
  },
  (t) => [primaryKey({ columns: [t.postId, t.ticketHash] }), index("ticket_usage_ticket").on(t.ticketHash)],
);

/** Published evidence documents, served at GET /v1/evidence/:hash. */
export const evidence = sqliteTable("evidence", {
  hash: text("hash").primaryKey(),
  postId: text("post_id").notNull(),
  epoch: integer("epoch").notNull(),
  fault: text("fault").notNull(),
  bytes: blob("bytes", { mode: "buffer" }).notNull(),
  createdAt: integer("created_at").notNull(),
});

/** Relays' disputes (POST /v1/disputes). */
export const disputes = sqliteTable("disputes", {
  id: text("id").primaryKey(),
  epoch: integer("epoch").notNull(),
  relay: text("relay"),
  request: text("request").notNull(),
  status: text("status").notNull(),
  result: text("result"),
  postId: text("post_id"),
  evidenceHash: text("evidence_hash"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/** Paid claims (POST /v1/claims). One authorization (pool, account, nonce) at most once. */
export const claims = sqliteTable(
  "claims",
  {
    id: text("id").primaryKey(),
    status: text("status").notNull(),
    poolId: text("pool_id").notNull(),
    account: text("account").notNull(),
    recipient: text("recipient").notNull(),
    maxFee: text("max_fee").notNull(),
    nonce: text("nonce").notNull(),
    deadline: integer("deadline").notNull(),
    signature: text("signature").notNull(),
    givenLeaf: text("given_leaf"),
    givenProof: text("given_proof"),
    epoch: integer("epoch"),
    amount: text("amount"),
    fee: text("fee"),
    txId: integer("tx_id"),
    txHash: text("tx_hash"),
    attempts: integer("attempts").notNull().default(0),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  // One live (not failed) claim per authorization nonce; a failed one may be retried with a new authorization.
  (t) => [
    uniqueIndex("claims_authorization").on(t.poolId, t.account, t.nonce).where(sql`status <> 'failed'`),
    index("claims_status").on(t.status),
  ],
);

/** Transactions the verifier signed, persisted before they are broadcast. */
export const transactions = sqliteTable("transactions", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  kind: text("kind").notNull(),
  ref: text("ref").notNull(),
  nonce: integer("nonce").notNull(),
  hash: text("hash").notNull(),
  raw: text("raw").notNull(),
  gasPrice: text("gas_price").notNull(),
  gasLimit: text("gas_limit").notNull(),
  status: text("status").notNull(),
  minedBlock: integer("mined_block"),
  gasUsed: text("gas_used"),
  error: text("error"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});
