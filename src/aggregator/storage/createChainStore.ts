import { and, asc, eq } from "drizzle-orm";
import type { Address, Hex } from "../../protocol/types.ts";
import type { PoolRecord } from "../chain/createPoolRegistry.ts";
import type { AggregatorDatabase } from "./openDatabase.ts";
import { chainState, poolPrices, poolSigners, pools } from "./schema.ts";

export type ChainStore = ReturnType<typeof createChainStore>;

/** Pools and the follower's cursor, through drizzle (none of this is on the ingest hot path). */
export function createChainStore(database: AggregatorDatabase) {
  const { db, sqlite } = database;
  const getValue = (key: string) => db.select().from(chainState).where(eq(chainState.key, key)).get()?.value;
  const setValue = (key: string, value: string) =>
    db.insert(chainState).values({ key, value }).onConflictDoUpdate({ target: chainState.key, set: { value } }).run();

  return {
    /** Runs `fn` in one transaction (a log chunk and the cursor move together). */
    transaction<T>(fn: () => T): T {
      return sqlite.transaction(fn).immediate();
    },
    getValue,
    setValue,
    /** Last block whose logs were processed, or undefined before the first sync. */
    getCursor(): bigint | undefined {
      const v = getValue("cursor_block");
      return v === undefined ? undefined : BigInt(v);
    },
    setCursor(block: bigint): void {
      setValue("cursor_block", block.toString());
    },
    loadPools(): PoolRecord[] {
      const signers = db
        .select()
        .from(poolSigners)
        .orderBy(asc(poolSigners.poolId), asc(poolSigners.blockNumber), asc(poolSigners.logIndex))
        .all();
      const prices = db.select().from(poolPrices).orderBy(asc(poolPrices.poolId), asc(poolPrices.fromEpoch)).all();
      return db
        .select()
        .from(pools)
        .all()
        .map((p) => ({
          poolId: p.poolId as Hex,
          token: p.token as Address,
          owner: p.owner as Address,
          metadataUri: p.metadataUri,
          unallocated: BigInt(p.unallocated),
          owed: BigInt(p.owed),
          createdBlock: p.createdBlock,
          createdAt: p.createdAt,
          updatedBlock: p.updatedBlock,
          signers: signers
            .filter((s) => s.poolId === p.poolId)
            .map((s) => ({ since: s.since, signer: s.signer as Address })),
          prices: prices
            .filter((x) => x.poolId === p.poolId)
            .map((x) => ({ fromEpoch: x.fromEpoch, pricePerGB: BigInt(x.pricePerGb) })),
        }));
    },
    insertPool(p: {
      poolId: Hex;
      token: Address;
      owner: Address;
      metadataUri: string;
      createdBlock: number;
      createdAt: number;
    }): void {
      db.insert(pools)
        .values({ ...p, unallocated: "0", owed: "0", updatedBlock: p.createdBlock })
        .onConflictDoNothing()
        .run();
    },
    insertSigner(s: { poolId: Hex; blockNumber: number; logIndex: number; since: number; signer: Address }): void {
      db.insert(poolSigners).values(s).onConflictDoNothing().run();
    },
    upsertPrice(p: { poolId: Hex; fromEpoch: number; pricePerGb: string; blockNumber: number }): void {
      db.insert(poolPrices)
        .values(p)
        .onConflictDoUpdate({
          target: [poolPrices.poolId, poolPrices.fromEpoch],
          set: { pricePerGb: p.pricePerGb, blockNumber: p.blockNumber },
        })
        .run();
    },
    updateBalances(poolId: Hex, b: { unallocated: bigint; owed: bigint; block: number }): void {
      db.update(pools)
        .set({ unallocated: b.unallocated.toString(), owed: b.owed.toString(), updatedBlock: b.block })
        .where(and(eq(pools.poolId, poolId)))
        .run();
    },
  };
}
