import type { SqlValue, VerifierSql } from "./VerifierSql.ts";

/**
 * Sets `fields` (column: value) and `updated_at` (now, unix ms) of the row of `table` whose `key` column is `id`.
 * Fields set to undefined are left as they are. Column names come from the stores' row types, never from a request.
 */
export async function updateRow(
  sql: VerifierSql,
  table: string,
  key: string,
  id: SqlValue,
  fields: Record<string, unknown>,
): Promise<void> {
  const columns = Object.keys(fields).filter((c) => c !== key && c !== "updated_at" && fields[c] !== undefined);
  for (const c of columns) if (!/^[a-z_]+$/.test(c)) throw new Error(`Not a column of ${table}: ${c}`);
  await sql.run(`UPDATE ${table} SET ${columns.map((c) => `${c} = ?, `).join("")}updated_at = ? WHERE ${key} = ?`, [
    ...columns.map((c) => (fields[c] ?? null) as SqlValue),
    Date.now(),
    id,
  ]);
}
