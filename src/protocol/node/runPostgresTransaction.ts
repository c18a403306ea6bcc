import type pg from "pg";
import { guardPostgresOutage } from "./guardPostgresOutage.ts";
import { isPostgresUnavailable } from "./isPostgresUnavailable.ts";

export type PostgresTransactionOptions = {
  /**
   * What begins the transaction, sent in one round trip (the simple query protocol allows several statements, e.g.
   * BEGIN with SET LOCAL and the first reads); its result (an array of results for several statements) is handed to
   * `fn`. Default "BEGIN" (READ COMMITTED).
   */
  begin?: string;
  /** What ends it once `fn` resolved, in one round trip (statements left for the commit, then COMMIT). Default "COMMIT". */
  commit?: () => string;
};

/**
 * Runs `fn` in one transaction on one connection checked out of `pool`: committed when the returned promise resolves,
 * rolled back when it rejects. A connection that broke meanwhile (an "error" event, an outage seen by a statement or
 * as the `cause` of an error `fn` throws, a failed ROLLBACK) is discarded, not returned to the pool. An outage is
 * thrown with code STORAGE_UNAVAILABLE (guardPostgresOutage); every other error passes as it is. The one
 * connection-and-transaction discipline of the aggregator's stores, its ingest and the verifier's SQL.
 */
export function runPostgresTransaction<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient, begun: pg.QueryResult | pg.QueryResult[]) => Promise<T>,
  options: PostgresTransactionOptions = {},
): Promise<T> {
  return guardPostgresOutage(async () => {
    const client = await pool.connect();
    let broken = false;
    // Dropped between two statements of the transaction: the next statement fails and the connection is discarded.
    const onError = () => {
      broken = true;
    };
    client.on("error", onError);
    try {
      const begun = (await client.query(options.begin ?? "BEGIN")) as pg.QueryResult | pg.QueryResult[];
      try {
        const value = await fn(client, begun);
        await client.query(options.commit?.() ?? "COMMIT");
        return value;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {
          broken = true;
        });
        throw error;
      }
    } catch (error) {
      if (isPostgresUnavailable(error) || isPostgresUnavailable((error as { cause?: unknown })?.cause)) broken = true;
      throw error;
    } finally {
      client.off("error", onError);
      client.release(broken);
    }
  });
}
