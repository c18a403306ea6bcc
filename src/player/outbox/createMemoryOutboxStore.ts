import type { OutboxStore, PendingReceipt, ReceiptOutcome, StoredBatch } from "./OutboxStore.ts";

/**
 * An OutboxStore in memory: the state lives as long as the object, so a new outbox over the same store behaves
 * like a tab reloaded over IndexedDB. For Node, tests and players that accept losing unsent receipts on reload.
 */
export function createMemoryOutboxStore(): OutboxStore {
  const pending = new Map<string, PendingReceipt>();
  const batches = new Map<string, StoredBatch>();
  const outcomes = new Map<string, ReceiptOutcome>();
  const copy = <T>(v: T): T => structuredClone(v);
  return {
    async load() {
      return {
        pending: [...pending.values()].map(copy),
        batches: [...batches.values()].map(copy),
        outcomes: [...outcomes.values()].map(copy),
      };
    },
    async addPending(items) {
      for (const item of items) pending.set(item.receiptId, copy(item));
    },
    async openBatch(batch) {
      batches.set(batch.idempotencyKey, copy(batch));
      for (const id of batch.receiptIds) pending.delete(id);
    },
    async closeBatch(key, results) {
      for (const o of results) outcomes.set(o.receiptId, copy(o));
      batches.delete(key);
    },
    async close() {},
  };
}
