/** A value bound to a `?` placeholder: text, integers (unix ms, block numbers, epochs: all below 2^53), bytes, NULL. */
export type SqlValue = string | number | bigint | Buffer | null;

/**
 * The one way the verifier's stores reach their database, on either engine: statements are written once in the SQL
 * both SQLite and PostgreSQL run (`?` placeholders, `ON CONFLICT … DO NOTHING / DO UPDATE`, `RETURNING`), and the
 * engine's executor (createSqliteVerifierSql, createPostgresVerifierSql) does the rest: placeholders, 64-bit integers
 * read back as numbers, transactions, and outages reported as STORAGE_UNAVAILABLE.
 */
export type VerifierSql = {
  readonly engine: "sqlite" | "postgres";
  /** Every row of a query. */
  all<R>(sql: string, params?: readonly SqlValue[]): Promise<R[]>;
  /** The first row of a query, if any. */
  get<R>(sql: string, params?: readonly SqlValue[]): Promise<R | undefined>;
  /** Runs a statement; returns how many rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /**
   * Runs `fn` in one transaction: every statement `fn` makes, through any store on this executor, commits with the
   * others or not at all (a throw rolls all back). A transaction inside a transaction joins the outer one. Statements
   * made outside `fn` meanwhile never join it.
   */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
};
