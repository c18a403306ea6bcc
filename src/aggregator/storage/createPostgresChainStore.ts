import type pg from "pg";
import { guardPostgresOutage } from "../../protocol/node/guardPostgresOutage.ts";
import { runPostgresTransaction } from "../../protocol/node/runPostgresTransaction.ts";
import type { ChainStore, ChainStoreWrites } from "./ChainStore.ts";
import { poolsFromRows } from "./poolsFromRows.ts";

type Queryable = Pick<pg.ClientBase, "query">;

/**
 * The chain store on PostgreSQL (the tables of migratePostgresDatabase, in the pool's search_path), the same
 * statements and semantics as the SQLite one. A transaction runs on one pooled connection between BEGIN and COMMIT.
 * Only the closer (the process holding the leadership) writes here; every process reads the pools it follows.
 */
export function createPostgresChainStore(pool: pg.Pool): ChainStore {
  pool.on("error", () => {});
  const getValue = async (key: string) => {
    const { rows } = await guardPostgresOutage(() =>
      pool.query<{ value: string }>("SELECT value FROM chain_state WHERE key = $1", [key]),
    );
    return rows[0]?.value;
  };
  return {
    ...writesOn((text, values) => guardPostgresOutage(() => pool.query(text, values)).then(() => {})),
    transaction: (fn) =>
      runPostgresTransaction(pool, (client) => fn(writesOn((text, values) => query(client, text, values)))),
    getValue,
    async getCursor() {
      const v = await getValue("cursor_block");
      return v === undefined ? undefined : BigInt(v);
    },
    loadPools: () =>
      // One snapshot for the three reads, so a pool never shows without the signer its creation stored.
      runPostgresTransaction(pool, async (client) => {
        await client.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
        const pools = await client.query(
          `SELECT pool_id AS "poolId", token, owner, metadata_uri AS "metadataUri", unallocated, owed,
               created_block AS "createdBlock", created_at AS "createdAt", updated_block AS "updatedBlock"
             FROM pools ORDER BY pool_id`,
        );
        const signers = await client.query(
          `SELECT pool_id AS "poolId", since, signer FROM pool_signers ORDER BY pool_id, block_number, log_index`,
        );
        const prices = await client.query(
          `SELECT pool_id AS "poolId", from_epoch AS "fromEpoch", price_per_gb AS "pricePerGb"
             FROM pool_prices ORDER BY pool_id, from_epoch`,
        );
        return poolsFromRows(pools.rows, signers.rows, prices.rows);
      }),
  };
}

async function query(client: Queryable, text: string, values: unknown[]): Promise<void> {
  await client.query(text, values);
}

/** The writes as SQL statements run through `run`. */
function writesOn(run: (text: string, values: unknown[]) => Promise<void>): ChainStoreWrites {
  const setValue = (key: string, value: string) =>
    run("INSERT INTO chain_state (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [
      key,
      value,
    ]);
  return {
    setValue,
    setCursor: (block) => setValue("cursor_block", block.toString()),
    insertPool: (p) =>
      run(
        `INSERT INTO pools (pool_id, token, owner, metadata_uri, unallocated, owed, created_block, created_at,
           updated_block) VALUES ($1, $2, $3, $4, '0', '0', $5, $6, $5) ON CONFLICT (pool_id) DO NOTHING`,
        [p.poolId, p.token, p.owner, p.metadataUri, p.createdBlock, p.createdAt],
      ),
    insertSigner: (s) =>
      run(
        `INSERT INTO pool_signers (pool_id, block_number, log_index, since, signer) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (pool_id, block_number, log_index) DO NOTHING`,
        [s.poolId, s.blockNumber, s.logIndex, s.since, s.signer],
      ),
    upsertPrice: (p) =>
      run(
        `INSERT INTO pool_prices (pool_id, from_epoch, price_per_gb, block_number) VALUES ($1, $2, $3, $4)
         ON CONFLICT (pool_id, from_epoch) DO UPDATE SET price_per_gb = excluded.price_per_gb,
           block_number = excluded.block_number`,
        [p.poolId, p.fromEpoch, p.pricePerGb, p.blockNumber],
      ),
    updateBalances: (poolId, b) =>
      run("UPDATE pools SET unallocated = $2, owed = $3, updated_block = $4 WHERE pool_id = $1", [
        poolId,
        b.unallocated.toString(),
        b.owed.toString(),
        b.block,
      ]),
  };
}
