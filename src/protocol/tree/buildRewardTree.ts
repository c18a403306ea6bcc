import { keccak256 } from "../hash/keccak256.ts";
import type { Keccak256, RewardLeaf } from "../types.ts";
import { buildMerkleTree } from "./buildMerkleTree.ts";
import { hashRewardLeaves } from "./hashRewardLeaves.ts";
import type { MerkleTree } from "./MerkleTree.ts";

export type RewardTree = MerkleTree & { readonly leaves: readonly RewardLeaf[] };

/**
 * The epoch's reward tree: same root and proofs as
 * StandardMerkleTree.of(leaves.map(rewardLeafToValues), REWARD_LEAF_TYPES). `getProof(i)` proves `leaves[i]`.
 * Pass createFastKeccak256() as `keccak` for large trees.
 */
export function buildRewardTree(leaves: readonly RewardLeaf[], keccak: Keccak256 = keccak256): RewardTree {
  return Object.assign(buildMerkleTree(hashRewardLeaves(leaves, keccak), keccak), { leaves });
}
