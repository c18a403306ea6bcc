import { randomBytes } from "node:crypto";
import pg from "pg";

/** The machine's PostgreSQL (trust auth); MESHPAY_TEST_PG_URL overrides it. */
export const testPostgresUrl = process.env.MESHPAY_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export type PostgresSchema = {
  /** The schema's name (a fresh random one). */
  name: string;
  /** Opens a new connection whose search_path is the schema; the caller ends it. */
  connect(): Promise<pg.Client>;
};

/** Runs `fn` with a freshly created schema of its own in the test database and drops it (CASCADE) after. */
export async function withPostgresSchema<T>(fn: (schema: PostgresSchema) => Promise<T>): Promise<T> {
  const name = `t_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: testPostgresUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA ${name}`);
    return await fn({
      name,
      async connect() {
        const client = new pg.Client({ connectionString: testPostgresUrl, options: `-c search_path=${name}` });
        await client.connect();
        return client;
      },
    });
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
    await admin.end();
  }
}
