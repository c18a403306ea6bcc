import type { Hex, SignedViewerTicket } from "../../protocol/types.ts";

export type StoredTicket = {
  signed: SignedViewerTicket;
  bytesAccepted: bigint;
};

export type ReceiptRow = {
  epoch: number;
  receiptId: Hex;
  poolId: Hex;
  ticketHash: Hex;
  relay: Hex;
  segment: string;
  chunk: number;
  chunkHash: Hex;
  size: number;
  deliveredAt: bigint;
  signature: Hex;
};

/** A receipt's uniqueness key (docs/protocol.md): one receipt per chunk of a segment under one ticket. */
export type UniquenessKey = { ticketHash: string; segment: string; chunk: number };

export type StoredReceiptRef = { receiptId: Hex; epoch: number };

export type IdempotentResponse = { bodyHash: string; response: string };

/** Everything one POST /v1/receipts batch stores, written at once at the end of its transaction. */
export type IngestWrites = {
  nowMs: number;
  /** Receipts new to the database (the transaction found none with their uniqueness keys). */
  receipts: ReceiptRow[];
  /** Tickets new to the database, with the bytes this batch accepted under them. */
  newTickets: { ticketHash: Hex; signed: SignedViewerTicket; signer: Hex; bytesAccepted: bigint }[];
  /** Stored tickets whose accepted bytes go from `from` (as the transaction read them) to `to`. */
  ticketBytes: { ticketHash: Hex; from: bigint; to: bigint }[];
  /** Increments of the per-(epoch, pool) ingest totals. */
  stats: { epoch: number; poolId: string; receipts: number; bytes: number }[];
  /** The batch's response, replayed for a retry with the same key and body. */
  idempotent: { relay: string; key: string; bodyHash: string; response: string };
};

/**
 * One ingest transaction. Its reads lock what they read against every other ingest transaction (of this process or
 * another one on the same database) until it ends, so the checks made on them still hold when `write` stores the
 * batch: no second transaction can store a response under the same idempotency key, credit bytes of the same ticket
 * or store a receipt under the same ticket in between.
 */
export type IngestTx = {
  /**
   * The latest closed epoch (receipts of it and earlier ones are refused), as stored when the transaction started,
   * -1 when none. The transaction holds the epoch-close barrier: an IngestStore.closeThrough that raises the value
   * after this read resolves only once this transaction has ended, so a batch either reads the raised value or is
   * committed before the closer reads the epoch.
   */
  closedThrough(): Promise<number>;
  /** The stored response of (relay, key), if any; locks the key. */
  lockIdempotent(relay: string, key: string): Promise<IdempotentResponse | undefined>;
  /** The stored tickets among `ticketHashes` (by hash); locks every one of them, stored or not. */
  lockTickets(ticketHashes: readonly Hex[]): Promise<Map<string, StoredTicket>>;
  /** The stored receipt with each key (undefined when none), in the order of `keys`. */
  findReceipts(keys: readonly UniquenessKey[]): Promise<(StoredReceiptRef | undefined)[]>;
  /** The pools with accepted receipts in `epoch` (from its ingest totals), read without a lock. */
  epochPoolIds(epoch: number): Promise<string[]>;
  /**
   * Like epochPoolIds, read after locking the addition of pools to `epoch` until the transaction ends: a transaction
   * about to credit a pool new to the epoch calls it, so two transactions (of any processes) never both add a pool
   * and take the epoch past its pool limit. Transactions that only credit pools the epoch already pays never wait.
   */
  lockEpochPools(epoch: number): Promise<string[]>;
  /**
   * Stores the batch. Throws (so the transaction rolls back) if the database contradicts what the transaction read:
   * a receipt key taken, a ticket stored or its bytes changed meanwhile, bytes past a ticket's maxBytes.
   */
  write(writes: IngestWrites): Promise<void>;
};

/**
 * The ingest path's storage, implemented on SQLite (createIngestStore) and PostgreSQL (createPostgresIngestStore).
 * An outage (database busy, full, unreachable, connection lost) is thrown as an error whose `code` is
 * STORAGE_UNAVAILABLE or, on SQLite, the SQLITE_* code; nothing of a failed transaction is stored.
 */
export type IngestStore = {
  /**
   * Whether the ingestor may write a batch's receipts before looking for stored ones: true when a uniqueness key
   * already taken makes `write` throw INGEST_CONFLICT and `transaction` run the batch again (PostgreSQL, where the
   * lookup is a join over the batch's keys that costs about a fifth of the database's work a receipt, and the insert
   * checks the same unique index anyway). The ingestor then skips findReceipts on a batch's first attempt and calls
   * it on the attempt after a conflict. False: findReceipts first, always (SQLite: an in-process index probe, and a
   * transaction that is never run twice).
   */
  readonly optimisticReceiptInsert: boolean;
  /**
   * Runs `fn` in one transaction, committed (durably) when the returned promise resolves and rolled back when it
   * rejects. `fn` may be run more than once (a PostgreSQL deadlock or serialization failure is retried), so it must
   * keep its state inside.
   */
  transaction<T>(fn: (tx: IngestTx) => Promise<T>): Promise<T>;
  /** The stored response of (relay, key), read without a transaction (the replay fast path). */
  getIdempotent(relay: string, key: string): Promise<IdempotentResponse | undefined>;
  /** Deletes idempotent responses older than `beforeMs`; returns how many. */
  pruneIdempotency(beforeMs: number): Promise<number>;
  /**
   * Raises the stored closed epoch to `epoch` (never lowers it) for every ingest process on the database, and
   * resolves once every ingest transaction that may have read an older value has ended (committed or rolled back):
   * from then on no receipt of an epoch <= `epoch` can be committed, and what was committed is readable by the
   * closer. Rejects (nothing raised) when the storage is unavailable.
   */
  closeThrough(epoch: number): Promise<void>;
};
