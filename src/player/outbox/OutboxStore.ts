import type { Address, Hex } from "../../protocol/types.ts";
import type { SignedChunkReceiptJson } from "../../protocol/wire/jsonTypes.ts";

/** A signed receipt waiting to be sent. */
export type PendingReceipt = { receiptId: Hex; relay: Address; size: number; receipt: SignedChunkReceiptJson };

/** A batch as it was first sent: resent with the same key and the same bytes until the aggregator answers. */
export type StoredBatch = {
  idempotencyKey: string;
  relay: Address;
  body: string;
  receiptIds: Hex[];
  sizes: number[];
  createdAt: number;
};

/** What the aggregator answered for one receipt (kept as evidence). */
export type ReceiptOutcome = {
  receiptId: Hex;
  relay: Address;
  size: number;
  status: "accepted" | "already_accepted" | "rejected" | "failed";
  epoch: number | null;
  codes: string[];
};

/**
 * Durable state of a player's receipt outbox. Every method resolves only once its change is durable, and each
 * is atomic: a tab closed at any moment leaves each receipt pending, in exactly one open batch, or answered.
 */
export type OutboxStore = {
  load(): Promise<{ pending: PendingReceipt[]; batches: StoredBatch[]; outcomes: ReceiptOutcome[] }>;
  addPending(items: PendingReceipt[]): Promise<void>;
  /** Records the batch and takes its receipts out of `pending`, in one step. */
  openBatch(batch: StoredBatch): Promise<void>;
  /** Records the answers and removes the open batch, in one step. */
  closeBatch(idempotencyKey: string, outcomes: ReceiptOutcome[]): Promise<void>;
  close(): Promise<void>;
};
