import type pg from "pg";
import { guardPostgres } from "./guardPostgres.ts";
import { isPostgresUnavailable } from "./isPostgresUnavailable.ts";

/**
 * Runs `fn` in one READ COMMITTED transaction on one connection checked out of `pool`: committed when the returned
 * promise resolves, rolled back when it rejects. A connection that broke meanwhile is discarded, not returned to the
 * pool. An outage is thrown with code STORAGE_UNAVAILABLE (guardPostgres).
 */
export function runPostgresTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return guardPostgres(async () => {
    const client = await pool.connect();
    let broken = false;
    const onError = () => {
      broken = true;
    };
    client.on("error", onError);
    try {
      await client.query("BEGIN");
      try {
        const value = await fn(client);
        await client.query("COMMIT");
        return value;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {
          broken = true;
        });
        throw error;
      }
    } catch (error) {
      if (isPostgresUnavailable(error)) broken = true;
      throw error;
    } finally {
      client.off("error", onError);
      client.release(broken);
    }
  });
}
