import type { Migration } from "../../protocol/node/applyMigrations.ts";

/**
 * The verifier's schema migrations (the convention of src/protocol/node/applyMigrations.ts). Never edit a released
 * migration: append a new one. Kept in step with schema.ts (drizzle's table definitions). Version 1 is the SQL that
 * files written before this convention recorded as `PRAGMA user_version = 1`.
 */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: "initial",
    statements: [
      `
  CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE blocks (number INTEGER PRIMARY KEY, hash TEXT NOT NULL);
  CREATE TABLE posts (
    id TEXT PRIMARY KEY, epoch INTEGER NOT NULL, aggregator TEXT NOT NULL, root TEXT NOT NULL,
    bundle_hash TEXT NOT NULL, bundle_uri TEXT NOT NULL, pool_totals TEXT NOT NULL, data_hash TEXT NOT NULL,
    block_number INTEGER NOT NULL, block_hash TEXT NOT NULL, tx_hash TEXT NOT NULL, log_index INTEGER NOT NULL,
    posted_at_s INTEGER NOT NULL, rejected_by INTEGER, rejected_block INTEGER
  );
  CREATE INDEX posts_epoch ON posts (epoch, block_number);
  CREATE TABLE challenges (
    id INTEGER PRIMARY KEY, epoch INTEGER NOT NULL, challenger TEXT NOT NULL, bond TEXT NOT NULL,
    evidence_hash TEXT NOT NULL, evidence_uri TEXT NOT NULL, opened_block INTEGER NOT NULL, tx_hash TEXT NOT NULL,
    status TEXT NOT NULL, resolved_block INTEGER
  );
  CREATE TABLE audits (
    post_id TEXT PRIMARY KEY, epoch INTEGER NOT NULL, status TEXT NOT NULL, fault TEXT, findings TEXT,
    evidence_hash TEXT, recomputed_root TEXT, attempts INTEGER NOT NULL DEFAULT 0, first_attempt_at INTEGER,
    last_error TEXT, challenge_status TEXT NOT NULL DEFAULT 'none', challenge_tx_id INTEGER, challenge_id INTEGER,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE ticket_usage (
    post_id TEXT NOT NULL, epoch INTEGER NOT NULL, ticket_hash TEXT NOT NULL, bytes TEXT NOT NULL, keys TEXT NOT NULL,
    PRIMARY KEY (post_id, ticket_hash)
  );
  CREATE INDEX ticket_usage_ticket ON ticket_usage (ticket_hash);
  CREATE TABLE evidence (
    hash TEXT PRIMARY KEY, post_id TEXT NOT NULL, epoch INTEGER NOT NULL, fault TEXT NOT NULL, bytes BLOB NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE disputes (
    id TEXT PRIMARY KEY, epoch INTEGER NOT NULL, relay TEXT, request TEXT NOT NULL, status TEXT NOT NULL, result TEXT,
    post_id TEXT, evidence_hash TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL
  );
  CREATE TABLE claims (
    id TEXT PRIMARY KEY, status TEXT NOT NULL, pool_id TEXT NOT NULL, account TEXT NOT NULL, recipient TEXT NOT NULL,
    max_fee TEXT NOT NULL, nonce TEXT NOT NULL, deadline INTEGER NOT NULL, signature TEXT NOT NULL,
    given_leaf TEXT, given_proof TEXT, epoch INTEGER, amount TEXT, fee TEXT, tx_id INTEGER, tx_hash TEXT,
    attempts INTEGER NOT NULL DEFAULT 0, error_code TEXT, error_message TEXT,
    created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL
  );
  CREATE UNIQUE INDEX claims_authorization ON claims (pool_id, account, nonce) WHERE status <> 'failed';
  CREATE INDEX claims_status ON claims (status);
  CREATE TABLE transactions (
    id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, ref TEXT NOT NULL, nonce INTEGER NOT NULL,
    hash TEXT NOT NULL, raw TEXT NOT NULL, gas_price TEXT NOT NULL, gas_limit TEXT NOT NULL, status TEXT NOT NULL,
    mined_block INTEGER, gas_used TEXT, error TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL
  );
  `,
    ],
  },
  {
    version: 2,
    name: "re-posts",
    statements: [
      // What the post's repostEpoch released per pool (EpochReplaced, JSON); NULL for a first post.
      "ALTER TABLE posts ADD COLUMN released TEXT",
      // Which post of its epoch a challenge disputes (ChallengeOpened.postSeq).
      "ALTER TABLE challenges ADD COLUMN post_seq INTEGER",
    ],
  },
];
