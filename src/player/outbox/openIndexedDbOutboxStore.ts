import { PlayerError } from "../errors/PlayerError.ts";
import type { OutboxStore, PendingReceipt, ReceiptOutcome, StoredBatch } from "./OutboxStore.ts";

const VERSION = 1;

/**
 * An OutboxStore in the browser's IndexedDB (database `name`, one per viewing session or per player): object
 * stores `pending` (by receiptId), `batches` (by idempotencyKey) and `outcomes` (by receiptId). Each method is
 * one readwrite transaction that resolves on `complete`, i.e. once the browser has committed it.
 */
export async function openIndexedDbOutboxStore(
  name: string,
  factory: IDBFactory = globalThis.indexedDB,
): Promise<OutboxStore> {
  if (!factory) throw new PlayerError("OUTBOX_STORE_FAILED", "IndexedDB is not available here.");
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = factory.open(name, VERSION);
    req.onupgradeneeded = () => {
      const d = req.result;
      if (!d.objectStoreNames.contains("pending")) d.createObjectStore("pending", { keyPath: "receiptId" });
      if (!d.objectStoreNames.contains("batches")) d.createObjectStore("batches", { keyPath: "idempotencyKey" });
      if (!d.objectStoreNames.contains("outcomes")) d.createObjectStore("outcomes", { keyPath: "receiptId" });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () =>
      reject(new PlayerError("OUTBOX_STORE_FAILED", `Cannot open IndexedDB ${name}.`, { cause: req.error }));
  });

  function run(stores: string[], mode: IDBTransactionMode, work: (tx: IDBTransaction) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      const tx = db.transaction(stores, mode, { durability: "strict" });
      tx.oncomplete = () => resolve();
      tx.onerror = () =>
        reject(new PlayerError("OUTBOX_STORE_FAILED", "An IndexedDB write failed.", { cause: tx.error }));
      tx.onabort = () =>
        reject(new PlayerError("OUTBOX_STORE_FAILED", "An IndexedDB write was aborted.", { cause: tx.error }));
      work(tx);
    });
  }
  function all<T>(tx: IDBTransaction, store: string): Promise<T[]> {
    return new Promise((resolve, reject) => {
      const req = tx.objectStore(store).getAll();
      req.onsuccess = () => resolve(req.result as T[]);
      req.onerror = () => reject(req.error);
    });
  }

  return {
    async load() {
      const tx = db.transaction(["pending", "batches", "outcomes"], "readonly");
      const [pending, batches, outcomes] = await Promise.all([
        all<PendingReceipt>(tx, "pending"),
        all<StoredBatch>(tx, "batches"),
        all<ReceiptOutcome>(tx, "outcomes"),
      ]);
      return { pending, batches, outcomes };
    },
    addPending: (items) =>
      run(["pending"], "readwrite", (tx) => {
        for (const item of items) tx.objectStore("pending").put(item);
      }),
    openBatch: (batch) =>
      run(["pending", "batches"], "readwrite", (tx) => {
        tx.objectStore("batches").put(batch);
        for (const id of batch.receiptIds) tx.objectStore("pending").delete(id);
      }),
    closeBatch: (key, outcomes) =>
      run(["batches", "outcomes"], "readwrite", (tx) => {
        for (const o of outcomes) tx.objectStore("outcomes").put(o);
        tx.objectStore("batches").delete(key);
      }),
    async close() {
      db.close();
    },
  };
}
