import type { Address, Hex } from "../types.ts";
import { findKeyPosition } from "./findKeyPosition.ts";
import { getNeighbours } from "./getNeighbours.ts";
import { getPoolLeaf } from "./getPoolLeaf.ts";
import { getSumPath } from "./getSumPath.ts";
import type { AccountAbsence, FraudEpoch, PoolAccountLeaf, PoolLeaf } from "./types.ts";

/**
 * The proof that (account, pool) has no leaf in the epoch's accounting trees (IFraudProver AccountAbsence): the
 * pool's absence from the pools tree by its neighbours, or the pool's leaf and the account's neighbours in its
 * leavesRoot. Undefined when the account does have a leaf there.
 */
export function getAccountAbsence(epoch: FraudEpoch, poolId: Hex, account: Address): AccountAbsence | undefined {
  const pools = findKeyPosition(epoch.pools.length, (i) => epoch.pools[i]!.poolId.toLowerCase(), poolId.toLowerCase());
  if (!pools.found) {
    const leaves: PoolLeaf[] = epoch.pools.map((_, i) => getPoolLeaf(epoch, i));
    return { poolAbsent: true, pools: getNeighbours(epoch.poolsTree, leaves, pools.index) };
  }
  const pool = epoch.pools[pools.index]!;
  const at = findKeyPosition(
    pool.accounts.length,
    (i) => pool.accounts[i]!.account.toLowerCase(),
    account.toLowerCase(),
  );
  if (at.found) return undefined;
  const leaves: PoolAccountLeaf[] = pool.accounts.map(({ account, cumulativeAmount, epochCommitment }) => ({
    account,
    cumulativeAmount,
    epochCommitment,
  }));
  return {
    poolAbsent: false,
    pool: getPoolLeaf(epoch, pools.index),
    poolPath: getSumPath(epoch.poolsTree, pools.index),
    accounts: getNeighbours(epoch.accountsTrees[pools.index]!, leaves, at.index),
  };
}
