import type { Migration } from "../../protocol/node/applyMigrations.ts";

/**
 * The relay store's schema migrations (the convention of src/protocol/node/applyMigrations.ts). Never edit a
 * shipped entry: append a new one.
 */
export const relayStoreMigrations: readonly Migration[] = [
  {
    version: 1,
    name: "initial",
    statements: [
      `
CREATE TABLE relay_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE tickets (
  ticket_hash TEXT PRIMARY KEY,           -- EIP-712 struct hash, lowercase hex
  pool_id     TEXT NOT NULL,
  viewer      TEXT NOT NULL,
  signed_json TEXT NOT NULL,              -- the signed ticket, JSON wire form, compact
  added_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE batches (
  id               INTEGER PRIMARY KEY,
  idempotency_key  TEXT NOT NULL UNIQUE,
  status           TEXT NOT NULL CHECK (status IN ('open', 'done', 'failed')),
  receipt_count    INTEGER NOT NULL,
  ticket_count     INTEGER NOT NULL,
  body             TEXT NOT NULL,         -- the exact request body, sent unchanged on every attempt
  created_at       INTEGER NOT NULL,
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER,               -- not before (backoff / Retry-After), survives restarts
  last_error       TEXT,                  -- JSON {code, message, httpStatus?}
  last_error_at    INTEGER,
  http_status      INTEGER,               -- of the final answer
  response         TEXT,                  -- raw body of the final answer
  replayed         INTEGER NOT NULL DEFAULT 0,
  accepted         INTEGER,
  already_accepted INTEGER,
  rejected         INTEGER,
  completed_at     INTEGER
) STRICT;
CREATE INDEX batches_by_status ON batches (status, id);

CREATE TABLE receipts (
  seq            INTEGER PRIMARY KEY AUTOINCREMENT,
  receipt_id     TEXT NOT NULL UNIQUE,    -- EIP-712 digest, lowercase hex
  uniqueness_key TEXT NOT NULL UNIQUE,    -- ticketHash:segment:chunk
  ticket_hash    TEXT NOT NULL REFERENCES tickets (ticket_hash),
  size           INTEGER NOT NULL,
  signed_json    TEXT NOT NULL,           -- the signed receipt, JSON wire form, compact
  status         TEXT NOT NULL CHECK (status IN ('pending', 'submitting', 'accepted', 'rejected', 'failed')),
  batch_id       INTEGER REFERENCES batches (id),   -- current (or last) batch
  result         TEXT CHECK (result IN ('accepted', 'already_accepted', 'rejected')),
  epoch          INTEGER,
  errors         TEXT,                    -- JSON [{code, message}]
  added_at       INTEGER NOT NULL,
  submitted_at   INTEGER,                 -- first attempt of its current batch
  resolved_at    INTEGER
) STRICT;
CREATE INDEX receipts_by_status ON receipts (status, seq);
CREATE INDEX receipts_by_batch ON receipts (batch_id);

CREATE TABLE batch_items (
  batch_id            INTEGER NOT NULL REFERENCES batches (id),
  position            INTEGER NOT NULL,
  receipt_id          TEXT NOT NULL REFERENCES receipts (receipt_id),
  result              TEXT CHECK (result IN ('accepted', 'already_accepted', 'rejected')),
  reported_receipt_id TEXT,               -- receiptId as the aggregator reported it
  epoch               INTEGER,
  errors              TEXT,               -- JSON [{code, message}]
  PRIMARY KEY (batch_id, position)
) STRICT, WITHOUT ROWID;
CREATE INDEX batch_items_by_receipt ON batch_items (receipt_id);

CREATE TABLE batch_attempts (
  batch_id       INTEGER NOT NULL REFERENCES batches (id),
  attempt        INTEGER NOT NULL,
  started_at     INTEGER NOT NULL,
  finished_at    INTEGER,
  outcome        TEXT CHECK (outcome IN ('processed', 'retry', 'final', 'aborted')),
  http_status    INTEGER,
  error_code     TEXT,
  error_message  TEXT,
  retry_after_ms INTEGER,
  delay_ms       INTEGER,
  PRIMARY KEY (batch_id, attempt)
) STRICT, WITHOUT ROWID;
`,
    ],
  },
];
