import type { BundleReceiptRow, BundleTicketRow } from "../../protocol/bundle/types.ts";
import type { Hex } from "../../protocol/types.ts";

/**
 * A receipt as pass 1 of an epoch close reads it: receiptId, pool, relay, size, ticket, deliveredAt (unix ms), and
 * the signer recorded for its ticket ("" when not asked for, or when the ticket is not stored).
 */
export type EpochReceiptRef = [
  receiptId: Hex,
  poolId: Hex,
  relay: Hex,
  size: number,
  ticketHash: Hex,
  deliveredAt: number,
  signer: string,
];

/**
 * A read-only, consistent view of one aggregator database for an epoch close (prepareEpoch), on either engine
 * (openSqliteEpochSnapshot, openPostgresEpochSnapshot). Every query runs inside `read`, one snapshot for all of
 * them, while ingest keeps committing (other epochs). Receipts and tickets stream in batches, ordered by the
 * database, so the close never holds all of an epoch's receipts at once.
 */
export type EpochSnapshot = {
  /** Runs `fn` inside one read snapshot (a read transaction; REPEATABLE READ on PostgreSQL). */
  read<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Pass 1: every receipt of `epoch`, in batches, in ascending (relay, poolId) order (bytewise), so each
   * (relay, pool)'s receipts come together; in no particular order within one (relay, pool). Relay first: the
   * relays of an epoch differ early in their bytes, pools often share long prefixes (a cheaper sort). `withSigners`: fill
   * each receipt's ticket signer (only needed when a pool rotated its signer).
   */
  receiptsByLeaf(epoch: number, withSigners: boolean): AsyncIterable<EpochReceiptRef[]>;
  /**
   * Pass 2: every receipt of `epoch` with its bundle fields, in batches, in ascending receiptId order. May start
   * the query at once (PostgreSQL sorts on a second connection meanwhile): ask for it before pass 1, iterate after.
   */
  receiptsById(epoch: number): AsyncIterable<BundleReceiptRow[]>;
  /** The stored tickets of `epoch`'s receipts, each once, in batches, in ascending ticketHash order. */
  tickets(epoch: number): AsyncIterable<BundleTicketRow[]>;
  /** The lowest relay address with receipts in `epoch`. */
  getLowestRelay(epoch: number): Promise<Hex | undefined>;
  /** The receipt of `relay` in `epoch` with the lowest receiptId. */
  getFirstReceiptOfRelay(epoch: number, relay: string): Promise<BundleReceiptRow | undefined>;
  close(): Promise<void>;
};
