import type { BundleReceiptRow } from "../../protocol/bundle/types.ts";

/** The `receipts` columns a bundle row is read from, in the order receiptFromColumns takes them (either engine). */
export const RECEIPT_COLUMNS =
  "receipt_id, pool_id, ticket_hash, relay, segment, chunk, chunk_hash, size, delivered_at, signature";

/**
 * A row of RECEIPT_COLUMNS as the engine returns it (raw, in column order): SQLite gives its INTEGER columns as
 * numbers, PostgreSQL gives INTEGER as a number and BIGINT as text, so chunk, size (bytes) and deliveredAt (unix
 * ms) come either way.
 */
export type ReceiptColumns = [
  receiptId: string,
  poolId: string,
  ticketHash: string,
  relay: string,
  segment: string,
  chunk: string | number,
  chunkHash: string,
  size: string | number,
  deliveredAt: string | number,
  signature: string,
];

/** A `receipts` row (RECEIPT_COLUMNS, either engine) as a bundle's receipt row: chunk and size numbers, deliveredAt text. */
export function receiptFromColumns([
  receiptId,
  poolId,
  ticketHash,
  relay,
  segment,
  chunk,
  chunkHash,
  size,
  deliveredAt,
  signature,
]: ReceiptColumns): BundleReceiptRow {
  return {
    receiptId,
    poolId,
    ticketHash,
    relay,
    segment,
    chunk: Number(chunk),
    chunkHash,
    size: Number(size),
    deliveredAt: String(deliveredAt),
    signature,
  };
}
