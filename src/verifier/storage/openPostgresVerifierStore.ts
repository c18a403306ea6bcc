import pg from "pg";
import { guardPostgresOutage } from "../../protocol/node/guardPostgresOutage.ts";
import { createPostgresVerifierSql } from "./createPostgresVerifierSql.ts";
import { holdPostgresVerifierLock } from "./holdPostgresVerifierLock.ts";
import { migrateVerifierPostgresDatabase } from "./migrateVerifierPostgresDatabase.ts";
import type { VerifierStore } from "./openVerifierStore.ts";

/** PostgreSQL's type id of BIGINT (int8). */
const INT8 = 20;

/**
 * BIGINT columns read as JS numbers: the verifier stores block numbers, epochs, counts and unix-ms times there, all
 * below 2^53 (amounts and other uint256 values are decimal TEXT), so rows look the same as SQLite's.
 */
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
};

/**
 * Opens the verifier's store on PostgreSQL: a pool of at most `poolSize` connections whose search_path is `schema`
 * (created if missing), migrated from the same list as the SQLite file (migrateVerifierPostgresDatabase). Commits are
 * durable when they return (PostgreSQL's default synchronous_commit), as synchronous=FULL makes them on SQLite: a
 * signed transaction is recorded before it is broadcast. One verifier process per schema, held by an advisory lock
 * (holdPostgresVerifierLock): a second one is refused at start. A
 * database unreachable at start is an error with code STORAGE_UNAVAILABLE.
 */
export async function openPostgresVerifierStore(args: {
  url: string;
  schema: string;
  poolSize?: number;
  /** What its connections are named in pg_stat_activity (default meshpay-verifier). */
  applicationName?: string;
  /** Called when another verifier took the schema while this one's lock connection was down (holdPostgresVerifierLock). */
  onLockLost?: (error: Error) => void;
}): Promise<VerifierStore> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(args.schema))
    throw new Error(`Not a schema name: ${JSON.stringify(args.schema)} (lowercase letters, digits and _).`);
  const connection = {
    connectionString: args.url,
    options: `-c search_path=${args.schema}`,
    application_name: args.applicationName ?? "meshpay-verifier",
    connectionTimeoutMillis: 10_000,
    types,
  };
  const pool = new pg.Pool({ ...connection, max: args.poolSize ?? 5 });
  const sql = createPostgresVerifierSql(pool);
  try {
    const client = await guardPostgresOutage(() => pool.connect());
    try {
      await guardPostgresOutage(async () => {
        // Created only when missing: an operator's existing schema needs no CREATE right on the database.
        const exists = await client.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [args.schema]);
        if (exists.rowCount === 0) await client.query(`CREATE SCHEMA IF NOT EXISTS ${args.schema}`);
        await migrateVerifierPostgresDatabase(client);
      });
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }
  let lock: Awaited<ReturnType<typeof holdPostgresVerifierLock>>;
  try {
    lock = await guardPostgresOutage(() =>
      holdPostgresVerifierLock({
        connect: async () => {
          const client = new pg.Client(connection);
          await client.connect();
          return client;
        },
        schema: args.schema,
        ...(args.onLockLost ? { onLost: args.onLockLost } : {}),
      }),
    );
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }
  return {
    sql,
    async close() {
      await sql.close();
      await lock.release();
    },
  };
}
