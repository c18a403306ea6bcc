import Database from "better-sqlite3";
import type { BundleTicketRow } from "../../protocol/bundle/types.ts";
import type { Hex } from "../../protocol/types.ts";
import type { EpochReceiptRef, EpochSnapshot } from "./EpochSnapshot.ts";
import { RECEIPT_COLUMNS, type ReceiptColumns, receiptFromColumns } from "./receiptFromColumns.ts";

/** Rows handed over at a time. */
const BATCH = 10_000;

/**
 * Opens the aggregator's SQLite file read-only for an epoch close (the worker). SQLite sorts the receipts itself
 * (its sorter spills to temporary files, so the close's memory stays bounded); reads run inside `read` as one read
 * transaction, so every query sees the same snapshot while ingest keeps committing (other epochs).
 */
export function openSqliteEpochSnapshot(dbPath: string): EpochSnapshot {
  const sqlite = new Database(dbPath, { readonly: true, fileMustExist: true });
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("cache_size = -65536");
  const q = {
    ticketSigner: sqlite.prepare<[string], { signer: string }>("SELECT signer FROM tickets WHERE ticket_hash = ?"),
    byLeaf: sqlite
      .prepare<[number], [Hex, Hex, Hex, number, Hex, number]>(
        `SELECT receipt_id, pool_id, relay, size, ticket_hash, delivered_at FROM receipts WHERE epoch = ?
         ORDER BY relay, pool_id`,
      )
      .raw(true),
    byId: sqlite
      .prepare<[number], ReceiptColumns>(`SELECT ${RECEIPT_COLUMNS} FROM receipts WHERE epoch = ? ORDER BY receipt_id`)
      .raw(true),
    tickets: sqlite
      .prepare<[number], [string, string, string, string, string, string, string, string]>(
        `SELECT t.ticket_hash, t.pool_id, t.stream_id, t.viewer, t.not_before, t.not_after, t.max_bytes, t.signature
         FROM tickets t WHERE t.ticket_hash IN (SELECT ticket_hash FROM receipts WHERE epoch = ?)
         ORDER BY t.ticket_hash`,
      )
      .raw(true),
    lowestRelay: sqlite.prepare<[number], { relay: Hex }>("SELECT MIN(relay) AS relay FROM receipts WHERE epoch = ?"),
    firstReceiptOfRelay: sqlite
      .prepare<[number, string], ReceiptColumns>(
        `SELECT ${RECEIPT_COLUMNS} FROM receipts WHERE epoch = ? AND relay = ? ORDER BY receipt_id LIMIT 1`,
      )
      .raw(true),
  };

  return {
    async read<T>(fn: () => Promise<T>): Promise<T> {
      sqlite.exec("BEGIN");
      try {
        return await fn();
      } finally {
        sqlite.exec("COMMIT");
      }
    },
    async *receiptsByLeaf(epoch, withSigners) {
      const signers = new Map<string, string>();
      const signerOf = (ticketHash: string) => {
        let signer = signers.get(ticketHash);
        if (signer === undefined) {
          signer = q.ticketSigner.get(ticketHash)?.signer ?? "";
          signers.set(ticketHash, signer);
        }
        return signer;
      };
      yield* inBatches(
        q.byLeaf.iterate(epoch),
        ([receiptId, poolId, relay, size, ticketHash, deliveredAt]): EpochReceiptRef => [
          receiptId,
          poolId,
          relay,
          size,
          ticketHash,
          deliveredAt,
          withSigners ? signerOf(ticketHash) : "",
        ],
      );
    },
    async *receiptsById(epoch) {
      yield* inBatches(q.byId.iterate(epoch), receiptFromColumns);
    },
    async *tickets(epoch) {
      yield* inBatches(
        q.tickets.iterate(epoch),
        ([ticketHash, poolId, streamId, viewer, notBefore, notAfter, maxBytes, signature]): BundleTicketRow => ({
          ticketHash,
          poolId,
          streamId,
          viewer,
          notBefore,
          notAfter,
          maxBytes,
          signature,
        }),
      );
    },
    getLowestRelay: async (epoch) => q.lowestRelay.get(epoch)?.relay ?? undefined,
    async getFirstReceiptOfRelay(epoch, relay) {
      const row = q.firstReceiptOfRelay.get(epoch, relay);
      return row && receiptFromColumns(row);
    },
    async close() {
      sqlite.close();
    },
  };
}

/** `rows` mapped through `map`, BATCH at a time (the last batch shorter; none when there are no rows). */
function* inBatches<R, T>(rows: Iterable<R>, map: (row: R) => T): Generator<T[]> {
  let batch: T[] = [];
  for (const row of rows) {
    batch.push(map(row));
    if (batch.length === BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
