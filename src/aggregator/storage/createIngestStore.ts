import type Database from "better-sqlite3";
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

export type IngestStore = {
  /** Runs `fn` in one immediate transaction: committed (durably, with synchronous = FULL) when it returns. */
  transaction<T>(fn: () => T): T;
  findByUniqueness(ticketHash: string, segment: string, chunk: number): { receiptId: Hex; epoch: number } | undefined;
  getTicket(ticketHash: string): StoredTicket | undefined;
  getIdempotent(relay: string, key: string): { bodyHash: string; response: string } | undefined;
  /** Stores a receipt unless one with its uniqueness key is stored; false when it was. */
  insertReceipt(r: ReceiptRow, nowMs: number): boolean;
  insertTicket(ticketHash: Hex, signed: SignedViewerTicket, signer: Hex, bytesAccepted: bigint, nowMs: number): void;
  updateTicketBytes(ticketHash: Hex, bytesAccepted: bigint): void;
  addEpochStats(epoch: number, poolId: string, receipts: number, bytes: number): void;
  /** The pools with accepted receipts in `epoch` (from its ingest totals). */
  epochPoolIds(epoch: number): string[];
  insertIdempotent(relay: string, key: string, bodyHash: string, response: string, nowMs: number): void;
  /** Deletes idempotent responses older than `beforeMs`; returns how many. */
  pruneIdempotency(beforeMs: number): number;
};

/**
 * The ingest hot path's SQL as prepared better-sqlite3 statements (drizzle's query builder costs more per call than
 * a receipt's whole database work). The tables are those of schema.ts.
 */
export function createIngestStore(sqlite: Database.Database): IngestStore {
  const findByUniqueness = sqlite.prepare<[string, string, number], { receipt_id: Hex; epoch: number }>(
    "SELECT receipt_id, epoch FROM receipts WHERE ticket_hash = ? AND segment = ? AND chunk = ?",
  );
  const getTicket = sqlite.prepare<[string], Record<string, string | number>>(
    "SELECT * FROM tickets WHERE ticket_hash = ?",
  );
  const getIdempotent = sqlite.prepare<[string, string], { body_hash: string; response: string }>(
    "SELECT body_hash, response FROM idempotency_keys WHERE relay = ? AND key = ?",
  );
  const insertTicket = sqlite.prepare(
    `INSERT INTO tickets (ticket_hash, pool_id, stream_id, viewer, not_before, not_after, max_bytes, signature, signer,
       bytes_accepted, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const updateTicket = sqlite.prepare("UPDATE tickets SET bytes_accepted = ? WHERE ticket_hash = ?");
  const insertReceipt = sqlite.prepare(
    `INSERT INTO receipts (epoch, receipt_id, pool_id, ticket_hash, relay, segment, chunk, chunk_hash, size,
       delivered_at, signature, accepted_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (ticket_hash, segment, chunk) DO NOTHING`,
  );
  const upsertStats = sqlite.prepare(
    `INSERT INTO epoch_stats (epoch, pool_id, receipt_count, bytes) VALUES (?, ?, ?, ?)
     ON CONFLICT (epoch, pool_id) DO UPDATE SET receipt_count = receipt_count + excluded.receipt_count,
       bytes = bytes + excluded.bytes`,
  );
  const epochPools = sqlite.prepare<[number], { pool_id: string }>("SELECT pool_id FROM epoch_stats WHERE epoch = ?");
  const insertIdempotent = sqlite.prepare(
    "INSERT INTO idempotency_keys (relay, key, body_hash, response, created_at) VALUES (?, ?, ?, ?, ?)",
  );
  const prune = sqlite.prepare("DELETE FROM idempotency_keys WHERE created_at < ?");

  return {
    transaction: (fn) => sqlite.transaction(fn).immediate(),
    findByUniqueness(ticketHash, segment, chunk) {
      const row = findByUniqueness.get(ticketHash, segment, chunk);
      return row === undefined ? undefined : { receiptId: row.receipt_id, epoch: row.epoch };
    },
    getTicket(ticketHash) {
      const row = getTicket.get(ticketHash);
      if (row === undefined) return undefined;
      return {
        signed: {
          ticket: {
            poolId: row.pool_id as Hex,
            streamId: row.stream_id as Hex,
            viewer: row.viewer as Hex,
            notBefore: BigInt(row.not_before!),
            notAfter: BigInt(row.not_after!),
            maxBytes: BigInt(row.max_bytes!),
          },
          signature: row.signature as Hex,
        },
        bytesAccepted: BigInt(row.bytes_accepted!),
      };
    },
    getIdempotent(relay, key) {
      const row = getIdempotent.get(relay, key);
      return row === undefined ? undefined : { bodyHash: row.body_hash, response: row.response };
    },
    insertReceipt(r, nowMs) {
      return (
        insertReceipt.run(
          r.epoch,
          r.receiptId,
          r.poolId,
          r.ticketHash,
          r.relay,
          r.segment,
          r.chunk,
          r.chunkHash,
          r.size,
          r.deliveredAt,
          r.signature,
          nowMs,
        ).changes === 1
      );
    },
    insertTicket(ticketHash, signed, signer, bytesAccepted, nowMs) {
      const k = signed.ticket;
      insertTicket.run(
        ticketHash,
        k.poolId,
        k.streamId,
        k.viewer,
        k.notBefore.toString(),
        k.notAfter.toString(),
        k.maxBytes.toString(),
        signed.signature,
        signer,
        Number(bytesAccepted),
        nowMs,
      );
    },
    updateTicketBytes(ticketHash, bytesAccepted) {
      updateTicket.run(Number(bytesAccepted), ticketHash);
    },
    addEpochStats(epoch, poolId, receipts, bytes) {
      upsertStats.run(epoch, poolId, receipts, bytes);
    },
    epochPoolIds(epoch) {
      return epochPools.all(epoch).map((r) => r.pool_id);
    },
    insertIdempotent(relay, key, bodyHash, response, nowMs) {
      insertIdempotent.run(relay, key, bodyHash, response, nowMs);
    },
    pruneIdempotency(beforeMs) {
      return prune.run(beforeMs).changes;
    },
  };
}
