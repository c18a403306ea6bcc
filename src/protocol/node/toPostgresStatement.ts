/**
 * Rewrites one statement of a meshpay SQLite migration into its PostgreSQL form, so both engines' schemas come from
 * the one versioned list each store keeps (the convention of applyMigrations.ts). The stores' SQL is portable by
 * construction (docs/operations.md, "PostgreSQL"), so the rewrite is mechanical and total:
 * - `INTEGER PRIMARY KEY` (SQLite's rowid alias, the acceptance order) becomes `BIGINT GENERATED ALWAYS AS IDENTITY
 *   PRIMARY KEY`;
 * - every other `INTEGER` becomes `BIGINT` (SQLite integers are 64-bit);
 * - the `STRICT` table option is dropped (PostgreSQL columns are always typed).
 * Anything outside that dialect (AUTOINCREMENT, WITHOUT ROWID, BLOB, REAL, PRAGMA, triggers) is refused with
 * code NOT_PORTABLE rather than translated wrongly.
 */
export function toPostgresStatement(statement: string): string {
  const unportable = /\b(AUTOINCREMENT|WITHOUT\s+ROWID|BLOB|REAL|PRAGMA|TRIGGER|NUMERIC|ANY)\b/i.exec(statement);
  if (unportable) {
    throw Object.assign(
      new Error(`Migration statement uses "${unportable[1]}", which has no mechanical PostgreSQL form: ${statement}`),
      { code: "NOT_PORTABLE" },
    );
  }
  return statement
    .replace(/\bINTEGER\s+PRIMARY\s+KEY(\s+NOT\s+NULL)?/gi, "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY")
    .replace(/\bINTEGER\b/gi, "BIGINT")
    .replace(/\)\s*STRICT\s*$/i, ")");
}
