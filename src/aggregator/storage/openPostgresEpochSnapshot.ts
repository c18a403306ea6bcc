import pg from "pg";
import type { BundleReceiptRow, BundleTicketRow } from "../../protocol/bundle/types.ts";
import type { Hex } from "../../protocol/types.ts";
import type { EpochReceiptRef, EpochSnapshot } from "./EpochSnapshot.ts";

/** Rows fetched from a server-side cursor at a time (one round trip each; the next is in flight meanwhile). */
const FETCH_ROWS = 10_000;

/**
 * Memory PostgreSQL may use per sort of the close (the server's, not this process's): sorting an epoch's receipts
 * by (pool, relay) and by receiptId spills to disk past it; 64 MB keeps the merge passes few at 10^7 receipts.
 */
const WORK_MEM = "64MB";

const RECEIPT_COLUMNS =
  "receipt_id, pool_id, ticket_hash, relay, segment, chunk, chunk_hash, size, delivered_at, signature";

type ReceiptColumns = [string, string, string, string, string, string, string, string, string, string];

/**
 * Opens an aggregator database on PostgreSQL (`url`, tables in `schema`) for an epoch close: one connection, every
 * query of the close inside one REPEATABLE READ READ ONLY transaction (a snapshot: ingest keeps committing other
 * epochs meanwhile), receipts streamed through server-side cursors (DECLARE … CURSOR, FETCH), sorted by the
 * database (bytewise, COLLATE "C", whatever the database's collation), so this process holds one batch of rows at
 * a time.
 */
export async function openPostgresEpochSnapshot(url: string, schema: string): Promise<EpochSnapshot> {
  const client = new pg.Client({ connectionString: url, application_name: "meshpay-epoch-close" });
  await client.connect();
  try {
    await client.query(`SET search_path TO ${client.escapeIdentifier(schema)}`);
  } catch (err) {
    await client.end();
    throw err;
  }
  let cursors = 0;
  /** Streams `sql` (a SELECT) through a cursor, FETCH_ROWS at a time, the next batch requested before one is used. */
  async function* stream(sql: string, params: unknown[]): AsyncGenerator<unknown[][]> {
    const name = `epoch_close_${++cursors}`;
    await client.query(`DECLARE ${name} NO SCROLL CURSOR FOR ${sql}`, params);
    const fetch = () =>
      client.query<unknown[]>({ text: `FETCH ${FETCH_ROWS} FROM ${name}`, rowMode: "array" }).then((r) => r.rows);
    try {
      let next = fetch();
      for (;;) {
        const rows = await next;
        if (rows.length === 0) break;
        next = rows.length < FETCH_ROWS ? Promise.resolve([]) : fetch();
        yield rows;
      }
    } finally {
      await client.query(`CLOSE ${name}`).catch(() => {});
    }
  }

  return {
    async read<T>(fn: () => Promise<T>): Promise<T> {
      await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
      try {
        await client.query(`SET LOCAL work_mem = '${WORK_MEM}'`);
        const result = await fn();
        await client.query("COMMIT");
        return result;
      } catch (err) {
        await client.query("ROLLBACK").catch(() => {});
        throw err;
      }
    },
    async *receiptsByLeaf(epoch, withSigners) {
      const sql = withSigners
        ? `SELECT r.receipt_id, r.pool_id, r.relay, r.size, r.ticket_hash, r.delivered_at, COALESCE(t.signer, '')
           FROM receipts r LEFT JOIN tickets t ON t.ticket_hash = r.ticket_hash WHERE r.epoch = $1
           ORDER BY r.pool_id COLLATE "C", r.relay COLLATE "C"`
        : `SELECT receipt_id, pool_id, relay, size, ticket_hash, delivered_at FROM receipts WHERE epoch = $1
           ORDER BY pool_id COLLATE "C", relay COLLATE "C"`;
      for await (const rows of stream(sql, [epoch])) {
        const batch: EpochReceiptRef[] = new Array(rows.length);
        for (let i = 0; i < rows.length; i++) {
          const r = rows[i] as string[];
          batch[i] = [
            r[0] as Hex,
            r[1] as Hex,
            r[2] as Hex,
            Number(r[3]),
            r[4] as Hex,
            Number(r[5]),
            withSigners ? r[6]! : "",
          ];
        }
        yield batch;
      }
    },
    async *receiptsById(epoch) {
      const sql = `SELECT ${RECEIPT_COLUMNS} FROM receipts WHERE epoch = $1 ORDER BY receipt_id COLLATE "C"`;
      for await (const rows of stream(sql, [epoch])) yield rows.map((r) => toReceipt(r as ReceiptColumns));
    },
    async *tickets(epoch) {
      const sql = `SELECT t.ticket_hash, t.pool_id, t.stream_id, t.viewer, t.not_before, t.not_after, t.max_bytes,
          t.signature FROM tickets t WHERE t.ticket_hash IN (SELECT ticket_hash FROM receipts WHERE epoch = $1)
        ORDER BY t.ticket_hash COLLATE "C"`;
      for await (const rows of stream(sql, [epoch]))
        yield rows.map((r) => {
          const [ticketHash, poolId, streamId, viewer, notBefore, notAfter, maxBytes, signature] = r as string[];
          return { ticketHash, poolId, streamId, viewer, notBefore, notAfter, maxBytes, signature } as BundleTicketRow;
        });
    },
    async getLowestRelay(epoch) {
      const r = await client.query<{ relay: Hex | null }>(
        `SELECT MIN(relay COLLATE "C") AS relay FROM receipts WHERE epoch = $1`,
        [epoch],
      );
      return r.rows[0]?.relay ?? undefined;
    },
    async getFirstReceiptOfRelay(epoch, relay) {
      const r = await client.query<unknown[]>({
        text: `SELECT ${RECEIPT_COLUMNS} FROM receipts WHERE epoch = $1 AND relay = $2
          ORDER BY receipt_id COLLATE "C" LIMIT 1`,
        values: [epoch, relay],
        rowMode: "array",
      });
      const row = r.rows[0];
      return row && toReceipt(row as ReceiptColumns);
    },
    async close() {
      await client.end();
    },
  };
}

function toReceipt([
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
    deliveredAt,
    signature,
  };
}
