import type { Address, Hex, PoolInfo } from "../../protocol/types.ts";

/** A pool as followed from the chain. */
export type PoolRecord = {
  poolId: Hex;
  token: Address;
  owner: Address;
  metadataUri: string;
  unallocated: bigint;
  owed: bigint;
  createdBlock: number;
  /** Block time (s) of PoolCreated. */
  createdAt: number;
  updatedBlock: number;
  /** Ticket signers in chain order; `since` is the block time (s) they took effect. */
  signers: { since: number; signer: Address }[];
  /** Prices in force from `fromEpoch` on, ascending. */
  prices: { fromEpoch: number; pricePerGB: bigint }[];
};

export type PoolRegistry = {
  get(poolId: string): PoolRecord | undefined;
  all(): PoolRecord[];
  set(pool: PoolRecord): void;
  /** What validateReceipt needs for a receipt delivered at `deliveredAtMs`: the signer in force then. */
  validationPool(poolId: string, deliveredAtMs: bigint): PoolInfo | undefined;
  /** The contract's ticketSignerAt(poolId, timestamp). */
  signerAt(pool: PoolRecord, timestamp: number): Address;
  /** The contract's priceAt(poolId, epoch). */
  priceAt(pool: PoolRecord, epoch: number): bigint;
};

/**
 * The in-memory view of the pools the chain follower maintains and ingest reads on every receipt.
 * signerAt and priceAt mirror the contract's views exactly (latest entry not after the time or epoch, else the first).
 */
export function createPoolRegistry(initial: readonly PoolRecord[] = []): PoolRegistry {
  const pools = new Map<string, PoolRecord>();
  for (const p of initial) pools.set(p.poolId.toLowerCase(), p);
  const signerAt = (pool: PoolRecord, timestamp: number): Address => {
    const s = pool.signers;
    for (let i = s.length - 1; i >= 0; i--) if (s[i]!.since <= timestamp) return s[i]!.signer;
    return s[0]!.signer;
  };
  return {
    get: (poolId) => pools.get(poolId.toLowerCase()),
    all: () => [...pools.values()].sort((a, b) => (a.poolId < b.poolId ? -1 : a.poolId > b.poolId ? 1 : 0)),
    set(pool) {
      pools.set(pool.poolId.toLowerCase(), pool);
    },
    validationPool(poolId, deliveredAtMs) {
      const pool = pools.get(poolId.toLowerCase());
      if (!pool || pool.signers.length === 0) return undefined;
      const seconds = Number(deliveredAtMs / 1000n);
      return { poolId: pool.poolId, ticketSigner: signerAt(pool, seconds), active: true };
    },
    signerAt,
    priceAt(pool, epoch) {
      const p = pool.prices;
      for (let i = p.length - 1; i >= 0; i--) if (p[i]!.fromEpoch <= epoch) return p[i]!.pricePerGB;
      return p[0]!.pricePerGB;
    },
  };
}
