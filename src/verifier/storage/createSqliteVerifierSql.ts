import { AsyncLocalStorage } from "node:async_hooks";
import type Database from "better-sqlite3";
import type { SqlValue, VerifierSql } from "./VerifierSql.ts";

/**
 * The verifier's SQL on one better-sqlite3 connection. Statements run synchronously (and are prepared once per text);
 * a transaction spans awaits, so it is BEGIN IMMEDIATE … COMMIT around `fn` with the statements of `fn` (found by an
 * AsyncLocalStorage context) running inside it while every other statement and transaction waits for its end: work
 * of concurrent callers (an HTTP request during the loop's round) never lands in, or is rolled back with, another's
 * transaction.
 */
export function createSqliteVerifierSql(sqlite: Database.Database): VerifierSql {
  const statements = new Map<string, Database.Statement>();
  const inTransaction = new AsyncLocalStorage<true>();
  /** Settles when the open transaction (if any) has ended. */
  let gate: Promise<void> = Promise.resolve();
  let open = false;

  const prepare = (sql: string) => {
    let s = statements.get(sql);
    if (!s) {
      s = sqlite.prepare(sql);
      statements.set(sql, s);
    }
    return s;
  };
  const bind = (params: readonly SqlValue[] | undefined) => (params ?? []) as unknown[];
  /** Runs a statement now when inside the transaction or no transaction is open, else after it ends. */
  const when = async <T>(fn: () => T): Promise<T> => {
    if (inTransaction.getStore() === undefined) while (open) await gate;
    return fn();
  };

  return {
    engine: "sqlite",
    all: <R>(sql: string, params?: readonly SqlValue[]) => when(() => prepare(sql).all(...bind(params)) as R[]),
    get: <R>(sql: string, params?: readonly SqlValue[]) =>
      when(() => prepare(sql).get(...bind(params)) as R | undefined),
    run: (sql: string, params?: readonly SqlValue[]) => when(() => prepare(sql).run(...bind(params)).changes),
    async transaction<T>(fn: () => Promise<T>): Promise<T> {
      if (inTransaction.getStore() !== undefined) return fn();
      while (open) await gate;
      open = true;
      let release!: () => void;
      gate = new Promise((resolve) => {
        release = resolve;
      });
      try {
        sqlite.exec("BEGIN IMMEDIATE");
        try {
          const value = await inTransaction.run(true, fn);
          sqlite.exec("COMMIT");
          return value;
        } catch (error) {
          if (sqlite.inTransaction) sqlite.exec("ROLLBACK");
          throw error;
        }
      } finally {
        open = false;
        release();
      }
    },
    async close() {
      while (open) await gate;
      sqlite.close();
    },
  };
}
