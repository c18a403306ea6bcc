import pg from "pg";
import type { BundleTicketRow } from "../../protocol/bundle/types.ts";
import type { Hex } from "../../protocol/types.ts";
import type { EpochReceiptRef, EpochSnapshot } from "./EpochSnapshot.ts";
import { RECEIPT_COLUMNS, type ReceiptColumns, receiptFromColumns } from "./receiptFromColumns.ts";

/**
 * Rows fetched from a server-side cursor at a time (one round trip each; the next is in flight meanwhile). Small
 * enough that a batch (~1 MB of rows) dies in V8's young generation: 10,000-row batches outlived two scavenges, were
 * promoted, and let the old generation grow to gigabytes of garbage at 10^7 receipts.
 */
const FETCH_ROWS = 2_000;

/**
 * Memory PostgreSQL may use per sort of the close (the server's, not this process's): sorting an epoch's receipts
 * by (pool, relay) and by receiptId spills to disk past it; 64 MB keeps the merge passes few at 10^7 receipts.
 */
const WORK_MEM = "64MB";

/**
 * Opens an aggregator database on PostgreSQL (`url`, tables in `schema`) for an epoch close: two connections reading
 * one snapshot (REPEATABLE READ READ ONLY, the second importing the first's exported snapshot: ingest keeps
 * committing other epochs meanwhile; pass 2's sort runs on the second while pass 1 streams from the first), receipts streamed through server-side cursors (DECLARE … CURSOR, FETCH), sorted by the
 * database (bytewise, COLLATE "C", whatever the database's collation), so this process holds one batch of rows at
 * a time.
 */
export async function openPostgresEpochSnapshot(url: string, schema: string): Promise<EpochSnapshot> {
  const connect = async () => {
    const c = new pg.Client({ connectionString: url, application_name: "meshpay-epoch-close" });
    await c.connect();
    try {
      await c.query(`SET search_path TO ${c.escapeIdentifier(schema)}`);
    } catch (err) {
      await c.end();
      throw err;
    }
    return c;
  };
  const client = await connect();
  let second: pg.Client;
  try {
    second = await connect();
  } catch (err) {
    await client.end();
    throw err;
  }
  let cursors = 0;
  /**
   * Streams `sql` (a SELECT) on connection `c` through a cursor, FETCH_ROWS at a time, the next batch requested
   * before one is used. Eager: the cursor is declared and its first batch asked for at once (a sort starts on the
   * server), before the result is iterated.
   */
  function stream(c: pg.Client, sql: string, params: unknown[]): AsyncIterable<unknown[][]> {
    const name = `epoch_close_${++cursors}`;
    const declared = c.query(`DECLARE ${name} NO SCROLL CURSOR FOR ${sql}`, params);
    const fetch = () =>
      c.query<unknown[]>({ text: `FETCH ${FETCH_ROWS} FROM ${name}`, rowMode: "array" }).then((r) => r.rows);
    const first = fetch();
    // Failures surface when iterated (or end the transaction unseen when it never is).
    declared.catch(() => {});
    first.catch(() => {});
    return {
      async *[Symbol.asyncIterator]() {
        await declared;
        try {
          let next = first;
          for (;;) {
            const rows = await next;
            if (rows.length === 0) break;
            next = rows.length < FETCH_ROWS ? Promise.resolve([]) : fetch();
            yield rows;
          }
        } finally {
          await c.query(`CLOSE ${name}`).catch(() => {});
        }
      },
    };
  }
  const end = async (sql: string) => {
    await Promise.all([client.query(sql), second.query(sql)]);
  };

  return {
    async read<T>(fn: () => Promise<T>): Promise<T> {
      // The second connection reads the same snapshot (exported by the first), so the two sorts overlap.
      await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
      try {
        await client.query(`SET LOCAL work_mem = '${WORK_MEM}'`);
        const { rows } = await client.query<{ id: string }>("SELECT pg_export_snapshot() AS id");
        await second.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
        const id = rows[0]!.id;
        if (!/^[0-9A-F-]+$/i.test(id)) throw new Error(`PostgreSQL exported an unexpected snapshot id: ${id}`);
        await second.query(`SET TRANSACTION SNAPSHOT '${id}'`);
        await second.query(`SET LOCAL work_mem = '${WORK_MEM}'`);
        const result = await fn();
        await end("COMMIT");
        return result;
      } catch (err) {
        await end("ROLLBACK").catch(() => {});
        throw err;
      }
    },
    async *receiptsByLeaf(epoch, withSigners) {
      const sql = withSigners
        ? `SELECT r.receipt_id, r.pool_id, r.relay, r.size, r.ticket_hash, r.delivered_at, COALESCE(t.signer, '')
           FROM receipts r LEFT JOIN tickets t ON t.ticket_hash = r.ticket_hash WHERE r.epoch = $1
           ORDER BY r.relay COLLATE "C", r.pool_id COLLATE "C"`
        : `SELECT receipt_id, pool_id, relay, size, ticket_hash, delivered_at FROM receipts WHERE epoch = $1
           ORDER BY relay COLLATE "C", pool_id COLLATE "C"`;
      for await (const rows of stream(client, sql, [epoch])) {
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
    receiptsById(epoch) {
      // On the second connection, started now: the server sorts while pass 1 reads on the first.
      const sql = `SELECT ${RECEIPT_COLUMNS} FROM receipts WHERE epoch = $1 ORDER BY receipt_id COLLATE "C"`;
      const rows = stream(second, sql, [epoch]);
      return (async function* () {
        for await (const batch of rows) yield batch.map((r) => receiptFromColumns(r as ReceiptColumns));
      })();
    },
    async *tickets(epoch) {
      const sql = `SELECT t.ticket_hash, t.pool_id, t.stream_id, t.viewer, t.not_before, t.not_after, t.max_bytes,
          t.signature FROM tickets t WHERE t.ticket_hash IN (SELECT ticket_hash FROM receipts WHERE epoch = $1)
        ORDER BY t.ticket_hash COLLATE "C"`;
      for await (const rows of stream(client, sql, [epoch]))
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
      return row && receiptFromColumns(row as ReceiptColumns);
    },
    async close() {
      await Promise.all([client.end(), second.end()]);
    },
  };
}
