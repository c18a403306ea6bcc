import type pg from "pg";
import { guardPostgresOutage } from "../../protocol/node/guardPostgresOutage.ts";
import { runPostgresTransaction } from "../../protocol/node/runPostgresTransaction.ts";
import type { Hex } from "../../protocol/types.ts";
import type { IngestStore, IngestTx, StoredReceiptRef, StoredTicket } from "./IngestStore.ts";
import { ingestConflict } from "./ingestConflict.ts";
import { ticketFromRow } from "./ticketFromRow.ts";

/** How many times a transaction is run again after a deadlock, a serialization failure or a lost race. */
const MAX_ATTEMPTS = 5;
/** SQLSTATEs after which the whole transaction is run again: deadlock, serialization failure, unique violation. */
const RETRYABLE = new Set(["40P01", "40001", "23505", "INGEST_CONFLICT"]);
/**
 * The epoch-close barrier's advisory lock key, one per schema (one aggregator database may share a PostgreSQL
 * database with others): every ingest transaction holds it shared, closeThrough takes it exclusively.
 */
const EPOCH_CLOSE_KEY = "hashtextextended('meshpay.ingest.epoch-close:' || current_schema(), 0)";

export type PostgresIngestStoreOptions = {
  /**
   * How long (ms) the server lets an ingest transaction sit idle between two statements before it ends the session
   * (idle_in_transaction_session_timeout, set per transaction). A process cut off from the database without the
   * connection being closed (a network partition, a frozen host) would otherwise hold its locks, and with them the
   * epoch-close barrier and every batch queued behind it, until TCP gives up. Default 30,000; 0 turns it off.
   */
  idleInTransactionTimeoutMs?: number;
};

/**
 * The ingest store on PostgreSQL, shared by any number of aggregator processes on one database (the tables of
 * migratePostgresDatabase, in the pool's search_path).
 *
 * Each transaction is READ COMMITTED on one pooled connection. IngestTx's locks are transaction-scoped advisory locks:
 * one on (relay, idempotency key), taken first, then one per ticket of the batch in the order given (createIngestor
 * sorts them), so two transactions never wait for each other in a cycle. Every statement after a lock sees what the
 * previous holder committed. `write` checks again what it relies on (receipts inserted with ON CONFLICT DO NOTHING
 * on the uniqueness key and counted, ticket bytes moved only from the value read and never past max_bytes, new
 * tickets and the idempotent response inserted once): a contradiction rolls the transaction back and runs it again.
 *
 * Across processes, two more advisory locks: the epoch-close barrier (EPOCH_CLOSE_KEY), taken shared by every
 * transaction in the round trip of its BEGIN and followed by the read of `ingest_state.closed_through` in a
 * statement of its own (READ COMMITTED takes a snapshot per statement, so the read sees everything committed before
 * the lock was granted); closeThrough raises the value and takes the key exclusively in one transaction, so it waits
 * for every transaction holding the key (which may have read the old value), and a transaction asking for the key
 * meanwhile queues behind it and reads the raised value. And one per epoch (lockEpochPools) that serializes the
 * transactions adding a pool new to that epoch. Lock order within a transaction: barrier, idempotency key, tickets,
 * epochs (in the order met; a rare cycle between two epochs is a deadlock PostgreSQL detects, retried here).
 */
export function createPostgresIngestStore(pool: pg.Pool, options: PostgresIngestStoreOptions = {}): IngestStore {
  const idleMs = options.idleInTransactionTimeoutMs ?? 30_000;
  if (!Number.isSafeInteger(idleMs) || idleMs < 0)
    throw new Error(`idleInTransactionTimeoutMs must be a whole number of ms >= 0, got ${idleMs}`);
  // One round trip (simple query protocol, several statements): begin, bound the idle time, join the barrier, read
  // the closed epoch after it.
  const beginSql = [
    "BEGIN ISOLATION LEVEL READ COMMITTED",
    `SET LOCAL idle_in_transaction_session_timeout = ${idleMs}`,
    `SELECT pg_advisory_xact_lock_shared(${EPOCH_CLOSE_KEY})`,
    "SELECT value FROM ingest_state WHERE name = 'closed_through'",
  ].join("; ");
  // A pooled connection the server drops while idle is discarded by the pool, which then emits "error": without a
  // listener that would crash the process.
  pool.on("error", () => {});
  const runOnce = <T>(fn: (tx: IngestTx) => Promise<T>): Promise<T> => {
    let tx: (IngestTx & { commitSql(): string }) | undefined;
    return runPostgresTransaction(
      pool,
      (client, begun) => {
        const closedThrough = Number((begun as pg.QueryResult<{ value: string }>[])[3]?.rows[0]?.value ?? -1);
        tx = transactionOn(client, closedThrough);
        return fn(tx);
      },
      {
        begin: beginSql,
        // The batch's shared rows (its pools' epoch_stats totals, which every batch of a pool updates) are written in
        // the round trip of the COMMIT: their row locks are then held only inside the server, never while this
        // process's event loop is busy checking another batch's signatures (a lock held across that stalled every
        // other process's batches of the same pool behind it).
        commit: () => tx!.commitSql(),
      },
    );
  };

  return {
    optimisticReceiptInsert: true,
    async transaction(fn) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await runOnce(fn);
        } catch (error) {
          const code = (error as { code?: unknown })?.code;
          if (attempt >= MAX_ATTEMPTS || typeof code !== "string" || !RETRYABLE.has(code)) throw error;
        }
      }
    },
    async getIdempotent(relay, key) {
      const { rows } = await guardPostgresOutage(() =>
        pool.query<{ body_hash: string; response: string }>(
          "SELECT body_hash, response FROM idempotency_keys WHERE relay = $1 AND key = $2",
          [relay, key],
        ),
      );
      return rows[0] === undefined ? undefined : { bodyHash: rows[0].body_hash, response: rows[0].response };
    },
    async pruneIdempotency(beforeMs) {
      const { rowCount } = await guardPostgresOutage(() =>
        pool.query("DELETE FROM idempotency_keys WHERE created_at < $1", [beforeMs]),
      );
      return rowCount ?? 0;
    },
    async closeThrough(epoch) {
      if (!Number.isSafeInteger(epoch)) throw new Error(`closeThrough needs a whole epoch number, got ${epoch}`);
      await runPostgresTransaction(pool, async (client) => {
        // Raised first, then the barrier: every transaction granted the key before this one may have read the old
        // value and is waited for; every one granted it after this commits reads the raised value (locks are released
        // after the commit is visible).
        await client.query(
          `INSERT INTO ingest_state (name, value) VALUES ('closed_through', $1)
           ON CONFLICT (name) DO UPDATE SET value = GREATEST(ingest_state.value, excluded.value)`,
          [epoch],
        );
        await client.query(`SELECT pg_advisory_xact_lock(${EPOCH_CLOSE_KEY})`);
      });
    },
  };
}

function transactionOn(client: pg.PoolClient, closedThrough: number): IngestTx & { commitSql(): string } {
  /** Statements `write` leaves for the COMMIT's round trip (simple query protocol: literals, no parameters). */
  let atCommit: string[] = [];
  const poolIdsOf = async (epoch: number) => {
    const { rows } = await client.query<{ pool_id: string }>("SELECT pool_id FROM epoch_stats WHERE epoch = $1", [
      epoch,
    ]);
    return rows.map((r) => r.pool_id);
  };
  return {
    commitSql: () => [...atCommit, "COMMIT"].join("; "),
    closedThrough: async () => closedThrough,
    async lockIdempotent(relay, key) {
      await client.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [`idempotency:${relay}:${key}`]);
      const { rows } = await client.query<{ body_hash: string; response: string }>(
        "SELECT body_hash, response FROM idempotency_keys WHERE relay = $1 AND key = $2",
        [relay, key],
      );
      return rows[0] === undefined ? undefined : { bodyHash: rows[0].body_hash, response: rows[0].response };
    },
    async lockTickets(ticketHashes) {
      const found = new Map<string, StoredTicket>();
      if (ticketHashes.length === 0) return found;
      await client.query(
        `SELECT pg_advisory_xact_lock(hashtextextended('ticket:' || h, 0))
         FROM unnest($1::text[]) WITH ORDINALITY AS u(h, i) ORDER BY i`,
        [ticketHashes],
      );
      const { rows } = await client.query<Record<string, string>>(
        "SELECT * FROM tickets WHERE ticket_hash = ANY($1::text[])",
        [ticketHashes],
      );
      for (const row of rows) found.set(row.ticket_hash!, ticketFromRow(row));
      return found;
    },
    async findReceipts(keys) {
      if (keys.length === 0) return [];
      const { rows } = await client.query<{ i: string; receipt_id: Hex; epoch: string }>(
        `SELECT k.i, r.receipt_id, r.epoch
         FROM unnest($1::text[], $2::text[], $3::bigint[]) WITH ORDINALITY AS k(ticket_hash, segment, chunk, i)
         JOIN receipts r ON r.ticket_hash = k.ticket_hash AND r.segment = k.segment AND r.chunk = k.chunk`,
        [keys.map((k) => k.ticketHash), keys.map((k) => k.segment), keys.map((k) => k.chunk)],
      );
      const out: (StoredReceiptRef | undefined)[] = new Array(keys.length).fill(undefined);
      for (const row of rows) out[Number(row.i) - 1] = { receiptId: row.receipt_id, epoch: Number(row.epoch) };
      return out;
    },
    epochPoolIds: poolIdsOf,
    async lockEpochPools(epoch) {
      await client.query("SELECT pg_advisory_xact_lock(hashtextextended($1 || current_schema() || ':' || $2, 0))", [
        "meshpay.ingest.epoch-pools:",
        String(epoch),
      ]);
      // A statement of its own, after the lock: it sees every pool the previous holder added.
      return poolIdsOf(epoch);
    },
    async write(w) {
      if (w.receipts.length > 0) {
        const rs = w.receipts;
        const { rowCount } = await client.query(
          `INSERT INTO receipts (epoch, receipt_id, pool_id, ticket_hash, relay, segment, chunk, chunk_hash, size,
             delivered_at, signature, accepted_at)
           SELECT e, id, p, t, rl, s, c, ch, sz, d, sig, $12
           FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[],
             $8::text[], $9::bigint[], $10::bigint[], $11::text[]) WITH ORDINALITY
             AS u(e, id, p, t, rl, s, c, ch, sz, d, sig, i)
           ORDER BY i
           ON CONFLICT (ticket_hash, segment, chunk) DO NOTHING`,
          [
            rs.map((r) => r.epoch),
            rs.map((r) => r.receiptId),
            rs.map((r) => r.poolId),
            rs.map((r) => r.ticketHash),
            rs.map((r) => r.relay),
            rs.map((r) => r.segment),
            rs.map((r) => r.chunk),
            rs.map((r) => r.chunkHash),
            rs.map((r) => r.size),
            rs.map((r) => r.deliveredAt.toString()),
            rs.map((r) => r.signature),
            w.nowMs,
          ],
        );
        if (rowCount !== rs.length) throw ingestConflict("a receipt's uniqueness key was taken meanwhile");
      }
      if (w.ticketBytes.length > 0) {
        const tb = w.ticketBytes;
        const { rowCount } = await client.query(
          `UPDATE tickets t SET bytes_accepted = t.bytes_accepted + u.d
           FROM unnest($1::text[], $2::numeric[], $3::numeric[]) AS u(h, d, f)
           WHERE t.ticket_hash = u.h AND t.bytes_accepted = u.f AND t.bytes_accepted + u.d <= t.max_bytes::numeric`,
          [tb.map((t) => t.ticketHash), tb.map((t) => (t.to - t.from).toString()), tb.map((t) => t.from.toString())],
        );
        if (rowCount !== tb.length) throw ingestConflict("a ticket's bytes changed meanwhile or would pass maxBytes");
      }
      if (w.newTickets.length > 0) {
        const ts = w.newTickets;
        const { rowCount } = await client.query(
          `INSERT INTO tickets (ticket_hash, pool_id, stream_id, viewer, not_before, not_after, max_bytes, signature,
             signer, bytes_accepted, created_at)
           SELECT h, p, s, v, nb, na, mb, sig, sg, b, $11
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
             $9::text[], $10::bigint[]) AS u(h, p, s, v, nb, na, mb, sig, sg, b)
           WHERE b <= mb::numeric
           ON CONFLICT (ticket_hash) DO NOTHING`,
          [
            ts.map((t) => t.ticketHash),
            ts.map((t) => t.signed.ticket.poolId),
            ts.map((t) => t.signed.ticket.streamId),
            ts.map((t) => t.signed.ticket.viewer),
            ts.map((t) => t.signed.ticket.notBefore.toString()),
            ts.map((t) => t.signed.ticket.notAfter.toString()),
            ts.map((t) => t.signed.ticket.maxBytes.toString()),
            ts.map((t) => t.signed.signature),
            ts.map((t) => t.signer),
            ts.map((t) => t.bytesAccepted.toString()),
            w.nowMs,
          ],
        );
        if (rowCount !== ts.length) throw ingestConflict("a ticket was stored meanwhile");
      }
      const lit = (v: string | number) => (typeof v === "number" ? String(v) : client.escapeLiteral(v));
      const commit: string[] = [];
      if (w.stats.length > 0) {
        // Sorted, so two transactions lock the same totals rows in the same order.
        const ss = [...w.stats].sort(
          (a, b) => a.epoch - b.epoch || (a.poolId < b.poolId ? -1 : a.poolId > b.poolId ? 1 : 0),
        );
        for (const x of [ss.map((s) => s.epoch), ss.map((s) => s.receipts), ss.map((s) => s.bytes)].flat())
          if (!Number.isSafeInteger(x)) throw new Error(`epoch_stats values must be whole numbers, got ${x}`);
        commit.push(
          `INSERT INTO epoch_stats (epoch, pool_id, receipt_count, bytes) VALUES ${ss
            .map((s) => `(${lit(s.epoch)}, ${lit(s.poolId)}, ${lit(s.receipts)}, ${lit(s.bytes)})`)
            .join(", ")}
           ON CONFLICT (epoch, pool_id) DO UPDATE SET receipt_count = epoch_stats.receipt_count + excluded.receipt_count,
             bytes = epoch_stats.bytes + excluded.bytes`,
        );
      }
      const i = w.idempotent;
      if (!Number.isSafeInteger(w.nowMs)) throw new Error(`nowMs must be a whole number of ms, got ${w.nowMs}`);
      commit.push(
        `INSERT INTO idempotency_keys (relay, key, body_hash, response, created_at) VALUES (${lit(i.relay)}, ${lit(
          i.key,
        )}, ${lit(i.bodyHash)}, ${lit(i.response)}, ${lit(w.nowMs)})`,
      );
      atCommit = commit;
    },
  };
}
