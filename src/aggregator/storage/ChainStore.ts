import type { Address, Hex } from "../../protocol/types.ts";
import type { PoolRecord } from "../chain/createPoolRegistry.ts";

/** A pool as PoolCreated announces it (balances start at 0 until poolInfo is read). */
export type NewPool = {
  poolId: Hex;
  token: Address;
  owner: Address;
  metadataUri: string;
  createdBlock: number;
  /** Block time (s) of PoolCreated. */
  createdAt: number;
};

/** The chain follower's writes; inside ChainStore.transaction they commit together (a log chunk and the cursor). */
export type ChainStoreWrites = {
  setValue(key: string, value: string): Promise<void>;
  /** Records `block` as the last block whose logs were processed. */
  setCursor(block: bigint): Promise<void>;
  /** Stores a pool once (a second PoolCreated of the same id is ignored). */
  insertPool(p: NewPool): Promise<void>;
  /** Stores a ticket-signer entry once; `since` is its block time (s). */
  insertSigner(s: {
    poolId: Hex;
    blockNumber: number;
    logIndex: number;
    since: number;
    signer: Address;
  }): Promise<void>;
  /** Sets the price in force from `fromEpoch` (a later change for the same epoch replaces it). */
  upsertPrice(p: { poolId: Hex; fromEpoch: number; pricePerGb: string; blockNumber: number }): Promise<void>;
  /** Sets a pool's balances as read from poolInfo at `block`. */
  updateBalances(poolId: Hex, b: { unallocated: bigint; owed: bigint; block: number }): Promise<void>;
};

/**
 * Pools, the follower's cursor and small key/value state (chain_state: the deployment identity, the distributor the
 * database belongs to), implemented on SQLite (createChainStore) and PostgreSQL (createPostgresChainStore). None of
 * it is on the ingest hot path. On PostgreSQL an outage is thrown with code STORAGE_UNAVAILABLE.
 */
export type ChainStore = ChainStoreWrites & {
  /**
   * Runs `fn` in one transaction: its writes through `tx` are committed together when the returned promise
   * resolves, and none of them when it rejects. `fn` must not use the store's own writes meanwhile.
   */
  transaction<T>(fn: (tx: ChainStoreWrites) => Promise<T>): Promise<T>;
  getValue(key: string): Promise<string | undefined>;
  /** Last block whose logs were processed, or undefined before the first sync. */
  getCursor(): Promise<bigint | undefined>;
  /** Every stored pool with its signer and price histories (in chain order). */
  loadPools(): Promise<PoolRecord[]>;
};
