import type Database from "better-sqlite3";
import type { Hex } from "../../protocol/types.ts";
import type { IngestStore, IngestTx, StoredReceiptRef, StoredTicket } from "./IngestStore.ts";
import { ingestConflict } from "./ingestConflict.ts";
import { ticketFromRow } from "./ticketFromRow.ts";

/**
 * The ingest store on SQLite: the hot path's SQL as prepared better-sqlite3 statements (drizzle's query builder costs
 * more per call than a receipt's whole database work) over the tables of schema.ts.
 *
 * Each transaction is one BEGIN IMMEDIATE ... COMMIT (the file's write lock for the whole batch, committed durably
 * with synchronous = FULL), and the transactions of this store run one after another. better-sqlite3 is synchronous:
 * every IngestTx method has done its work when it returns its (already resolved) promise, so while a transaction
 * runs its function only awaits those, no I/O callback of another request runs inside it, and the locks IngestTx
 * promises are the write lock itself. The epoch-close barrier is the queue too: closeThrough raises the stored value
 * in a transaction of its own, after every transaction begun before it.
 */
export function createIngestStore(sqlite: Database.Database): IngestStore {
  const begin = sqlite.prepare("BEGIN IMMEDIATE");
  const commit = sqlite.prepare("COMMIT");
  const rollback = sqlite.prepare("ROLLBACK");
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
  const updateTicket = sqlite.prepare(
    "UPDATE tickets SET bytes_accepted = ? WHERE ticket_hash = ? AND bytes_accepted = ?",
  );
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
  const getClosedThrough = sqlite
    .prepare<[], number>("SELECT value FROM ingest_state WHERE name = 'closed_through'")
    .pluck();
  const raiseClosedThrough = sqlite.prepare<[number]>(
    `INSERT INTO ingest_state (name, value) VALUES ('closed_through', ?)
     ON CONFLICT (name) DO UPDATE SET value = MAX(value, excluded.value)`,
  );

  const readIdempotent = (relay: string, key: string) => {
    const row = getIdempotent.get(relay, key);
    return row === undefined ? undefined : { bodyHash: row.body_hash, response: row.response };
  };

  const tx: IngestTx = {
    closedThrough: async () => getClosedThrough.get() ?? -1,
    lockIdempotent: async (relay, key) => readIdempotent(relay, key),
    async lockTickets(ticketHashes) {
      const found = new Map<string, StoredTicket>();
      for (const hash of ticketHashes) {
        const row = getTicket.get(hash);
        if (row !== undefined) found.set(hash, ticketFromRow(row));
      }
      return found;
    },
    async findReceipts(keys) {
      return keys.map((k): StoredReceiptRef | undefined => {
        const row = findByUniqueness.get(k.ticketHash, k.segment, k.chunk);
        return row === undefined ? undefined : { receiptId: row.receipt_id, epoch: row.epoch };
      });
    },
    epochPoolIds: async (epoch) => epochPools.all(epoch).map((r) => r.pool_id),
    // The write lock already keeps every other transaction out.
    lockEpochPools: async (epoch) => epochPools.all(epoch).map((r) => r.pool_id),
    async write(w) {
      for (const r of w.receipts) {
        const { changes } = insertReceipt.run(
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
          w.nowMs,
        );
        if (changes !== 1) throw ingestConflict(`receipt ${r.receiptId} (its uniqueness key was taken meanwhile)`);
      }
      for (const t of w.ticketBytes) {
        if (updateTicket.run(Number(t.to), t.ticketHash, Number(t.from)).changes !== 1)
          throw ingestConflict(`ticket ${t.ticketHash} (its bytes changed meanwhile)`);
      }
      for (const t of w.newTickets) {
        const k = t.signed.ticket;
        insertTicket.run(
          t.ticketHash,
          k.poolId,
          k.streamId,
          k.viewer,
          k.notBefore.toString(),
          k.notAfter.toString(),
          k.maxBytes.toString(),
          t.signed.signature,
          t.signer,
          Number(t.bytesAccepted),
          w.nowMs,
        );
      }
      for (const s of w.stats) upsertStats.run(s.epoch, s.poolId, s.receipts, s.bytes);
      const i = w.idempotent;
      insertIdempotent.run(i.relay, i.key, i.bodyHash, i.response, w.nowMs);
    },
  };

  let queue: Promise<unknown> = Promise.resolve();
  const transaction: IngestStore["transaction"] = (fn) => {
    const run = queue.then(async () => {
      begin.run();
      try {
        const value = await fn(tx);
        commit.run();
        return value;
      } catch (error) {
        if (sqlite.inTransaction) rollback.run();
        throw error;
      }
    });
    queue = run.then(
      () => {},
      () => {},
    );
    return run;
  };
  return {
    optimisticReceiptInsert: false,
    transaction,
    getIdempotent: async (relay, key) => readIdempotent(relay, key),
    pruneIdempotency: async (beforeMs) => prune.run(beforeMs).changes,
    // Queued behind every transaction begun before it (they run one after another), so it resolves after them.
    async closeThrough(epoch) {
      await transaction(async () => {
        raiseClosedThrough.run(epoch);
      });
    },
  };
}
