import assert from "node:assert/strict";
import { getTableConfig, type SQLiteTable } from "drizzle-orm/sqlite-core";
import type pg from "pg";

/** The PostgreSQL type a drizzle SQLite column becomes (toPostgresStatement: INTEGER → BIGINT, BLOB → BYTEA). */
const pgType = (columnType: string) =>
  columnType === "SQLiteInteger" ? "bigint" : columnType === "SQLiteBlobBuffer" ? "bytea" : "text";

/**
 * Asserts that PostgreSQL schema `schemaName` (read through `client`) holds every table of the drizzle SQLite
 * schema module `drizzleSchema` with exactly its columns, each of the PostgreSQL type and nullability the column
 * declares, and every index it declares. Returns how many tables it compared.
 */
export async function assertPostgresMatchesDrizzle(
  client: pg.Client,
  schemaName: string,
  drizzleSchema: Record<string, unknown>,
): Promise<number> {
  const tables = Object.values(drizzleSchema).filter(
    (t): t is SQLiteTable => typeof t === "object" && t !== null && Symbol.for("drizzle:Name") in t,
  );
  for (const table of tables) {
    const config = getTableConfig(table);
    const columns = await client.query<{ column_name: string; is_nullable: string; data_type: string }>(
      `SELECT column_name, is_nullable, data_type FROM information_schema.columns
       WHERE table_schema = $1 AND table_name = $2`,
      [schemaName, config.name],
    );
    const byName = new Map(columns.rows.map((c) => [c.column_name, c]));
    assert.deepEqual([...byName.keys()].sort(), config.columns.map((c) => c.name).sort(), `columns of ${config.name}`);
    for (const column of config.columns) {
      const found = byName.get(column.name)!;
      assert.equal(found.is_nullable === "NO", column.notNull, `nullability of ${config.name}.${column.name}`);
      assert.equal(found.data_type, pgType(column.columnType), `type of ${config.name}.${column.name}`);
    }
    const indexes = await client.query<{ indexname: string }>(
      "SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = $2",
      [schemaName, config.name],
    );
    const names = indexes.rows.map((i) => i.indexname);
    for (const idx of config.indexes) assert.ok(names.includes(idx.config.name), `index ${idx.config.name}`);
  }
  return tables.length;
}
