import Database from "better-sqlite3";
import type { Hex } from "../../protocol/types.ts";

/** A receipt as pass 1 of an epoch close reads it: row id, receiptId, pool, relay, size, ticket, deliveredAt. */
export type EpochReceiptRef = [number, Hex, Hex, Hex, number, Hex, number];
/** A receipt's bundle fields: receiptId, pool, ticket, relay, segment, chunk, chunkHash, size, deliveredAt, sig. */
export type EpochReceiptRow = [string, string, string, string, string, number, string, number, number, string];

export type EpochSnapshot = ReturnType<typeof openEpochSnapshot>;

/**
 * Opens the aggregator's SQLite file read-only for an epoch close (the worker): the queries it streams receipts and
 * tickets with, run inside `read` as one read transaction, so every query sees the same snapshot while ingest keeps
 * committing (other epochs) meanwhile.
 */
export function openEpochSnapshot(dbPath: string) {
  const sqlite = new Database(dbPath, { readonly: true, fileMustExist: true });
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("cache_size = -65536");
  const q = {
    ticketSigner: sqlite.prepare<[string], { signer: string }>("SELECT signer FROM tickets WHERE ticket_hash = ?"),
    epochReceipts: sqlite
      .prepare<[number], EpochReceiptRef>(
        "SELECT id, receipt_id, pool_id, relay, size, ticket_hash, delivered_at FROM receipts WHERE epoch = ?",
      )
      .raw(true),
    ticket: sqlite.prepare<[string], Record<string, string>>(
      `SELECT ticket_hash, pool_id, stream_id, viewer, not_before, not_after, max_bytes, signature
       FROM tickets WHERE ticket_hash = ?`,
    ),
    receiptByRowId: sqlite
      .prepare<[number], EpochReceiptRow>(
        `SELECT receipt_id, pool_id, ticket_hash, relay, segment, chunk, chunk_hash, size, delivered_at, signature
         FROM receipts WHERE id = ?`,
      )
      .raw(true),
    lowestRelay: sqlite.prepare<[number], { relay: Hex }>("SELECT MIN(relay) AS relay FROM receipts WHERE epoch = ?"),
    firstReceiptOfRelay: sqlite.prepare<[number, string], Record<string, string | number>>(
      `SELECT receipt_id, pool_id, ticket_hash, relay, segment, chunk, chunk_hash, size, delivered_at, signature
       FROM receipts WHERE epoch = ? AND relay = ? ORDER BY receipt_id LIMIT 1`,
    ),
  };

  return {
    /** Runs `fn` inside one read transaction. */
    async read<T>(fn: () => Promise<T>): Promise<T> {
      sqlite.exec("BEGIN");
      const result = await fn();
      sqlite.exec("COMMIT");
      return result;
    },
    /** The signer recorded for a ticket, if the ticket is stored. */
    getTicketSigner: (ticketHash: string): string | undefined => q.ticketSigner.get(ticketHash)?.signer,
    /** The receipts of `epoch`, in acceptance order (the epoch index). */
    iterateEpochReceipts: (epoch: number): IterableIterator<EpochReceiptRef> => q.epochReceipts.iterate(epoch),
    /** A stored ticket's columns (ticket_hash, pool_id, stream_id, viewer, not_before, ..., signature). */
    getTicket: (ticketHash: string): Record<string, string> | undefined => q.ticket.get(ticketHash),
    getReceiptByRowId: (rowId: number): EpochReceiptRow | undefined => q.receiptByRowId.get(rowId),
    /** The lowest relay address with receipts in `epoch`. */
    getLowestRelay: (epoch: number): Hex | undefined => q.lowestRelay.get(epoch)?.relay ?? undefined,
    /** The receipt of `relay` in `epoch` with the lowest receiptId (its bundle columns). */
    getFirstReceiptOfRelay: (epoch: number, relay: string): Record<string, string | number> | undefined =>
      q.firstReceiptOfRelay.get(epoch, relay),
    close(): void {
      sqlite.close();
    },
  };
}
