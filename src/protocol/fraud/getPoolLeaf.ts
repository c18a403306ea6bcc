import type { FraudEpoch, PoolLeaf } from "./types.ts";

/** The pools-tree leaf (IFraudProver PoolLeaf) of pools[index], its leavesRoot from its accounts tree. */
export function getPoolLeaf(epoch: FraudEpoch, index: number): PoolLeaf {
  const { accounts: _, ...pool } = epoch.pools[index]!;
  return { ...pool, leavesRoot: epoch.accountsTrees[index]!.rootHash };
}
