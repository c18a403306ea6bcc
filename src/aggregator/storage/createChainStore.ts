import { asc, eq } from "drizzle-orm";
import type { Hex } from "../../protocol/types.ts";
import type { ChainStore, ChainStoreWrites, NewPool } from "./ChainStore.ts";
import type { AggregatorDatabase } from "./openDatabase.ts";
import { poolsFromRows } from "./poolsFromRows.ts";
import { chainState, poolPrices, poolSigners, pools } from "./schema.ts";

/**
 * The chain store on SQLite, through drizzle. A transaction collects its writes while `fn` runs and applies them in
 * one synchronous BEGIN IMMEDIATE ... COMMIT once it resolves, so no other request's statements on the shared
 * connection can land inside it (better-sqlite3 is synchronous; an awaiting transaction would not be).
 */
export function createChainStore(database: AggregatorDatabase): ChainStore {
  const { db, sqlite } = database;
  const getValue = (key: string) => db.select().from(chainState).where(eq(chainState.key, key)).get()?.value;
  const setValue = (key: string, value: string) => {
    db.insert(chainState).values({ key, value }).onConflictDoUpdate({ target: chainState.key, set: { value } }).run();
  };
  const insertPool = (p: NewPool) => {
    db.insert(pools)
      .values({ ...p, unallocated: "0", owed: "0", updatedBlock: p.createdBlock })
      .onConflictDoNothing()
      .run();
  };
  const insertSigner: (s: Parameters<ChainStoreWrites["insertSigner"]>[0]) => void = (s) => {
    db.insert(poolSigners).values(s).onConflictDoNothing().run();
  };
  const upsertPrice = (p: Parameters<ChainStoreWrites["upsertPrice"]>[0]) => {
    db.insert(poolPrices)
      .values(p)
      .onConflictDoUpdate({
        target: [poolPrices.poolId, poolPrices.fromEpoch],
        set: { pricePerGb: p.pricePerGb, blockNumber: p.blockNumber },
      })
      .run();
  };
  const updateBalances = (poolId: Hex, b: { unallocated: bigint; owed: bigint; block: number }) => {
    db.update(pools)
      .set({ unallocated: b.unallocated.toString(), owed: b.owed.toString(), updatedBlock: b.block })
      .where(eq(pools.poolId, poolId))
      .run();
  };
  /** The writes, each run through `apply` (at once, or queued for a transaction's commit). */
  const writes = (apply: (op: () => void) => Promise<void>): ChainStoreWrites => ({
    setValue: (key, value) => apply(() => setValue(key, value)),
    setCursor: (block) => apply(() => setValue("cursor_block", block.toString())),
    insertPool: (p) => apply(() => insertPool(p)),
    insertSigner: (s) => apply(() => insertSigner(s)),
    upsertPrice: (p) => apply(() => upsertPrice(p)),
    updateBalances: (poolId, b) => apply(() => updateBalances(poolId, b)),
  });

  return {
    ...writes(async (op) => op()),
    async transaction(fn) {
      const ops: (() => void)[] = [];
      const value = await fn(
        writes(async (op) => {
          ops.push(op);
        }),
      );
      sqlite
        .transaction(() => {
          for (const op of ops) op();
        })
        .immediate();
      return value;
    },
    getValue: async (key) => getValue(key),
    async getCursor() {
      const v = getValue("cursor_block");
      return v === undefined ? undefined : BigInt(v);
    },
    async loadPools() {
      const signers = db
        .select()
        .from(poolSigners)
        .orderBy(asc(poolSigners.poolId), asc(poolSigners.blockNumber), asc(poolSigners.logIndex))
        .all();
      const prices = db.select().from(poolPrices).orderBy(asc(poolPrices.poolId), asc(poolPrices.fromEpoch)).all();
      return poolsFromRows(db.select().from(pools).all(), signers, prices);
    },
  };
}
