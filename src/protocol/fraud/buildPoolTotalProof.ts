import type { EpochCommitmentPreimage } from "../commitments/types.ts";
import { findKeyPosition } from "./findKeyPosition.ts";
import { getNeighbours } from "./getNeighbours.ts";
import { getPoolLeaf } from "./getPoolLeaf.ts";
import { getSumPath } from "./getSumPath.ts";
import type { FraudEpoch, PoolTotalProof } from "./types.ts";

/** Which poolTotal fault to prove (IFraudProver PoolTotalProof modes). */
export type PoolTotalFault =
  /** pools[pool]'s leavesRoot does not sum to (uncappedTotal, total) or has another length than leafCount, or
   * account `account`'s value is not baseAmount << 128 | (epochAmount + bonusAmount) of `commitment`. */
  | { readonly mode: 0; readonly pool: number; readonly account: number; readonly commitment: EpochCommitmentPreimage }
  /** pools[pool] disagrees with the posted totals (no entry, or other figures). */
  | { readonly mode: 2; readonly pool: number }
  /** posted[postedIndex]'s pool has no pools-tree leaf. */
  | { readonly mode: 3; readonly postedIndex: number }
  /** pools[pool] and pools[other] (pool < other) out of poolId order. */
  | { readonly mode: 4; readonly pool: number; readonly other: number }
  /** accounts `account` < `other` of pools[pool] out of account order. */
  | { readonly mode: 5; readonly pool: number; readonly account: number; readonly other: number };

/** poolTotal (kind 6): the pools-tree leaf and path, and what the chosen mode opens. */
export function buildPoolTotalProof(epoch: FraudEpoch, fault: PoolTotalFault): PoolTotalProof {
  const leafOf = (p: number, a: number) => {
    const { value: _, ...account } = epoch.pools[p]!.accounts[a]!;
    return account;
  };
  if (fault.mode === 3) {
    const poolId = epoch.posted[fault.postedIndex]!.poolId.toLowerCase();
    const at = findKeyPosition(epoch.pools.length, (i) => epoch.pools[i]!.poolId.toLowerCase(), poolId);
    const leaves = epoch.pools.map((_, i) => getPoolLeaf(epoch, i));
    return {
      mode: 3,
      data: epoch.data,
      posted: epoch.posted,
      postedIndex: BigInt(fault.postedIndex),
      absence: getNeighbours(epoch.poolsTree, leaves, at.index),
    };
  }
  const base = {
    data: epoch.data,
    pool: getPoolLeaf(epoch, fault.pool),
    poolPath: getSumPath(epoch.poolsTree, fault.pool),
  };
  switch (fault.mode) {
    case 0:
      return {
        mode: 0,
        ...base,
        account: leafOf(fault.pool, fault.account),
        commitment: fault.commitment,
        accountPath: getSumPath(epoch.accountsTrees[fault.pool]!, fault.account),
      };
    case 2:
      return { mode: 2, ...base, posted: epoch.posted };
    case 4:
      return {
        mode: 4,
        ...base,
        other: getPoolLeaf(epoch, fault.other),
        otherPath: getSumPath(epoch.poolsTree, fault.other),
      };
    case 5:
      return {
        mode: 5,
        ...base,
        account: leafOf(fault.pool, fault.account),
        accountPath: getSumPath(epoch.accountsTrees[fault.pool]!, fault.account),
        otherAccount: leafOf(fault.pool, fault.other),
        otherAccountPath: getSumPath(epoch.accountsTrees[fault.pool]!, fault.other),
      };
  }
}
