import { AsyncLocalStorage } from "node:async_hooks";
import type pg from "pg";
import { guardPostgresOutage } from "../../protocol/node/guardPostgresOutage.ts";
import { runPostgresTransaction } from "../../protocol/node/runPostgresTransaction.ts";
import type { SqlValue, VerifierSql } from "./VerifierSql.ts";

/** `?` placeholders as PostgreSQL's `$1`, `$2`, … (the stores' SQL has no `?` inside a literal). */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/**
 * The verifier's SQL on a pg Pool whose connections' search_path is the verifier's schema (openPostgresVerifierStore
 * makes it; BIGINT columns must come back as numbers, its type parser sees to that). A statement outside a transaction
 * runs on any pooled connection; a transaction checks one connection out, and the statements of `fn` (found by an
 * AsyncLocalStorage context) run on it. An outage (refused or dropped connection, server shutting down) is an error
 * with code STORAGE_UNAVAILABLE, after which nothing of the transaction is stored; a connection lost mid-transaction
 * is discarded rather than given back to the pool.
 */
export function createPostgresVerifierSql(pool: pg.Pool): VerifierSql {
  // A pooled connection the server drops while idle is discarded by the pool, which then emits "error": without a
  // listener that would crash the process.
  pool.on("error", () => {});
  const current = new AsyncLocalStorage<pg.PoolClient>();
  const query = <R extends pg.QueryResultRow>(sql: string, params: readonly SqlValue[] | undefined) =>
    guardPostgresOutage(() => (current.getStore() ?? pool).query<R>(numbered(sql), params as unknown[] | undefined));

  return {
    engine: "postgres",
    all: async <R>(sql: string, params?: readonly SqlValue[]) =>
      (await query<pg.QueryResultRow>(sql, params)).rows as R[],
    get: async <R>(sql: string, params?: readonly SqlValue[]) =>
      (await query<pg.QueryResultRow>(sql, params)).rows[0] as R | undefined,
    run: async (sql: string, params?: readonly SqlValue[]) => (await query(sql, params)).rowCount ?? 0,
    async transaction<T>(fn: () => Promise<T>): Promise<T> {
      if (current.getStore() !== undefined) return fn();
      return runPostgresTransaction(pool, (client) => current.run(client, fn));
    },
    close: () => pool.end(),
  };
}
