import type { Hex, RewardLeaf } from "../types.ts";

/** The leaf as the value array StandardMerkleTree.of(values, REWARD_LEAF_TYPES) takes (bigints as decimal strings). */
export function rewardLeafToValues(leaf: RewardLeaf): [Hex, Hex, string, string, string, Hex] {
  return [
    leaf.account,
    leaf.poolId,
    leaf.cumulativeAmount.toString(),
    leaf.epochBytes.toString(),
    leaf.epochAmount.toString(),
    leaf.receiptsRoot,
  ];
}
