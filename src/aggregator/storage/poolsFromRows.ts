import type { Address, Hex } from "../../protocol/types.ts";
import type { PoolRecord } from "../chain/createPoolRegistry.ts";

type Num = number | string;

/**
 * The pools of the `pools` table with their histories, from rows of either engine (SQLite gives integers as numbers,
 * pg gives BIGINT as text). `signers` must be ordered by (pool, block, log index) and `prices` by (pool, fromEpoch).
 */
export function poolsFromRows(
  pools: readonly {
    poolId: string;
    token: string;
    owner: string;
    metadataUri: string;
    unallocated: string;
    owed: string;
    createdBlock: Num;
    createdAt: Num;
    updatedBlock: Num;
  }[],
  signers: readonly { poolId: string; since: Num; signer: string }[],
  prices: readonly { poolId: string; fromEpoch: Num; pricePerGb: string }[],
): PoolRecord[] {
  return pools.map((p) => ({
    poolId: p.poolId as Hex,
    token: p.token as Address,
    owner: p.owner as Address,
    metadataUri: p.metadataUri,
    unallocated: BigInt(p.unallocated),
    owed: BigInt(p.owed),
    createdBlock: Number(p.createdBlock),
    createdAt: Number(p.createdAt),
    updatedBlock: Number(p.updatedBlock),
    signers: signers
      .filter((s) => s.poolId === p.poolId)
      .map((s) => ({ since: Number(s.since), signer: s.signer as Address })),
    prices: prices
      .filter((x) => x.poolId === p.poolId)
      .map((x) => ({ fromEpoch: Number(x.fromEpoch), pricePerGB: BigInt(x.pricePerGb) })),
  }));
}
